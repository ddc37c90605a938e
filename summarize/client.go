package summarize

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	openai "github.com/sashabaranov/go-openai"
)

// Client is the one thing summarize needs from a model server; the real
// *openai.Client satisfies it, and tests fake the server behind it.
type Client interface {
	CreateChatCompletion(ctx context.Context, req openai.ChatCompletionRequest) (openai.ChatCompletionResponse, error)
}

// Usage adds up what the server reported. Answers taken from the cache
// cost nothing and are counted apart.
type Usage struct {
	Requests         int `json:"requests"`
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	Cached           int `json:"cached_answers"`
	// CostUSD is the usage priced with the model table (0 when unknown).
	CostUSD float64 `json:"cost_usd,omitempty"`
}

// count adds one answer: a request with its tokens, or a cache hit.
func (u *Usage) count(a answer) {
	switch {
	case a.Cached:
		u.Cached++
	case a.Usage != (openai.Usage{}) || a.Text != "":
		u.Requests++
		u.PromptTokens += a.Usage.PromptTokens
		u.CompletionTokens += a.Usage.CompletionTokens
	}
}

func (u *Usage) merge(o Usage) {
	u.Requests += o.Requests
	u.PromptTokens += o.PromptTokens
	u.CompletionTokens += o.CompletionTokens
	u.Cached += o.Cached
	u.CostUSD += o.CostUSD
}

// reasoningModel matches the o-series and gpt-5 families, which refuse
// max_tokens and want max_completion_tokens instead.
var reasoningModel = regexp.MustCompile(`^(o\d|gpt-5)`)

// setTokenLimit puts the limit in the field the model accepts. Every request
// has one: without it an answer can run on (and cost) without bound.
func setTokenLimit(req *openai.ChatCompletionRequest, limit int) {
	name := strings.ToLower(req.Model)
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:] // "openai/gpt-5-mini" on routers
	}
	if reasoningModel.MatchString(name) {
		req.MaxCompletionTokens = limit
		return
	}
	//lint:ignore SA1019 max_tokens is what every non-reasoning model and Ollama accept
	req.MaxTokens = limit
}

// answer is one model reply, cleaned.
type answer struct {
	Text         string
	FinishReason string
	Usage        openai.Usage
	Cached       bool // from the cache: no request was made
}

// caller sends requests through the cache and the rate budget.
type caller struct {
	c     Client
	cache *Cache // nil: no cache
	lim   *limiter
	extra string // cache key material not in the request body
	// progress counts requests; nil when nobody watches.
	progress *tracker
	// transcript, when set, is the speech to put beside the frames.
	transcript *transcriptSlot
}

func newCaller(c Client, opts Options) *caller {
	extra := "temperature=default"
	if opts.Temperature != nil {
		extra = fmt.Sprintf("temperature=%v", *opts.Temperature)
	}
	return &caller{c: c, cache: opts.Cache, lim: newLimiter(opts.Budget), extra: extra}
}

// ask answers one request from the cache when it can, else from the server
// (pacing it under the budget), and stores what the server says.
func (k *caller) ask(ctx context.Context, req openai.ChatCompletionRequest, tokens int) (answer, error) {
	key := ""
	if k.cache != nil {
		var err error
		if key, err = k.cache.key(req, k.extra); err != nil {
			return answer{}, err
		}
		if resp, ok := k.cache.get(key); ok {
			a, err := reply(resp)
			a.Cached = true
			return a, err
		}
	}
	if err := k.lim.wait(ctx, tokens); err != nil {
		return answer{}, err
	}
	k.progress.update(func(p *Progress) { p.Sent++ })
	resp, err := k.c.CreateChatCompletion(ctx, req)
	k.progress.update(func(p *Progress) { p.Answered++; p.Tokens += resp.Usage.TotalTokens })
	if err != nil {
		return answer{}, describeError(err)
	}
	a, err := reply(resp)
	if err == nil && k.cache != nil {
		err = k.cache.put(key, resp)
	}
	return a, err
}

// reply checks a response has something in it.
func reply(resp openai.ChatCompletionResponse) (answer, error) {
	if len(resp.Choices) == 0 {
		return answer{}, errors.New("the server answered with no choices")
	}
	ch := resp.Choices[0]
	a := answer{Text: CleanText(ch.Message.Content), FinishReason: string(ch.FinishReason), Usage: resp.Usage}
	if a.FinishReason == string(openai.FinishReasonContentFilter) {
		return a, nil
	}
	if a.Text == "" {
		return a, fmt.Errorf("the model answered with no text (finish_reason %q)", a.FinishReason)
	}
	return a, nil
}

// APIError is a refusal from the server, with its status, in one line.
type APIError struct {
	Status  int
	Message string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("server said %d: %s%s", e.Status, e.Message, hint(e.Status))
}

// fatal errors fail the same way for every request of the run (a bad key,
// a wrong model name or URL, a request the server will never take), so the
// run stops at once instead of repeating them.
func fatal(err error) bool {
	var e *APIError
	if !errors.As(err, &e) {
		return false
	}
	switch e.Status {
	case 400, 401, 403, 404, 422:
		return true
	}
	return false
}

// tooBig spots a request refused for carrying too many images or tokens,
// which is worth splitting in two.
var tooBigRE = regexp.MustCompile(`(?i)too many images|images? (per|in a) request|maximum (number of )?images|at most \d+ images|context.length|context_length_exceeded|maximum context|too many tokens|too large|too long`)

// singleImageRE matches servers that take one image a request (Ollama's
// llama3.2-vision: "vision model only supports a single image per message").
var singleImageRE = regexp.MustCompile(`(?i)(single|one) image per (message|request|prompt)|only supports? (a single|one) image`)

func tooBig(err error) bool {
	var e *APIError
	return errors.As(err, &e) && (e.Status == 413 || singleImageRE.MatchString(e.Message) ||
		(e.Status == 400 || e.Status == 422) && tooBigRE.MatchString(e.Message))
}

// describeError turns a go-openai error into one line that says what to do.
func describeError(err error) error {
	var api *openai.APIError
	if errors.As(err, &api) {
		return &APIError{Status: api.HTTPStatusCode, Message: oneLine(api.Message)}
	}
	var req *openai.RequestError
	if errors.As(err, &req) {
		return &APIError{Status: req.HTTPStatusCode, Message: oneLine(string(req.Body))}
	}
	return err
}

func hint(status int) string {
	switch status {
	case http.StatusUnauthorized:
		return " (check the API key: --api-key or OPENAI_API_KEY)"
	case http.StatusNotFound:
		return " (check the model name and --base-url)"
	}
	return ""
}

// oneLine squeezes a server message to one short, printable line.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(CleanText(s)), " ")
	if len(s) > 300 {
		s = s[:300] + "..."
	}
	return s
}

// CleanText removes control characters (terminal escape sequences among
// them) from model text, keeping newlines and tabs. Model output is
// untrusted: it is shown as data and must not drive the user's terminal.
func CleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return -1
		}
		return r
	}, s))
}
