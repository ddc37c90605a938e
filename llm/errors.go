package llm

import (
	"fmt"
	"time"
)

// The failures a request can end in, beside *APIError (classify.go). Each
// is one line, holds no secret, and names no CLI flag; classify says what
// each calls for.

// TimeoutError is an attempt that got no whole answer within the time
// limit: no headers, or a body that came too slowly.
type TimeoutError struct{ After time.Duration }

func (e *TimeoutError) Error() string { return "no whole answer within " + e.After.String() }

// Timeout marks it as a timeout for net.Error-style checks.
func (e *TimeoutError) Timeout() bool { return true }

// EmptyAnswerError is an answer with no text that no filter explains.
type EmptyAnswerError struct{ FinishReason string }

func (e *EmptyAnswerError) Error() string {
	return fmt.Sprintf("the model answered with no text (finish_reason %q)", e.FinishReason)
}

// ConnectError is a server that could not be reached at all (connection
// refused, no such host, a TLS failure) before it had answered anything:
// every request would fail alike, so the run stops at once.
type ConnectError struct {
	BaseURL string // user-info removed
	Cause   string
}

func (e *ConnectError) Error() string {
	return fmt.Sprintf("cannot reach %s: %s", e.BaseURL, e.Cause)
}

// RedirectError is a server that answered a request with a redirect.
// Requests are never sent on: the key and the images would go to whatever
// host the server names.
type RedirectError struct {
	Status   int
	Location string // user-info and key-like parameters removed
}

func (e *RedirectError) Error() string {
	return fmt.Sprintf("the server answered %d, redirecting to %q; API requests are never sent on to another address (they carry the key and the images): use that address as the base URL if you trust it",
		e.Status, e.Location)
}

// BadAnswerError is an answer that came but cannot be used: cut off
// mid-way, not JSON, an HTML page with status 200. Such failures are
// transient, retried like a 5xx.
type BadAnswerError struct{ What string }

func (e *BadAnswerError) Error() string { return "unusable answer: " + e.What }

// TooLargeError is an answer larger than vidskim reads (compressed or
// decompressed): it is refused, not retried.
type TooLargeError struct{ Limit int64 }

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("the server's answer is larger than %d MB (decompressed): refused", e.Limit>>20)
}

// WaitTooLongError is a server asking to be retried later than vidskim
// waits: that request fails now rather than stall the run silently.
type WaitTooLongError struct {
	Status    int
	Wait, Max time.Duration
}

func (e *WaitTooLongError) Error() string {
	return fmt.Sprintf("server said %d and asked to retry after %s, longer than the %s vidskim waits", e.Status, e.Wait.Round(time.Second), e.Max)
}

// ServerDownError is a server that failed attempt after attempt, across
// all requests, with no answer between: the run stops instead of trying
// every remaining request against it.
type ServerDownError struct {
	Failures int
	Last     error
}

func (e *ServerDownError) Error() string {
	return fmt.Sprintf("the server failed %d attempts in a row with no answer between (last: %v)", e.Failures, e.Last)
}

func (e *ServerDownError) Unwrap() error { return e.Last }

// AttemptsError is a request's final failure after more than one attempt,
// saying how many were made (and whether its time ran out).
type AttemptsError struct {
	Attempts  int
	OutOfTime time.Duration // set when retrying stopped because the request's time was spent
	Err       error
}

func (e *AttemptsError) Error() string {
	if e.OutOfTime > 0 {
		return fmt.Sprintf("%v (after %d attempts in %s, the most one request may take)", e.Err, e.Attempts, e.OutOfTime)
	}
	return fmt.Sprintf("%v (after %d attempts)", e.Err, e.Attempts)
}

func (e *AttemptsError) Unwrap() error { return e.Err }
