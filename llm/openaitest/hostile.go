package openaitest

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Hostile is how a scripted reply misbehaves, as a broken proxy, a
// malicious server or a flaky network would. The zero value behaves.
type Hostile struct {
	// Raw sends Body with Status (200 when 0) as it is: an HTML page or
	// broken JSON with status 200.
	Raw bool
	// Echo replaces "{key}" in Body and Content with the credentials the
	// request carried (the Authorization or api-key header's value), as a
	// server that echoes what it got would.
	Echo bool
	// Gzip compresses the body (Content-Encoding: gzip).
	Gzip bool
	// HugeContent answers 200 with a completion whose content is this many
	// bytes, streamed without holding it.
	HugeContent int64
	// GzipBomb answers 200 with a gzip body that inflates to this many
	// bytes of zeros, streamed (a few kilobytes a megabyte on the wire).
	GzipBomb int64
	// CutAfter promises the whole body (Content-Length), sends only this
	// many bytes of it, and drops the connection.
	CutAfter int
	// Stall sends half the body, then waits this long (or until the client
	// leaves) before sending the rest.
	Stall time.Duration
}

// echo fills in the credentials a request carried.
func echo(req Request, s string) string {
	creds := strings.TrimSpace(req.Header.Get("Authorization") + " " + req.Header.Get("api-key"))
	return strings.ReplaceAll(s, "{key}", creds)
}

// hostile answers the misbehaviours that replace the whole answer, and
// reports whether it did.
func (s *Server) hostile(w http.ResponseWriter, req Request, reply Reply) bool {
	h := reply.Hostile
	switch {
	case h.HugeContent > 0:
		w.Header().Set("Content-Type", "application/json")
		prefix := fmt.Sprintf(`{"id":"chatcmpl-huge","object":"chat.completion","created":1763900000,"model":%q,"choices":[{"index":0,"message":{"role":"assistant","content":"`, req.Model)
		suffix := `"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}`
		w.Header().Set("Content-Length", strconv.FormatInt(int64(len(prefix))+h.HugeContent+int64(len(suffix)), 10))
		io.WriteString(w, prefix)
		chunk := bytes.Repeat([]byte("a"), 64<<10)
		for left := h.HugeContent; left > 0; left -= int64(len(chunk)) {
			if _, err := w.Write(chunk[:min(left, int64(len(chunk)))]); err != nil {
				return true // the client went away, as it should
			}
		}
		io.WriteString(w, suffix)
		return true
	case h.GzipBomb > 0:
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		zw, _ := gzip.NewWriterLevel(w, gzip.BestCompression)
		zeros := make([]byte, 1<<20)
		for left := h.GzipBomb; left > 0; left -= int64(len(zeros)) {
			if _, err := zw.Write(zeros[:min(left, int64(len(zeros)))]); err != nil {
				return true
			}
		}
		zw.Close()
		return true
	case h.Raw:
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", "text/html")
		}
		s.send(w, req, reply.Status, Hostile{CutAfter: h.CutAfter, Stall: h.Stall, Gzip: h.Gzip}, []byte(reply.Body))
		return true
	}
	return false
}

// send writes status and body with the misbehaviours that bend a body: compressed,
// cut mid-way, or stalled half-way.
func (s *Server) send(w http.ResponseWriter, req Request, status int, h Hostile, body []byte) {
	if h.Gzip {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Write(body)
		zw.Close()
		body = b.Bytes()
		w.Header().Set("Content-Encoding", "gzip")
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	switch {
	case h.CutAfter > 0:
		w.Write(body[:min(h.CutAfter, len(body))])
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler) // drop the connection mid-body
	case h.Stall > 0:
		w.Write(body[:len(body)/2])
		w.(http.Flusher).Flush()
		select {
		case <-time.After(h.Stall):
		case <-req.Context().Done():
			return
		}
		w.Write(body[len(body)/2:])
	default:
		w.Write(body)
	}
}

// RefusedURL is an API base URL at which nothing listens: a port that was
// just free on the loopback, so connecting is refused at once.
func RefusedURL(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr + "/v1"
}
