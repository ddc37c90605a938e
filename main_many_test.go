package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vidskim/vidskim/llm/openaitest"
)

// clipDir copies testdata clips into a new directory, with a broken
// "video" and a file that is no video at all.
func clipDir(t *testing.T, clips ...string) string {
	t.Helper()
	dir := videoDir(t, clips...)
	os.WriteFile(filepath.Join(dir, "broken.mp4"), readFile(t, "testdata/sample.mp4")[:300], 0o644)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not a video, and not named like one\n"), 0o644)
	return dir
}

// countTools puts ffmpeg and ffprobe wrappers first in PATH that count
// their runs, and returns the count so far.
func countTools(t *testing.T) func() int {
	t.Helper()
	bin, log := t.TempDir(), filepath.Join(t.TempDir(), "runs")
	for _, tool := range []string{"ffmpeg", "ffprobe"} {
		real, err := exec.LookPath(tool)
		if err != nil {
			t.Fatal(err)
		}
		script := "#!/bin/sh\necho " + tool + " >> '" + log + "'\nexec '" + real + "' \"$@\"\n"
		if err := os.WriteFile(filepath.Join(bin, tool), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	return func() int {
		b, _ := os.ReadFile(log)
		return strings.Count(string(b), "\n")
	}
}

// TestManyDirectory: a directory of clips with a broken file gives one
// output a clip, reports the broken one, exits 1; the second run makes no
// request and runs no ffmpeg or ffprobe at all; a renamed copy is known.
func TestManyDirectory(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	clips := []string{"sample.mp4", "scenes.mp4", "counter.mp4"}
	dir := clipDir(t, clips...)
	srv := openaitest.New(t)
	tools := countTools(t)
	out := t.TempDir()
	args := []string{"summarize", dir, "--base-url", srv.BaseURL(), "--out-dir", out, "--format", "json", "--frames-per-request", "4"}
	code, stdout, stderr := vidskim(t, args...)
	if code != exitFailed {
		t.Fatalf("exit %d, want %d (some failed): %s", code, exitFailed, stderr)
	}
	if stdout != "" {
		t.Errorf("stdout %q with --out-dir", stdout)
	}
	if !strings.Contains(stderr, "broken.mp4") || strings.Contains(stderr, "notes.txt") || !strings.Contains(stderr, "1 file that is not a video") {
		t.Errorf("stderr does not report broken.mp4 alone (and pass over notes.txt):\n%s", stderr)
	}
	first := map[string]summaryJSON{}
	for _, c := range clips {
		name := strings.TrimSuffix(c, ".mp4") + ".json"
		var got summaryJSON
		if err := json.Unmarshal(readFile(t, filepath.Join(out, name)), &got); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got.Video.Path != filepath.Join(dir, c) || len(got.Chunks) == 0 || got.Usage.Requests != len(got.Chunks)+1 {
			t.Errorf("%s: %+v", name, got)
		}
		if !strings.Contains(stderr, "ok          "+filepath.Join(dir, c)+": ") {
			t.Errorf("no ok line for %s in:\n%s", c, stderr)
		}
		first[name] = got
	}
	if entries, _ := os.ReadDir(out); len(entries) != len(clips) {
		t.Errorf("%d outputs for %d clips", len(entries), len(clips))
	}
	requests, runs := len(srv.Requests()), tools()
	if runs == 0 {
		t.Fatal("the counting wrappers saw no run: the test would prove nothing")
	}

	code, _, stderr = vidskim(t, args...)
	if code != exitFailed || !strings.Contains(stderr, "broken.mp4") {
		t.Errorf("second run: exit %d: %s", code, stderr)
	}
	if n := len(srv.Requests()) - requests; n != 0 {
		t.Errorf("the second run made %d requests, want 0", n)
	}
	if n := tools() - runs; n != 0 {
		t.Errorf("the second run ran ffmpeg/ffprobe %d times, want 0", n)
	}
	for name, f := range first {
		var got summaryJSON
		json.Unmarshal(readFile(t, filepath.Join(out, name)), &got)
		if got.Usage.Requests != 0 || len(got.Chunks) != len(f.Chunks) || got.Summary != f.Summary {
			t.Errorf("%s from the library: %+v", name, got)
		}
	}
	if strings.Count(stderr, "from the library") != len(clips) {
		t.Errorf("stderr does not say each came from the library:\n%s", stderr)
	}

	renamed := filepath.Join(t.TempDir(), "moved and renamed.mkv")
	os.WriteFile(renamed, readFile(t, filepath.Join(dir, "scenes.mp4")), 0o644)
	code, stdout, stderr = vidskim(t, "summarize", renamed, "--base-url", srv.BaseURL(), "--format", "json", "--frames-per-request", "4")
	if code != 0 {
		t.Fatalf("renamed copy: exit %d: %s", code, stderr)
	}
	var got summaryJSON
	json.Unmarshal([]byte(stdout), &got)
	if got.Video.Path != renamed || got.Summary != first["scenes.json"].Summary || len(srv.Requests()) != requests || tools() != runs {
		t.Errorf("the renamed copy was not recognised: path %q, %d requests, %d tool runs", got.Video.Path, len(srv.Requests())-requests, tools()-runs)
	}
}

// TestSharedPool: videos decoded at once share one pool of requests:
// never more than --concurrency in flight across all of them.
func TestSharedPool(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	srv := openaitest.New(t)
	var inFlight, most atomic.Int32
	srv.Script = func(openaitest.Request) openaitest.Reply {
		n := inFlight.Add(1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		time.Sleep(40 * time.Millisecond)
		inFlight.Add(-1)
		return openaitest.Reply{}
	}
	dir := clipDir(t, "sample.mp4", "scenes.mp4", "counter.mp4", "event.mp4")
	code, _, stderr := vidskim(t, "summarize", dir, "--base-url", srv.BaseURL(), "--jobs", "4", "--concurrency", "2",
		"--frames-per-request", "1", "--out-dir", t.TempDir(), "-q")
	if code != exitFailed { // broken.mp4
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if m := most.Load(); m != 2 {
		t.Errorf("at most %d requests were in flight at once across 4 videos, want exactly --concurrency 2", m)
	}
	if n := len(srv.Requests()); n < 20 {
		t.Errorf("only %d requests: the test needs many to mean something", n)
	}
}
