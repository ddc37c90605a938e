package dedupe

import (
	"context"

	"golang.org/x/sync/errgroup"

	"github.com/vidskim/vidskim/extract"
)

// Select runs extraction and selection together and sends the kept frames
// to out, in time order, as ffmpeg decodes them. It does not close out.
// The first error stops both stages; extraction's stats say how far the
// video decoded. With a MaxGap, extraction leaves no stretch longer than
// it undecoded (extract.Options.MaxSkip), so a frame can be kept that often.
func Select(ctx context.Context, v extract.Video, eo extract.Options, do Options, out chan<- extract.Frame) (extract.Stats, Stats, error) {
	if do.MaxGap > 0 {
		if eo.MaxSkip == 0 {
			eo.MaxSkip = extract.DefaultMaxSkip
		}
		eo.MaxSkip = min(eo.MaxSkip, do.MaxGap)
	}
	g, ctx := errgroup.WithContext(ctx)
	frames := make(chan extract.Frame, 2)
	var xs extract.Stats
	var ds Stats
	g.Go(func() error {
		defer close(frames)
		var err error
		xs, err = extract.Run(ctx, v, eo, frames)
		return err
	})
	g.Go(func() error {
		var err error
		ds, err = Run(ctx, do, frames, out)
		return err
	})
	err := g.Wait()
	return xs, ds, err
}
