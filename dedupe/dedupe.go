package dedupe

import (
	"context"
	"fmt"

	"github.com/vidskim/vidskim/extract"
)

// Defaults chosen by measurement (see README, "Choosing the hash").
const (
	DefaultThreshold     = 10 // pHash bits
	DefaultCellThreshold = 24 // grey levels
)

// Options says when a frame is new enough to keep.
type Options struct {
	// Threshold is how many pHash bits a frame must differ from the last
	// kept frame by (more than) to be kept. 0 keeps every frame; the CLI's
	// default is DefaultThreshold.
	Threshold int
	// CellThreshold is how many grey levels one grid cell must change by
	// (more than) to keep a frame whose hash did not change enough; 0 means
	// DefaultCellThreshold.
	CellThreshold float64
	// MaxGap keeps a frame when this many seconds passed since the last
	// kept one, even if nothing changed; 0 means never.
	MaxGap float64
	// MaxFrames caps the frames kept; 0 means no cap. When more would be
	// kept, those that add least are dropped (see capper). With a cap, no
	// frame is passed on before the input ends, and up to MaxFrames frames
	// are held in memory.
	MaxFrames int
	// OnFrame, when set, is told of every sampled frame and whether it
	// was kept (for progress displays).
	OnFrame func(t float64, kept bool)
}

// Stats counts what the stage saw and kept.
type Stats struct {
	Sampled, Kept int
	Dropped       int // kept by the filter, then dropped by MaxFrames
}

// Filter decides frame by frame. It is the stage's state, usable without
// channels (the frames command and benchmarks use it directly).
type Filter struct {
	opts  Options
	last  Signature
	lastT float64
	any   bool
	Stats Stats
}

// NewFilter returns a filter with opts' zero values replaced by defaults.
func NewFilter(opts Options) *Filter {
	if opts.CellThreshold == 0 {
		opts.CellThreshold = DefaultCellThreshold
	}
	return &Filter{opts: opts}
}

// Keep reports whether f is new enough to keep, and remembers it if so.
// The first frame is always kept.
func (d *Filter) Keep(f extract.Frame) (bool, error) {
	keep, _, err := d.keep(f)
	return keep, err
}

func (d *Filter) keep(f extract.Frame) (bool, Signature, error) {
	d.Stats.Sampled++
	sig, err := Sign(f.Image)
	if err != nil {
		return false, sig, fmt.Errorf("dedupe: frame at %s: %w", extract.Clock(f.Time), err)
	}
	keep := !d.any || d.opts.Threshold <= 0 ||
		sig.HashDistance(d.last) > d.opts.Threshold ||
		sig.CellChange(d.last) > d.opts.CellThreshold ||
		(d.opts.MaxGap > 0 && f.Time-d.lastT >= d.opts.MaxGap)
	if keep {
		d.last, d.lastT, d.any = sig, f.Time, true
		d.Stats.Kept++
	}
	if d.opts.OnFrame != nil {
		d.opts.OnFrame(f.Time, keep)
	}
	return keep, sig, nil
}

// Run is the pipeline stage: it passes on the frames worth keeping, in
// order, until in closes. It does not close out.
func Run(ctx context.Context, opts Options, in <-chan extract.Frame, out chan<- extract.Frame) (Stats, error) {
	d := NewFilter(opts)
	var capr *capper
	if opts.MaxFrames > 0 {
		capr = &capper{max: opts.MaxFrames, threshold: opts.Threshold, cellThreshold: d.opts.CellThreshold}
	}
	for f := range in {
		keep, sig, err := d.keep(f)
		if err != nil {
			return d.Stats, err
		}
		if !keep {
			continue
		}
		if capr != nil {
			capr.add(f, sig)
			continue
		}
		select {
		case out <- f:
		case <-ctx.Done():
			return d.Stats, ctx.Err()
		}
	}
	if err := ctx.Err(); err != nil || capr == nil {
		return d.Stats, err
	}
	d.Stats.Dropped = capr.dropped
	d.Stats.Kept -= capr.dropped
	return d.Stats, capr.flush(ctx, out)
}
