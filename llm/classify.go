package llm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"regexp"

	openai "github.com/sashabaranov/go-openai"

	"github.com/vidskim/vidskim/textsafe"
)

// Action is what to do about a failed request.
type Action int

const (
	// Retry: the same request may well succeed later (429, 5xx, a reset
	// connection, a timeout). The transport does this itself.
	Retry Action = iota
	// Fail: this request failed; the others may still succeed.
	Fail
	// Split: the request was refused as too big (too many images, too long
	// a context); the same images sent in halves may pass.
	Split
	// Stop: every request of the run would fail the same way (a bad key, an
	// unknown model or URL, a request the server will never take): stop at
	// once instead of repeating it.
	Stop
)

// tooBigRE spots a request refused for carrying too many images or tokens.
var tooBigRE = regexp.MustCompile(`(?i)too many images|images? (per|in a) request|maximum (number of )?images|at most \d+ images|context.length|context_length_exceeded|maximum context|too many tokens|too large|too long`)

// singleImageRE matches servers that take one image a request (Ollama's
// llama3.2-vision: "vision model only supports a single image per
// message"), which they say with a 500 that no retry will change.
var singleImageRE = regexp.MustCompile(`(?i)(single|one) image per (message|request|prompt)|only supports? (a single|one) image`)

// classify is the one decision table: from an answer's status and the head
// of its body, or from the error of a request that got no usable answer.
func classify(status int, body string, err error) Action {
	if err != nil {
		return classifyErr(err)
	}
	switch {
	case status == 413 || singleImageRE.MatchString(body),
		(status == 400 || status == 422) && tooBigRE.MatchString(body):
		return Split
	case status == 429 || status == 408 || status == 409 || status >= 500:
		return Retry
	case status >= 300 && status < 400,
		status == 400 || status == 401 || status == 403 || status == 404 || status == 422:
		return Stop
	}
	return Fail
}

// classifyErr judges a failure that is not a refusal with a status.
func classifyErr(err error) Action {
	var ne net.Error
	var op *net.OpError
	if errors.Is(err, context.Canceled) {
		return Fail
	}
	if a, ok := ownAction(err); ok {
		return a
	}
	if errors.As(err, &ne) || errors.As(err, &op) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return Retry
	}
	return Fail
}

// ownAction is what this package's own failures (errors.go) call for.
func ownAction(err error) (Action, bool) {
	var (
		sd *ServerDownError
		ce *ConnectError
		re *RedirectError
		ba *BadAnswerError
		te *TimeoutError
		tl *TooLargeError
		wt *WaitTooLongError
		ea *EmptyAnswerError
	)
	switch {
	case errors.As(err, &sd), errors.As(err, &ce), errors.As(err, &re):
		return Stop, true
	case errors.As(err, &ba), errors.As(err, &te):
		return Retry, true
	case errors.As(err, &tl), errors.As(err, &wt), errors.As(err, &ea):
		return Fail, true
	}
	return Fail, false
}

// ActionOf says what a caller should do with a request that failed after
// the transport's retries: Split when it was too big and has more than one
// image to split, Stop when every request would fail alike, else Fail.
func ActionOf(err error, images int) Action {
	if classifyErr(err) == Stop {
		return Stop
	}
	var e *APIError
	if !errors.As(err, &e) {
		return Fail
	}
	a := classify(e.Status, e.Message, nil)
	if a == Split && images > 1 {
		return Split
	}
	if a == Split {
		a = classify(e.Status, "", nil) // nothing left to split: judge by status alone
	}
	if a == Stop {
		return Stop
	}
	return Fail
}

// APIError is a refusal from the server: its status and its message,
// cleaned and cut to one line.
type APIError struct {
	Status  int
	Message string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("server said %d: %s", e.Status, e.Message)
}

// apiError turns a go-openai refusal into an *APIError whose message is
// the server's, cleaned of secrets and control characters and cut short;
// the transport's own errors come out of the *url.Error that wraps them.
func apiError(err error, secrets ...string) error {
	var api *openai.APIError
	if errors.As(err, &api) {
		return &APIError{Status: api.HTTPStatusCode, Message: textsafe.Foreign(api.Message, 300, secrets...)}
	}
	var req *openai.RequestError
	if errors.As(err, &req) {
		return &APIError{Status: req.HTTPStatusCode, Message: textsafe.Foreign(string(req.Body), 300, secrets...)}
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // "Post URL: ..." names the URL; the transport's error says what matters
	}
	if isOwn(err) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return errors.New(textsafe.Foreign(err.Error(), 300, secrets...))
}

// isOwn reports errors this package made, already clean and short.
func isOwn(err error) bool {
	var ae *APIError
	var at *AttemptsError
	_, own := ownAction(err)
	return own || errors.As(err, &ae) || errors.As(err, &at)
}
