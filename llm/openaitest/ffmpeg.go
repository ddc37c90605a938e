package openaitest

import (
	"os"
	"os/exec"
	"testing"
)

// NeedFFmpeg skips a test when ffmpeg is missing on a developer machine and
// fails it in CI (CI is set), where .ci/run installs ffmpeg: the pipeline's
// tests run the real ffmpeg and must never be skipped there.
func NeedFFmpeg(t testing.TB) {
	t.Helper()
	for _, b := range []string{"ffmpeg", "ffprobe"} {
		if _, err := exec.LookPath(b); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s missing in CI: .ci/run must install it", b)
			}
			t.Skipf("%s not installed (apt-get install ffmpeg)", b)
		}
	}
}
