package dedupe

import (
	"testing"

	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/llm/openaitest"
)

// scene is a stretch of a test video that must keep at least one frame.
type scene struct{ from, to float64 }

// selectionCase is a test video with known content.
type selectionCase struct {
	file          string
	scenes        []scene
	minKept, maxK int
}

var selectionCases = []selectionCase{
	{"scenes.mp4", []scene{{0, 2}, {2, 4}, {4, 6}, {6, 8}, {8, 10}, {10, 12}}, 6, 12},
	// The fade must not be lost: both ends and something of the middle.
	{"fade.mp4", []scene{{0, 3}, {3.5, 7}, {7, 10}}, 3, 8},
	// A slow pan keeps frames along the way, to the end of it.
	{"pan.mp4", []scene{{0, 1}, {4, 8}, {11, 12}}, 3, 13},
	// A still scene with sensor noise costs a handful at most.
	{"noise.mp4", []scene{{0, 1}}, 1, 2},
	// The small event (2% of the frame, 4-6 s) is caught.
	{"event.mp4", []scene{{0, 1}, {4, 6.01}}, 2, 4},
}

// runSelection runs the real extraction and the dedupe stage over file.
func runSelection(t testing.TB, file string, o Options) ([]extract.Frame, Stats) {
	t.Helper()
	openaitest.NeedFFmpeg(t)
	frames := sample(t, file, 1)
	in := make(chan extract.Frame, len(frames))
	for _, f := range frames {
		in <- f
	}
	close(in)
	out := make(chan extract.Frame, len(frames))
	st, err := Run(t.Context(), o, in, out)
	if err != nil {
		t.Fatal(err)
	}
	close(out)
	var kept []extract.Frame
	for f := range out {
		kept = append(kept, f)
	}
	return kept, st
}

// covered counts the scenes that kept at least one frame.
func covered(kept []extract.Frame, scenes []scene) int {
	n := 0
	for _, s := range scenes {
		for _, f := range kept {
			if f.Time >= s.from && f.Time < s.to {
				n++
				break
			}
		}
	}
	return n
}

func TestSelection(t *testing.T) {
	for _, tc := range selectionCases {
		t.Run(tc.file, func(t *testing.T) {
			kept, st := runSelection(t, tc.file, Options{Threshold: DefaultThreshold})
			if got := covered(kept, tc.scenes); got != len(tc.scenes) {
				t.Errorf("%d of %d scenes kept a frame; kept at %v", got, len(tc.scenes), times(kept))
			}
			if len(kept) < tc.minKept || len(kept) > tc.maxK {
				t.Errorf("kept %d frames at %v, want %d to %d", len(kept), times(kept), tc.minKept, tc.maxK)
			}
			if kept[0].Index != 0 || st.Kept != len(kept) {
				t.Errorf("first kept frame is sample %d; stats %+v", kept[0].Index, st)
			}
			for i := 1; i < len(kept); i++ {
				if kept[i].Time <= kept[i-1].Time {
					t.Errorf("out of order: %v", times(kept))
				}
			}
		})
	}
}

func TestThresholdZeroKeepsAll(t *testing.T) {
	kept, st := runSelection(t, "noise.mp4", Options{Threshold: 0})
	if len(kept) != st.Sampled || st.Sampled < 8 {
		t.Errorf("kept %d of %d", len(kept), st.Sampled)
	}
}

func TestMaxGap(t *testing.T) {
	kept, _ := runSelection(t, "noise.mp4", Options{Threshold: DefaultThreshold, MaxGap: 3})
	// A still scene sampled once a second keeps a frame every 3 s; the
	// gap can exceed 3 s by up to one sampling interval, as a frame is kept
	// at the first sample after the gap runs out.
	if len(kept) < 2 || len(kept) > 3 {
		t.Fatalf("kept at %v, want a frame about every 3 s", times(kept))
	}
	for i := 1; i < len(kept); i++ {
		if gap := kept[i].Time - kept[i-1].Time; gap < 3 || gap > 4.5 {
			t.Errorf("kept at %v: a gap of %v s", times(kept), gap)
		}
	}
}

func TestMaxFrames(t *testing.T) {
	scenes := selectionCases[0].scenes
	all, _ := runSelection(t, "scenes.mp4", Options{Threshold: DefaultThreshold})
	kept, st := runSelection(t, "scenes.mp4", Options{Threshold: DefaultThreshold, MaxFrames: 6})
	if len(kept) != 6 || st.Dropped != len(all)-6 || st.Kept != 6 {
		t.Fatalf("kept %d (stats %+v) of %d", len(kept), st, len(all))
	}
	if got := covered(kept, scenes); got != len(scenes) {
		t.Errorf("the cap lost a scene: kept %v of %v", times(kept), times(all))
	}
	if kept[0].Time != 0 {
		t.Errorf("the cap dropped the first frame: %v", times(kept))
	}
	// Static footage under a cap stays spread out: no gap (the last one
	// running to the end) over twice the even share.
	all, _ = runSelection(t, "noise.mp4", Options{Threshold: DefaultThreshold, MaxGap: 1})
	kept, _ = runSelection(t, "noise.mp4", Options{Threshold: DefaultThreshold, MaxGap: 1, MaxFrames: 3})
	end := all[len(all)-1].Time
	ts := append(times(kept), end)
	for i := 1; i < len(ts); i++ {
		if gap := ts[i] - ts[i-1]; gap > 2*end/3 {
			t.Errorf("capped static footage kept %v of %v: a gap of %v s", times(kept), times(all), gap)
		}
	}
}

func times(fs []extract.Frame) []float64 {
	ts := make([]float64, len(fs))
	for i, f := range fs {
		ts[i] = f.Time
	}
	return ts
}

// BenchmarkSelection reports, per test video, frames sampled, frames kept
// and scenes covered (make bench prints them), and the cost of selection.
func BenchmarkSelection(b *testing.B) {
	for _, tc := range selectionCases {
		b.Run(tc.file, func(b *testing.B) {
			frames := sample(b, tc.file, 1)
			b.ResetTimer()
			var kept []extract.Frame
			for range b.N {
				d := NewFilter(Options{Threshold: DefaultThreshold})
				kept = kept[:0]
				for _, f := range frames {
					if k, _ := d.Keep(f); k {
						kept = append(kept, f)
					}
				}
			}
			b.ReportMetric(float64(len(frames)), "sampled")
			b.ReportMetric(float64(len(kept)), "kept")
			b.ReportMetric(float64(covered(kept, tc.scenes)), "scenes_covered")
			b.ReportMetric(float64(len(tc.scenes)), "scenes")
		})
	}
}
