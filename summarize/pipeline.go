package summarize

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

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
	// Partial summarizes what succeeded when some chunks failed after all
	// retries (the result is marked partial and Run still returns
	// ErrPartial); without it such a run returns an error and no summary.
	Partial bool
}

// ErrPartial marks a run whose result covers only part of the video.
var ErrPartial = errors.New("some chunks failed after all retries")

// Run streams the whole pipeline over v: ffmpeg decodes, dedupe selects,
// chunk batches, and requests go out as soon as a chunk is full, while
// decoding goes on. When every chunk is described, one merge pass (or a
// few rounds, for long videos) writes the summary. The Result is filled in
// as far as the run got, even on error.
func Run(ctx context.Context, c Client, v extract.Video, cfg Config, log *slog.Logger) (Result, error) {
	cfg.Model.Duration = v.Duration
	cfg.Model.applyDefaults()
	k := newCaller(c, cfg.Model)
	g, gctx := errgroup.WithContext(ctx)
	kept := make(chan extract.Frame, 2)
	chunks := make(chan chunk.Chunk)
	var xs extract.Stats
	var ds dedupe.Stats
	var d Described
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
		d, err = describe(gctx, k, cfg.Model, chunks)
		return err
	})
	err := g.Wait()
	res := newResult(v, cfg, xs, ds, d)
	if err != nil {
		return res, err
	}
	for _, w := range res.Warnings {
		log.Warn(w)
	}
	log.Info("described", "chunks", len(d.Notes), "failed", len(d.Failures), "frames_kept", ds.Kept,
		"frames_sampled", ds.Sampled, "requests", d.Usage.Requests, "cached", d.Usage.Cached)
	var partial error
	if len(d.Failures) > 0 {
		partial = fmt.Errorf("%w: %s", ErrPartial, failedRanges(d.Failures))
		if !cfg.Partial || len(d.Notes) == 0 {
			return res, fmt.Errorf("%w; run again to resume (answers so far are cached), or add --partial", partial)
		}
	}
	summary, mu, err := merge(ctx, k, cfg.Model, d.Notes)
	res.Usage.merge(mu)
	if err != nil {
		return res, err
	}
	res.Summary = summary + incompleteNote(d)
	return res, partial
}

// failedRanges lists the failed stretches with the first reason.
func failedRanges(fs []Failure) string {
	var rs []string
	for _, f := range fs {
		rs = append(rs, extract.Clock(f.Start)+"-"+extract.Clock(f.End))
	}
	return fmt.Sprintf("%d failed (%s): %v", len(fs), strings.Join(rs, ", "), fs[0].Err)
}

// incompleteNote tells the reader of the summary which stretches it does
// not fully cover: cut off at the token limit, withheld by a content
// filter, or failed.
func incompleteNote(d Described) string {
	var lines []string
	for _, n := range d.Notes {
		switch n.FinishReason {
		case "length":
			lines = append(lines, fmt.Sprintf("- %s-%s: description cut off at the token limit (--max-tokens)", extract.Clock(n.Start), extract.Clock(n.End)))
		case "content_filter":
			lines = append(lines, fmt.Sprintf("- %s-%s: withheld by the provider's content filter", extract.Clock(n.Start), extract.Clock(n.End)))
		}
	}
	for _, f := range d.Failures {
		lines = append(lines, fmt.Sprintf("- %s-%s: not described (the request failed)", extract.Clock(f.Start), extract.Clock(f.End)))
	}
	if len(lines) == 0 {
		return ""
	}
	return "\n\nIncomplete:\n" + strings.Join(lines, "\n")
}
