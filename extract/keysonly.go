package extract

import "context"

// Keyframes only, where they are enough. A camera that writes a keyframe
// at least every sampling interval (security cameras commonly write one a
// second) has one in each interval; sampling takes one picture an
// interval, and the keyframe serves as well as the first picture would,
// at most an interval later, with its own true time. Decoding only the
// keyframes (-skip_frame nokey) then spares every other picture: on the
// make bench clips, 0.78 s against 0.91 s for a 2-minute static camera,
// 0.61 s against 1.03 s for a handheld clip. The last picture of the
// range, which sampling always considers, is rarely a keyframe: a short
// decode of the range's last moments runs beside the main one for it.
// Exact, DecodeAll and Keyframes runs never get here.

// keyEvery reports whether the scan saw a keyframe at least every cell
// seconds, from the first picture to the end of the stream.
func (s *gopScan) keyEvery(cell float64) bool {
	if len(s.gops) < 2 || s.unordered || cell <= 0 {
		return false
	}
	const slack = 1e-6
	for i, g := range s.gops {
		next := s.end
		if i+1 < len(s.gops) {
			next = s.gops[i+1].start
		}
		if next-g.start > cell+slack {
			return false
		}
	}
	return true
}

// concatPays says whether decoding only the keyframes of segs (through the
// concat demuxer) costs less than decoding every keyframe of the span they
// cover in one plain run. The concat demuxer reopens the file for each
// segment, about as long as decoding six keyframes (12 ms at 768x432);
// the decoder still parses each packet it is given, a fifteenth of a
// keyframe. (-discard nokey would spare that parsing in the plain run, but
// with B-frames it shifts the keyframes' times: 8 s came out as 7.92 s.)
func (s *gopScan) concatPays(segs []segment) bool {
	if len(segs) == 0 {
		return false
	}
	from, to := segs[0].from, segs[len(segs)-1].to
	saved := 0.0
	for _, g := range s.gops {
		if g.start >= from && g.start < to && !inSegments(g.start, segs) {
			saved += 1 + float64(g.frames-1)/15
		}
	}
	return saved > 6*float64(len(segs))
}

// inSegments says whether raw time t falls in one of segs.
func inSegments(t float64, segs []segment) bool {
	for _, s := range segs {
		if t >= s.from && t < s.to {
			return true
		}
	}
	return false
}

// withLastPicture runs main, a keyframes-only decode sending to out,
// beside a decode of every picture of the range's last moments, and then
// sends the last of those when it is later than main's last frame.
func withLastPicture(ctx context.Context, v Video, o Options, r ffRun, out chan<- Frame, main func() (Stats, error)) (Stats, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	last := make(chan *Frame, 1)
	go func() { last <- lastPicture(ctx, v, o, r) }()
	st, err := main()
	if err != nil {
		return st, err
	}
	f := <-last
	if f == nil || f.Time <= st.LastTime+1e-9 {
		return st, nil
	}
	f.Index = st.Sampled
	select {
	case out <- *f:
		st.Sampled++
		st.LastTime = f.Time
		return st, nil
	case <-ctx.Done():
		return st, ctx.Err()
	}
}

// lastPicture decodes the last TailWindow seconds of o's range, every
// picture, and returns the last; nil when that fails (the keyframes
// stand, as with --keyframes).
func lastPicture(ctx context.Context, v Video, o Options, r ffRun) *Frame {
	end := o.RangeEnd(v)
	if end <= 0 {
		return nil
	}
	t := o
	t.keysOnly, t.Start = false, max(o.Start, end-o.tailWindow(v))
	r.args, r.stdin, r.prepare, r.first = buildArgs(v, t, r.w, r.h, ""), false, nil, nil
	r.pick = func(s stamp) choice { return choice{time: t.Start + s.t, index: -1, hold: true} }
	frames := make(chan Frame, 1)
	var f *Frame
	done := make(chan struct{})
	go func() {
		defer close(done)
		for x := range frames {
			f = &x
		}
	}()
	_, err := r.run(ctx, v, frames)
	close(frames)
	<-done
	if err != nil {
		return nil
	}
	return f
}
