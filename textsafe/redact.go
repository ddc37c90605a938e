package textsafe

import (
	"regexp"
	"strings"
)

// Redacted stands where a secret was.
const Redacted = "[redacted]"

var secretPatterns = []struct {
	re   *regexp.Regexp
	repl string
}{
	// URL user-info: scheme://user:password@host
	{regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*://)[^/\s@"'<>]+@`), "${1}***@"},
	// header-like pairs: Authorization: Bearer x, api-key: x, "api_key": "x"
	{regexp.MustCompile(`(?i)((?:proxy-)?authorization"?\s*[:=]\s*"?)(?:(?:bearer|basic|token)\s+)?[^\s",;]+`), "${1}" + Redacted},
	{regexp.MustCompile(`(?i)((?:x-)?api[-_]?key"?\s*[:=]\s*"?)[^\s",;&]+`), "${1}" + Redacted},
	// query parameters that carry keys
	{regexp.MustCompile(`(?i)([?&](?:api[-_]?key|key|token|access_token|sig)=)[^&\s"]+`), "${1}" + Redacted},
	// bearer tokens and OpenAI-style keys anywhere
	{regexp.MustCompile(`(?i)(bearer\s+)[A-Za-z0-9._~+/=-]{8,}`), "${1}" + Redacted},
	{regexp.MustCompile(`\bsk-[A-Za-z0-9_-]{16,}`), Redacted},
}

// Redact removes secrets from text that came from elsewhere (a server's
// message, a URL) before it is shown or stored: every secret given (the
// API key), whatever follows Authorization or api-key, bearer tokens,
// OpenAI-style keys, key-carrying query parameters, and the user-info of
// URLs (scheme://user:pass@host becomes scheme://***@host).
func Redact(s string, secrets ...string) string {
	for _, sec := range secrets {
		if len(sec) >= 4 {
			s = strings.ReplaceAll(s, sec, Redacted)
		}
	}
	for _, p := range secretPatterns {
		s = p.re.ReplaceAllString(s, p.repl)
	}
	return s
}

// Foreign is a server's text made fit to show: Redact, then Brief to one
// line of at most max bytes.
func Foreign(s string, max int, secrets ...string) string {
	return Brief(Redact(s, secrets...), max)
}
