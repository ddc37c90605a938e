package extract

import (
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// genCache holds the clips generated once per test binary run, by name.
var genCache sync.Map

type genResult struct {
	once sync.Once
	path string
	err  error
	out  []byte
}

// genClip makes (once per test run) a clip with ffmpeg from lavfi sources
// and returns its path; args are ffmpeg's, without the output name.
func genClip(t *testing.T, name string, args ...string) string {
	t.Helper()
	needFFmpeg(t)
	v, _ := genCache.LoadOrStore(name, &genResult{})
	r := v.(*genResult)
	r.once.Do(func() {
		dir, err := os.MkdirTemp("", "vidskim-extract-")
		if err != nil {
			r.err = err
			return
		}
		r.path = filepath.Join(dir, name)
		cmd := exec.Command("ffmpeg", append(append([]string{"-hide_banner", "-loglevel", "error", "-nostdin", "-y"}, args...), r.path)...)
		r.out, r.err = cmd.CombinedOutput()
	})
	if r.err != nil {
		t.Fatalf("generating %s: %v\n%s", name, r.err, r.out)
	}
	return r.path
}

func TestMain(m *testing.M) {
	code := m.Run()
	genCache.Range(func(_, v any) bool {
		if p := v.(*genResult).path; p != "" {
			os.RemoveAll(filepath.Dir(p))
		}
		return true
	})
	os.Exit(code)
}

// TestMP4IndexMatchesFFprobe: the moov reader gives each video sample the
// size, keyframe flag and presentation time ffprobe gives, or declines.
func TestMP4IndexMatchesFFprobe(t *testing.T) {
	src := []string{"-f", "lavfi", "-i", "testsrc2=s=160x120:r=25:d=4", "-f", "lavfi", "-i", "sine=d=4"}
	tests := []struct {
		name    string
		path    string
		decline bool
	}{
		{"sample.mp4", testdata("sample.mp4"), false},
		{"rotated.mp4", testdata("rotated.mp4"), false},
		{"vfr.mp4", testdata("vfr.mp4"), false},
		{"bframes.mov", genClip(t, "bframes.mov", append(src, "-c:v", "libx264", "-g", "10", "-c:a", "aac")...), false},
		{"no edit list", genClip(t, "noedit.mp4", append(src, "-c:v", "libx264", "-g", "10", "-use_editlist", "0", "-c:a", "aac")...), false},
		{"mpeg4 part 2", genClip(t, "mpeg4.mp4", append(src, "-c:v", "mpeg4", "-bf", "2", "-g", "12", "-an")...), false},
		{"fragmented", genClip(t, "frag.mp4", append(src, "-c:v", "libx264", "-g", "10", "-movflags", "frag_keyframe+empty_moov")...), true},
	}
	bin, err := exec.LookPath("ffprobe")
	if err != nil {
		t.Skip("ffprobe not installed")
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := Probe(t.Context(), tt.path, "")
			if err != nil {
				t.Fatal(err)
			}
			var fromIndex, fromProbe []packet
			err = mp4Packets(v.Path, v.StreamIndex, func(p packet) error { fromIndex = append(fromIndex, p); return nil })
			if tt.decline {
				if !errors.Is(err, errNotPlainMP4) {
					t.Fatalf("read %d samples of a file it should decline (err %v)", len(fromIndex), err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := readPackets(t.Context(), bin, v, 0, 0, func(p packet) error { fromProbe = append(fromProbe, p); return nil }); err != nil {
				t.Fatal(err)
			}
			if len(fromIndex) != len(fromProbe) {
				t.Fatalf("%d samples in the index, ffprobe says %d", len(fromIndex), len(fromProbe))
			}
			for i, p := range fromProbe {
				q := fromIndex[i]
				if q.size != p.size || q.key != p.key || math.Abs(q.pts-p.pts) > 2e-6 {
					t.Fatalf("sample %d: index %+v, ffprobe %+v", i, q, p)
				}
			}
		})
	}
}
