package extract

import (
	"fmt"
	"math"
)

// firstSeconds is Preflight's check made on the main decode: the first
// preflightSpan seconds of the range must decode to pictures with at
// most maxPreflightErrors decoder complaints. See Options.Checked.
type firstSeconds struct {
	start float64 // the range's start, seconds from the video's start
	until float64 // the first seconds end here
	ok    func()
	name  string
	done  bool
}

// newFirstSeconds is nil (no check) unless o.Checked is set.
func newFirstSeconds(v Video, o Options) *firstSeconds {
	if o.Checked == nil {
		return nil
	}
	return &firstSeconds{start: o.Start, until: o.Start + preflightSpan, ok: o.Checked, name: base(v.Path)}
}

// see takes the time of each picture read, with the decoder complaints so
// far; now gives the verdict before the first seconds are over. It calls
// ok once, or fails once.
func (c *firstSeconds) see(t float64, errors int, now bool) error {
	if c == nil || c.done || (!now && t < c.until) {
		return nil
	}
	c.done = true
	if errors > maxPreflightErrors {
		span := min(preflightSpan, math.Round((t-c.start)*10)/10)
		return fmt.Errorf("%s: %w: %d decoder errors in the first %g s", c.name, ErrDamaged, errors, span)
	}
	c.ok()
	return nil
}
