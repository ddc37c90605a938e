package dedupe

import (
	"fmt"
	"math/bits"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/corona10/goimagehash"

	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/llm/openaitest"
)

// pairKind labels a pair of consecutive sampled frames for the measurement.
type pairKind int

const (
	same  pairKind = iota // same still scene: only noise or compression differs
	cut                   // a hard cut between two scenes
	small                 // a small object appears in a still scene
)

// hashers are the goimagehash hashes compared, all fed the same 64x64 grey
// thumbnail.
var hashers = map[string]func(t *extract.Frame) uint64{
	"aHash": func(f *extract.Frame) uint64 { h, _ := goimagehash.AverageHash(thumbnail(f.Image)); return h.GetHash() },
	"dHash": func(f *extract.Frame) uint64 {
		h, _ := goimagehash.DifferenceHash(thumbnail(f.Image))
		return h.GetHash()
	},
	"pHash": func(f *extract.Frame) uint64 {
		h, _ := goimagehash.PerceptionHash(thumbnail(f.Image))
		return h.GetHash()
	},
}

type labelled struct {
	file  string
	fps   float64
	label func(t0, t1 float64) (pairKind, bool) // false: pair not used
}

// measureSet is the test videos with known content, and which consecutive
// sampled frames are the same scene, a cut, or a small event.
var measureSet = []labelled{
	{"noise.mp4", 5, func(a, b float64) (pairKind, bool) { return same, true }},
	{"event.mp4", 5, func(a, b float64) (pairKind, bool) {
		in := func(t float64) bool { return t >= 4 && t <= 6 }
		switch {
		case in(a) != in(b):
			return small, true
		case !in(a) && !in(b):
			return same, true
		}
		return same, false // both inside the event: same, but noise pairs are counted already
	}},
	{"scenes.mp4", 1, func(a, b float64) (pairKind, bool) {
		if int(a/2) != int(b/2) {
			return cut, true
		}
		return same, false // inside a scene the content moves: not a "same" pair
	}},
	{"fade.mp4", 1, func(a, b float64) (pairKind, bool) {
		if b < 3 || a >= 7 {
			return same, true
		}
		return same, false
	}},
}

type span struct{ min, max float64 }

func (s *span) add(v float64) {
	if v < s.min {
		s.min = v
	}
	if v > s.max {
		s.max = v
	}
}

// TestHashSeparation measures, for each hash and for the cell signal, the
// largest distance between frames of one still scene and the smallest
// across a cut or a small event. It asserts what the defaults rely on: the
// pHash threshold sits between noise and cuts, and the cell signal
// separates noise from a small object, which no whole-frame hash does.
func TestHashSeparation(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	stats := map[string]map[pairKind]*span{}
	for name := range hashers {
		stats[name] = map[pairKind]*span{}
	}
	stats["cells"] = map[pairKind]*span{}
	for _, m := range measureSet {
		frames := sample(t, m.file, m.fps)
		for i := 1; i < len(frames); i++ {
			kind, ok := m.label(frames[i-1].Time, frames[i].Time)
			if !ok {
				continue
			}
			for name, h := range hashers {
				d := float64(bits.OnesCount64(h(&frames[i-1]) ^ h(&frames[i])))
				spanOf(stats[name], kind).add(d)
			}
			a, _ := Sign(frames[i-1].Image)
			b, _ := Sign(frames[i].Image)
			spanOf(stats["cells"], kind).add(a.CellChange(b))
		}
	}
	var report []string
	names := []string{"aHash", "dHash", "pHash", "cells"}
	for _, n := range names {
		s := stats[n]
		report = append(report, fmt.Sprintf("%-6s same scene max %5.1f | cut min %5.1f | small event min %5.1f",
			n, s[same].max, s[cut].min, s[small].min))
	}
	t.Logf("distances between consecutive frames (bits; cells: grey levels):\n%s", strings.Join(report, "\n"))
	p, c := stats["pHash"], stats["cells"]
	if !(p[same].max <= DefaultThreshold && float64(DefaultThreshold) < p[cut].min) {
		t.Errorf("pHash threshold %d does not separate noise (max %v) from cuts (min %v)", DefaultThreshold, p[same].max, p[cut].min)
	}
	if !(c[same].max <= DefaultCellThreshold && DefaultCellThreshold < c[small].min) {
		t.Errorf("cell threshold %v does not separate noise (max %v) from a small event (min %v)", float64(DefaultCellThreshold), c[same].max, c[small].min)
	}
}

func spanOf(m map[pairKind]*span, k pairKind) *span {
	if m[k] == nil {
		m[k] = &span{min: 1e9, max: -1}
	}
	return m[k]
}

// sample decodes every frame the test needs at fps, in time order.
func sample(t testing.TB, file string, fps float64) []extract.Frame {
	t.Helper()
	v, err := extract.Probe(t.Context(), filepath.Join("..", "testdata", file), "")
	if err != nil {
		t.Fatal(err)
	}
	out := make(chan extract.Frame)
	var frames []extract.Frame
	done := make(chan struct{})
	go func() {
		defer close(done)
		for f := range out {
			frames = append(frames, f)
		}
	}()
	_, err = extract.Run(t.Context(), v, extract.Options{FPS: fps}, out)
	close(out)
	<-done
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(frames, func(i, j int) bool { return frames[i].Time < frames[j].Time })
	return frames
}
