package dedupe

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"

	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/summarize/openaitest"
)

// TestSelectionEveryMode runs TestSelection's cases through every way
// extraction can decode: by default (skipping GOPs whose packets show
// nothing new), decoding all, and exactly. The test videos have GOPs
// longer than themselves, which no gating can use, so each is also
// re-encoded with a keyframe every second, the GOP of a typical camera,
// where gating has something to decide; no scene may be lost either way.
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
		short := shortGOP(t, dir, tc.file)
		for _, clip := range []string{filepath.Join("..", "testdata", tc.file), short} {
			for _, m := range modes {
				t.Run(fmt.Sprintf("%s/%s/%s", tc.file, filepath.Base(filepath.Dir(clip)), m.name), func(t *testing.T) {
					kept, skipped := selectFrom(t, clip, m.opts)
					if clip == short && m.name == "default" {
						gated += skipped
					}
					if got := covered(kept, tc.scenes); got != len(tc.scenes) {
						t.Errorf("%d of %d scenes kept a frame; kept at %v (%.0f s not decoded)", got, len(tc.scenes), times(kept), skipped)
					}
					if len(kept) < tc.minKept || len(kept) > tc.maxK {
						t.Errorf("kept %d frames at %v, want %d to %d", len(kept), times(kept), tc.minKept, tc.maxK)
					}
				})
			}
		}
	}
	if gated == 0 {
		t.Error("gating skipped nothing on any re-encoded clip: the test tried no gating")
	}
}

// shortGOP re-encodes a test video with a keyframe every second.
func shortGOP(t *testing.T, dir, file string) string {
	t.Helper()
	out := filepath.Join(dir, "short", file)
	cmd := exec.Command("sh", "-c", `mkdir -p "$(dirname "$2")" && r=$(ffprobe -v error -select_streams v:0 -show_entries stream=r_frame_rate -of csv=p=0 "$1") &&
		ffmpeg -hide_banner -loglevel error -nostdin -y -i "$1" -an -c:v libx264 -preset veryfast -crf 26 -g "$(echo "$r" | cut -d/ -f1)" "$2"`, "sh",
		filepath.Join("..", "testdata", file), out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("re-encoding %s: %v\n%s", file, err, b)
	}
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
