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

	"github.com/vidskim/vidskim/textsafe"
)

// transport retries what classify says to retry, honouring Retry-After
// (seconds or an HTTP date) and retry-after-ms up to MaxServerWait, else
// backing off exponentially with jitter. Each attempt has its own timeout,
// which covers reading the whole body, so neither a hung server nor a
// trickling body can hang the run; every answer is read whole, bounded,
// and checked (answer.go) before go-openai sees it, so a body cut mid-way,
// invalid JSON or an HTML page with status 200 is retried like a 5xx. A
// request's retries stop when its time budget is spent, and every
// request's when the server has failed too often in a row (health.go).
// Redirects are never followed. go-openai does none of this itself.
type transport struct {
	base                   http.RoundTripper
	maxRetries             int
	timeout                time.Duration
	minBackoff, maxBackoff time.Duration
	budget                 time.Duration // a request's whole time, retries and waits included
	onRetry                func(attempt, status int, wait time.Duration, err error)
	health                 *health
	secrets                []string
}

// MaxServerWait caps Retry-After: a server asking for longer is saying
// "not now", better reported at once as that request's failure than slept
// through in silence.
const MaxServerWait = 2 * time.Minute

// DefaultRequestBudget bounds one request with all its retries and waits,
// unless twice the attempt timeout is longer.
const DefaultRequestBudget = 10 * time.Minute

// attempts counts a request's attempts, for its final error.
type attempts struct{ n int }

type attemptsKey struct{}

// withAttempts returns a context whose requests count their attempts in a.
func withAttempts(ctx context.Context, a *attempts) context.Context {
	return context.WithValue(ctx, attemptsKey{}, a)
}

// RoundTrip implements http.RoundTripper.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	count, _ := req.Context().Value(attemptsKey{}).(*attempts)
	for attempt := 0; ; attempt++ {
		if err := t.health.stopped(); err != nil {
			return nil, err
		}
		if count != nil {
			count.n = attempt + 1
		}
		resp, err := t.attempt(req, attempt)
		status, head := 0, ""
		if resp != nil {
			status, head = resp.StatusCode, peekString(resp)
		}
		if action := classify(status, head, err); err == nil && status < 300 || action != Retry {
			t.health.answered(status)
			return resp, err
		}
		failure := t.report(err, status, head)
		if down := t.health.failed(status, failure); down != nil {
			return nil, closing(resp, down)
		}
		if attempt >= t.maxRetries || req.Context().Err() != nil {
			return resp, err
		}
		wait, werr := t.backoff(attempt, resp)
		if werr != nil {
			return nil, closing(resp, werr)
		}
		if time.Since(start)+wait > t.budget {
			return nil, closing(resp, &AttemptsError{Attempts: attempt + 1, OutOfTime: t.budget, Err: failure})
		}
		closing(resp, nil)
		if t.onRetry != nil {
			t.onRetry(attempt+1, status, wait, failure)
		}
		if err := sleep(req.Context(), wait); err != nil {
			return nil, err
		}
	}
}

// closing closes resp's body, if any, and returns err.
func closing(resp *http.Response, err error) error {
	if resp != nil {
		resp.Body.Close()
	}
	return err
}

// report is the failure of an attempt as it is shown: err, or the refusal
// resp carried, cleaned of secrets.
func (t *transport) report(err error, status int, head string) error {
	if err != nil {
		return apiError(err, t.secrets...)
	}
	return &APIError{Status: status, Message: textsafe.Foreign(errorMessage(head), 300, t.secrets...)}
}

// errorMessage is the message of an OpenAI-style error body, else the
// body itself.
func errorMessage(body string) string {
	var e struct {
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal([]byte(body), &e) == nil && e.Error.Message != "" {
		return e.Error.Message
	}
	return body
}

// attempt sends one try with a fresh body and its own deadline, and reads
// the answer whole within it.
func (t *transport) attempt(req *http.Request, n int) (*http.Response, error) {
	ctx, cancel := req.Context(), context.CancelFunc(func() {})
	if t.timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, t.timeout)
	}
	defer cancel()
	r := req.Clone(ctx)
	if n > 0 && req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		r.Body = body
	}
	r.Header.Set("Accept-Encoding", "gzip")
	timedOut := func() bool { return ctx.Err() == context.DeadlineExceeded && req.Context().Err() == nil }
	resp, err := t.base.RoundTrip(r)
	if err != nil {
		if timedOut() {
			return nil, &TimeoutError{After: t.timeout}
		}
		return nil, t.health.netError(err)
	}
	if err := readAnswer(ctx, resp, t.secrets); err != nil {
		if timedOut() {
			return nil, &TimeoutError{After: t.timeout}
		}
		return nil, err
	}
	return resp, nil
}

// backoff is the server's Retry-After when it gives one (a failure when it
// asks for more than MaxServerWait), else an exponential wait with full
// jitter.
func (t *transport) backoff(attempt int, resp *http.Response) (time.Duration, error) {
	if resp != nil {
		if d, ok := retryAfter(resp.Header, time.Now()); ok {
			if d > MaxServerWait {
				return 0, &WaitTooLongError{Status: resp.StatusCode, Wait: d, Max: MaxServerWait}
			}
			return d, nil
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
	return d/2 + rand.N(d/2+1), nil
}

// retryAfter reads retry-after-ms, then Retry-After in seconds or as an
// HTTP date.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	if ms, err := strconv.ParseFloat(h.Get("retry-after-ms"), 64); err == nil && ms >= 0 && ms < 1e12 {
		return time.Duration(ms * float64(time.Millisecond)), true
	}
	v := h.Get("Retry-After")
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 && s < 1e9 {
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
	next   http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (t *fieldsTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body == nil || len(t.fields) == 0 || req.Method != http.MethodPost {
		return t.next.RoundTrip(req)
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
	return t.next.RoundTrip(r)
}
