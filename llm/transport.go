package llm

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// transport retries what classify says to retry, honouring Retry-After
// (seconds or an HTTP date) and retry-after-ms, else backing off
// exponentially with jitter. Each attempt has its own timeout, so a hung
// server cannot hang the run, and every wait ends when the request's
// context does. go-openai does none of this itself.
type transport struct {
	base                   http.RoundTripper
	maxRetries             int
	timeout                time.Duration
	minBackoff, maxBackoff time.Duration
	onRetry                func(attempt, status int, wait time.Duration, err error)
}

// maxServerWait caps Retry-After: a longer wait is the server saying "not
// today", better reported than slept through.
const maxServerWait = 5 * time.Minute

// headBytes is how much of an error body is read to classify it.
const headBytes = 64 << 10

// RoundTrip implements http.RoundTripper.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	for attempt := 0; ; attempt++ {
		resp, err := t.attempt(req, attempt)
		status, head := 0, ""
		if resp != nil {
			if resp.StatusCode < 400 {
				return resp, nil
			}
			status, head = resp.StatusCode, peek(resp)
		}
		if classify(status, head, err) != Retry || attempt >= t.maxRetries || req.Context().Err() != nil {
			return resp, err
		}
		wait := t.backoff(attempt, resp)
		if resp != nil {
			resp.Body.Close()
		}
		if t.onRetry != nil {
			t.onRetry(attempt+1, status, wait, err)
		}
		if err := sleep(req.Context(), wait); err != nil {
			return nil, err
		}
	}
}

// attempt sends one try with a fresh body and its own deadline; the
// deadline is released when the response body is closed.
func (t *transport) attempt(req *http.Request, n int) (*http.Response, error) {
	ctx, cancel := req.Context(), context.CancelFunc(func() {})
	if t.timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, t.timeout)
	}
	r := req.Clone(ctx)
	if n > 0 && req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			cancel()
			return nil, err
		}
		r.Body = body
	}
	resp, err := t.base.RoundTrip(r)
	if err != nil {
		cancel()
		if ctx.Err() == context.DeadlineExceeded && req.Context().Err() == nil {
			err = &TimeoutError{After: t.timeout}
		}
		return nil, err
	}
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c *cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}

// peek reads the head of an error body for classify and puts it back for
// the caller.
func peek(resp *http.Response) string {
	head, _ := io.ReadAll(io.LimitReader(resp.Body, headBytes))
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(head), resp.Body), resp.Body}
	return string(head)
}

// backoff is the server's Retry-After when it gives one, else an
// exponential wait with full jitter.
func (t *transport) backoff(attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if d, ok := retryAfter(resp.Header, time.Now()); ok {
			return min(d, maxServerWait)
		}
	}
	lo, hi := t.minBackoff, t.maxBackoff
	if lo <= 0 {
		lo = time.Second
	}
	if hi <= 0 {
		hi = time.Minute
	}
	d := min(hi, lo<<min(attempt, 20))
	return d/2 + rand.N(d/2+1)
}

// retryAfter reads retry-after-ms, then Retry-After in seconds or as an
// HTTP date.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	if ms, err := strconv.ParseFloat(h.Get("retry-after-ms"), 64); err == nil && ms >= 0 && ms < 1e9 {
		return time.Duration(ms * float64(time.Millisecond)), true
	}
	v := h.Get("Retry-After")
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 && s < 1e6 {
		return time.Duration(s * float64(time.Second)), true
	}
	if at, err := http.ParseTime(v); err == nil {
		return max(0, at.Sub(now)), true
	}
	return 0, false
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// fieldsTransport sets top-level fields in every JSON request body: the
// provider quirks go-openai cannot express (see Config.bodyFields).
type fieldsTransport struct {
	fields map[string]any
}

// RoundTrip implements http.RoundTripper.
func (t *fieldsTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body == nil || len(t.fields) == 0 || req.Method != http.MethodPost {
		return http.DefaultTransport.RoundTrip(req)
	}
	raw, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return nil, err
	}
	var body map[string]json.RawMessage
	if err := json.Unmarshal(raw, &body); err == nil {
		for k, v := range t.fields {
			if b, err := json.Marshal(v); err == nil {
				body[k] = b
			}
		}
		if patched, err := json.Marshal(body); err == nil {
			raw = patched
		}
	}
	r := req.Clone(req.Context())
	r.Body = io.NopCloser(bytes.NewReader(raw))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(raw)), nil }
	r.ContentLength = int64(len(raw))
	r.Header.Set("Content-Length", strconv.Itoa(len(raw)))
	return http.DefaultTransport.RoundTrip(r)
}
