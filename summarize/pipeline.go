package summarize

import (
	"context"
	"log/slog"

	"golang.org/x/sync/errgroup"

	"github.com/vidskim/vidskim/chunk"
	"github.com/vidskim/vidskim/dedupe"
	"github.com/vidskim/vidskim/extract"
)

// Config gathers each stage's options.
type Config struct {
	Extract extract.Options
	Dedupe  dedupe.Options
	Chunk   chunk.Options
	Model   Options
}

// Run streams the whole pipeline over v: ffmpeg decodes, dedupe selects,
// chunk batches, and requests go out as soon as a chunk is full, while
// decoding goes on. When every chunk is described, one merge pass (or a
// few rounds, for long videos) writes the summary.
func Run(ctx context.Context, c Client, v extract.Video, cfg Config, log *slog.Logger) (Result, error) {
	cfg.Model.Duration = v.Duration
	g, gctx := errgroup.WithContext(ctx)
	kept := make(chan extract.Frame, 2)
	chunks := make(chan chunk.Chunk)
	var xs extract.Stats
	var ds dedupe.Stats
	var notes []Note
	var usage Usage
	g.Go(func() error {
		defer close(kept)
		var err error
		xs, ds, err = dedupe.Select(gctx, v, cfg.Extract, cfg.Dedupe, kept)
		return err
	})
	g.Go(func() error {
		defer close(chunks)
		return chunk.Run(gctx, cfg.Chunk, kept, chunks)
	})
	g.Go(func() error {
		var err error
		notes, usage, err = Describe(gctx, c, cfg.Model, chunks)
		return err
	})
	err := g.Wait()
	res := newResult(v, cfg, xs, ds, notes, usage)
	if err != nil {
		return res, err
	}
	for _, w := range res.Warnings {
		log.Warn(w)
	}
	log.Info("described", "chunks", len(notes), "frames_kept", ds.Kept, "frames_sampled", ds.Sampled)
	summary, mu, err := Merge(ctx, c, cfg.Model, notes)
	res.Usage.Requests += mu.Requests
	res.Usage.PromptTokens += mu.PromptTokens
	res.Usage.CompletionTokens += mu.CompletionTokens
	if err != nil {
		return res, err
	}
	res.Summary = summary
	return res, nil
}
