package extract

import (
	"fmt"
	"math"
	"sort"
)

// Gating: on a static camera the compressed stream says when something
// happens before anything is decoded. A GOP whose inter-coded pictures
// cost about what the quietest GOPs of the video cost, on average and at
// their costliest, holds no motion: its pictures show what its keyframe
// shows, which the last decoded GOP already showed unless the change fell
// exactly on the keyframe. Such a keyframe codes other content, so its
// size changes by more than the stream's keyframes usually change (four
// times the median change, and at least 3%: a slide show encoded at
// constant quality changes its keyframes by 0.3% within a slide and 4 to
// 58% at a new one); a change that leaves not even that trace is seen at
// the next decoded GOP, at most MaxSkip later. The quiet GOPs are not
// decoded. What is decoded: every GOP with activity, the GOP after each
// active run (the scene once it settles), a GOP after a keyframe the
// encoder placed early (a cut) or whose size jumped, the first GOP of the
// range and the last ones (the first and last pictures are always
// considered), and enough others that no undecoded stretch reaches
// MaxSkip; runs of under 1.5 s between decoded GOPs are decoded too.
//
// Costs are in bits a pixel an inter-coded picture, less the smallest
// packet of the stream (headers), so a still picture costs nothing at any
// size. The thresholds come from measurement (make bench): on the
// corpus's static indoor camera the quietest tenth of the GOPs costs
// 0.004 (the empty room), a person shifting in place 2 to 5 times that,
// walking 10 to 17 times; a slow pan or a noisy still scene costs 0.005 to
// 0.02 at its quietest and twice that at its busiest. So a stream is gated
// when its quiet floor is very low (a still picture), or low and well
// below its busiest GOPs (a still scene with events; on footage over five
// minutes, its busiest 30 s rather than its busiest tenth, or events that
// fill a few percent of it would not count). A GOP is quiet up to
// four times the floor: at five, the corpus clip lost a person shifting
// in place at 66 s that an exact decode keeps.
const (
	minGateSpan  = 5     // seconds: a shorter range is decoded whole
	minGOPs      = 6     // fewer GOPs say too little about the stream
	maxGOPLength = 4.0   // seconds (median): longer GOPs make too coarse a choice
	stillFloor   = 0.002 // bits a pixel a frame: a still picture, gated whatever its events
	quietFloor   = 0.006 // bits a pixel a frame: above, the scene is never still
	eventSpread  = 5     // busiest tenth (see busiestShare) over quietest tenth needed between the two floors
	eventSpan    = 30    // seconds: the busiest tenth of long footage is its busiest this long
	quietFactor  = 4     // a GOP is quiet up to this many times the floor
	minSkipShare = 0.1   // gating that would skip less decodes everything
	minGap       = 1.5   // seconds: a shorter undecoded run costs more (a reopen) than it saves
	minRate      = 1e-4  // bits a pixel: the least floor, for a perfectly still picture
	minPeak      = 1e-4  // bits a pixel: likewise for the costliest picture of a GOP
	minKeyJump   = 0.03  // the least change of keyframe size that says the scene changed
)

// segment is a stretch to decode, in raw seconds: from a keyframe (or the
// range start) to the next undecoded keyframe (or the range end).
type segment struct{ from, to float64 }

// gatePlan is what to decode of a range, and how much of it is left out.
type gatePlan struct {
	segs    []segment
	skipped float64 // seconds of the range not decoded
	why     string  // why the whole range is decoded; "" when gating skips
}

// gateRange is the range to plan, in raw seconds, with what planning needs.
type gateRange struct {
	from, to float64 // to is the end of the range, or of the video
	tail     float64 // the last seconds of the range are always decoded
	maxSkip  float64
	pixels   float64 // picture area, for bits a pixel
}

// whole decodes the whole range, for the reason given.
func (r gateRange) whole(format string, a ...any) gatePlan {
	return gatePlan{segs: []segment{{r.from, r.to}}, why: fmt.Sprintf(format, a...)}
}

// planGates decides which GOPs of r to decode.
func planGates(gops []gop, r gateRange) gatePlan {
	gops, durs := inRange(gops, r)
	if why := unusable(gops, durs, r); why != "" {
		return r.whole("%s", why)
	}
	a := measure(gops, r.pixels)
	floor, busy := quantile(a.inter(a.rate), 0.1), quantile(a.inter(a.rate), 1-busiestShare(durs))
	if floor > quietFloor || (floor > stillFloor && busy < eventSpread*floor) {
		return r.whole("no still scene in the packet sizes (quietest GOPs %.4f, busiest %.4f bits a pixel)", floor, busy)
	}
	quiet := quietLevel{rate: quietFactor * max(floor, minRate), peak: quietFactor * max(quantile(a.inter(a.peak), 0.1), minPeak),
		keyJump: max(quietFactor*quantile(a.keyJump[1:], 0.5), minKeyJump)}
	decode := activeGOPs(gops, durs, a, quiet)
	for i := range gops {
		if gops[i].start+durs[i] > r.to-r.tail {
			decode[i] = true // the last picture of the range
		}
	}
	keepAlive(decode, gops, durs, r.maxSkip)
	fillShortGaps(decode, durs, minGap)
	p := segments(gops, durs, decode, r)
	if p.skipped < minSkipShare*(r.to-r.from) {
		return r.whole("too little to skip (%.1f s of %.1f s)", p.skipped, r.to-r.from)
	}
	return p
}

// busiestShare is the share of the GOPs whose activity is the stream's
// busiest: the busiest tenth, but no more than eventSpan seconds of them,
// so that events filling a few percent of long footage still count. A
// 20-minute still camera where two people walked through for a minute had
// its busiest tenth at 1.2 times its floor, and was decoded whole.
func busiestShare(durs []float64) float64 {
	total := 0.0
	for _, d := range durs {
		total += d
	}
	if total <= 0 {
		return 0.1
	}
	return min(0.1, eventSpan/total)
}

// inRange keeps the GOPs that overlap r, the first one holding r.from, and
// returns each one's duration (the last one's runs to r.to).
func inRange(gops []gop, r gateRange) ([]gop, []float64) {
	first := sort.Search(len(gops), func(i int) bool { return gops[i].start > r.from }) - 1
	last := sort.Search(len(gops), func(i int) bool { return gops[i].start >= r.to })
	if first < 0 || first >= last {
		return nil, nil
	}
	gops = gops[first:last]
	durs := make([]float64, len(gops))
	for i := range gops {
		end := r.to
		if i+1 < len(gops) {
			end = gops[i+1].start
		}
		durs[i] = end - gops[i].start
	}
	return gops, durs
}

// unusable says why the GOP structure alone rules gating out, or "".
func unusable(gops []gop, durs []float64, r gateRange) string {
	if len(gops) < minGOPs {
		return fmt.Sprintf("%d GOPs in the range", len(gops))
	}
	frames := make([]float64, len(gops))
	for i, g := range gops {
		frames[i] = float64(g.frames)
	}
	switch {
	case quantile(durs, 0.5) > maxGOPLength:
		return fmt.Sprintf("long GOPs (%.1f s)", quantile(durs, 0.5))
	case quantile(frames, 0.5) < 2:
		return "intra-only stream"
	case r.pixels <= 0:
		return "unknown picture size"
	}
	return ""
}

// activity is what each GOP's inter-coded packets cost, in bits a pixel,
// less what an empty picture costs (headers: the smallest packet of the
// stream), so that a still scene costs nothing at any picture size.
type activity struct {
	rate   []float64 // per inter-coded picture, on average
	peak   []float64 // of the costliest picture: one that shows a sudden change
	frames []int
	// keyJump is how much the keyframe's size changed from the previous
	// one's (a fraction): a scene that changed exactly at the keyframe
	// leaves no trace in the inter-coded pictures, but its keyframe codes
	// other content.
	keyJump []float64
}

func measure(gops []gop, pixels float64) activity {
	empty := int64(math.MaxInt64)
	for _, g := range gops {
		if g.frames > 1 {
			empty = min(empty, g.least)
		}
	}
	n := len(gops)
	a := activity{rate: make([]float64, n), peak: make([]float64, n), frames: make([]int, n), keyJump: make([]float64, n)}
	for i, g := range gops {
		a.frames[i] = g.frames
		if i > 0 && gops[i-1].key > 0 {
			a.keyJump[i] = math.Abs(float64(g.key-gops[i-1].key)) / float64(gops[i-1].key)
		}
		if n := int64(g.frames - 1); n > 0 {
			a.rate[i] = 8 * float64(g.bytes-n*empty) / (pixels * float64(n))
			a.peak[i] = 8 * float64(g.peak-empty) / pixels
		}
	}
	return a
}

// inter keeps the values of the GOPs that have inter-coded pictures.
func (a activity) inter(xs []float64) []float64 {
	var out []float64
	for i, x := range xs {
		if a.frames[i] > 1 {
			out = append(out, x)
		}
	}
	return out
}

// quietLevel is the most a quiet GOP costs, and the largest change of
// keyframe size a quiet GOP shows.
type quietLevel struct{ rate, peak, keyJump float64 }

// activeGOPs marks the GOPs to decode for what they show: those busier
// than quiet, the one after each busy run, and those that start at a
// keyframe placed early (an encoder's scene cut).
func activeGOPs(gops []gop, durs []float64, a activity, quiet quietLevel) []bool {
	typical := quantile(durs, 0.5)
	decode := make([]bool, len(gops))
	decode[0] = true
	busy := false
	for i := range gops {
		cut := i > 0 && durs[i-1] < 0.75*typical
		if a.rate[i] > quiet.rate || a.peak[i] > quiet.peak || a.keyJump[i] > quiet.keyJump || a.frames[i] < 2 || cut {
			decode[i], busy = true, true
			continue
		}
		if busy {
			decode[i], busy = true, false // the scene once it settles
		}
	}
	return decode
}

// keepAlive adds GOPs so that no undecoded stretch reaches maxSkip: the
// GOP at which one would is decoded, so a frame comes at least that often
// (dedupe's MaxGap relies on it).
func keepAlive(decode []bool, gops []gop, durs []float64, maxSkip float64) {
	lastEnd := gops[0].start
	for i := range gops {
		end := gops[i].start + durs[i]
		if !decode[i] && end-lastEnd >= maxSkip {
			decode[i] = true
		}
		if decode[i] {
			lastEnd = end
		}
	}
}

// fillShortGaps decodes the undecoded runs shorter than gap seconds
// between decoded GOPs: skipping one costs a reopen of the file, which
// decodes its first picture to probe it.
func fillShortGaps(decode []bool, durs []float64, gap float64) {
	for i := 0; i < len(decode); {
		if decode[i] {
			i++
			continue
		}
		j, sum := i, 0.0
		for ; j < len(decode) && !decode[j]; j++ {
			sum += durs[j]
		}
		if j < len(decode) && sum < gap {
			for k := i; k < j; k++ {
				decode[k] = true
			}
		}
		i = j
	}
}

// segments turns the GOPs to decode into stretches, merging neighbours.
func segments(gops []gop, durs []float64, decode []bool, r gateRange) gatePlan {
	var p gatePlan
	for i := range gops {
		if !decode[i] {
			p.skipped += durs[i]
			continue
		}
		from, to := gops[i].start, gops[i].start+durs[i]
		if i == 0 {
			from = r.from
		}
		if n := len(p.segs); n > 0 && p.segs[n-1].to == from {
			p.segs[n-1].to = to
			continue
		}
		p.segs = append(p.segs, segment{from, to})
	}
	return p
}

// quantile returns the q-quantile of xs (nearest rank), leaving xs as is.
func quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}
