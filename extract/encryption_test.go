package extract

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestEncryptedDetected: a CENC stream made by ffmpeg's mov muxer, the same
// file relabelled cbcs, are refused by Probe as encrypted before any
// decoding; clear files are not.
func TestEncryptedDetected(t *testing.T) {
	needFFmpeg(t)
	dir := t.TempDir()
	cenc := filepath.Join(dir, "cenc.mp4")
	out, err := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-f", "lavfi", "-i", "testsrc2=s=160x120:r=10:d=2",
		"-c:v", "libx264", "-encryption_scheme", "cenc-aes-ctr", "-encryption_key", "76a6c65c5ea762046bd749a2e632ccbb",
		"-encryption_kid", "a7e61c373e219033c21091fa607bf3b8", cenc).CombinedOutput()
	if err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, out)
	}
	data, _ := os.ReadFile(cenc)
	i := bytes.Index(data, []byte("schm"))
	if i < 0 || !bytes.Equal(data[i+8:i+12], []byte("cenc")) {
		t.Fatal("no cenc scheme box in ffmpeg's encrypted file")
	}
	cbcs := filepath.Join(dir, "cbcs.mp4")
	os.WriteFile(cbcs, append(append(append([]byte{}, data[:i+8]...), "cbcs"...), data[i+12:]...), 0o644)
	for _, p := range []string{cenc, cbcs} {
		if _, err := Probe(t.Context(), p, ""); !errors.Is(err, ErrEncrypted) {
			t.Errorf("%s: %v, want ErrEncrypted", filepath.Base(p), err)
		}
	}
	for _, p := range []string{"sample.mp4", "rotated.mp4", "anamorphic.webm", "offset.ts"} {
		if _, err := Probe(t.Context(), testdata(p), ""); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
}
