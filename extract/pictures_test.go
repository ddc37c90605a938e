package extract

import (
	"bytes"
	"errors"
	"math"
	"testing"
)

// TestPicturesMatchRun: Pictures gives back exactly the frames a Run sent
// (times and pixels), whatever the container and the decoding mode.
func TestPicturesMatchRun(t *testing.T) {
	x264 := []string{"-c:v", "libx264", "-preset", "veryfast", "-crf", "18"}
	tests := []struct {
		name, path string
		opts       Options
	}{
		{"gated still scene", stillScene(t), Options{}},
		{"mp4 with B-frames", testdata("counter.mp4"), Options{FPS: 3}},
		{"exact", testdata("counter.mp4"), Options{FPS: 3, Exact: true}},
		{"webm, anamorphic", testdata("anamorphic.webm"), Options{FPS: 4}},
		{"transport stream", testdata("offset.ts"), Options{FPS: 4}},
		{"range", testdata("sample.mp4"), Options{Start: 3.5, End: 9}},
		{"keyframes in avi", counterClip(t, "h264.avi", x264...), Options{Keyframes: true}},
		{"keyframes in mp4", testdata("sample.mp4"), Options{Keyframes: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, frames, _ := collect(t, tt.path, tt.opts)
			var kept []Frame // every other frame, as dedupe might keep
			var times []float64
			for i := len(frames) - 1; i >= 0; i -= 2 { // in reverse: order is not required
				kept = append(kept, frames[i])
				times = append(times, frames[i].Time)
			}
			got := pictures(t, v, tt.opts, times)
			if len(got) != len(kept) {
				t.Fatalf("%d pictures for %d times", len(got), len(kept))
			}
			for i, g := range got {
				if i > 0 && g.Time <= got[i-1].Time {
					t.Errorf("out of time order: %.3f after %.3f", g.Time, got[i-1].Time)
				}
				k := kept[g.Index]
				if math.Abs(g.Time-k.Time) > 1e-9 || !bytes.Equal(g.Image.Pix, k.Image.Pix) {
					t.Errorf("picture for %.4f s (index %d) is at %.4f s, same pixels %v", k.Time, g.Index, g.Time, bytes.Equal(g.Image.Pix, k.Image.Pix))
				}
			}
		})
	}
}

func pictures(t *testing.T, v Video, o Options, times []float64) []Frame {
	t.Helper()
	out := make(chan Frame)
	var got []Frame
	done := make(chan struct{})
	go func() {
		defer close(done)
		for f := range out {
			got = append(got, f)
		}
	}()
	_, err := Pictures(t.Context(), v, o, times, out)
	close(out)
	<-done
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestPicturesNoPicture(t *testing.T) {
	needFFmpeg(t)
	v, err := Probe(t.Context(), testdata("counter.mp4"), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, times := range [][]float64{{1, 2.02}, {2.02}, {1, 99}, {-1}} { // 25 fps: no picture at 2.02
		out := make(chan Frame, 10)
		if _, err := Pictures(t.Context(), v, Options{}, times, out); !errors.Is(err, ErrNoPicture) {
			t.Errorf("times %v: error %v, want ErrNoPicture", times, err)
		}
	}
}
