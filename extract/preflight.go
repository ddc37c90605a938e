package extract

import (
	"context"
	"fmt"
)

// preflightSpan is how many seconds Preflight decodes: enough to meet
// several keyframes' worth of a damaged or encrypted stream, little enough
// to cost a fraction of a second.
const preflightSpan = 2

// maxPreflightErrors is how many decoder complaints the first seconds may
// hold before the stream counts as damaged. A broadcast capture with a
// glitch has a handful; an encrypted stream has hundreds.
const maxPreflightErrors = 50

// Preflight decodes the first seconds of the range and fails when they hold
// no picture or decode only with a flood of errors, so that a caller about
// to pay for model requests never pays for a file that cannot work.
func Preflight(ctx context.Context, v Video, opts Options) error {
	opts.applyDefaults()
	o := opts
	o.End = o.Start + preflightSpan
	if end := opts.RangeEnd(v); end > 0 && end < o.End {
		o.End = end
	}
	o.FPS = max(o.FPS, 2)
	out := make(chan Frame)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range out {
		}
	}()
	st, err := Run(ctx, v, o, out)
	close(out)
	<-done
	if err != nil {
		return err
	}
	if st.DecodeErrors > maxPreflightErrors {
		return fmt.Errorf("%s: %w: %d decoder errors in the first %g s", base(v.Path), ErrDamaged, st.DecodeErrors, o.End-o.Start)
	}
	return nil
}
