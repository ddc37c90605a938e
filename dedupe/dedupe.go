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
}

// Stats counts what the stage saw and kept.
type Stats struct {
	Sampled, Kept int
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
	d.Stats.Sampled++
	sig, err := Sign(f.Image)
	if err != nil {
		return false, fmt.Errorf("dedupe: frame at %s: %w", extract.Clock(f.Time), err)
	}
	keep := !d.any || d.opts.Threshold <= 0 ||
		sig.HashDistance(d.last) > d.opts.Threshold ||
		sig.CellChange(d.last) > d.opts.CellThreshold ||
		(d.opts.MaxGap > 0 && f.Time-d.lastT >= d.opts.MaxGap)
	if keep {
		d.last, d.lastT, d.any = sig, f.Time, true
		d.Stats.Kept++
	}
	return keep, nil
}

// Run is the pipeline stage: it passes on the frames worth keeping, in
// order, until in closes. It does not close out.
func Run(ctx context.Context, opts Options, in <-chan extract.Frame, out chan<- extract.Frame) (Stats, error) {
	d := NewFilter(opts)
	for f := range in {
		keep, err := d.Keep(f)
		if err != nil {
			return d.Stats, err
		}
		if !keep {
			continue
		}
		select {
		case out <- f:
		case <-ctx.Done():
			return d.Stats, ctx.Err()
		}
	}
	return d.Stats, ctx.Err()
}
