package llm

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
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
		if err == nil && resp.StatusCode < 300 { // a streamed body stays unread
			t.health.answered(resp.StatusCode)
			return resp, nil
		}
		status, head := 0, ""
		if resp != nil {
			status, head = resp.StatusCode, peekString(resp)
		}
		if classify(status, head, err) != Retry {
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
		if budget := t.budgetOf(req); time.Since(start)+wait > budget {
			return nil, closing(resp, &AttemptsError{Attempts: attempt + 1, OutOfTime: budget, Err: failure})
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

// attempt sends one try with a fresh body and its own time limit, and
// reads the answer whole within it; a streamed file's body is handed on
// unread once its headers came within the limit (see transfer).
func (t *transport) attempt(req *http.Request, n int) (*http.Response, error) {
	tr, _ := req.Context().Value(transferKey{}).(transfer)
	limit := t.timeout
	if tr.timeout > 0 {
		limit = tr.timeout
	}
	ctx, cancel := context.WithCancel(req.Context())
	var fired atomic.Bool
	stop := func() bool { return true }
	if limit > 0 {
		stop = time.AfterFunc(limit, func() { fired.Store(true); cancel() }).Stop
	}
	timedOut := func() bool { return fired.Load() && req.Context().Err() == nil }
	r := req.Clone(ctx)
	if n > 0 && req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			cancel()
			return nil, err
		}
		r.Body = body
	}
	if !tr.stream {
		r.Header.Set("Accept-Encoding", "gzip")
	}
	resp, err := t.base.RoundTrip(r)
	if err != nil {
		cancel()
		if timedOut() {
			return nil, &TimeoutError{After: limit}
		}
		return nil, t.health.netError(err)
	}
	if tr.stream && resp.StatusCode >= 200 && resp.StatusCode < 300 && stop() {
		resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel}
		return resp, nil
	}
	err = readAnswer(ctx, resp, t.secrets)
	stop()
	cancel()
	if err != nil {
		if timedOut() {
			return nil, &TimeoutError{After: limit}
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

// fieldsTransport sets top-level fields in every chat request body: the
// provider quirks go-openai cannot express (see Config.bodyFields).
type fieldsTransport struct {
	fields map[string]any
	next   http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (t *fieldsTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body == nil || len(t.fields) == 0 || req.Method != http.MethodPost || !strings.HasSuffix(req.URL.Path, "/chat/completions") {
		return t.next.RoundTrip(req)
	}
	raw, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return nil, err
	}
	raw = patchBody(raw, t.fields)
	r := req.Clone(req.Context())
	r.Body = io.NopCloser(bytes.NewReader(raw))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(raw)), nil }
	r.ContentLength = int64(len(raw))
	r.Header.Set("Content-Length", strconv.Itoa(len(raw)))
	return t.next.RoundTrip(r)
}

// patchBody sets top-level fields in a JSON object; anything else is left
// as it is.
func patchBody(raw []byte, fields map[string]any) []byte {
	if len(fields) == 0 {
		return raw
	}
	var body map[string]json.RawMessage
	if err := json.Unmarshal(raw, &body); err != nil {
		return raw
	}
	for k, v := range fields {
		if b, err := json.Marshal(v); err == nil {
			body[k] = b
		}
	}
	if patched, err := json.Marshal(body); err == nil {
		return patched
	}
	return raw
}

// transfer marks a request that carries or fetches a whole file (the
// Batch API's files): its attempts get their own time limit, long enough
// for the file, and a streamed answer's body is handed on unread, for the
// caller to copy to disk under its own bounds.
type transfer struct {
	timeout time.Duration // an attempt's limit; 0: the client's
	stream  bool          // a 2xx body is left unread (its headers must come within the limit)
}

type transferKey struct{}

func withTransfer(ctx context.Context, tr transfer) context.Context {
	return context.WithValue(ctx, transferKey{}, tr)
}

// budgetOf is a request's whole time, retries included: a transfer's is
// long enough for two of its attempts.
func (t *transport) budgetOf(req *http.Request) time.Duration {
	if tr, ok := req.Context().Value(transferKey{}).(transfer); ok && 2*tr.timeout > t.budget {
		return 2 * tr.timeout
	}
	return t.budget
}

// cancelBody ends a streamed answer's request when its body is closed.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}
