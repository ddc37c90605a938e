package extract

import "context"

// Keyframes only, where they are enough. A camera that writes a keyframe
// at least every sampling interval (many write one a second) has one in
// each interval; sampling takes one picture an interval, and the keyframe
// serves as well as the first picture would, at most an interval later,
// with its own true time. Decoding only the keyframes (-skip_frame nokey)
// then spares every other picture. It pays on busy video, whose pictures
// between keyframes cost as much as the keyframes: a handheld clip with
// one-second GOPs took 0.61 s against 1.03 s. On a static camera, whose
// quiet stretches gating skips anyway, the pictures between keyframes cost
// little to decode, and the concat demuxer that skips the quiet stretches
// still reads every packet: there it saved 0.1 s of 0.9, less than the
// decode of the last picture costs, so it is used only when the whole
// range is decoded. The last picture of the range, which sampling always
// considers, is rarely a keyframe: a short decode of the range's last
// moments runs beside the main one for it. Exact, DecodeAll and Keyframes
// runs never get here.

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
