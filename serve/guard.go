package serve

import (
	"crypto/subtle"
	"net"
	"net/http"
	"strings"
	"time"
)

// csp lets a page run only the app's own script and styles, show only its
// own images (and the data: frames of an answer), play only its own
// media, and post only to itself: injected markup could do nothing.
const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; " +
	"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

const tokenCookie = "vidskim_token"

// maxBody bounds what a request may send: a question and its options.
const maxBody = 64 << 10

// guard wraps every request: strict headers; then, without a token, only
// a loopback Host (a page of another site cannot reach the app through a
// name it points at 127.0.0.1); with one, only requests that carry it;
// and every POST only from the app's own pages.
func (s *Server) guard(next http.Handler) http.Handler {
	sameOrigin := http.NewCrossOriginProtection().Handler(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		switch {
		case s.o.Token == "" && !loopbackHost(r.Host):
			http.Error(w, "vidskim serve answers to localhost only (serve with --token to be reached by other names)", http.StatusForbidden)
		case s.o.Token != "" && !s.authorized(w, r):
		default:
			r.Body = http.MaxBytesReader(w, r.Body, maxBody)
			sameOrigin.ServeHTTP(w, r)
		}
	})
}

// loopbackHost says whether a Host header names this machine's loopback.
func loopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// authorized checks the token: a Bearer header or the cookie. A GET with
// the right ?token= sets the cookie and comes back without it, so the
// token leaves the address bar and the history; anything else is 401.
func (s *Server) authorized(w http.ResponseWriter, r *http.Request) bool {
	if t, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && s.tokenIs(t) {
		return true
	}
	if c, err := r.Cookie(tokenCookie); err == nil && s.tokenIs(c.Value) {
		return true
	}
	q := r.URL.Query()
	if r.Method == http.MethodGet && s.tokenIs(q.Get("token")) {
		http.SetCookie(w, &http.Cookie{Name: tokenCookie, Value: s.o.Token, Path: "/", HttpOnly: true,
			SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil, MaxAge: int((30 * 24 * time.Hour).Seconds())})
		q.Del("token")
		u := *r.URL
		u.RawQuery = q.Encode()
		http.Redirect(w, r, u.RequestURI(), http.StatusSeeOther)
		return false
	}
	http.Error(w, "vidskim serve: this server needs its token: open the address it printed (with ?token=)", http.StatusUnauthorized)
	return false
}

func (s *Server) tokenIs(t string) bool {
	return t != "" && subtle.ConstantTimeCompare([]byte(t), []byte(s.o.Token)) == 1
}
