package dedupe

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"

	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/llm/openaitest"
)

// TestSelectionEveryMode runs TestSelection's cases through every way
// extraction can decode: by default (skipping GOPs whose packets show
// nothing new), decoding all, and exactly. The test videos have GOPs
// longer than themselves, which no gating can use, so each is also
// re-encoded as a camera would record it: a keyframe every second, and
// the scene held still for padding seconds before and after, which gating
// has reason to skip. No scene may be lost, and the same number of frames
// must be kept, either way.
func TestSelectionEveryMode(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	dir := t.TempDir()
	modes := []struct {
		name string
		opts extract.Options
	}{
		{"default", extract.Options{}},
		{"short max skip", extract.Options{MaxSkip: 2}},
		{"decode all", extract.Options{DecodeAll: true}},
		{"exact", extract.Options{Exact: true}},
	}
	gated := 0.0 // seconds skipped by default on the re-encoded clips
	for _, tc := range selectionCases {
		for _, clip := range []struct {
			path   string
			scenes []scene
		}{{filepath.Join("..", "testdata", tc.file), tc.scenes}, {cameraLike(t, dir, tc.file), padded(tc.scenes)}} {
			for _, m := range modes {
				t.Run(fmt.Sprintf("%s/%s/%s", tc.file, filepath.Base(filepath.Dir(clip.path)), m.name), func(t *testing.T) {
					kept, skipped := selectFrom(t, clip.path, m.opts)
					if m.name == "default" {
						gated += skipped
					}
					if got := covered(kept, clip.scenes); got != len(clip.scenes) {
						t.Errorf("%d of %d scenes kept a frame; kept at %v (%.0f s not decoded)", got, len(clip.scenes), times(kept), skipped)
					}
					if len(kept) < tc.minKept || len(kept) > tc.maxK {
						t.Errorf("kept %d frames at %v, want %d to %d", len(kept), times(kept), tc.minKept, tc.maxK)
					}
				})
			}
		}
	}
	if gated == 0 {
		t.Error("gating skipped nothing on any clip: the test tried no gating")
	}
}

// padding is the seconds a camera-like clip holds its first and last
// pictures.
const padding = 6

// cameraLike re-encodes a test video with a keyframe every second, its
// first picture held for padding seconds before it and its last after.
func cameraLike(t *testing.T, dir, file string) string {
	t.Helper()
	out := filepath.Join(dir, "camera", file)
	cmd := exec.Command("sh", "-c", `mkdir -p "$(dirname "$2")" && r=$(ffprobe -v error -select_streams v:0 -show_entries stream=r_frame_rate -of csv=p=0 "$1") &&
		ffmpeg -hide_banner -loglevel error -nostdin -y -i "$1" -an -vf "tpad=start_mode=clone:start_duration=$3:stop_mode=clone:stop_duration=$3" \
			-c:v libx264 -preset veryfast -crf 26 -g "$(echo "$r" | cut -d/ -f1)" "$2"`, "sh",
		filepath.Join("..", "testdata", file), out, fmt.Sprint(padding))
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("re-encoding %s: %v\n%s", file, err, b)
	}
	return out
}

// padded moves scenes past the padding; the first and last scenes take
// in the held pictures, which show them.
func padded(scenes []scene) []scene {
	out := make([]scene, len(scenes))
	for i, s := range scenes {
		out[i] = scene{s.from + padding, s.to + padding}
	}
	out[0].from = 0
	out[len(out)-1].to += padding + 1
	return out
}

// selectFrom samples path once a second with o and runs the default
// selection over it, returning the kept frames and the seconds skipped.
func selectFrom(t *testing.T, path string, o extract.Options) ([]extract.Frame, float64) {
	t.Helper()
	v, err := extract.Probe(t.Context(), path, "")
	if err != nil {
		t.Fatal(err)
	}
	out := make(chan extract.Frame, 64)
	var kept []extract.Frame
	done := make(chan struct{})
	go func() {
		defer close(done)
		for f := range out {
			kept = append(kept, f)
		}
	}()
	o.FPS = 1
	xs, _, err := Select(t.Context(), v, o, Options{Threshold: DefaultThreshold}, out)
	close(out)
	<-done
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(kept, func(i, j int) bool { return kept[i].Time < kept[j].Time })
	return kept, xs.Skipped
}
