package extract

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"time"
)

// frameReader cuts ffmpeg's stdout into w*h*4-byte RGBA frames and pairs
// each with the next showinfo stamp; r.pick says what each frame is. A
// held frame is sent at the end only if no frame was sent after it.
type frameReader struct {
	ctx    context.Context
	r      ffRun
	out    chan<- Frame
	st     Stats
	errors int // decoder complaints before the last frame read
}

// readFrames reads rd to its end (or an error) and says what it sent.
func readFrames(ctx context.Context, rd io.Reader, stamps <-chan stamp, r ffRun, out chan<- Frame) (Stats, error) {
	fr := &frameReader{ctx: ctx, r: r, out: out}
	var held *Frame
	for {
		img := image.NewRGBA(image.Rect(0, 0, r.w, r.h))
		if _, err := io.ReadFull(rd, img.Pix); err == io.EOF {
			break
		} else if err != nil {
			return fr.st, fmt.Errorf("reading frames from ffmpeg: %w", err)
		}
		s, err := fr.stamp(stamps)
		if err != nil {
			return fr.st, err
		}
		c := r.pick(s)
		if err := r.first.see(c.time, fr.errors, false); err != nil {
			return fr.st, err
		}
		f := Frame{Time: c.time, Index: c.index, Image: img}
		switch {
		case c.send:
			held = nil
			if err := fr.send(f); err != nil {
				return fr.st, err
			}
		case c.hold:
			held = &f
		}
	}
	if held != nil {
		return fr.st, fr.send(*held)
	}
	return fr.st, nil
}

// stamp waits for the next frame's stamp.
func (fr *frameReader) stamp(stamps <-chan stamp) (stamp, error) {
	select {
	case s, ok := <-stamps:
		if !ok {
			return s, errors.New("ffmpeg sent a frame without a timestamp")
		}
		fr.errors = s.errors
		return s, nil
	case <-fr.ctx.Done():
		return stamp{}, fr.ctx.Err()
	}
}

// send passes f on. Before the first seconds are checked, a caller that
// has not taken f within verdictWait is taken to hold its requests until
// the verdict: it comes now, on what has decoded so far, since waiting for
// the rest would never end.
func (fr *frameReader) send(f Frame) error {
	if f.Index < 0 {
		f.Index = fr.st.Sampled
	}
	var wait <-chan time.Time
	if fr.r.first != nil && !fr.r.first.done {
		t := time.NewTimer(verdictWait)
		defer t.Stop()
		wait = t.C
	}
	for {
		select {
		case fr.out <- f:
			fr.st.Sampled++
			fr.st.LastTime = f.Time
			return nil
		case <-wait:
			wait = nil
			if err := fr.r.first.see(f.Time, fr.errors, true); err != nil {
				return err
			}
		case <-fr.ctx.Done():
			return fr.ctx.Err()
		}
	}
}

// verdictWait is how long a frame waits on the caller before the first
// seconds' verdict is given early: far longer than selection takes on a
// frame, far shorter than a person notices.
const verdictWait = 300 * time.Millisecond
