package llm

import (
	"context"
	"errors"
	"net"
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
	// SchemaMode is how answers in a JSON schema are asked for:
	// SchemaAuto picks by provider and model (see Config.SchemaModeOf).
	SchemaMode string
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
	// MaxFailures is how many attempts in a row, across all requests, may
	// fail before every request stops; 0 means DefaultMaxFailures.
	MaxFailures int
	// RequestBudget bounds one request with all its retries and waits; 0
	// means DefaultRequestBudget or twice Timeout, whichever is longer.
	RequestBudget time.Duration
	// Defer, when set, collects the chat requests it wants instead of
	// sending them, for the Batch API (batch.go).
	Defer *Deferral
	// Batched, when set, holds the answers batches gave this run: they
	// count as requests paid at batch prices, not as cache hits.
	Batched *BatchAnswers
}

// Client sends requests through the cache, the pacing budget and the
// retrying transport.
type Client struct {
	cfg  Config
	oa   *openai.Client
	lim  *limiter
	wire *http.Transport
	hc   *http.Client // the retrying transport, for the Batch API's endpoints too
}

// New makes a client for cfg. Its HTTP client never follows a redirect:
// a request carries the key and the images, and goes to the base URL only.
func New(cfg Config) *Client {
	oc := cfg.openaiConfig()
	wire := newWire()
	budget := cfg.RequestBudget
	if budget <= 0 {
		budget = max(DefaultRequestBudget, 2*cfg.Timeout)
	}
	limit := cfg.MaxFailures
	if limit <= 0 {
		limit = DefaultMaxFailures
	}
	hc := &http.Client{
		Transport: &transport{
			base:       &fieldsTransport{fields: cfg.bodyFields(), next: wire},
			maxRetries: cfg.MaxRetries,
			timeout:    cfg.Timeout,
			minBackoff: cfg.MinBackoff,
			maxBackoff: cfg.MaxBackoff,
			budget:     budget,
			onRetry:    cfg.OnRetry,
			health:     &health{baseURL: textsafe.Redact(cfg.Endpoint()), limit: limit},
			secrets:    cfg.secrets(),
		},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return errors.New("redirect refused") // the transport refuses first; this is the backstop
		},
	}
	oc.HTTPClient = hc
	return &Client{cfg: cfg, oa: openai.NewClientWithConfig(oc), lim: newLimiter(cfg.Budget), wire: wire, hc: hc}
}

// newWire is the client's own connection pool. Connecting, DNS and the TLS
// handshake each get seconds, not minutes, so a server that cannot be
// reached is said at once; compression is asked for and undone by the
// transport itself, so compressed and decompressed sizes are both bounded.
func newWire() *http.Transport {
	d := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           d.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          64,
		MaxIdleConnsPerHost:   16,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   5 * time.Second,
		ExpectContinueTimeout: time.Second,
		DisableCompression:    true,
	}
}

// Close lets go of idle connections.
func (c *Client) Close() { c.wire.CloseIdleConnections() }

// Endpoint is where requests go: the Azure endpoint, the base URL, or
// OpenAI's.
func (cfg Config) Endpoint() string {
	switch {
	case cfg.Azure != nil:
		return cfg.Azure.Endpoint
	case cfg.BaseURL != "":
		return cfg.BaseURL
	}
	return openai.DefaultConfig("").BaseURL
}

// secrets are what must never be shown: the key.
func (cfg Config) secrets() []string {
	if cfg.Key == "" {
		return nil
	}
	return []string{cfg.Key}
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

// failure is a request's final error as callers see it: the server's
// refusal as an *APIError, the transport's own errors without the URL
// go-openai wraps them in, anything else cleaned of secrets, and the
// number of attempts when there was more than one.
func (c *Client) failure(err error, attempts int) error {
	err = apiError(err, c.cfg.secrets()...)
	var ae *AttemptsError
	if attempts > 1 && !errors.As(err, &ae) && !errors.Is(err, context.Canceled) {
		err = &AttemptsError{Attempts: attempts, Err: err}
	}
	return err
}
