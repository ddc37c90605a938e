package summarize

import (
	"context"
	"time"

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
// cost nothing and are counted apart, with what they took when they were
// first asked: what the cache saved.
type Usage struct {
	Requests         int `json:"requests"`
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	Cached           int `json:"cached_answers"`
	// CachedPromptTokens and CachedCompletionTokens are what the answers
	// from the cache took when they were first asked.
	CachedPromptTokens     int `json:"cached_prompt_tokens,omitempty"`
	CachedCompletionTokens int `json:"cached_completion_tokens,omitempty"`
	// TranscribedMinutes is the audio sent for transcription this run,
	// CachedMinutes the audio whose transcript came from the cache.
	TranscribedMinutes float64 `json:"transcribed_minutes,omitempty"`
	CachedMinutes      float64 `json:"cached_transcribed_minutes,omitempty"`
	// TranscriptionUSD is the transcription's part of CostUSD, SpeechUSD
	// the spoken narration's (--speak, added by the front end once the
	// voice-over is made).
	TranscriptionUSD float64 `json:"transcription_usd,omitempty"`
	SpeechUSD        float64 `json:"speech_usd,omitempty"`
	// CostUSD is what this run paid, priced with the model table: the
	// requests, the transcription and the speech (0 when the prices are
	// unknown).
	CostUSD float64 `json:"cost_usd,omitempty"`
	// SavedUSD is what the answers and transcripts from the cache (or the
	// library) cost when they were first paid for.
	SavedUSD float64 `json:"saved_usd,omitempty"`
	// BatchPromptTokens and BatchCompletionTokens are the part of the
	// requests' tokens a batch answered, paid at batch prices (not part of
	// the output).
	BatchPromptTokens     int `json:"-"`
	BatchCompletionTokens int `json:"-"`
}

// costOn prices the requests of the usage on p: what batches answered at
// p's batch prices, the rest at its standard ones.
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

// Add counts one answer, as the pipeline does its own.
func (u *Usage) Add(a llm.Answer) { u.count(a) }

// Merge adds o.
func (u *Usage) Merge(o Usage) { u.merge(o) }

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
	u.TranscribedMinutes += o.TranscribedMinutes
	u.CachedMinutes += o.CachedMinutes
	u.TranscriptionUSD += o.TranscriptionUSD
	u.SpeechUSD += o.SpeechUSD
	u.SavedUSD += o.SavedUSD
}

// Served is the usage of a run rendered again without asking anything
// (from the library): every answer and transcript counts as from the
// cache, and what the run paid first is what this one saved.
func (u Usage) Served() Usage {
	return Usage{Cached: u.Requests + u.Cached,
		CachedPromptTokens: u.PromptTokens + u.CachedPromptTokens, CachedCompletionTokens: u.CompletionTokens + u.CachedCompletionTokens,
		CachedMinutes: u.TranscribedMinutes + u.CachedMinutes, SavedUSD: cost.RoundUSD(u.CostUSD + u.SavedUSD)}
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
	// screen, when set, is the text read on each kept frame.
	screen *screenSlot
	// onRequest, when set, hears of every request when it ends.
	onRequest func(RequestInfo)
	// checked, when set, closes once the video's first seconds decoded
	// well: no request goes out before (see Config.CheckFirst).
	checked chan struct{}
}

// wait holds a paid request until the first seconds are checked.
func (k *caller) wait(ctx context.Context) error {
	if k.checked == nil {
		return nil
	}
	select {
	case <-k.checked:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ask sends req, part saying what it is for ("chunk 00:00:04-00:00:08",
// "merge").
func (k *caller) ask(ctx context.Context, part string, req llm.ChatRequest) (llm.Answer, error) {
	if err := k.wait(ctx); err != nil {
		return llm.Answer{}, err
	}
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
	start := time.Now()
	a, err := k.c.Chat(ctx, req)
	k.tell(part, req, a, err, time.Since(start))
	return a, err
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
