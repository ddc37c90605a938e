package extract

import (
	"context"
	"errors"
	"image"
)

// Still decodes the one picture of v at time t (a kept frame's time, as
// Run gave it) at full resolution, rotation and pixel aspect applied: for
// reading small text that the scaled frame loses. It seeks to t (ffmpeg
// decodes from the keyframe before it) and takes the first picture at or
// after it.
func Still(ctx context.Context, v Video, t float64) (*image.RGBA, error) {
	long, short := max(v.Width, v.Height), min(v.Width, v.Height)
	o := Options{Start: max(0, t-0.001), FPS: MaxFPS, MaxLong: long, MaxShort: short, Exact: true}
	o.End = o.Start + 0.5
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	frames := make(chan Frame, 1)
	errc := make(chan error, 1)
	go func() {
		_, err := Run(ctx, v, o, frames)
		close(frames)
		errc <- err
	}()
	f, ok := <-frames
	cancel() // one picture is all it takes
	for range frames {
	}
	err := <-errc
	switch {
	case ok:
		return f.Image, nil
	case err == nil:
		err = errors.New("no picture there")
	}
	return nil, err
}
