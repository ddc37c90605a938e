package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/vidskim/vidskim/library"
	"github.com/vidskim/vidskim/llm/openaitest"
)

// TestLibraryShowReproduces: `library show` renders every stored run as
// the run itself wrote it, byte for byte, in every format, and the HTML
// report too while the video is there; without ffmpeg for all but html.
func TestLibraryShowReproduces(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	srv := openaitest.New(t)
	dir := t.TempDir()
	video := filepath.Join(dir, "clip.mp4")
	os.WriteFile(video, readFile(t, "testdata/sample.mp4"), 0o644)
	cases := []struct{ mode, format string }{
		{"summary", "md"}, {"summary", "json"}, {"narration", "md"}, {"narration", "json"}, {"surveillance", "srt"}, {"narration", "vtt"},
	}
	for _, c := range cases {
		t.Run(c.mode+"."+c.format, func(t *testing.T) {
			srv.Script = modeScript(c.mode)
			report := filepath.Join(t.TempDir(), "report.html")
			code, want, stderr := vidskim(t, "summarize", video, "--base-url", srv.BaseURL(), "--mode", c.mode, "--format", c.format,
				"--frames-per-request", "4", "--transcribe", "--report", report, "-q")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			t.Setenv("PATH", t.TempDir()) // no ffmpeg from here on
			code, got, stderr := vidskim(t, "library", "show", video, "--format", c.format)
			if code != 0 || got != want {
				t.Errorf("library show (exit %d, %s):\n%s\nwant:\n%s", code, stderr, got, want)
			}
			code, runs, _ := vidskim(t, "library", "list", video, "--format", "json")
			var rows []library.RunRow
			if err := json.Unmarshal([]byte(runs), &rows); code != 0 || err != nil || len(rows) != 1 {
				t.Fatalf("library list VIDEO: exit %d, %v: %s", code, err, runs)
			}
			if code, _, stderr := vidskim(t, "library", "show", video, "--format", "html"); code != exitFailed || !strings.Contains(stderr, "ffmpeg") {
				t.Errorf("html without ffmpeg: exit %d, %s", code, stderr)
			}
		})
	}
}

// TestLibraryHTML: the report rendered again from the library, its frames
// decoded anew, is the report the run wrote; once the video is gone,
// show says html needs it (and md still works).
func TestLibraryHTML(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	srv := openaitest.New(t)
	video := filepath.Join(t.TempDir(), "clip.mp4")
	os.WriteFile(video, readFile(t, "testdata/scenes.mp4"), 0o644)
	report := filepath.Join(t.TempDir(), "r.html")
	code, md, stderr := vidskim(t, "summarize", video, "--base-url", srv.BaseURL(), "--report", report, "--frames-per-request", "3", "-q")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// html is the video page of vidskim serve in one file: the frames the
	// report has, inline, and a player reading the video where it is.
	code, html, stderr := vidskim(t, "library", "show", video, "--format", "html")
	frames := regexp.MustCompile(`src="data:image/jpeg;base64,[^"]+"`)
	if code != 0 || !slices.Equal(frames.FindAllString(html, -1), frames.FindAllString(string(readFile(t, report)), -1)) ||
		!strings.Contains(html, `<video id="player" controls preload="auto" src="file://`+video+`"`) {
		t.Errorf("html from the library lacks the report's frames or the player (exit %d, %s)", code, stderr)
	}
	moved := filepath.Join(t.TempDir(), "moved.mp4")
	os.Rename(video, moved)
	code, _, stderr = vidskim(t, "library", "show", "1", "--format", "html")
	if code != exitBadFile || !strings.Contains(stderr, "needs the video") || !strings.Contains(stderr, video) {
		t.Errorf("html with the video gone: exit %d: %s", code, stderr)
	}
	if code, got, _ := vidskim(t, "library", "show", "1"); code != 0 || got != md {
		t.Errorf("md with the video gone: exit %d", code)
	}
	// Named again at its new place, it is known, and html works again.
	if code, _, stderr := vidskim(t, "summarize", moved, "--base-url", srv.BaseURL(), "--frames-per-request", "3", "-q"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if code, got, stderr := vidskim(t, "library", "show", "1", "--format", "html"); code != 0 ||
		!slices.Equal(frames.FindAllString(got, -1), frames.FindAllString(html, -1)) || !strings.Contains(got, `src="file://`+moved+`"`) {
		t.Errorf("html after the move: exit %d: %s", code, stderr)
	}
}

// TestLibraryCommands: list, stats and forget (runs and their cached
// answers), and what they refuse.
func TestLibraryCommands(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	srv := openaitest.New(t)
	cache := t.TempDir()
	args := func(v string, more ...string) []string {
		return append([]string{"summarize", v, "--base-url", srv.BaseURL(), "--cache-dir", cache, "-q"}, more...)
	}
	for _, a := range [][]string{args("testdata/sample.mp4"), args("testdata/sample.mp4", "--fps", "2"), args("testdata/scenes.mp4")} {
		if code, _, stderr := vidskim(t, a...); code != 0 {
			t.Fatalf("%v: exit %d: %s", a, code, stderr)
		}
	}
	if code, _, _ := vidskim(t, args("testdata/sample.mp4")...); code != 0 {
		t.Fatal("served run failed")
	}
	code, list, _ := vidskim(t, "library", "list")
	if code != 0 || strings.Count(list, "\n") != 3 || !strings.Contains(list, "sample.mp4") || !strings.Contains(list, "scenes.mp4") {
		t.Errorf("library list: exit %d:\n%s", code, list)
	}
	code, stats, _ := vidskim(t, "library", "stats", "--format", "json")
	var s library.Stats
	json.Unmarshal([]byte(stats), &s)
	requests := len(srv.Requests())
	if code != 0 || s.Videos != 2 || s.Runs != 3 || s.Served != 1 || s.Requests != requests || s.SpentUSD <= 0 || s.SavedUSD <= 0 {
		t.Errorf("stats %+v (%d requests made)", s, requests)
	}
	entries := func() int {
		n := 0
		filepath.WalkDir(cache, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				n++
			}
			return nil
		})
		return n
	}
	before := entries()
	code, out, stderr := vidskim(t, "library", "forget", "testdata/sample.mp4", "--cache-dir", cache)
	if code != 0 || !strings.Contains(out, "2 runs") {
		t.Fatalf("forget: exit %d: %s %s", code, out, stderr)
	}
	if after := entries(); after >= before || after == 0 {
		t.Errorf("cache entries %d before forget, %d after: the forgotten video's alone should go", before, after)
	}
	if code, _, _ := vidskim(t, args("testdata/scenes.mp4")...); code != 0 || len(srv.Requests()) != requests {
		t.Error("forgetting one video cost another its stored run")
	}
	if code, _, _ := vidskim(t, args("testdata/sample.mp4")...); code != 0 || len(srv.Requests()) == requests {
		t.Error("a forgotten video was served without requests")
	}
	for _, bad := range [][]string{{"library", "show"}, {"library", "show", "nonesuch.mp4"}, {"library", "show", "9999"},
		{"library", "show", "1", "--format", "xml"}, {"library", "stats", "extra"}} {
		if code, _, stderr := vidskim(t, bad...); code == 0 || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Errorf("%v: exit %d, stderr %q", bad, code, stderr)
		}
	}
	if code, _, stderr := vidskim(t, "library", "list", "--library", t.TempDir()); code != exitUsage || !strings.Contains(stderr, "--library") {
		t.Errorf("a directory as --library: exit %d %s", code, stderr)
	}
}

// TestNoLibrary: --no-library neither reads nor writes the library; the
// served run is what an all-cached re-run writes, byte for byte; and the
// database never holds the key.
func TestNoLibrary(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	srv := openaitest.New(t)
	lib := filepath.Join(t.TempDir(), "lib.db")
	base := []string{"summarize", "testdata/sample.mp4", "--base-url", srv.BaseURL(), "--api-key", "sk-never-stored-777", "--library", lib, "--format", "json", "-q"}
	vidskim(t, base...)
	n := len(srv.Requests())
	_, cachedRerun, _ := vidskim(t, append(base, "--no-library")...)
	_, served, _ := vidskim(t, base...)
	if len(srv.Requests()) != n {
		t.Errorf("re-runs made %d requests", len(srv.Requests())-n)
	}
	if served != cachedRerun {
		t.Errorf("served from the library:\n%s\nall answers cached:\n%s", served, cachedRerun)
	}
	code, stats, _ := vidskim(t, "library", "stats", "--library", lib, "--format", "json")
	var s library.Stats
	json.Unmarshal([]byte(stats), &s)
	if code != 0 || s.Runs != 1 || s.Served != 1 {
		t.Errorf("--no-library touched the library: %+v", s)
	}
	for _, f := range []string{lib, lib + "-wal"} {
		if b, err := os.ReadFile(f); err == nil && strings.Contains(string(b), "sk-never-stored-777") {
			t.Errorf("%s holds the API key", f)
		}
	}
}
