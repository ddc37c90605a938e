package summarize

import (
	"context"
	"errors"
	"math"

	"golang.org/x/sync/errgroup"

	"github.com/vidskim/vidskim/dedupe"
	"github.com/vidskim/vidskim/extract"
)

// Reuse is a selection made before from the same video with the same
// selection settings (a plan's, as the library keeps it): the times of
// the frames it kept and its counts. A run given one decodes only those
// frames, each from the keyframe before it (extract.Pictures), instead
// of sampling and selecting the whole range again.
type Reuse struct {
	Times   []float64 // the kept frames, seconds, in time order
	Sampled int
	Dropped int     // kept, then dropped by the frame cap
	Skipped float64 // seconds the first selection did not decode
	Last    float64 // the time of the last frame it sampled
}

// selectFrames sends the kept frames to out: a whole extraction and
// selection, or, with cfg.Reuse, the reused frames decoded again. When a
// reused time matches no picture (the file was replaced in place, or
// another ffmpeg decodes it differently), the frames not sent yet come
// from a whole selection after all: the run never fails for it.
func selectFrames(ctx context.Context, v extract.Video, cfg Config, out chan<- extract.Frame) (extract.Stats, dedupe.Stats, error) {
	r := cfg.Reuse
	if r == nil || len(r.Times) == 0 {
		return dedupe.Select(ctx, v, cfg.Extract, cfg.Dedupe, out)
	}
	xs, sent, last, err := reused(ctx, v, cfg, out)
	if err == nil {
		xs.Skipped, xs.LastTime = r.Skipped, r.Last // as the first selection saw the range
		return xs, dedupe.Stats{Sampled: r.Sampled, Kept: sent, Dropped: r.Dropped}, nil
	}
	if !errors.Is(err, extract.ErrNoPicture) || ctx.Err() != nil {
		return xs, dedupe.Stats{Kept: sent}, err
	}
	return after(ctx, v, cfg, last, out)
}

// reused decodes cfg.Reuse's frames into out; it returns how many it sent
// and the time of the last one.
func reused(ctx context.Context, v extract.Video, cfg Config, out chan<- extract.Frame) (extract.Stats, int, float64, error) {
	g, gctx := errgroup.WithContext(ctx)
	pics := make(chan extract.Frame, 2)
	var xs extract.Stats
	g.Go(func() error {
		defer close(pics)
		var err error
		xs, err = extract.Pictures(gctx, v, cfg.Extract, cfg.Reuse.Times, pics)
		return err
	})
	sent, last := 0, math.Inf(-1)
	g.Go(func() error {
		for f := range pics {
			if cfg.Dedupe.OnFrame != nil {
				cfg.Dedupe.OnFrame(f.Time, true)
			}
			select {
			case out <- f:
				sent, last = sent+1, f.Time
			case <-gctx.Done():
				return gctx.Err()
			}
		}
		return nil
	})
	err := g.Wait()
	return xs, sent, last, err
}

// after runs a whole selection and passes on only the kept frames later
// than last (those up to it were sent already).
func after(ctx context.Context, v extract.Video, cfg Config, last float64, out chan<- extract.Frame) (extract.Stats, dedupe.Stats, error) {
	g, gctx := errgroup.WithContext(ctx)
	kept := make(chan extract.Frame, 2)
	var xs extract.Stats
	var ds dedupe.Stats
	g.Go(func() error {
		defer close(kept)
		var err error
		xs, ds, err = dedupe.Select(gctx, v, cfg.Extract, cfg.Dedupe, kept)
		return err
	})
	g.Go(func() error {
		for f := range kept {
			if f.Time <= last {
				continue
			}
			select {
			case out <- f:
			case <-gctx.Done():
				return gctx.Err()
			}
		}
		return nil
	})
	err := g.Wait()
	return xs, ds, err
}
