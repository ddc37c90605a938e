package summarize

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"time"
)

// RetryTransport retries what is worth retrying: 429 and 5xx answers
// (including an HTML error page from a proxy), connection resets and
// timeouts. It honours Retry-After (seconds or an HTTP date) and
// retry-after-ms, and otherwise backs off exponentially with jitter. Each
// attempt has its own timeout, so a hung server cannot hang the run. Every
// wait ends when the request's context does. go-openai does none of this
// itself, so vidskim gives it this transport.
type RetryTransport struct {
	Base       http.RoundTripper // nil means http.DefaultTransport
	MaxRetries int               // retries after the first attempt
	Timeout    time.Duration     // per attempt; 0 means none
	// MinBackoff and MaxBackoff bound the computed waits; 0 means 1 s and
	// 60 s. A server's Retry-After is honoured up to 5 minutes.
	MinBackoff, MaxBackoff time.Duration
	// OnRetry, when set, is told of each retry (for the log).
	OnRetry func(attempt int, status int, wait time.Duration, err error)
}

// maxServerWait caps Retry-After: a longer wait is the server saying "not
// today", better reported than slept through.
const maxServerWait = 5 * time.Minute

func (t *RetryTransport) base() http.RoundTripper {
	if t.Base != nil {
		return t.Base
	}
	return http.DefaultTransport
}

// RoundTrip implements http.RoundTripper.
func (t *RetryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	for attempt := 0; ; attempt++ {
		resp, err := t.attempt(req, attempt)
		if resp != nil && resp.StatusCode >= 500 && permanent(resp) {
			return resp, err
		}
		if !retryable(resp, err) || attempt >= t.MaxRetries || req.Context().Err() != nil {
			return resp, err
		}
		wait := t.backoff(attempt, resp)
		status := 0
		if resp != nil {
			status = resp.StatusCode
			io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
		}
		if t.OnRetry != nil {
			t.OnRetry(attempt+1, status, wait, err)
		}
		if err := sleep(req.Context(), wait); err != nil {
			return nil, err
		}
	}
}

// attempt sends one try with a fresh body and its own deadline; the
// deadline is released when the response body is closed.
func (t *RetryTransport) attempt(req *http.Request, n int) (*http.Response, error) {
	r := req
	ctx, cancel := req.Context(), context.CancelFunc(func() {})
	if t.Timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, t.Timeout)
	}
	r = req.Clone(ctx)
	if n > 0 && req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			cancel()
			return nil, err
		}
		r.Body = body
	}
	resp, err := t.base().RoundTrip(r)
	if err != nil {
		cancel()
		if ctx.Err() == context.DeadlineExceeded && req.Context().Err() == nil {
			err = &timeoutError{after: t.Timeout}
		}
		return nil, err
	}
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

type timeoutError struct{ after time.Duration }

func (e *timeoutError) Error() string {
	return "no answer within " + e.after.String() + " (--timeout)"
}
func (e *timeoutError) Timeout() bool { return true }

type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c *cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}

// retryable says whether a try failed in a way a later try may not.
func retryable(resp *http.Response, err error) bool {
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return false
		}
		var te *timeoutError
		var ne net.Error
		return errors.As(err, &te) || errors.As(err, &ne) || errors.Is(err, io.ErrUnexpectedEOF) ||
			errors.Is(err, io.EOF) || isConnReset(err)
	}
	return resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusRequestTimeout ||
		resp.StatusCode == 409 || resp.StatusCode >= 500
}

func isConnReset(err error) bool {
	var op *net.OpError
	return errors.As(err, &op)
}

// permanent peeks at a 5xx body for a refusal that no retry will change
// (Ollama answers 500 to a second image for a one-image model); the body
// is put back for the caller.
func permanent(resp *http.Response) bool {
	head, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(head), resp.Body), resp.Body}
	return err == nil && singleImageRE.Match(head)
}

// backoff is the server's Retry-After when it gives one, else an
// exponential wait with full jitter.
func (t *RetryTransport) backoff(attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if d, ok := retryAfter(resp.Header, time.Now()); ok {
			return min(d, maxServerWait)
		}
	}
	lo, hi := t.MinBackoff, t.MaxBackoff
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
