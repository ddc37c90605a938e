package llm

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"strings"
	"sync"
	"syscall"

	"github.com/vidskim/vidskim/textsafe"
)

// DefaultMaxFailures is how many attempts in a row, across all requests,
// may fail (5xx, no answer, a broken answer; not 429) before the client
// stops sending: a server that fails them all is down, and trying every
// remaining request against it would take hours.
const DefaultMaxFailures = 16

// health is what a client knows of its server across requests: whether it
// ever answered, and how many attempts in a row failed.
type health struct {
	baseURL string // for messages, user-info removed
	limit   int

	mu    sync.Mutex
	alive bool  // some answer came, whatever its status
	fails int   // attempts failed in a row
	down  error // set once the limit is passed: every request stops
}

// stopped is the error that ended the client's requests, or nil.
func (h *health) stopped() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.down
}

// answered records an answer that is not a failure to retry.
func (h *health) answered(status int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if status > 0 {
		h.alive, h.fails = true, 0
	}
}

// failed records an attempt that failed with failure (status 0 when no
// answer came), and returns a *ServerDownError once too many failed in a
// row. A 429 is a live server pacing its clients, not a failure here.
func (h *health) failed(status int, failure error) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if status > 0 {
		h.alive = true
	}
	if status == 429 || h.down != nil {
		return h.down
	}
	h.fails++
	if h.fails >= h.limit {
		h.down = &ServerDownError{Failures: h.fails, Last: failure}
	}
	return h.down
}

// netError turns a failure to reach the server at all, before it ever
// answered, into a *ConnectError that stops the run at once: a wrong URL,
// a server not started, a certificate that does not match. Once the
// server has answered, the same failure is a blip to retry.
func (h *health) netError(err error) error {
	cause, ok := connectCause(err)
	h.mu.Lock()
	alive := h.alive
	h.mu.Unlock()
	if !ok || alive {
		return err
	}
	return &ConnectError{BaseURL: h.baseURL, Cause: cause}
}

// connectCause names why a connection could not be made, if that is what
// err is: DNS, TCP connect or TLS.
func connectCause(err error) (string, bool) {
	var (
		dns  *net.DNSError
		rec  tls.RecordHeaderError
		cert *tls.CertificateVerificationError
		ua   x509.UnknownAuthorityError
		hn   x509.HostnameError
		ci   x509.CertificateInvalidError
		op   *net.OpError
	)
	switch {
	case errors.As(err, &dns):
		return "DNS lookup of " + textsafe.Line(dns.Name) + " failed: " + dns.Err, true
	case errors.As(err, &rec), strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		return "TLS handshake failed: the server does not speak TLS there (http:// instead?)", true
	case errors.As(err, &cert), errors.As(err, &ua), errors.As(err, &hn), errors.As(err, &ci):
		return "TLS certificate not accepted: " + textsafe.Brief(err.Error(), 200), true
	case errors.As(err, &op) && op.Op == "dial":
		switch {
		case errors.Is(err, syscall.ECONNREFUSED):
			return "connection refused (is the server running, and is the port right?)", true
		case op.Timeout():
			return "connection timed out", true
		}
		return textsafe.Brief(op.Err.Error(), 200), true
	case errors.As(err, &op) && op.Op == "remote error":
		return "TLS handshake failed: " + textsafe.Brief(op.Err.Error(), 200), true
	}
	return "", false
}
