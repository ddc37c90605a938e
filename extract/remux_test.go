package extract

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestRemux: H.264 in MPEG-TS comes out as an MP4 that ffprobe reads
// with the same video stream and length, audio as AAC; MPEG-2 is refused
// before ffmpeg runs.
func TestRemux(t *testing.T) {
	needFFmpeg(t)
	dir := t.TempDir()
	ts := filepath.Join(dir, "camera.ts")
	out, err := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=s=160x120:r=10:d=3",
		"-f", "lavfi", "-i", "sine=d=3", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "mp2", "-f", "mpegts", ts).CombinedOutput()
	if err != nil {
		t.Fatalf("ffmpeg: %v %s", err, out)
	}
	v, err := Probe(t.Context(), ts, "")
	if err != nil || !Remuxable(v) {
		t.Fatalf("probe %s: %+v %v", ts, v, err)
	}
	var b bytes.Buffer
	if err := Remux(t.Context(), v, &b); err != nil {
		t.Fatal(err)
	}
	mp4 := filepath.Join(dir, "camera.mp4")
	os.WriteFile(mp4, b.Bytes(), 0o600)
	got, err := Probe(t.Context(), mp4, "")
	if err != nil || got.Codec != "h264" || !strings.Contains(got.Format, "mp4") || got.Width != 160 || !got.HasAudio || got.Duration < 2.8 || got.Duration > 3.3 {
		t.Errorf("the copy: %+v %v", got, err)
	}
	streams, _ := exec.Command("ffprobe", "-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0", mp4).Output()
	if s := strings.Fields(string(streams)); len(s) != 2 || s[0] != "h264" || s[1] != "aac" {
		t.Errorf("streams of the copy: %q", s)
	}
	mpeg2, err := Probe(t.Context(), testdata("offset.ts"), "")
	if err != nil || Remuxable(mpeg2) || Remux(t.Context(), mpeg2, &b) == nil {
		t.Errorf("offset.ts (MPEG-2) is remuxed: %v", err)
	}
}
