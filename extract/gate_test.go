package extract

import (
	"math"
	"strings"
	"testing"
)

func TestParsePacket(t *testing.T) {
	tests := []struct {
		line string
		ok   bool
		want packet
	}{
		{"pts_time=0.400000|dts_time=0.000000|duration_time=0.100000|size=257|pos=48|flags=K_", true,
			packet{pts: 0.4, dts: 0, dur: 0.1, size: 257, pos: 48, key: true}},
		{"pts_time=N/A|dts_time=4.960000|duration_time=0.040000|size=9|pos=N/A|flags=__", true,
			packet{pts: math.NaN(), dts: 4.96, dur: 0.04, size: 9, pos: -1}},
		{"size=12|flags=_D", true, packet{pts: math.NaN(), dts: math.NaN(), dur: math.NaN(), size: 12, pos: -1}},
		{"pts_time=1|flags=K_", false, packet{}},                // no size
		{"pts_time=1|size=-3|flags=K_", false, packet{}},        // negative size
		{"side_data|side_data_type=Stereo 3D", false, packet{}}, // not a packet
		{"", false, packet{}},
	}
	same := func(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }
	for _, tt := range tests {
		p, ok := parsePacket(tt.line)
		if ok != tt.ok {
			t.Errorf("%q: ok=%v, want %v", tt.line, ok, tt.ok)
			continue
		}
		w := tt.want
		if ok && (!same(p.pts, w.pts) || !same(p.dts, w.dts) || !same(p.dur, w.dur) || p.size != w.size || p.pos != w.pos || p.key != w.key) {
			t.Errorf("%q: got %+v, want %+v", tt.line, p, w)
		}
	}
}

// stream builds GOPs of a static camera: one a second of 10 pictures, the
// inter-coded ones costing bpp bits a pixel at 100x100 pixels.
func stream(bpp ...float64) []gop {
	gops := make([]gop, len(bpp))
	for i, b := range bpp {
		gops[i] = gop{start: float64(i), frames: 10, bytes: int64(b * 100 * 100 * 9 / 8)}
	}
	return gops
}

func repeat(x float64, n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = x
	}
	return s
}

func concat(parts ...[]float64) []float64 {
	var s []float64
	for _, p := range parts {
		s = append(s, p...)
	}
	return s
}

func TestPlanGates(t *testing.T) {
	quiet, walk := 0.001, 0.02
	event := concat(repeat(quiet, 10), repeat(walk, 3), repeat(quiet, 17)) // activity at 10-13 s
	tests := []struct {
		name    string
		gops    []gop
		r       gateRange
		segs    []segment // nil: any, but gating must skip
		whole   string    // non-empty: the whole range, for a reason containing this
		skipped float64
	}{
		{"event in a still scene", stream(event...), gateRange{from: 0, to: 30, tail: 1, maxSkip: 100, pixels: 1e4},
			[]segment{{0, 1}, {10, 14}, {29, 30}}, "", 24},
		{"range starts inside a GOP", stream(event...), gateRange{from: 2.5, to: 30, tail: 1, maxSkip: 100, pixels: 1e4},
			[]segment{{2.5, 3}, {10, 14}, {29, 30}}, "", 22},
		{"keep-alive every max skip", stream(repeat(quiet, 30)...), gateRange{from: 0, to: 30, tail: 1, maxSkip: 10, pixels: 1e4},
			[]segment{{0, 1}, {10, 11}, {20, 21}, {29, 30}}, "", 26},
		{"scene cut keyframe", append(stream(repeat(quiet, 10)...), withStart(stream(repeat(quiet, 20)...), 9.5)...),
			gateRange{from: 0, to: 29.5, tail: 1, maxSkip: 100, pixels: 1e4},
			[]segment{{0, 1}, {9.5, 11.5}, {28.5, 29.5}}, "", 25.5},
		{"scene change on a keyframe", withKeys(stream(repeat(quiet, 30)...), 20000, 15, 24000), gateRange{from: 0, to: 30, tail: 1, maxSkip: 100, pixels: 1e4},
			[]segment{{0, 1}, {15, 17}, {29, 30}}, "", 26},
		{"constant noise", stream(repeat(0.3, 30)...), gateRange{from: 0, to: 30, tail: 1, maxSkip: 100, pixels: 1e4},
			nil, "no still scene", 0},
		{"constant slow motion", stream(concat(repeat(0.004, 15), repeat(0.006, 15))...), gateRange{from: 0, to: 30, tail: 1, maxSkip: 100, pixels: 1e4},
			nil, "no still scene", 0},
		// 20 minutes of a noisy still camera (above the still floor) where
		// people walk through for 45 s in all: the busiest tenth is
		// quiet, the busiest 30 s are not.
		{"rare events in long footage", stream(concat(repeat(0.0021, 300), repeat(0.02, 20), repeat(0.0021, 580), repeat(0.02, 25), repeat(0.0021, 275))...),
			gateRange{from: 0, to: 1200, tail: 1, maxSkip: 1000, pixels: 1e4},
			[]segment{{0, 1}, {300, 321}, {900, 926}, {1199, 1200}}, "", 1151},
		{"long slow motion, a few spikes", stream(concat(repeat(0.004, 600), repeat(0.03, 20), repeat(0.004, 580))...),
			gateRange{from: 0, to: 1200, tail: 1, maxSkip: 1000, pixels: 1e4}, nil, "no still scene", 0},
		{"busy everywhere", stream(concat(repeat(quiet, 4), repeat(walk, 27))...), gateRange{from: 0, to: 31, tail: 1, maxSkip: 100, pixels: 1e4},
			nil, "too little", 0},
		{"too few GOPs", stream(event[:5]...), gateRange{from: 0, to: 5, tail: 1, maxSkip: 100, pixels: 1e4},
			nil, "GOPs in the range", 0},
		{"long GOPs", withLength(stream(event...), 10), gateRange{from: 0, to: 300, tail: 1, maxSkip: 100, pixels: 1e4},
			nil, "long GOPs", 0},
		{"intra-only", intraOnly(30), gateRange{from: 0, to: 30, tail: 1, maxSkip: 100, pixels: 1e4},
			nil, "intra-only", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := planGates(tt.gops, tt.r)
			if tt.whole != "" {
				if !strings.Contains(p.why, tt.whole) || len(p.segs) != 1 || p.segs[0] != (segment{tt.r.from, tt.r.to}) || p.skipped != 0 {
					t.Fatalf("plan %+v, want the whole range because %q", p, tt.whole)
				}
				return
			}
			if p.why != "" || math.Abs(p.skipped-tt.skipped) > 1e-9 || !equalSegs(p.segs, tt.segs) {
				t.Fatalf("plan %+v, want %v skipping %v s", p, tt.segs, tt.skipped)
			}
		})
	}
}

// withKeys gives every keyframe size, and from GOP at on, size after:
// steady sizes of a still scene, then a change that shows only there.
func withKeys(gops []gop, size int64, at int, after int64) []gop {
	for i := range gops {
		gops[i].key = size
		if i >= at {
			gops[i].key = after
		}
	}
	return gops
}

func withStart(gops []gop, from float64) []gop {
	for i := range gops {
		gops[i].start += from
	}
	return gops
}

func withLength(gops []gop, sec float64) []gop {
	for i := range gops {
		gops[i].start *= sec
	}
	return gops
}

func intraOnly(n int) []gop {
	gops := make([]gop, n)
	for i := range gops {
		gops[i] = gop{start: float64(i), frames: 1}
	}
	return gops
}

func equalSegs(a, b []segment) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(a[i].from-b[i].from) > 1e-9 || math.Abs(a[i].to-b[i].to) > 1e-9 {
			return false
		}
	}
	return true
}

// TestPlanNeverSkipsTooLong: whatever the activity, no undecoded stretch
// reaches MaxSkip, the first GOP and the tail are decoded, and segments
// are in order inside the range.
func TestPlanNeverSkipsTooLong(t *testing.T) {
	for seed := range 200 {
		bpp := make([]float64, 20+seed%50)
		x := uint32(seed*2654435761 + 1)
		for i := range bpp {
			x ^= x << 13
			x ^= x >> 17
			x ^= x << 5
			bpp[i] = 0.001
			if x%7 == 0 {
				bpp[i] = 0.05
			}
		}
		end := float64(len(bpp))
		r := gateRange{from: 0.5, to: end, tail: 1, maxSkip: float64(2 + seed%9), pixels: 1e4}
		p := planGates(stream(bpp...), r)
		if p.segs[0].from != r.from || p.segs[len(p.segs)-1].to != r.to {
			t.Fatalf("seed %d: plan %+v does not cover both ends of %+v", seed, p, r)
		}
		for i := 1; i < len(p.segs); i++ {
			if gap := p.segs[i].from - p.segs[i-1].to; gap <= 0 || gap >= r.maxSkip {
				t.Fatalf("seed %d: gap of %v s (max skip %v) in %+v", seed, gap, r.maxSkip, p.segs)
			}
		}
	}
}
