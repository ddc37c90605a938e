package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vidskim/vidskim/llm/openaitest"
)

// vidskim runs vidskim in-process with the environment cleared of keys and
// a config and cache directory of the test's own.
func vidskim(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return vidskimKeepEnv(t, nil, args...)
}

// vidskimKeepEnv is vidskim, keeping the variables named in keep.
func vidskimKeepEnv(t *testing.T, keep map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	for _, k := range []string{"OPENAI_API_KEY", "OPENAI_BASE_URL", "AZURE_OPENAI_API_KEY", "AZURE_OPENAI_ENDPOINT", "VIDSKIM_CONFIG"} {
		if _, ok := keep[k]; !ok {
			unsetenv(t, k)
		}
	}
	if !strings.HasPrefix(os.Getenv("XDG_CACHE_HOME"), os.TempDir()) {
		t.Setenv("XDG_CACHE_HOME", t.TempDir()) // each test its own answer cache
	}
	if !strings.HasPrefix(os.Getenv("XDG_CONFIG_HOME"), os.TempDir()) {
		t.Setenv("XDG_CONFIG_HOME", t.TempDir()) // and no user config
	}
	if d := os.Getenv("XDG_DATA_HOME"); d == sharedDataHome || !strings.HasPrefix(d, os.TempDir()) {
		t.Setenv("XDG_DATA_HOME", t.TempDir()) // and its own library
	}
	var out, errb bytes.Buffer
	code = run(t.Context(), append([]string{"vidskim"}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

// summaryJSON is the --format json contract of issue 2.
type summaryJSON struct {
	Video struct {
		Path      string  `json:"path"`
		DurationS float64 `json:"duration_s"`
		Width     int     `json:"width"`
		Height    int     `json:"height"`
	} `json:"video"`
	Frames struct {
		Sampled int `json:"sampled"`
		Kept    int `json:"kept"`
	} `json:"frames"`
	Chunks []struct {
		StartS      float64   `json:"start_s"`
		EndS        float64   `json:"end_s"`
		FrameTimesS []float64 `json:"frame_times_s"`
		Description string    `json:"description"`
	} `json:"chunks"`
	Summary string `json:"summary"`
	Usage   struct {
		Requests         int `json:"requests"`
		PromptTokens     int `json:"prompt_tokens"`
		CompletionTokens int `json:"completion_tokens"`
	} `json:"usage"`
}

func TestSummarizeJSON(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	srv := openaitest.New(t)
	srv.MaxImages = 3
	video := filepath.Join("testdata", "sample.mp4")
	// Flags on both sides of the path: none may be ignored.
	code, stdout, stderr := vidskim(t, "summarize", "--base-url", srv.BaseURL(), "--api-key", "sk-secret-123",
		video, "--format", "json", "--frames-per-request", "3", "--fps", "2", "--model", "gpt-4o")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got summaryJSON
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, stdout)
	}
	if got.Video.Path != video || got.Video.Width != 320 || got.Video.Height != 240 || got.Video.DurationS != 12 {
		t.Errorf("video %+v", got.Video)
	}
	if got.Frames.Sampled < 24 { // --fps 2 after the path took effect
		t.Errorf("sampled %d frames at --fps 2 over 12 s", got.Frames.Sampled)
	}
	reqs := srv.Requests()
	if got.Usage.Requests != len(reqs) || len(reqs) != len(got.Chunks)+1 || got.Usage.PromptTokens == 0 {
		t.Errorf("usage %+v, %d requests, %d chunks", got.Usage, len(reqs), len(got.Chunks))
	}
	for _, r := range reqs {
		if r.Model != "gpt-4o" {
			t.Errorf("model %q", r.Model)
		}
		if r.Header.Get("Authorization") != "Bearer sk-secret-123" {
			t.Errorf("authorization header %q", r.Header.Get("Authorization"))
		}
	}
	for _, c := range got.Chunks {
		if len(c.FrameTimesS) == 0 || len(c.FrameTimesS) > 3 || c.Description == "" || c.EndS < c.StartS {
			t.Errorf("chunk %+v", c)
		}
	}
	if got.Summary == "" {
		t.Error("no summary")
	}
	if strings.Contains(stdout+stderr, "sk-secret-123") {
		t.Error("the API key was printed")
	}
}

func TestSummarizeMarkdownToFile(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	srv := openaitest.New(t)
	out := filepath.Join(t.TempDir(), "summary.md")
	code, stdout, stderr := vidskim(t, "summarize", "testdata/sample.mp4", "--base-url", srv.BaseURL(), "--out", out, "-q")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if stdout != "" {
		t.Errorf("stdout should be empty with --out: %q", stdout)
	}
	md, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"# Summary of sample.mp4", "Summary of", "## Timeline", "### 00:00:00 - ", "Saw "} {
		if !strings.Contains(string(md), want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	// A keyless local server gets no Authorization header at all.
	if h := srv.Requests()[0].Header.Get("Authorization"); h != "" {
		t.Errorf("keyless request sent Authorization %q", h)
	}
}

// TestBadInvocations: each case fails with one line, the documented exit
// code, and no request to the model.
func TestBadInvocations(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	srv := openaitest.New(t)
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.mp4")
	os.WriteFile(text, []byte("not a video"), 0o644)
	base := []string{"summarize", "--base-url", srv.BaseURL()}
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no key no url", []string{"summarize", "testdata/sample.mp4"}, exitUsage, "OPENAI_API_KEY"},
		{"no video", base, exitUsage, "missing VIDEO"},
		{"two videos as subtitles on stdout", append(base, "testdata/sample.mp4", "testdata/rotated.mp4", "--format", "srt"), exitUsage, "needs --out-dir"},
		{"two videos, out and out-dir", append(base, "testdata/sample.mp4", "testdata/rotated.mp4", "-o", filepath.Join(dir, "x.md"), "--out-dir", dir), exitUsage, "choose one"},
		{"bad jobs", append(base, "testdata/sample.mp4", "testdata/rotated.mp4", "--jobs", "0"), exitUsage, "--jobs"},
		{"empty directory", append(base, t.TempDir()), exitBadFile, "no files found"},
		{"missing file", append(base, filepath.Join(dir, "nope.mp4")), exitBadFile, "no such file"},
		{"text file", append(base, text), exitBadFile, "not a video file"},
		{"audio only", append(base, "testdata/audio.m4a"), exitBadFile, "no video stream"},
		{"fps zero", append(base, "testdata/sample.mp4", "--fps", "0"), exitUsage, "--fps"},
		{"start after end", append(base, "testdata/sample.mp4", "--start", "8", "--end", "4"), exitUsage, "not before --end"},
		{"start past end", append(base, "testdata/sample.mp4", "--start", "1:00"), exitUsage, "past the end"},
		{"bad time", append(base, "testdata/sample.mp4", "--start", "1:75"), exitUsage, "--start"},
		{"bad detail", append(base, "testdata/sample.mp4", "--detail", "ultra"), exitUsage, "--detail"},
		{"bad format", append(base, "testdata/sample.mp4", "--format", "xml"), exitUsage, "--format"},
		{"unknown flag", append(base, "testdata/sample.mp4", "--fsp", "2"), exitUsage, "fsp"},
		{"bad threshold", append(base, "testdata/sample.mp4", "--dedupe-threshold", "-3"), exitUsage, "--dedupe-threshold"},
		{"zero concurrency", append(base, "testdata/sample.mp4", "--concurrency", "0"), exitUsage, "--concurrency"},
		{"tiny max tokens", append(base, "testdata/sample.mp4", "--max-tokens", "5"), exitUsage, "--max-tokens"},
		{"negative timeout", append(base, "testdata/sample.mp4", "--timeout", "-1s"), exitUsage, "--timeout"},
		{"negative max gap", append(base, "testdata/sample.mp4", "--max-gap", "-1"), exitUsage, "--max-gap"},
		{"negative max frames", append(base, "testdata/sample.mp4", "--max-frames", "-1"), exitUsage, "--max-frames"},
		{"negative rpm", append(base, "testdata/sample.mp4", "--rpm", "-1"), exitUsage, "--rpm"},
		{"absurd retries", append(base, "testdata/sample.mp4", "--max-retries", "1000"), exitUsage, "--max-retries"},
		{"absurd temperature", append(base, "testdata/sample.mp4", "--temperature", "9"), exitUsage, "--temperature"},
		{"negative max cost", append(base, "testdata/sample.mp4", "--max-cost", "-1"), exitUsage, "--max-cost"},
		{"absurd fps", append(base, "testdata/sample.mp4", "--fps", "1e9"), exitUsage, "--fps"},
		{"not a number", append(base, "testdata/sample.mp4", "--fps", "fast"), exitUsage, "fps"},
		{"bad mode", append(base, "testdata/sample.mp4", "--mode", "poetry"), exitUsage, "--mode"},
		{"unwritable out", append(base, "testdata/sample.mp4", "--out", filepath.Join(dir, "no", "such", "dir", "x.md")), exitUsage, "--out"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := vidskim(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tt.code, stderr)
			}
			if strings.Count(strings.TrimSpace(stderr), "\n") != 0 || !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr %q: want one line with %q", stderr, tt.want)
			}
			if stdout != "" {
				t.Errorf("stdout %q", stdout)
			}
		})
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("bad invocations sent %d requests to the model", n)
	}
}

func TestFramesCommand(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	dir := filepath.Join(t.TempDir(), "frames")
	code, stdout, stderr := vidskim(t, "frames", "testdata/sample.mp4", "--out-dir", dir, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep struct {
		Video   map[string]any `json:"video"`
		Sampled int            `json:"sampled"`
		Kept    []struct {
			Index int     `json:"index"`
			TimeS float64 `json:"time_s"`
			File  string  `json:"file"`
		} `json:"kept"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if rep.Sampled != 13 || len(rep.Kept) < 3 || len(rep.Kept) >= rep.Sampled {
		t.Errorf("sampled %d, kept %d", rep.Sampled, len(rep.Kept))
	}
	files, _ := os.ReadDir(dir)
	if len(files) != len(rep.Kept) {
		t.Errorf("%d files for %d kept frames", len(files), len(rep.Kept))
	}
	if len(rep.Kept) > 0 && filepath.Base(rep.Kept[0].File) != "00-00-00.000.jpg" {
		t.Errorf("first file %q", rep.Kept[0].File)
	}
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// unsetenv removes k for the test (an empty variable still counts as set
// for flag defaults) and restores it after.
func unsetenv(t *testing.T, k string) {
	t.Helper()
	t.Setenv(k, "") // registers the restore, and forbids t.Parallel
	os.Unsetenv(k)
}
