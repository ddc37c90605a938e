package extract

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/vidskim/vidskim/llm/openaitest"
)

func needFFmpeg(t *testing.T) { openaitest.NeedFFmpeg(t) }

func testdata(name string) string { return filepath.Join("..", "testdata", name) }

// collect runs extraction to the end and returns every frame.
func collect(t *testing.T, path string, o Options) (Video, []Frame, Stats) {
	t.Helper()
	v, err := Probe(t.Context(), path, "")
	if err != nil {
		t.Fatalf("probe: %v", err)
	}
	out := make(chan Frame)
	var frames []Frame
	done := make(chan struct{})
	go func() {
		defer close(done)
		for f := range out {
			frames = append(frames, f)
		}
	}()
	st, err := Run(t.Context(), v, o, out)
	close(out)
	<-done
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return v, frames, st
}

func TestProbe(t *testing.T) {
	needFFmpeg(t)
	tests := []struct {
		file     string
		w, h     int
		duration float64
		audio    bool
		rotation int
	}{
		{"sample.mp4", 320, 240, 12, true, 0},
		{"rotated.mp4", 240, 320, 2, false, 90},
		{"anamorphic.webm", 320, 240, 2, false, 0},
		{"offset.ts", 160, 120, 3, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			v, err := Probe(t.Context(), testdata(tt.file), "")
			if err != nil {
				t.Fatal(err)
			}
			if v.Width != tt.w || v.Height != tt.h || v.HasAudio != tt.audio || v.Rotation != tt.rotation {
				t.Errorf("got %dx%d audio=%v rot=%d, want %dx%d audio=%v rot=%d",
					v.Width, v.Height, v.HasAudio, v.Rotation, tt.w, tt.h, tt.audio, tt.rotation)
			}
			if math.Abs(v.Duration-tt.duration) > 0.1 {
				t.Errorf("duration %g, want %g", v.Duration, tt.duration)
			}
			if !filepath.IsAbs(v.Path) {
				t.Errorf("path %q is not absolute", v.Path)
			}
		})
	}
}

func TestProbeBadInput(t *testing.T) {
	needFFmpeg(t)
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.mp4")
	os.WriteFile(empty, nil, 0o644)
	text := filepath.Join(dir, "notes.mp4")
	os.WriteFile(text, []byte("just some text, not a video\n"), 0o644)
	tests := []struct {
		name, path string
		want       error
		wantMsg    string
	}{
		{"missing", filepath.Join(dir, "nope.mp4"), nil, "no such file"},
		{"directory", dir, nil, "is a directory"},
		{"empty", empty, nil, "empty file"},
		{"text", text, ErrNotMedia, ""},
		{"audio only", testdata("audio.m4a"), ErrNoVideoStream, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Probe(t.Context(), tt.path, "")
			if err == nil {
				t.Fatal("no error")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("error %q is not %v", err, tt.want)
			}
			if tt.wantMsg != "" && !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q does not say %q", err, tt.wantMsg)
			}
		})
	}
}

func TestRunTimesAndSizes(t *testing.T) {
	needFFmpeg(t)
	tests := []struct {
		name      string
		file      string
		opts      Options
		w, h      int
		wantTimes []float64 // within half a source frame
	}{
		// Exact: every picture decoded, so the samples fall on the grid.
		{"1 fps with last frame", "sample.mp4", Options{Exact: true}, 320, 240,
			[]float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 11.96}},
		{"fraction fps", "sample.mp4", Options{FPS: 0.25, Exact: true}, 320, 240,
			[]float64{0, 4, 8, 11.96}},
		{"range", "sample.mp4", Options{Start: 4.5, End: 7, Exact: true}, 320, 240,
			[]float64{4.52, 5.52, 6.52, 6.98}},
		{"budget", "sample.mp4", Options{End: 1, MaxLong: 160, MaxShort: 160, Exact: true}, 160, 120,
			[]float64{0, 0.96}},
		{"rotated", "rotated.mp4", Options{Exact: true}, 240, 320, []float64{0, 1, 1.9}},
		{"anamorphic", "anamorphic.webm", Options{Exact: true}, 320, 240, []float64{0, 1, 1.9}},
		{"offset start", "offset.ts", Options{Exact: true}, 160, 120, []float64{0, 1, 2, 2.9}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, frames, st := collect(t, testdata(tt.file), tt.opts)
			if len(frames) != len(tt.wantTimes) || st.Sampled != len(frames) {
				t.Fatalf("got %d frames (stats %d) at %v, want times %v", len(frames), st.Sampled, times(frames), tt.wantTimes)
			}
			for i, f := range frames {
				if f.Index != i {
					t.Errorf("frame %d has index %d", i, f.Index)
				}
				if math.Abs(f.Time-tt.wantTimes[i]) > 0.021 {
					t.Errorf("frame %d at %.3f s, want %.3f s", i, f.Time, tt.wantTimes[i])
				}
				if b := f.Image.Bounds(); b.Dx() != tt.w || b.Dy() != tt.h {
					t.Errorf("frame %d is %dx%d, want %dx%d", i, b.Dx(), b.Dy(), tt.w, tt.h)
				}
			}
		})
	}
}

// TestRunPicturesMatchTimes checks that a frame's time is the time of its
// own picture: offset.ts turns from red to green at 1.5 s of its timeline,
// which starts at 1.5 s, and sample.mp4 turns navy at 8 s.
func TestRunPicturesMatchTimes(t *testing.T) {
	needFFmpeg(t)
	isGreen := func(c color.RGBA) bool { return c.G > 100 && c.R < 80 }
	isNavy := func(c color.RGBA) bool { return c.B > 90 && c.R < 40 && c.G < 40 }
	_, frames, _ := collect(t, testdata("offset.ts"), Options{FPS: 10})
	for _, f := range frames {
		c := f.Image.RGBAAt(5, 5)
		if green := isGreen(c); green != (f.Time >= 1.5) {
			t.Errorf("offset.ts at %.2f s: colour %v, green=%v", f.Time, c, green)
		}
	}
	_, frames, _ = collect(t, testdata("sample.mp4"), Options{FPS: 4, Start: 7, End: 9})
	for _, f := range frames {
		c := f.Image.RGBAAt(5, 5)
		if navy := isNavy(c); navy != (f.Time >= 8) {
			t.Errorf("sample.mp4 at %.2f s: colour %v, navy=%v", f.Time, c, navy)
		}
	}
}

func TestRunKeyframes(t *testing.T) {
	needFFmpeg(t)
	_, all, _ := collect(t, testdata("sample.mp4"), Options{FPS: 25})
	_, keys, _ := collect(t, testdata("sample.mp4"), Options{FPS: 25, Keyframes: true})
	if len(keys) == 0 || len(keys) >= len(all)/4 {
		t.Fatalf("keyframes mode gave %d frames of %d", len(keys), len(all))
	}
	if keys[0].Time != 0 {
		t.Errorf("first keyframe at %g", keys[0].Time)
	}
}

func TestRunCancel(t *testing.T) {
	needFFmpeg(t)
	v, err := Probe(t.Context(), testdata("sample.mp4"), "")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	out := make(chan Frame)
	errc := make(chan error, 1)
	go func() { _, err := Run(ctx, v, Options{FPS: 25}, out); errc <- err }()
	<-out
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("after cancel: %v", err)
	}
}

func TestValidate(t *testing.T) {
	v := Video{Duration: 10}
	tests := []struct {
		name string
		o    Options
		ok   bool
	}{
		{"defaults", Options{}, true},
		{"fraction", Options{FPS: 0.2}, true},
		{"negative fps", Options{FPS: -1}, false},
		{"absurd fps", Options{FPS: 1e9}, false},
		{"nan fps", Options{FPS: math.NaN()}, false},
		{"start after end", Options{Start: 5, End: 4}, false},
		{"start past video", Options{Start: 10}, false},
		{"negative start", Options{Start: -1}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.o.Validate(v); (err == nil) != tt.ok {
				t.Errorf("Validate(%+v) = %v, want ok=%v", tt.o, err, tt.ok)
			}
		})
	}
}

func times(fs []Frame) []float64 {
	var ts []float64
	for _, f := range fs {
		ts = append(ts, math.Round(f.Time*1000)/1000)
	}
	return ts
}

// readCounter decodes the binary frame number that counter.mp4 and vfr.mp4
// draw in their top 40 rows: bit k is white (1) or black (0) at x 32k..32k+31.
func readCounter(f Frame) int {
	n := 0
	for k := 0; k < 10; k++ {
		if f.Image.RGBAAt(32*k+16, 20).G > 128 {
			n |= 1 << k
		}
	}
	return n
}

// framePTS lists the presentation time of every picture in file, in
// presentation order, as ffprobe decodes them: the ground truth for times.
func framePTS(t *testing.T, file string) []float64 {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-select_streams", "v:0",
		"-show_entries", "frame=pts_time", "-of", "csv=p=0", testdata(file)).Output()
	if err != nil {
		t.Fatal(err)
	}
	var pts []float64
	for _, l := range strings.Fields(string(out)) {
		f, err := strconv.ParseFloat(strings.Trim(l, ","), 64)
		if err != nil {
			t.Fatalf("ffprobe line %q", l)
		}
		pts = append(pts, f)
	}
	sort.Float64s(pts)
	return pts
}

// TestTimesArePictureTimes reads the frame number drawn in each picture and
// checks the reported time is that picture's presentation time, on constant
// (with B-frames) and variable frame rate video, whatever the sampling rate.
func TestTimesArePictureTimes(t *testing.T) {
	needFFmpeg(t)
	tests := []struct {
		file string
		opts Options
	}{
		{"counter.mp4", Options{}},
		{"counter.mp4", Options{Exact: true}},
		{"counter.mp4", Options{FPS: 3}},
		{"counter.mp4", Options{FPS: 2, Keyframes: true}},
		{"counter.mp4", Options{FPS: 0.7, Start: 1.3}},
		{"vfr.mp4", Options{FPS: 4}},
		{"vfr.mp4", Options{FPS: 1, Start: 1.5, End: 4.1}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s %+v", tt.file, tt.opts), func(t *testing.T) {
			truth := framePTS(t, tt.file)
			_, frames, _ := collect(t, testdata(tt.file), tt.opts)
			if len(frames) < 3 && !tt.opts.Keyframes { // counter.mp4 has one keyframe
				t.Fatalf("only %d frames", len(frames))
			}
			for _, f := range frames {
				n := readCounter(f)
				if n >= len(truth) {
					t.Fatalf("picture number %d of %d", n, len(truth))
				}
				if math.Abs(f.Time-truth[n]) > 0.001 {
					t.Errorf("frame reported at %.3f s shows picture %d, shown at %.3f s", f.Time, n, truth[n])
				}
			}
		})
	}
}
