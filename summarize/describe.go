package summarize

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/vidskim/vidskim/chunk"
	"github.com/vidskim/vidskim/cost"
	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/llm"
	"github.com/vidskim/vidskim/schema"
)

// Options configures the model requests. The zero value asks
// DefaultModel for low-detail descriptions, DefaultConcurrency requests at
// a time. Where requests go, retries, pacing and the cache are the
// client's (llm.Config).
type Options struct {
	// Model is the model name; "" means DefaultModel.
	Model string
	// Detail is the image detail sent with every image; "" means low.
	Detail chunk.Detail
	// MaxTokens limits each chunk description; 0 means DefaultMaxTokens.
	MaxTokens int
	// MergeMaxTokens limits the summary and each partial merge; 0 means
	// DefaultMergeMaxTokens.
	MergeMaxTokens int
	// Concurrency is how many chunk requests run at once; 0 means
	// DefaultConcurrency.
	Concurrency int
	// MergeBudget is how many tokens of notes one merge request may carry
	// (estimated at 4 characters a token); more are merged in rounds. 0
	// means DefaultMergeBudget.
	MergeBudget int
	// Duration of the video in seconds, to tell the model where a chunk
	// sits; 0 when unknown.
	Duration float64
	// Mode picks the prompts; "" means ModeSummary.
	Mode Mode
	// Prompt is the user's own instruction, added to every prompt.
	Prompt string
	// Language, when set, is the language every answer is written in
	// (a language name as a person would say it: "French", "pt-BR").
	Language string
	// Pricing is the model table entry, for estimates (rate pacing, the
	// run's cost); nil means the GPT-4o rule and no price.
	Pricing *cost.Model
	// Schema, when set, is the JSON Schema the summary must follow: it is
	// asked for in it, validated, and asked once more when invalid.
	Schema *schema.Schema
	// Batch is which requests go through the Batch API: the estimate
	// prices them at batch prices, and so does the run's cost for every
	// answer a batch gave (llm.Answer.Batch).
	Batch cost.Batching
	// DescriptionsOnly describes the chunks and makes no summary: no
	// merge request is sent (subtitles of the descriptions need none).
	DescriptionsOnly bool
}

// Defaults, shown by front ends and used where Options leave zeros.
const (
	DefaultModel          = "gpt-4.1-mini" // cheap and capable with images
	DefaultMaxTokens      = 400
	DefaultMergeMaxTokens = 1200
	DefaultConcurrency    = 4
	DefaultMergeBudget    = 24000
)

func (o *Options) applyDefaults() {
	if o.Model == "" {
		o.Model = DefaultModel
	}
	if o.Detail == "" {
		o.Detail = chunk.Low
	}
	if o.MaxTokens == 0 {
		o.MaxTokens = DefaultMaxTokens
	}
	if o.MergeMaxTokens == 0 {
		o.MergeMaxTokens = DefaultMergeMaxTokens
	}
	if o.Concurrency == 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.MergeBudget == 0 {
		o.MergeBudget = DefaultMergeBudget
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

// Failure is a stretch of the video whose chunk failed.
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
// stays bounded). A chunk that fails after its retries is recorded and the
// others go on; an error that would fail every request (a bad key, an
// unknown model) stops the run at once and is returned.
func Describe(ctx context.Context, c Client, opts Options, in <-chan chunk.Chunk) (Described, error) {
	opts.applyDefaults()
	return describe(ctx, &caller{c: c}, opts, in)
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
		k.progress.update(func(p *Progress) { p.Chunks++ })
		g.Go(func() error {
			notes, fails, u, err := describeChunk(ctx, k, opts, ch)
			if err == nil && len(fails) == 0 && len(notesIncomplete(notes)) == 0 { // whole, so cached
				k.progress.update(func(p *Progress) { p.Described++ })
			}
			mu.Lock()
			defer mu.Unlock()
			d.Usage.merge(u)
			d.Notes = append(d.Notes, notes...)
			d.Failures = append(d.Failures, fails...)
			return err
		})
	}
	if ctx.Err() == nil {
		k.progress.update(func(p *Progress) { p.Formed = true })
	}
	err := g.Wait()
	sort.Slice(d.Notes, func(i, j int) bool { return d.Notes[i].Start < d.Notes[j].Start })
	sort.Slice(d.Failures, func(i, j int) bool { return d.Failures[i].Start < d.Failures[j].Start })
	return d, err
}

// describeChunk describes one chunk. A chunk refused as too big (too many
// images, or too long a context) is split in two and each half described,
// down to single images. Only errors that stop the run are returned as
// errors.
func describeChunk(ctx context.Context, k *caller, opts Options, ch chunk.Chunk) ([]Note, []Failure, Usage, error) {
	n, a, err := describeOne(ctx, k, opts, ch)
	var u Usage
	u.count(a)
	if err == nil {
		return []Note{n}, nil, u, nil
	}
	if ctx.Err() != nil {
		return nil, nil, u, ctx.Err()
	}
	switch llm.ActionOf(err, len(ch.Images)) {
	case llm.Split:
		half := len(ch.Images) / 2
		n1, f1, u1, err1 := describeChunk(ctx, k, opts, chunk.Chunk{Index: ch.Index, Images: ch.Images[:half]})
		if err1 != nil { // the run stops: the other half is not sent
			u.merge(u1)
			return n1, f1, u, err1
		}
		n2, f2, u2, err2 := describeChunk(ctx, k, opts, chunk.Chunk{Index: ch.Index, Images: ch.Images[half:]})
		u.merge(u1)
		u.merge(u2)
		return append(n1, n2...), append(f1, f2...), u, err2
	case llm.Stop:
		return nil, nil, u, fmt.Errorf("chunk %s-%s: %w", extract.Clock(ch.Start()), extract.Clock(ch.End()), err)
	}
	return nil, []Failure{{Start: ch.Start(), End: ch.End(), Err: err}}, u, nil
}

// describeOne sends one chunk: a header saying where it sits, the speech of
// its stretch when there is a transcript, then each image after its label.
func describeOne(ctx context.Context, k *caller, opts Options, ch chunk.Chunk) (Note, llm.Answer, error) {
	parts := []llm.Part{llm.Text(opts.chunkHeader(ch.Times(), ch.Next))}
	segs, err := k.transcript.wait(ctx)
	if err != nil {
		return Note{}, llm.Answer{}, err
	}
	if lines := linesIn(segs, ch.Start(), max(ch.Next, ch.End()+0.001)); lines != "" {
		parts = append(parts, llm.Text("What is said in this stretch (transcript):\n"+lines))
	}
	for _, im := range ch.Images {
		parts = append(parts, llm.Text(im.Label()), llm.ImagePart(im.JPEG, string(opts.Detail)))
		text, since, err := k.screen.text(ctx, im.Time)
		switch {
		case err != nil:
			return Note{}, llm.Answer{}, err
		case text != "" && since < im.Time:
			parts = append(parts, llm.Text("Text on screen at "+im.Label()+": the same as at ["+extract.Clock(since)+"]."))
		case text != "":
			parts = append(parts, llm.Text("Text on screen at "+im.Label()+", read at full resolution:\n"+text))
		}
	}
	req := llm.ChatRequest{Model: opts.Model, System: opts.system("chunk"), User: parts, MaxTokens: opts.MaxTokens}
	req.Tokens = opts.requestTokens(req, ch.Images)
	a, err := k.ask(ctx, "chunk "+extract.Clock(ch.Start())+"-"+extract.Clock(ch.End()), req)
	n := Note{Index: ch.Index, Start: ch.Start(), End: ch.End(), Times: ch.Times(),
		Description: a.Text, FinishReason: a.FinishReason}
	if a.FinishReason == "content_filter" && n.Description == "" {
		n.Description = "(withheld by the provider's content filter)"
	}
	return n, a, err
}
