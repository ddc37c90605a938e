package summarize

import (
	"context"

	"golang.org/x/sync/semaphore"

	"github.com/vidskim/vidskim/cost"
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
	// CachedPromptTokens and CachedCompletionTokens are what the answers
	// from the cache took when they were first asked: what the cache
	// saved this run (not part of the output).
	CachedPromptTokens     int `json:"-"`
	CachedCompletionTokens int `json:"-"`
	// BatchPromptTokens and BatchCompletionTokens are the part of the
	// requests' tokens a batch answered, paid at batch prices (not part of
	// the output).
	BatchPromptTokens     int `json:"-"`
	BatchCompletionTokens int `json:"-"`
}

// costOn prices the usage on p: what batches answered at p's batch
// prices, the rest at its standard ones.
func (u Usage) costOn(p cost.Model) float64 {
	if u.BatchPromptTokens+u.BatchCompletionTokens == 0 {
		return p.Cost(u.PromptTokens, u.CompletionTokens)
	}
	return p.Cost(u.PromptTokens-u.BatchPromptTokens, u.CompletionTokens-u.BatchCompletionTokens) +
		p.Batched().Cost(u.BatchPromptTokens, u.BatchCompletionTokens)
}

// count adds one answer: a request with its tokens, or a cache hit.
func (u *Usage) count(a llm.Answer) {
	switch {
	case a.Cached:
		u.Cached++
		u.CachedPromptTokens += a.Usage.PromptTokens
		u.CachedCompletionTokens += a.Usage.CompletionTokens
	case a.Usage != (llm.Usage{}) || a.Text != "":
		u.Requests++
		u.PromptTokens += a.Usage.PromptTokens
		u.CompletionTokens += a.Usage.CompletionTokens
		if a.Batch {
			u.BatchPromptTokens += a.Usage.PromptTokens
			u.BatchCompletionTokens += a.Usage.CompletionTokens
		}
	}
}

func (u *Usage) merge(o Usage) {
	u.Requests += o.Requests
	u.PromptTokens += o.PromptTokens
	u.CompletionTokens += o.CompletionTokens
	u.Cached += o.Cached
	u.CostUSD += o.CostUSD
	u.CachedPromptTokens += o.CachedPromptTokens
	u.CachedCompletionTokens += o.CachedCompletionTokens
	u.BatchPromptTokens += o.BatchPromptTokens
	u.BatchCompletionTokens += o.BatchCompletionTokens
}

// caller sends a run's requests, telling its progress display about them
// and handing them the transcript when there is one.
type caller struct {
	c Client
	// progress counts requests; nil when nobody watches.
	progress *tracker
	// transcript, when set, is the speech to put beside the frames.
	transcript *transcriptSlot
	// slots, when set, is the request pool shared with other runs.
	slots *semaphore.Weighted
}

func (k *caller) ask(ctx context.Context, req llm.ChatRequest) (llm.Answer, error) {
	if k.progress != nil {
		req.Hooks = &llm.Hooks{
			Sent:     func() { k.progress.update(func(p *Progress) { p.Sent++ }) },
			Answered: func(n int) { k.progress.update(func(p *Progress) { p.Answered++; p.Tokens += n }) },
		}
	}
	if k.slots != nil {
		if err := k.slots.Acquire(ctx, 1); err != nil {
			return llm.Answer{}, err
		}
		defer k.slots.Release(1)
	}
	return k.c.Chat(ctx, req)
}

// pooled is a Transcriber whose uploads hold a slot of a shared pool.
type pooled struct {
	t     Transcriber
	slots *semaphore.Weighted
}

func (p pooled) Transcribe(ctx context.Context, r llm.TranscribeRequest) ([]llm.Segment, error) {
	if p.slots != nil {
		if err := p.slots.Acquire(ctx, 1); err != nil {
			return nil, err
		}
		defer p.slots.Release(1)
	}
	return p.t.Transcribe(ctx, r)
}
