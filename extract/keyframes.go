package extract

import (
	"context"
	"math"
	"os/exec"
	"sort"
)

// Keyframe times from the packets. AVI stores no presentation times and
// MPEG program streams store them for some pictures only, so ffmpeg's
// decoder guesses each picture's time from the packet it is decoding when
// the picture comes out. Decoding every picture that is close enough; with
// -skip_frame nokey the decoder's reordering delay (two pictures for H.264
// with B-frames) becomes two keyframes, and every keyframe is reported one
// or two GOPs late: the first 20 s of an AVI with 10 s GOPs were lost, and
// the rest mislabelled. On those containers a keyframe run decodes every
// keyframe with no seek and no select (both would act on the wrong times),
// takes each picture's time from the packet it came from (showinfo's pos,
// or the order of keyframes where the demuxer gives no position), and
// samples in Go.

// keyframeTimesFromPackets reports whether v's container may lack
// presentation times.
func keyframeTimesFromPackets(v Video) bool { return v.Format == "avi" || v.Format == "mpeg" }

// keyTime is a keyframe packet's position and time (raw seconds).
type keyTime struct {
	pos int64
	t   float64
}

// keyTimes maps the keyframes ffmpeg decodes, in order, to packet times.
type keyTimes struct {
	keys []keyTime
	next int
}

// collect keeps the keyframe packets. A keyframe without a presentation
// time gets its decoding time plus the usual gap between the two (the
// median over keyframes that have both; 0 when none has, as in AVI, where
// a keyframe's decoding time is its presentation time).
func (k *keyTimes) collect(ctx context.Context, bin string, v Video) error {
	var gaps []float64
	var noPTS []int
	err := readPackets(ctx, bin, v, 0, 0, func(p packet) error {
		if !p.key {
			return nil
		}
		t := p.pts
		switch {
		case !math.IsNaN(p.pts) && !math.IsNaN(p.dts):
			gaps = append(gaps, p.pts-p.dts)
		case math.IsNaN(p.pts) && !math.IsNaN(p.dts):
			t = p.dts
			noPTS = append(noPTS, len(k.keys))
		}
		k.keys = append(k.keys, keyTime{p.pos, t})
		return nil
	})
	if len(gaps) > 0 {
		sort.Float64s(gaps)
		for _, i := range noPTS {
			k.keys[i].t += gaps[len(gaps)/2]
		}
	}
	return err
}

// time is the raw time of the next decoded keyframe, whose packet was at
// pos (-1: unknown).
func (k *keyTimes) time(pos int64) (float64, bool) {
	if pos >= 0 {
		for j := k.next; j < len(k.keys); j++ {
			if k.keys[j].pos == pos {
				k.next = j + 1
				return k.keys[j].t, !math.IsNaN(k.keys[j].t)
			}
		}
		return 0, false // not a keyframe the demuxer flagged: keep the decoder's time
	}
	if k.next < len(k.keys) {
		k.next++
		return k.keys[k.next-1].t, !math.IsNaN(k.keys[k.next-1].t)
	}
	return 0, false
}

// runKeyframes decodes every keyframe of v and times each from its packet;
// pick receives times relative to the range start.
func runKeyframes(ctx context.Context, v Video, o Options, r ffRun, pick func(stamp) choice, out chan<- Frame) (Stats, error) {
	var keys keyTimes
	whole := o
	whole.Start, whole.End = 0, 0
	r.args = buildArgs(v, whole, r.w, r.h, "")
	r.prepare = func(ctx context.Context) []byte {
		if bin, err := exec.LookPath(o.FFprobePath); err == nil {
			keys.collect(ctx, bin, v) // without times, frames keep the decoder's
		}
		return nil
	}
	r.pick = func(s stamp) choice {
		if t, ok := keys.time(s.pos); ok {
			s.t = t - v.StartTime
		}
		s.t -= o.Start
		return pick(s)
	}
	return r.run(ctx, v, out)
}
