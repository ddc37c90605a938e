package summarize

import (
	"context"
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
}

// Note is the model's description of one chunk.
type Note struct {
	Index        int
	Start, End   float64 // times of the chunk's first and last image
	Times        []float64
	Description  string
	FinishReason string
}

// Describe is the pipeline stage that sends each chunk as it arrives, at
// most Concurrency at a time (a full pool holds back the chunker, so memory
// stays bounded), and returns the notes in time order.
func Describe(ctx context.Context, c Client, opts Options, in <-chan chunk.Chunk) ([]Note, Usage, error) {
	opts.applyDefaults()
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(opts.Concurrency)
	var mu sync.Mutex
	var notes []Note
	var usage Usage
	for ch := range in {
		if ctx.Err() != nil {
			break // a request failed: send no more; upstream stops on the cancel
		}
		g.Go(func() error {
			n, u, err := describeOne(ctx, c, opts, ch)
			mu.Lock()
			defer mu.Unlock()
			usage.add(u)
			if err != nil {
				return fmt.Errorf("chunk %s-%s: %w", extract.Clock(ch.Start()), extract.Clock(ch.End()), err)
			}
			notes = append(notes, n)
			return nil
		})
	}
	err := g.Wait()
	sort.Slice(notes, func(i, j int) bool { return notes[i].Index < notes[j].Index })
	return notes, usage, err
}

// describeOne sends one chunk.
func describeOne(ctx context.Context, c Client, opts Options, ch chunk.Chunk) (Note, openai.Usage, error) {
	parts := append([]openai.ChatMessagePart{{
		Type: openai.ChatMessagePartTypeText,
		Text: chunkHeader(ch.Start(), ch.End(), opts.Duration),
	}}, ch.Parts(opts.Detail)...)
	req := openai.ChatCompletionRequest{
		Model: opts.Model,
		Messages: []openai.ChatCompletionMessage{
			{Role: openai.ChatMessageRoleSystem, Content: chunkSystem},
			{Role: openai.ChatMessageRoleUser, MultiContent: parts},
		},
	}
	setTokenLimit(&req, opts.MaxTokens)
	a, err := ask(ctx, c, req)
	n := Note{Index: ch.Index, Start: ch.Start(), End: ch.End(), Times: ch.Times(),
		Description: a.Text, FinishReason: a.FinishReason}
	return n, a.Usage, err
}
