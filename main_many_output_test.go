package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vidskim/vidskim/llm/openaitest"
)

// TestManyOutputs: without --out-dir, json is JSON Lines and md a section
// a video, in input order, failures included; --out takes the whole;
// names repeat across directories and are made unique; - reads paths.
func TestManyOutputs(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	srv := openaitest.New(t)
	a, b := t.TempDir(), t.TempDir()
	for _, d := range []string{a, b} {
		os.WriteFile(filepath.Join(d, "clip.mp4"), readFile(t, "testdata/sample.mp4"), 0o644)
	}
	os.WriteFile(filepath.Join(b, "clip.mkv"), readFile(t, "testdata/scenes.mp4"), 0o644)
	bad := writeFile(t, "bad.mp4", []byte("no video"))
	base := []string{"summarize", "--base-url", srv.BaseURL(), "-q"}
	code, stdout, stderr := vidskim(t, append(base, filepath.Join(a, "clip.mp4"), bad, b, "--format", "json")...)
	if code != exitFailed {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	want := []string{filepath.Join(a, "clip.mp4"), bad, filepath.Join(b, "clip.mkv"), filepath.Join(b, "clip.mp4")}
	if len(lines) != len(want) {
		t.Fatalf("%d JSON lines for %d inputs:\n%s", len(lines), len(want), stdout)
	}
	for i, l := range lines {
		var v struct {
			Video  struct{ Path string } `json:"video"`
			Error  string                `json:"error"`
			Chunks []any                 `json:"chunks"`
		}
		if err := json.Unmarshal([]byte(l), &v); err != nil || v.Video.Path != want[i] || (v.Error != "") != (want[i] == bad) || (v.Error == "") != (len(v.Chunks) > 0) {
			t.Errorf("line %d: %v: %s", i, err, l)
		}
	}
	if !strings.Contains(stderr, "unusable    "+bad) || strings.Count(strings.TrimSpace(stderr), "\n") != 1 {
		t.Errorf("-q stderr should name only the failure, with the run's end:\n%s", stderr)
	}

	out := filepath.Join(t.TempDir(), "all.md")
	stdin = strings.NewReader(filepath.Join(a, "clip.mp4") + "\n\n" + b + "\n")
	defer func() { stdin = os.Stdin }()
	code, stdout, stderr = vidskim(t, append(base, "-", "-o", out)...)
	md := string(readFile(t, out))
	if code != 0 || stdout != "" || strings.Count(md, "# Summary of clip.") != 3 || !strings.Contains(md, "\n\n# Summary of clip.mkv") {
		t.Errorf("paths on stdin to one md file: exit %d %s\n%s", code, stderr, md)
	}

	dir := t.TempDir()
	code, _, stderr = vidskim(t, append(base, filepath.Join(a, "clip.mp4"), b, "--format", "srt", "--out-dir", dir, "--report", dir)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var names []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "clip-2.html clip-2.srt clip-3.html clip-3.srt clip.html clip.srt" {
		t.Errorf("outputs %v", names)
	}
}

// TestIncludeExclude narrows what a directory walk finds.
func TestIncludeExclude(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	dir := clipDir(t, "sample.mp4", "scenes.mp4", "rotated.mp4")
	code, stdout, stderr := vidskim(t, "frames", dir, "--include", "s*.mp4", "--exclude", "scenes*", "--format", "json")
	if code != 0 || strings.Count(stdout, "\n") != 1 || !strings.Contains(stdout, "sample.mp4") {
		t.Errorf("exit %d: %s\n%s", code, stdout, stderr)
	}
	if code, _, stderr := vidskim(t, "frames", dir, "--include", "[bad"); code != exitUsage {
		t.Errorf("a bad glob: exit %d %s", code, stderr)
	}
}

// TestPlanAndFramesMany: plan prints each plan, then the total; frames
// writes each video's frames in a directory of its own.
func TestPlanAndFramesMany(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	code, stdout, stderr := vidskim(t, "plan", "testdata/sample.mp4", "testdata/scenes.mp4", "--format", "json")
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if code != 0 || len(lines) != 3 {
		t.Fatalf("exit %d: %s %s", code, stdout, stderr)
	}
	var p1, p2 struct {
		Estimate struct{ Requests int } `json:"estimate"`
	}
	var total struct {
		Total struct{ Videos, Requests int } `json:"total"`
	}
	json.Unmarshal([]byte(lines[0]), &p1)
	json.Unmarshal([]byte(lines[1]), &p2)
	json.Unmarshal([]byte(lines[2]), &total)
	if total.Total.Videos != 2 || total.Total.Requests != p1.Estimate.Requests+p2.Estimate.Requests || p1.Estimate.Requests == 0 {
		t.Errorf("total %+v of %+v and %+v", total, p1, p2)
	}
	code, stdout, _ = vidskim(t, "plan", "testdata/sample.mp4", "testdata/scenes.mp4")
	if code != 0 || !strings.Contains(stdout, "==> testdata/scenes.mp4 <==") || !strings.Contains(stdout, "==> total <==\n2 videos") {
		t.Errorf("plan text:\n%s", stdout)
	}
	dir := t.TempDir()
	code, _, stderr = vidskim(t, "frames", "testdata/sample.mp4", "testdata/scenes.mp4", "--out-dir", dir, "-q")
	a, _ := os.ReadDir(filepath.Join(dir, "sample"))
	b, _ := os.ReadDir(filepath.Join(dir, "scenes"))
	if code != 0 || len(a) == 0 || len(b) == 0 {
		t.Errorf("frames --out-dir: exit %d, %d and %d frames: %s", code, len(a), len(b), stderr)
	}
}

// TestOverBudget: --max-requests caps the whole run; videos are counted
// in input order, and one that would pass the cap is skipped.
func TestOverBudget(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	srv := openaitest.New(t)
	// sample: 10 kept frames, 3 requests of 4 and a merge; counter needs more than the 3 left; scenes fits after it.
	code, _, stderr := vidskim(t, "summarize", "testdata/sample.mp4", "testdata/counter.mp4", "testdata/scenes.mp4", "--base-url", srv.BaseURL(),
		"--frames-per-request", "4", "--max-requests", "7", "--out-dir", t.TempDir(), "--jobs", "3")
	if code != exitFailed || !strings.Contains(stderr, "over-budget testdata/counter.mp4: over budget") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if n := len(srv.Requests()); n > 7 || n == 0 {
		t.Errorf("%d requests under --max-requests 7", n)
	}
}

// TestURLInput: an http(s) URL is read by ffmpeg itself, and known to the
// library like a local copy; a redirect to file: or a playlist naming a
// local file is refused by ffmpeg's protocol list.
func TestURLInput(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	mux := http.NewServeMux()
	mux.Handle("/v/", http.StripPrefix("/v/", http.FileServer(http.Dir("testdata"))))
	mux.HandleFunc("/to-file", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "file://"+must(filepath.Abs("testdata/sample.mp4")), http.StatusFound)
	})
	mux.HandleFunc("/list.m3u8", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
		w.Write([]byte("#EXTM3U\n#EXT-X-TARGETDURATION:12\n#EXTINF:12,\nfile://" + must(filepath.Abs("testdata/offset.ts")) + "\n#EXT-X-ENDLIST\n"))
	})
	mux.HandleFunc("/no-range/sample.mp4", func(w http.ResponseWriter, r *http.Request) {
		w.Write(readFile(t, "testdata/sample.mp4")) // the whole file, whatever Range asks
	})
	web := httptest.NewServer(mux)
	defer web.Close()
	srv := openaitest.New(t)
	url := web.URL + "/v/sample.mp4"
	code, stdout, stderr := vidskim(t, "summarize", url, "--base-url", srv.BaseURL(), "--format", "json", "--transcribe", "-q")
	var got summaryJSON
	json.Unmarshal([]byte(stdout), &got)
	if code != 0 || got.Video.Path != url || len(got.Chunks) == 0 {
		t.Fatalf("URL: exit %d: %s", code, stderr)
	}
	n := len(srv.Requests())
	local := filepath.Join(t.TempDir(), "local copy.mp4")
	os.WriteFile(local, readFile(t, "testdata/sample.mp4"), 0o644)
	if code, _, _ := vidskim(t, "summarize", local, "--base-url", srv.BaseURL(), "--transcribe", "-q"); code != 0 || len(srv.Requests()) != n {
		t.Errorf("a local copy of a video read over HTTP was not known: %d requests", len(srv.Requests())-n)
	}
	// A server that ignores Range requests cannot serve an MP4 whose
	// index is at its end (sample.mp4's is): the error says so.
	if code, _, stderr := vidskim(t, "frames", web.URL+"/no-range/sample.mp4"); code != exitBadFile || !strings.Contains(stderr, "Range requests") {
		t.Errorf("a server without Range: exit %d, %q", code, stderr)
	}
	for _, bad := range []string{web.URL + "/to-file", web.URL + "/list.m3u8", web.URL + "/v/nonesuch.mp4"} {
		code, _, stderr := vidskim(t, "frames", bad)
		if code != exitBadFile || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Errorf("%s: exit %d, %q", bad, code, stderr)
		}
	}
}

func must(s string, err error) string {
	if err != nil {
		panic(err)
	}
	return s
}
