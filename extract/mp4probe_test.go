package extract

import (
	"math"
	"os"
	"path/filepath"
	"testing"
)

// TestMP4ProbeAgrees: on every MP4 the moov reader accepts, it says what
// ffprobe says (codec, stream, displayed size, rotation, audio, duration,
// start, frame rate); the files it must leave to ffprobe, it declines.
func TestMP4ProbeAgrees(t *testing.T) {
	src := []string{"-f", "lavfi", "-i", "testsrc2=s=160x120:r=25:d=3", "-f", "lavfi", "-i", "sine=d=3"}
	x264 := []string{"-c:v", "libx264", "-g", "10"}
	gen := func(name string, args ...string) string {
		return genClip(t, name, append(append([]string{}, src...), args...)...)
	}
	tests := []struct {
		name    string
		path    string
		decline bool
	}{
		{"sample", testdata("sample.mp4"), false},
		{"rotated", testdata("rotated.mp4"), false},
		{"vfr", testdata("vfr.mp4"), false},
		{"counter", testdata("counter.mp4"), false},
		{"bframes mov", gen("bframes.mov", append(x264, "-c:a", "aac")...), false},
		{"no edit list", gen("noedit.mp4", append(x264, "-use_editlist", "0", "-c:a", "aac")...), false},
		{"audio first", gen("audiofirst.mp4", "-map", "1:a", "-map", "0:v", "-c:v", "libx264", "-c:a", "aac"), false},
		{"video late", gen("late.mp4", "-itsoffset", "1.5", "-f", "lavfi", "-i", "testsrc2=s=160x120:r=25:d=3", "-map", "2:v", "-map", "1:a", "-c:v", "libx264", "-c:a", "aac"), false},
		{"rotated 270", genClip(t, "rot270.mp4", "-i", testdata("counter.mp4"), "-c", "copy", "-metadata:s:v:0", "rotate=270"), false},
		{"rotated 180", genClip(t, "rot180.mp4", "-i", testdata("sample.mp4"), "-c", "copy", "-metadata:s:v:0", "rotate=180"), false},
		{"hevc", gen("hevc.mp4", "-c:v", "libx265", "-x265-params", "log-level=error", "-tag:v", "hvc1", "-an"), false},
		{"pixel aspect", gen("sar.mp4", append([]string{"-vf", "setsar=4/3"}, append(x264, "-an")...)...), true},
		{"mpeg4 part 2", gen("mpeg4-probe.mp4", "-c:v", "mpeg4", "-an"), true},
		{"fragmented", gen("frag-probe.mp4", append(x264, "-an", "-movflags", "frag_keyframe+empty_moov")...), true},
		{"two videos", gen("twov.mp4", "-map", "0:v", "-map", "0:v", "-c:v", "libx264", "-an"), true},
		{"audio only", testdata("audio.m4a"), true},
		{"webm", testdata("anamorphic.webm"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			abs, _ := filepath.Abs(tt.path)
			got, err := mp4Probe(abs)
			if tt.decline {
				if err == nil {
					t.Fatalf("read %+v from a file it should leave to ffprobe", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("declined: %v", err)
			}
			want, err := ffprobe(t.Context(), "", Video{Path: abs}, tt.name, "")
			if err != nil {
				t.Fatal(err)
			}
			agree(t, got, want)
		})
	}
}

// agree fails when the moov reader's Video differs from ffprobe's.
func agree(t *testing.T, got, want Video) {
	t.Helper()
	got.Path = want.Path
	close := func(a, b, tol float64) bool { return math.Abs(a-b) <= tol*max(1, math.Abs(b)) }
	if got.Format != want.Format || got.Codec != want.Codec || got.StreamIndex != want.StreamIndex ||
		got.Width != want.Width || got.Height != want.Height || got.Rotation != want.Rotation || got.HasAudio != want.HasAudio ||
		!close(got.Duration, want.Duration, 1e-6) || !close(got.StartTime, want.StartTime, 1e-6) || !close(got.FrameRate, want.FrameRate, 1e-6) {
		t.Errorf("moov reader %+v\n           ffprobe %+v", got, want)
	}
}

// TestMP4ProbeAgreesOnCorpus: the same on every MP4 in $VIDSKIM_CORPUS
// (real files from other muxers), when it is set.
func TestMP4ProbeAgreesOnCorpus(t *testing.T) {
	dir := os.Getenv("VIDSKIM_CORPUS")
	if dir == "" {
		t.Skip("VIDSKIM_CORPUS not set")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.mp4"))
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			abs, _ := filepath.Abs(f)
			got, err := mp4Probe(abs)
			if err != nil {
				t.Skipf("declined: %v", err)
			}
			want, err := ffprobe(t.Context(), "", Video{Path: abs}, f, "")
			if err != nil {
				t.Fatalf("the moov reader accepted it, ffprobe: %v", err)
			}
			agree(t, got, want)
		})
	}
}
