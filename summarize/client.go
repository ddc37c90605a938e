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

// Usage adds up what the server reported.
type Usage struct {
	Requests         int `json:"requests"`
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
}

func (u *Usage) add(r openai.Usage) {
	u.Requests++
	u.PromptTokens += r.PromptTokens
	u.CompletionTokens += r.CompletionTokens
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
	req.MaxTokens = limit
}

// answer is one model reply, cleaned.
type answer struct {
	Text         string
	FinishReason string
	Usage        openai.Usage
}

// ask sends one request and checks the reply has something in it.
func ask(ctx context.Context, c Client, req openai.ChatCompletionRequest) (answer, error) {
	resp, err := c.CreateChatCompletion(ctx, req)
	if err != nil {
		return answer{}, describeError(err)
	}
	if len(resp.Choices) == 0 {
		return answer{}, errors.New("the server answered with no choices")
	}
	ch := resp.Choices[0]
	a := answer{Text: CleanText(ch.Message.Content), FinishReason: string(ch.FinishReason), Usage: resp.Usage}
	if a.Text == "" && a.FinishReason != string(openai.FinishReasonContentFilter) {
		return a, fmt.Errorf("the model answered with no text (finish_reason %q)", a.FinishReason)
	}
	return a, nil
}

// describeError turns a go-openai error into one line that says what to do.
func describeError(err error) error {
	var api *openai.APIError
	if errors.As(err, &api) {
		return fmt.Errorf("server said %d: %s%s", api.HTTPStatusCode, oneLine(api.Message), hint(api.HTTPStatusCode))
	}
	var req *openai.RequestError
	if errors.As(err, &req) {
		return fmt.Errorf("server said %d: %s%s", req.HTTPStatusCode, oneLine(string(req.Body)), hint(req.HTTPStatusCode))
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
