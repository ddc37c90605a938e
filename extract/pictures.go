package extract

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
)

// Pictures sends to out the pictures shown at times (seconds, as an
// earlier Run with the same Options and video reported them in
// Frame.Time), in time order, each decoded from the keyframe before it.
// After plan has selected the frames, summarize needs exactly those again:
// decoding only from each one's keyframe costs a fraction of a second pass
// over the whole video, and gives the same pixels, since decoding from a
// keyframe with the same decoder settings repeats the same work. Frame.Time
// is the picture's own time and Frame.Index its position in times. A time
// that matches no picture (another video, other Options) is an error
// wrapping ErrNoPicture, so the caller can fall back to a full Run.
func Pictures(ctx context.Context, v Video, opts Options, times []float64, out chan<- Frame) (Stats, error) {
	bin, err := ready(v, &opts)
	if err != nil {
		return Stats{}, err
	}
	want := make([]wanted, len(times))
	for i, t := range times {
		if math.IsNaN(t) || math.IsInf(t, 0) || t < 0 {
			return Stats{}, fmt.Errorf("%s: %w: time %v", base(v.Path), ErrNoPicture, t)
		}
		want[i] = wanted{t, i}
	}
	sort.SliceStable(want, func(a, b int) bool { return want[a].t < want[b].t })
	r := ffRun{bin: bin}
	r.w, r.h = FitSize(v.Width, v.Height, opts.MaxLong, opts.MaxShort)
	var total Stats
	for len(want) > 0 { // batches keep the select expression short
		n := min(len(want), picturesPerRun)
		st, err := picturesRun(ctx, v, opts, r, want[:n], out)
		total.Sampled += st.Sampled
		total.DecodeErrors += st.DecodeErrors
		total.LastTime = st.LastTime
		if err != nil {
			return total, err
		}
		want = want[n:]
	}
	return total, nil
}

// picturesPerRun bounds the times one ffmpeg run looks for: each adds 30
// bytes to its select expression, and an argument may hold 128 KiB.
const picturesPerRun = 2000

// mergeGap is the gap between two asked times, in seconds, below which
// Pictures decodes straight on rather than seeking again: a seek reopens
// the file and decodes its first picture to probe it, and on the corpus's
// static camera (46 asked times in 139 s) merging gaps under 2 s cut the
// run from 0.9 to 0.7 s of CPU.
const mergeGap = 2.0

// wanted is one asked time and its position in the caller's list.
type wanted struct {
	t     float64
	index int
}

// picturesRun decodes the pictures at want (sorted) in one ffmpeg run: a
// concat script with one entry a time where the container allows (each
// entry seeks to the keyframe before its time and stops right after it),
// else one decode from the first time to the last.
func picturesRun(ctx context.Context, v Video, o Options, r ffRun, want []wanted, out chan<- Frame) (Stats, error) {
	tol := pictureTolerance(v)
	m := &matcher{want: want, tol: tol, missing: -1}
	origin := want[0].t // ffmpeg's times count from here
	switch {
	case o.Keyframes && keyframeTimesFromPackets(v):
		o.Start, o.End = 0, 0
		st, err := runKeyframes(ctx, v, o, r, func(s stamp) choice { return m.pick(s.t) }, out)
		return m.check(v, st, err)
	case concatFormat(v):
		var segs []segment
		for _, w := range want {
			from, to := w.t+v.StartTime, w.t+v.StartTime+tol
			if n := len(segs); n > 0 && from-segs[n-1].to < mergeGap {
				segs[n-1].to = to // decoding on is cheaper than a new seek
				continue
			}
			segs = append(segs, segment{from, to})
		}
		r.args = concatArgs(v, o, r.w, r.h, timesSelect(want, origin, tol))
		r.stdin = true
		r.prepare = func(context.Context) []byte { return concatScript(v.Path, segs, false) }
	default:
		origin = max(0, origin-tol)
		o.Start, o.End = origin, want[len(want)-1].t+tol
		r.args = buildArgs(v, o, r.w, r.h, timesSelect(want, origin, tol))
	}
	r.pick = func(s stamp) choice { return m.pick(origin + s.t) }
	st, err := r.run(ctx, v, out)
	return m.check(v, st, err)
}

// pictureTolerance is how far a picture's time may be from an asked time:
// a millisecond (times written with three decimals still match), and less
// than half the gap between two pictures.
func pictureTolerance(v Video) float64 {
	if v.FrameRate > 0 {
		return min(0.001, 0.45/v.FrameRate)
	}
	return 0.001
}

// timesSelect passes the pictures within tol of the wanted times; ffmpeg's
// times count from origin.
func timesSelect(want []wanted, origin, tol float64) string {
	var b strings.Builder
	for i, w := range want {
		if i > 0 {
			b.WriteByte('+')
		}
		fmt.Fprintf(&b, "lt(abs(t-%.6f),%s)", w.t-origin, num(tol))
	}
	return b.String()
}

// matcher pairs decoded pictures, in time order, with the wanted times;
// a picture decoded twice (two times in one GOP) is sent once.
type matcher struct {
	want    []wanted
	next    int
	tol     float64
	missing int // the first wanted time passed without a picture; -1: none
}

func (m *matcher) pick(t float64) choice {
	c := choice{time: t, index: -1}
	for m.next < len(m.want) && m.want[m.next].t < t-m.tol {
		if m.missing < 0 {
			m.missing = m.next
		}
		m.next++
	}
	if m.next < len(m.want) && math.Abs(m.want[m.next].t-t) <= m.tol {
		c.index, c.send = m.want[m.next].index, true
		m.next++
	}
	return c
}

// check turns a run that found fewer pictures than wanted into an error.
func (m *matcher) check(v Video, st Stats, err error) (Stats, error) {
	if errors.Is(err, ErrNoFrames) {
		err = nil // no picture matched: said below
	}
	if err == nil && m.missing < 0 && m.next < len(m.want) {
		m.missing = m.next
	}
	if err == nil && m.missing >= 0 {
		err = fmt.Errorf("%s: %w at %.3f s (another video, or other options?)", base(v.Path), ErrNoPicture, m.want[m.missing].t)
	}
	return st, err
}
