package openaitest

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// need skips a test for a missing tool on a developer machine and fails
// it in CI (CI is set), where .ci/run installs every tool the tests use:
// no test that needs one may be skipped there.
func need(t testing.TB, what, install string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("%s missing in CI: .ci/run must install it (%s)", what, install)
	}
	t.Skipf("%s not installed (%s)", what, install)
}

// NeedTesseract is NeedFFmpeg for the tesseract command and its English
// data, which --ocr runs.
func NeedTesseract(t testing.TB) {
	t.Helper()
	out, err := exec.Command("tesseract", "--list-langs").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "\neng") {
		need(t, "tesseract with English data", "apt-get install tesseract-ocr tesseract-ocr-eng")
	}
}

// fonts are where Debian's fonts-dejavu-core and other systems keep a
// font drawtext can use.
var fonts = []string{
	"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
	"/usr/share/fonts/TTF/DejaVuSans.ttf",
	"/usr/share/fonts/dejavu/DejaVuSans.ttf",
	"/Library/Fonts/Arial.ttf",
}

// DrawtextFont returns a font file for ffmpeg's drawtext filter, which
// tests use to draw words on generated clips; it needs ffmpeg built with
// libfreetype and a font (Debian: fonts-dejavu-core).
func DrawtextFont(t testing.TB) string {
	t.Helper()
	NeedFFmpeg(t)
	if out, err := exec.Command("ffmpeg", "-hide_banner", "-filters").Output(); err != nil || !strings.Contains(string(out), " drawtext ") {
		need(t, "ffmpeg's drawtext filter", "an ffmpeg built with libfreetype: apt-get install ffmpeg")
	}
	for _, f := range fonts {
		if _, err := os.Stat(f); err == nil {
			return f
		}
	}
	need(t, "a font for drawtext", "apt-get install fonts-dejavu-core")
	return ""
}
