package summarize

import (
	"context"

	"github.com/vidskim/vidskim/llm"
)

// Client is what the pipeline needs of a model server; *llm.Client
// satisfies it (with its cache, pacing and retries behind it).
type Client interface {
	Chat(ctx context.Context, r llm.ChatRequest) (llm.Answer, error)
}

// Transcriber is what transcription needs of a server; *llm.Client
// satisfies it.
type Transcriber interface {
	Transcribe(ctx context.Context, r llm.TranscribeRequest) ([]llm.Segment, error)
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
func (u *Usage) count(a llm.Answer) {
	switch {
	case a.Cached:
		u.Cached++
	case a.Usage != (llm.Usage{}) || a.Text != "":
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

// caller sends a run's requests, telling its progress display about them
// and handing them the transcript when there is one.
type caller struct {
	c Client
	// progress counts requests; nil when nobody watches.
	progress *tracker
	// transcript, when set, is the speech to put beside the frames.
	transcript *transcriptSlot
}

func (k *caller) ask(ctx context.Context, req llm.ChatRequest) (llm.Answer, error) {
	if k.progress != nil {
		req.Hooks = &llm.Hooks{
			Sent:     func() { k.progress.update(func(p *Progress) { p.Sent++ }) },
			Answered: func(n int) { k.progress.update(func(p *Progress) { p.Answered++; p.Tokens += n }) },
		}
	}
	return k.c.Chat(ctx, req)
}
