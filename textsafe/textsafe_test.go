package textsafe

import (
	"strings"
	"testing"
)

func TestClean(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"csi and C1 csi whole", "ok \x1b[31mred\x1b[0m\u009b2J\r\nnext\tline\x07", "ok red\nnext\tline"},
		{"clear screen and osc title", "A \x1b[2J\x1b]0;pwned\x07title", "A title"},
		{"osc ended by ST", "x\x1b]8;;http://evil/\x1b\\link\x1b]8;;\x1b\\y", "xlinky"},
		{"C1 osc", "a\u009d0;t\u009cb", "ab"},
		{"dcs", "a\x1bP1$qm\x1b\\b", "ab"},
		{"two-byte escapes", "a\x1bcb\x1b(Bc\x1b7d", "abcd"},
		{"unterminated osc stops at newline", "a\x1b]0;title\nnext", "a\nnext"},
		{"malformed csi", "a\x1b[12\x01b", "ab"},
		{"bidi overrides", "safe\u202eevil\u202c \u2066x\u2069 \u200fy\u200e \u061cz", "safeevil x y z"},
		{"separators are newlines", "a\u2028b\u2029c", "a\nb\nc"},
		{"zwj kept for emoji", "\U0001F469\u200d\U0001F4BB", "\U0001F469\u200d\U0001F4BB"},
		{"padded", "  padded \n", "padded"},
		{"bad utf8", "bad \xff utf8", "bad \uFFFD utf8"},
		{"raw C1 byte", "x\x9b2Jy", "x\uFFFD2Jy"},
	}
	for _, tt := range tests {
		if got := Clean(tt.in); got != tt.want {
			t.Errorf("%s: Clean(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestLine(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a\nb\r\nc\td", "a b  c d"},
		{"two  spaces.mp4", "two  spaces.mp4"},
		{"name\x1b]0;pwned\x07.mp4", "name.mp4"},
		{"esc\x1b[2J\x1b]0;title\x07.mp4", "esc.mp4"},
		{"cod\u202egnp.exe", "codgnp.exe"},
	}
	for _, tt := range tests {
		if got := Line(tt.in); got != tt.want {
			t.Errorf("Line(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestBrief(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"<html>\n  <h1>Bad   gateway</h1>\n</html>", 0, "<html> <h1>Bad gateway</h1> </html>"},
		{"abcdef", 3, "abc..."},
		{"héllo", 2, "h..."}, // never cuts inside a rune
		{"short", 10, "short"},
	}
	for _, tt := range tests {
		if got := Brief(tt.in, tt.max); got != tt.want {
			t.Errorf("Brief(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
	}
}

func TestRedact(t *testing.T) {
	const key = "sk-live-0123456789abcdef"
	tests := []struct{ in, want string }{
		{"you sent " + key + " which is wrong", "you sent [redacted] which is wrong"},
		{"Authorization: Bearer abc.def-ghi_jkl", "Authorization: [redacted]"},
		{`{"headers":{"authorization":"Bearer zzzzzzzzzz","api-key":"azkey123"}}`, `{"headers":{"authorization":"[redacted]","api-key":"[redacted]"}}`},
		{"api_key=hunter22&x=1", "api_key=[redacted]&x=1"},
		{"GET https://alice:s3cret@proxy.example/v1?key=AIzaXYZ ok", "GET https://***@proxy.example/v1?key=[redacted] ok"},
		{"token sk-proj-ABCDEFGHIJKLMNOPQRSTUV leaked", "token [redacted] leaked"},
		{"Incorrect API key provided: sk-test-***4242", "Incorrect API key provided: sk-test-***4242"},
		{"nothing secret here", "nothing secret here"},
	}
	for _, tt := range tests {
		if got := Redact(tt.in, key); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	long := strings.Repeat("x", 1000) + key
	if got := Foreign(long, 300, key); len(got) > 303 || strings.Contains(got, key) {
		t.Errorf("Foreign: %d bytes, %q", len(got), got)
	}
}
