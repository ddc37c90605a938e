package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vidskim/vidskim/llm/openaitest"
)

// sentImages is what the server saw of every image, in order: its label
// (the frame's time) and its size in bytes.
func sentImages(srv *openaitest.Server) []string {
	var out []string
	for _, r := range srv.Requests() {
		for _, im := range r.Images {
			out = append(out, fmt.Sprintf("%s %dx%d %d", im.Label, im.Width, im.Height, im.Bytes))
		}
	}
	return out
}

// TestSummarizeAfterPlan: summarize after plan, with the same selection
// settings and the video unchanged, decodes only the frames the plan kept
// (each from its keyframe) and sends exactly the images a run without the
// plan sends, with the same counts; other selection settings select anew.
func TestSummarizeAfterPlan(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	video := filepath.Join(t.TempDir(), "clip.mp4")
	os.WriteFile(video, readFile(t, "testdata/scenes.mp4"), 0o644)
	summarizeJSON := func(extra ...string) (summaryJSON, []string, string) {
		t.Helper()
		srv := openaitest.New(t)
		args := append([]string{"summarize", video, "--base-url", srv.BaseURL(), "--no-cache", "--format", "json", "--verbose"}, extra...)
		code, out, stderr := vidskim(t, args...)
		var res summaryJSON
		if err := json.Unmarshal([]byte(out), &res); code != 0 || err != nil {
			t.Fatalf("summarize %v: exit %d, %v: %s", extra, code, err, stderr)
		}
		return res, sentImages(srv), stderr
	}
	want, wantImages, _ := summarizeJSON("--no-library")
	if code, _, stderr := vidskim(t, "plan", video, "--dedupe-threshold", "6"); code != 0 {
		t.Fatalf("plan: exit %d: %s", code, stderr)
	}
	_, _, stderr := summarizeJSON()
	if strings.Contains(stderr, "earlier plan") {
		t.Errorf("a plan with another --dedupe-threshold was reused: %s", stderr)
	}
	if code, _, stderr := vidskim(t, "plan", video); code != 0 {
		t.Fatalf("plan: exit %d: %s", code, stderr)
	}
	got, gotImages, stderr := summarizeJSON()
	if !strings.Contains(stderr, "decoding only the frames an earlier plan kept") {
		t.Errorf("summarize after plan did not reuse its frames: %s", stderr)
	}
	if len(wantImages) < 3 || strings.Join(gotImages, "\n") != strings.Join(wantImages, "\n") {
		t.Errorf("images after plan:\n%s\nwant:\n%s", strings.Join(gotImages, "\n"), strings.Join(wantImages, "\n"))
	}
	if got.Frames != want.Frames {
		t.Errorf("frame counts after plan %+v, want %+v", got.Frames, want.Frames)
	}
}
