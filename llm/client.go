package llm

import (
	"context"
	"errors"
	"net/http"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/vidskim/vidskim/textsafe"
)

// Defaults the front ends show and use.
const (
	DefaultTimeout    = 2 * time.Minute // one attempt
	DefaultMaxRetries = 6
)

// Config says where requests go, how they are shaped, and how failures,
// pacing and the cache are handled. The zero value talks to OpenAI without
// a key, retries nothing, paces nothing and caches nothing.
type Config struct {
	// BaseURL is an OpenAI-compatible API base; "" means OpenAI's.
	BaseURL string
	// Key is the API key; "" sends none (local servers). It goes only into
	// the request header: never into a log, an error, the cache or output.
	Key string
	// Azure, when set, sends requests to an Azure OpenAI resource instead.
	Azure *Azure
	// Temperature and Seed are sent when set (nil: the server's default).
	Temperature *float32
	Seed        *int
	// TokenParam names the token-limit field: TokenParamAuto picks by model
	// family; TokenParamMax or TokenParamCompletion force one.
	TokenParam string
	// Timeout limits each attempt; 0 means none.
	Timeout time.Duration
	// MaxRetries is how many times a retryable failure is tried again.
	MaxRetries int
	// MinBackoff and MaxBackoff bound the computed waits between retries;
	// 0 means 1 s and 60 s.
	MinBackoff, MaxBackoff time.Duration
	// OnRetry, when set, is told of each retry (for the log).
	OnRetry func(attempt, status int, wait time.Duration, err error)
	// Cache, when set, answers requests already answered and keeps new
	// answers and transcripts.
	Cache *Cache
	// Budget paces requests under per-minute limits.
	Budget Budget
}

// Client sends requests through the cache, the pacing budget and the
// retrying transport.
type Client struct {
	cfg Config
	oa  *openai.Client
	lim *limiter
}

// New makes a client for cfg.
func New(cfg Config) *Client {
	oc := cfg.openaiConfig()
	oc.HTTPClient = &http.Client{Transport: &transport{
		base:       &fieldsTransport{fields: cfg.bodyFields()},
		maxRetries: cfg.MaxRetries,
		timeout:    cfg.Timeout,
		minBackoff: cfg.MinBackoff,
		maxBackoff: cfg.MaxBackoff,
		onRetry:    cfg.OnRetry,
	}}
	return &Client{cfg: cfg, oa: openai.NewClientWithConfig(oc), lim: newLimiter(cfg.Budget)}
}

// MaxImages is the provider's limit of images a request, 0 for none known.
func (c *Client) MaxImages() int { return c.cfg.MaxImages() }

// ForTranscription is the client for /audio/transcriptions: the same
// provider and cache, at baseURL when given (a separate speech server,
// then never Azure). On Azure the deployment is the one named like the
// transcription model.
func (c *Client) ForTranscription(baseURL string) *Client {
	cfg := c.cfg
	if baseURL != "" {
		cfg.BaseURL, cfg.Azure = baseURL, nil
	}
	if cfg.Azure != nil {
		az := *cfg.Azure
		az.Deployment = ""
		cfg.Azure = &az
	}
	cfg.Temperature = nil // a multipart upload has no JSON body to patch
	return New(cfg)
}

// Chat answers one request from the cache when it can, else from the
// server (paced under the budget), and stores what the server says.
func (c *Client) Chat(ctx context.Context, r ChatRequest) (Answer, error) {
	req := c.toOpenAI(r)
	key := ""
	if c.cfg.Cache != nil {
		var err error
		if key, err = c.cfg.Cache.chatKey(req, c.cfg.cacheExtra()); err != nil {
			return Answer{}, err
		}
		noteKey(ctx, key)
		if resp, ok := c.cfg.Cache.getChat(key); ok {
			a, err := reply(resp)
			a.Cached = true
			return a, err
		}
	}
	if err := c.lim.wait(ctx, r.Tokens); err != nil {
		return Answer{}, err
	}
	r.Hooks.sent()
	resp, err := c.oa.CreateChatCompletion(ctx, req)
	r.Hooks.answered(resp.Usage.TotalTokens)
	if err != nil {
		return Answer{}, apiError(err)
	}
	a, err := reply(resp)
	if err == nil && c.cfg.Cache != nil {
		err = c.cfg.Cache.putChat(key, resp)
	}
	return a, err
}

// reply checks a response has something in it.
func reply(resp openai.ChatCompletionResponse) (Answer, error) {
	if len(resp.Choices) == 0 {
		return Answer{}, errors.New("the server answered with no choices")
	}
	ch := resp.Choices[0]
	u := resp.Usage
	a := Answer{Text: textsafe.Clean(ch.Message.Content), FinishReason: string(ch.FinishReason),
		Usage: Usage{PromptTokens: u.PromptTokens, CompletionTokens: u.CompletionTokens, TotalTokens: u.TotalTokens}}
	if a.FinishReason == string(openai.FinishReasonContentFilter) {
		return a, nil
	}
	if a.Text == "" {
		return a, &EmptyAnswerError{FinishReason: a.FinishReason}
	}
	return a, nil
}
