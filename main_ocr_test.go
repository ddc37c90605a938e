package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/llm/openaitest"
	"github.com/vidskim/vidskim/ocr"
)

// slideClip is 8 s at 1280x720: a half-grey screen, then from 3 s a white
// slide with one line of small text, too small to read once the frame is
// scaled to what the model sees.
func slideClip(t *testing.T) string {
	font := openaitest.DrawtextFont(t)
	return ffmpegTo(t, "slide.mp4", "-f", "lavfi", "-i", "color=c=white:s=1280x720:r=2:d=8",
		"-vf", "drawbox=x=0:y=0:w=640:h=720:color=gray:t=fill:enable='lt(t,3)',"+
			"drawtext=fontfile="+font+":text='Quarterly budget approved':fontcolor=black:fontsize=14:x=100:y=300:enable='gte(t,3)'",
		"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p")
}

// countTesseract puts a tesseract first in PATH that logs what it is
// asked to read (not --list-langs), and returns the count so far.
func countTesseract(t *testing.T) func() int {
	t.Helper()
	real, err := exec.LookPath("tesseract")
	if err != nil {
		t.Fatal(err)
	}
	bin, log := t.TempDir(), filepath.Join(t.TempDir(), "reads")
	script := "#!/bin/sh\n[ \"$1\" = stdin ] && echo read >> '" + log + "'\nexec '" + real + "' \"$@\"\n"
	if err := os.WriteFile(filepath.Join(bin, "tesseract"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	return func() int {
		b, _ := os.ReadFile(log)
		return strings.Count(string(b), "\n")
	}
}

// TestOCR: --ocr reads a word drawn on a frame at full resolution (at the
// size the model sees it cannot be read), gives it to the model beside its
// frame, keeps it in the output, and search finds its moment; identical
// frames are read once; plan says what reading will take.
func TestOCR(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	openaitest.NeedTesseract(t)
	slide := slideClip(t)
	if text := scaledText(t, slide); strings.Contains(strings.ToLower(text), "budget") {
		t.Fatalf("the word is legible at the size the model sees (%q): the test proves nothing", text)
	}
	reads := countTesseract(t)
	srv := openaitest.New(t)
	code, out, stderr := vidskim(t, "summarize", slide, "--ocr", "--max-gap", "1", "--base-url", srv.BaseURL(), "--frames-per-request", "4", "--format", "json", "-q")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var res struct {
		Frames     struct{ Kept int }
		ScreenText []struct {
			Time float64 `json:"time_s"`
			Text string
		} `json:"screen_text"`
	}
	json.Unmarshal([]byte(out), &res)
	if len(res.ScreenText) == 0 || res.ScreenText[0].Time != 3 || res.ScreenText[0].Text != "Quarterly budget approved" {
		t.Fatalf("screen text %+v", res.ScreenText)
	}
	if n := reads(); n != 2 || res.Frames.Kept < 7 {
		t.Errorf("tesseract read %d frames of %d kept: identical frames should be read once (the grey one, the slide)", n, res.Frames.Kept)
	}
	var beside, same bool
	for _, r := range srv.Requests() {
		for i, txt := range r.Texts {
			if strings.HasPrefix(txt, "Text on screen at [00:00:03]") && strings.Contains(txt, "budget approved") && r.Texts[i-1] == "[00:00:03]" {
				beside = true
			}
			same = same || txt == "Text on screen at [00:00:04]: the same as at [00:00:03]."
		}
	}
	if !beside || !same {
		t.Errorf("the text is not beside the frame it was read on (%v), or repeated in full on the same slide (%v)", beside, same)
	}
	code, found, _ := vidskim(t, "search", "budget")
	if want := absPath(t, slide) + "  [00:00:03-00:00:08]  screen: Quarterly «budget» approved\n"; code != 0 || found != want {
		t.Errorf("search: exit %d:\n%q\nwant\n%q", code, found, want)
	}
	code, plan, stderr := vidskim(t, "plan", slide, "--ocr", "--max-gap", "1")
	if code != 0 || !strings.Contains(plan, "ocr: 2 frames to read, ") {
		t.Errorf("plan --ocr: exit %d: %s%s", code, plan, stderr)
	}
}

// scaledText is what tesseract reads on the slide's frame at 3 s scaled
// as the model sees it (low detail).
func scaledText(t *testing.T, video string) string {
	v, err := extract.Probe(t.Context(), video, "")
	if err != nil {
		t.Fatal(err)
	}
	frames := make(chan extract.Frame, 1)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go func() { extract.Run(ctx, v, extract.Options{Start: 3, End: 4}, frames); close(frames) }()
	f := <-frames
	cancel()
	for range frames {
	}
	text, err := ocr.Read(t.Context(), f.Image, ocr.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return text
}

// TestOCRMissing: --ocr without tesseract is one clear line, before any
// request; an unknown language is a usage error.
func TestOCRMissing(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	srv := openaitest.New(t)
	bin := t.TempDir()
	for _, tool := range []string{"ffmpeg", "ffprobe"} {
		p, _ := exec.LookPath(tool)
		os.Symlink(p, filepath.Join(bin, tool))
	}
	t.Setenv("PATH", bin)
	code, _, stderr := vidskim(t, "summarize", "testdata/sample.mp4", "--ocr", "--base-url", srv.BaseURL())
	if code != exitFailed || !strings.Contains(stderr, "tesseract not found") || !strings.Contains(stderr, "apt-get install tesseract-ocr") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("exit %d: %s", code, stderr)
	}
	if len(srv.Requests()) != 0 {
		t.Error("requests made without tesseract")
	}
}

func TestOCRUnknownLanguage(t *testing.T) {
	openaitest.NeedTesseract(t)
	code, _, stderr := vidskim(t, "plan", "testdata/sample.mp4", "--ocr", "--ocr-lang", "xx")
	if code != exitUsage || !strings.Contains(stderr, `no data for language "xx"`) || !strings.Contains(stderr, "--ocr-lang") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}
