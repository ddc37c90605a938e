package summarize

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"

	openai "github.com/sashabaranov/go-openai"
	"golang.org/x/sync/errgroup"

	"github.com/vidskim/vidskim/chunk"
	"github.com/vidskim/vidskim/extract"
)

// Options configures the model requests. The zero value asks gpt-4.1-mini
// for low-detail descriptions, four requests at a time.
type Options struct {
	// Model is the model name; "" means DefaultModel.
	Model string
	// Detail is the image detail sent with every image; "" means low.
	Detail chunk.Detail
	// MaxTokens limits each chunk description; 0 means 400.
	MaxTokens int
	// MergeMaxTokens limits the summary and each partial merge; 0 means 1200.
	MergeMaxTokens int
	// Concurrency is how many chunk requests run at once; 0 means 4.
	Concurrency int
	// MergeBudget is how many tokens of notes one merge request may carry
	// (estimated at 4 characters a token); more are merged in rounds. 0
	// means 24000.
	MergeBudget int
	// Duration of the video in seconds, to tell the model where a chunk
	// sits; 0 when unknown.
	Duration float64
	// Cache, when set, answers requests already answered and keeps new
	// answers.
	Cache *Cache
	// Budget paces requests under per-minute limits.
	Budget Budget
	// Temperature and Seed are sent when set (nil: the server's default).
	Temperature *float32
	Seed        *int
	// TokenParam names the token-limit field: TokenParamAuto picks by model
	// family; TokenParamMax or TokenParamCompletion force one.
	TokenParam string
	// Mode picks the prompts; "" means ModeSummary.
	Mode Mode
	// Prompt is the user's own instruction, added to every prompt.
	Prompt string
	// Model table entry for estimates (rate pacing, plan); zero means the
	// built-in table's entry for Model.
	Pricing *Model
}

// DefaultModel is a cheap, capable vision model.
const DefaultModel = "gpt-4.1-mini"

func (o *Options) applyDefaults() {
	if o.Model == "" {
		o.Model = DefaultModel
	}
	if o.Detail == "" {
		o.Detail = chunk.Low
	}
	if o.MaxTokens == 0 {
		o.MaxTokens = 400
	}
	if o.MergeMaxTokens == 0 {
		o.MergeMaxTokens = 1200
	}
	if o.Concurrency == 0 {
		o.Concurrency = 4
	}
	if o.MergeBudget == 0 {
		o.MergeBudget = 24000
	}
	if o.Mode == "" {
		o.Mode = ModeSummary
	}
}

// Note is the model's description of one chunk.
type Note struct {
	Index        int
	Start, End   float64 // times of the chunk's first and last image
	Times        []float64
	Description  string
	FinishReason string
}

// Failure is a stretch of the video whose chunk failed after all retries.
type Failure struct {
	Start, End float64
	Err        error
}

// Described is what the describe stage produced.
type Described struct {
	Notes    []Note    // in time order
	Failures []Failure // in time order
	Usage    Usage
}

// Describe is the pipeline stage that sends each chunk as it arrives, at
// most Concurrency at a time (a full pool holds back the chunker, so memory
// stays bounded). A chunk that fails after all retries is recorded and the
// others go on; an error that would fail every request (a bad key, an
// unknown model) stops the run at once and is returned.
func Describe(ctx context.Context, c Client, opts Options, in <-chan chunk.Chunk) (Described, error) {
	opts.applyDefaults()
	return describe(ctx, newCaller(c, opts), opts, in)
}

func describe(ctx context.Context, k *caller, opts Options, in <-chan chunk.Chunk) (Described, error) {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(opts.Concurrency)
	var mu sync.Mutex
	var d Described
	for ch := range in {
		if ctx.Err() != nil {
			break // stopping: send no more; upstream stops on the cancel
		}
		g.Go(func() error {
			notes, fails, u, err := describeChunk(ctx, k, opts, ch)
			mu.Lock()
			defer mu.Unlock()
			d.Usage.merge(u)
			d.Notes = append(d.Notes, notes...)
			d.Failures = append(d.Failures, fails...)
			return err
		})
	}
	err := g.Wait()
	sort.Slice(d.Notes, func(i, j int) bool { return d.Notes[i].Start < d.Notes[j].Start })
	sort.Slice(d.Failures, func(i, j int) bool { return d.Failures[i].Start < d.Failures[j].Start })
	return d, err
}

// describeChunk describes one chunk. A chunk refused as too big (too many
// images, or too long a context) is split in two and each half described,
// down to single images. Only fatal errors are returned as errors.
func describeChunk(ctx context.Context, k *caller, opts Options, ch chunk.Chunk) ([]Note, []Failure, Usage, error) {
	n, a, err := describeOne(ctx, k, opts, ch)
	var u Usage
	u.count(a)
	switch {
	case err == nil:
		return []Note{n}, nil, u, nil
	case tooBig(err) && len(ch.Images) > 1:
		half := len(ch.Images) / 2
		n1, f1, u1, err1 := describeChunk(ctx, k, opts, chunk.Chunk{Index: ch.Index, Images: ch.Images[:half]})
		n2, f2, u2, err2 := describeChunk(ctx, k, opts, chunk.Chunk{Index: ch.Index, Images: ch.Images[half:]})
		u.merge(u1)
		u.merge(u2)
		return append(n1, n2...), append(f1, f2...), u, errors.Join(err1, err2)
	case ctx.Err() != nil:
		return nil, nil, u, ctx.Err()
	case fatal(err):
		return nil, nil, u, fmt.Errorf("chunk %s-%s: %w", extract.Clock(ch.Start()), extract.Clock(ch.End()), err)
	}
	return nil, []Failure{{Start: ch.Start(), End: ch.End(), Err: err}}, u, nil
}

// describeOne sends one chunk.
func describeOne(ctx context.Context, k *caller, opts Options, ch chunk.Chunk) (Note, answer, error) {
	parts := []openai.ChatMessagePart{{Type: openai.ChatMessagePartTypeText, Text: opts.chunkHeader(ch.Times(), ch.Next)}}
	segs, err := k.transcript.wait(ctx)
	if err != nil {
		return Note{}, answer{}, err
	}
	if lines := linesIn(segs, ch.Start(), max(ch.Next, ch.End()+0.001)); lines != "" {
		parts = append(parts, openai.ChatMessagePart{Type: openai.ChatMessagePartTypeText,
			Text: "What is said in this stretch (transcript):\n" + lines})
	}
	parts = append(parts, ch.Parts(opts.Detail)...)
	req := opts.newRequest(opts.MaxTokens,
		openai.ChatCompletionMessage{Role: openai.ChatMessageRoleSystem, Content: opts.system("chunk")},
		openai.ChatCompletionMessage{Role: openai.ChatMessageRoleUser, MultiContent: parts})
	a, err := k.ask(ctx, req, estimate(req, ch.Images, opts))
	n := Note{Index: ch.Index, Start: ch.Start(), End: ch.End(), Times: ch.Times(),
		Description: a.Text, FinishReason: a.FinishReason}
	if a.FinishReason == string(openai.FinishReasonContentFilter) && n.Description == "" {
		n.Description = "(withheld by the provider's content filter)"
	}
	return n, a, err
}
