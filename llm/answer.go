package llm

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"

	"github.com/vidskim/vidskim/textsafe"
)

// Bounds on what is read of an answer. A chat answer is a few kilobytes
// (100,000 tokens, the most --max-tokens allows, are under half a
// megabyte) and a transcript of a 25 MB upload well under a megabyte; a
// server sending more (or a gzip bomb) is refused before memory suffers,
// even with every request in flight reading at once.
const (
	// MaxAnswerBytes is the most of an answer read, decompressed.
	MaxAnswerBytes = 8 << 20
	// maxWireBytes is the most read off the wire, compressed or not.
	maxWireBytes = MaxAnswerBytes
	// headBytes is how much of an error answer is read: its message.
	headBytes = 64 << 10
	// MaxAudioBytes bounds a speech answer: 4096 characters are about five
	// minutes of speech, 15 MB as WAV.
	MaxAudioBytes = 64 << 20
)

type audioKey struct{}

// withAudioAnswer returns a context whose requests expect audio back (a
// speech answer): bounded by MaxAudioBytes, and binary, not JSON.
func withAudioAnswer(ctx context.Context) context.Context {
	return context.WithValue(ctx, audioKey{}, true)
}

// readAnswer reads resp's body whole, within the bounds, and puts it back
// as a buffer, decompressed: so the attempt's deadline covers the whole
// body, a broken body is this attempt's failure, and go-openai never reads
// more than was allowed. A redirect is refused; a 2xx answer must be a
// JSON object, or, where audio is asked for (withAudioAnswer), anything
// up to MaxAudioBytes.
func readAnswer(ctx context.Context, resp *http.Response, secrets []string) error {
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		resp.Body.Close()
		return &RedirectError{Status: resp.StatusCode, Location: textsafe.Foreign(resp.Header.Get("Location"), 300, secrets...)}
	}
	audio, _ := ctx.Value(audioKey{}).(bool)
	limit := int64(MaxAnswerBytes)
	if audio {
		limit = MaxAudioBytes
	}
	if resp.StatusCode >= 400 {
		limit = headBytes
	}
	body, err := readBounded(resp, limit, max(limit, maxWireBytes))
	resp.Body.Close()
	if err != nil {
		return err
	}
	if resp.StatusCode < 300 && !audio {
		if err := checkJSON(resp.Header.Get("Content-Type"), body, secrets); err != nil {
			return err
		}
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Del("Content-Encoding")
	resp.Header.Del("Content-Length")
	resp.Uncompressed = true
	return nil
}

// readBounded reads at most limit bytes of the decompressed body and at
// most wireLimit off the wire. An error answer longer than limit is cut
// (its head says enough); a good answer longer is refused.
func readBounded(resp *http.Response, limit, wireLimit int64) ([]byte, error) {
	if resp.StatusCode < 300 && resp.ContentLength > wireLimit {
		return nil, &TooLargeError{Limit: limit}
	}
	wire := &counter{r: io.LimitReader(resp.Body, wireLimit+1)}
	var r io.Reader = wire
	if strings.EqualFold(strings.TrimSpace(resp.Header.Get("Content-Encoding")), "gzip") {
		zr, err := gzip.NewReader(wire)
		if err != nil {
			return nil, bodyError(err, 0)
		}
		r = zr
	}
	body, err := io.ReadAll(io.LimitReader(r, limit+1))
	switch {
	case int64(len(body)) > limit && resp.StatusCode >= 300:
		return body[:limit], nil
	case int64(len(body)) > limit || wire.n > wireLimit:
		return nil, &TooLargeError{Limit: limit}
	case err != nil:
		return nil, bodyError(err, len(body))
	}
	return body, nil
}

// bodyError says what went wrong reading a body: a cut (transient), or
// the caller's own cancellation or deadline, passed on as is.
func bodyError(err error, got int) error {
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case errors.Is(err, gzip.ErrHeader), errors.Is(err, gzip.ErrChecksum):
		return &BadAnswerError{What: "its gzip compression is corrupt"}
	}
	return &BadAnswerError{What: fmt.Sprintf("cut off mid-way, after %d bytes (%s)", got, textsafe.Brief(err.Error(), 100))}
}

var titleRE = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)

// checkJSON refuses a 2xx answer that is not a JSON object: an HTML page
// from a proxy or captive portal, or a broken body.
func checkJSON(contentType string, body []byte, secrets []string) error {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) > 0 && trimmed[0] == '{' && json.Valid(trimmed) {
		return nil
	}
	if strings.Contains(strings.ToLower(contentType), "html") || bytes.HasPrefix(trimmed, []byte("<")) {
		what := "an HTML page with status 200, not JSON"
		if m := titleRE.FindSubmatch(trimmed); m != nil {
			what += fmt.Sprintf(" (%q)", textsafe.Foreign(string(m[1]), 100, secrets...))
		}
		return &BadAnswerError{What: what}
	}
	if len(trimmed) == 0 {
		return &BadAnswerError{What: "an empty body with status 200"}
	}
	return &BadAnswerError{What: fmt.Sprintf("not valid JSON (%q)", textsafe.Foreign(string(trimmed), 80, secrets...))}
}

// peekString returns an already-read body as a string, for classify.
func peekString(resp *http.Response) string {
	b, _ := io.ReadAll(resp.Body)
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return string(b)
}

// counter counts the bytes read through it.
type counter struct {
	r io.Reader
	n int64
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
