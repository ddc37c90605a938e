package main

import (
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/vidskim/vidskim/llm/openaitest"
	"github.com/vidskim/vidskim/render"
)

// usageJSON is the usage block of --format json.
type usageJSON struct {
	Requests         int     `json:"requests"`
	Cached           int     `json:"cached_answers"`
	CachedPrompt     int     `json:"cached_prompt_tokens"`
	TranscribedMin   float64 `json:"transcribed_minutes"`
	TranscriptionUSD float64 `json:"transcription_usd"`
	CostUSD          float64 `json:"cost_usd"`
	SavedUSD         float64 `json:"saved_usd"`
}

func usageOf(t *testing.T, stdout string) usageJSON {
	t.Helper()
	var r struct {
		Usage usageJSON `json:"usage"`
	}
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	return r.Usage
}

// TestTranscriptEverywhere: with --transcribe the transcript is in md and
// in the HTML report, and the transcription is part of the cost.
func TestTranscriptEverywhere(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	video := speechVideo(t)
	srv := openaitest.New(t)
	srv.SpeechText = func(n, i int) string { return sentence }
	report := filepath.Join(t.TempDir(), "r.html")
	code, md, stderr := vidskim(t, "summarize", video, "--base-url", srv.BaseURL(), "--transcribe", "--report", report, "-q")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(md, "## Transcript\n\n- **00:00:04** "+sentence) || !strings.Contains(md, "transcription: 0.13 minutes of audio sent") ||
		!strings.Contains(md, "(transcription $0.0008)") {
		t.Errorf("markdown lacks the transcript or its cost:\n%s", md)
	}
	html := string(readFile(t, report))
	if !strings.Contains(html, "<h2>Transcript</h2>") || !strings.Contains(html, "00:00:04</td><td>"+sentence) {
		t.Errorf("report lacks the transcript")
	}
	code, js, stderr := vidskim(t, "summarize", video, "--base-url", srv.BaseURL(), "--transcribe", "--format", "json", "-q", "--no-cache", "--no-library")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	u := usageOf(t, js)
	if u.TranscriptionUSD != 0.0008 || u.TranscribedMin != 0.133 || u.CostUSD <= u.TranscriptionUSD {
		t.Errorf("usage %+v: want the transcription's $0.0008 in the cost", u)
	}
}

// TestMaxCostCountsTranscription: a --max-cost between the frames' cost
// and the frames' plus the transcription's refuses the run before any
// request; a little more lets it run.
func TestMaxCostCountsTranscription(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	video := speechVideo(t)
	code, stdout, stderr := vidskim(t, "plan", video, "--transcribe", "--format", "json")
	if code != 0 {
		t.Fatalf("plan: exit %d: %s", code, stderr)
	}
	var p struct {
		Estimate struct {
			CostUSD float64 `json:"cost_usd_at_most"`
		} `json:"estimate"`
		Transcription struct {
			USD float64 `json:"cost_usd"`
		} `json:"transcription"`
	}
	json.Unmarshal([]byte(stdout), &p)
	if p.Transcription.USD <= 0 {
		t.Fatalf("plan: no transcription price:\n%s", stdout)
	}
	srv := openaitest.New(t)
	between := p.Estimate.CostUSD + p.Transcription.USD/2
	code, _, stderr = vidskim(t, "summarize", video, "--base-url", srv.BaseURL(), "--transcribe", "--max-cost", fmt.Sprint(between))
	if code != exitUsage || !strings.Contains(stderr, "more than --max-cost") || len(srv.Requests())+len(srv.Transcriptions()) != 0 {
		t.Errorf("max-cost %v: exit %d, %d requests: %s", between, code, len(srv.Requests()), stderr)
	}
	above := p.Estimate.CostUSD + p.Transcription.USD + 0.0001
	if code, _, stderr = vidskim(t, "summarize", video, "--base-url", srv.BaseURL(), "--transcribe", "--max-cost", fmt.Sprint(above), "-q"); code != 0 {
		t.Errorf("max-cost %v: exit %d: %s", above, code, stderr)
	}
	code, _, stderr = vidskim(t, "summarize", video, "--base-url", srv.BaseURL(), "--transcript-only", "--max-cost", fmt.Sprint(p.Transcription.USD/2))
	if code != exitUsage || !strings.Contains(stderr, "transcription may cost") {
		t.Errorf("transcript-only over --max-cost: exit %d: %s", code, stderr)
	}
}

// TestRangeInEveryFormat: --start and --end are recorded in md, json,
// vtt (a NOTE, which players do not show) and html; srt has no comments,
// so its cue times (the video's own) alone say it.
func TestRangeInEveryFormat(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	srv := openaitest.New(t)
	report := filepath.Join(t.TempDir(), "r.html")
	run := func(format string, more ...string) string {
		args := append([]string{"summarize", "testdata/sample.mp4", "--base-url", srv.BaseURL(), "--start", "2", "--end", "0:08", "--format", format, "-q"}, more...)
		code, stdout, stderr := vidskim(t, args...)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", format, code, stderr)
		}
		return stdout
	}
	if md := run("md", "--report", report); !strings.Contains(md, "Range: 00:00:02-00:00:08 of 00:00:12 only (--start, --end).") {
		t.Errorf("md:\n%s", md)
	}
	if html := string(readFile(t, report)); !strings.Contains(html, "range 00:00:02-00:00:08 of 00:00:12 only") {
		t.Error("html lacks the range")
	}
	var js struct{ Range struct{ Start, End float64 } }
	json.Unmarshal([]byte(strings.NewReplacer(`"start_s"`, `"Start"`, `"end_s"`, `"End"`).Replace(run("json"))), &js)
	if js.Range.Start != 2 || js.Range.End != 8 {
		t.Errorf("json range %+v", js.Range)
	}
	vtt := run("vtt")
	if !strings.HasPrefix(vtt, "WEBVTT\n\nNOTE\nvidskim: sample.mp4, range 00:00:02-00:00:08 of 00:00:12 (--start, --end)\n\n") {
		t.Errorf("vtt:\n%s", vtt)
	}
	checkSubtitles(t, "vtt", vtt, 8)
	srt := run("srt")
	if m := cueTimes.FindStringSubmatch(srt); m == nil || m[3] != "02" || strings.Contains(srt, "NOTE") {
		t.Errorf("srt does not start at 2 s:\n%s", srt)
	}
	checkSubtitles(t, "srt", srt, 8)
}

// TestCachedRunShowsSavings: a run answered by the cache, or served by
// the library, says what the first run cost and what this one saved.
func TestCachedRunShowsSavings(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	srv := openaitest.New(t)
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	args := []string{"summarize", "testdata/sample.mp4", "--base-url", srv.BaseURL(), "--frames-per-request", "4", "-q"}
	code, first, stderr := vidskim(t, append(args, "--format", "json")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	paid := usageOf(t, first)
	for _, c := range []struct {
		name string
		more []string
	}{{"cache", []string{"--no-library"}}, {"library", nil}} {
		code, again, stderr := vidskim(t, append(append(args, "--format", "json"), c.more...)...)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", c.name, code, stderr)
		}
		u := usageOf(t, again)
		if u.Requests != 0 || u.Cached != paid.Requests || u.CostUSD != 0 || math.Abs(u.SavedUSD-paid.CostUSD) > 2e-6 || u.CachedPrompt == 0 {
			t.Errorf("%s: usage %+v, first run %+v: want every answer cached and its cost saved", c.name, u, paid)
		}
		_, md, _ := vidskim(t, append(args, c.more...)...)
		if want := fmt.Sprintf("Usage: no requests: every answer came from the cache (%d answers); what came from the cache first took", paid.Requests); !strings.Contains(md, want) ||
			!strings.Contains(md, fmt.Sprintf("$%.4f saved.", paid.CostUSD)) {
			t.Errorf("%s: markdown usage:\n%s", c.name, md)
		}
	}
}

// TestReadableSubtitles: long descriptions become consecutive cues of at
// most two lines of 42 characters and 7 seconds; subtitles of the
// descriptions send no merge request, and such a run (no summary) is
// never served for md, while a run with a summary serves later
// subtitles.
func TestReadableSubtitles(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	srv := openaitest.New(t)
	long := strings.Repeat("A person walks across the room and sits down near the window. ", 7) // ~440 characters
	srv.Script = func(r openaitest.Request) openaitest.Reply { return openaitest.Reply{Content: long} }
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	args := []string{"summarize", "testdata/scenes.mp4", "--base-url", srv.BaseURL(), "--frames-per-request", "5"}
	code, srt, stderr := vidskim(t, append(args, "--format", "srt", "-q")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, r := range srv.Requests() {
		if len(r.Images) == 0 {
			t.Error("srt of the descriptions sent a merge request")
		}
	}
	checkSubtitles(t, "srt", srt, 12)
	for _, cue := range strings.Split(strings.TrimSpace(srt), "\n\n") {
		lines := strings.Split(cue, "\n")
		m := cueTimes.FindStringSubmatch(lines[1])
		n := make([]int, 8)
		for i := range n {
			n[i], _ = strconv.Atoi(m[i+1])
		}
		if d := float64((n[4]-n[0])*3600+(n[5]-n[1])*60+(n[6]-n[2])) + float64(n[7]-n[3])/1000; d > 7.0005 {
			t.Errorf("cue of %.3f s:\n%s", d, cue)
		}
		if len(lines[2:]) > 2 {
			t.Errorf("cue of %d lines:\n%s", len(lines[2:]), cue)
		}
		for _, l := range lines[2:] {
			if len([]rune(l)) > 42 {
				t.Errorf("line of %d characters: %q", len([]rune(l)), l)
			}
		}
	}
	sent := len(srv.Requests())
	code, md, stderr := vidskim(t, append(args, "-q")...)
	if code != 0 || !strings.Contains(md, "Summary of") && !strings.Contains(md, long[:40]) {
		t.Fatalf("md after srt: exit %d: %s\n%s", code, stderr, md)
	}
	if merges := len(srv.Requests()) - sent; merges != 1 {
		t.Errorf("md after srt sent %d requests, want the one merge (the descriptions are cached, the srt run had no summary)", merges)
	}
	sent = len(srv.Requests())
	if code, _, stderr = vidskim(t, append(args, "--format", "vtt", "--verbose")...); code != 0 || len(srv.Requests()) != sent || !strings.Contains(stderr, "rendered from the library") {
		t.Errorf("vtt after md: exit %d, %d new requests: %s", code, len(srv.Requests())-sent, stderr)
	}
}

// TestPlurals: one of a thing is said in the singular.
func TestPlurals(t *testing.T) {
	for n, want := range map[int]string{0: "0 frames", 1: "1 frame", 2: "2 frames"} {
		if got := render.Count(n, "frame"); got != want {
			t.Errorf("Count(%d) = %q", n, got)
		}
	}
	for noun, want := range map[string]string{"stretch": "stretches", "retry": "retries", "day": "days", "prompt token": "prompt tokens", "box": "boxes"} {
		if got := render.Noun(2, noun); got != want {
			t.Errorf("Noun(2, %q) = %q", noun, got)
		}
	}
	openaitest.NeedFFmpeg(t)
	code, _, stderr := vidskim(t, "frames", "testdata/sample.mp4", "--end", "0.5", "--keyframes")
	if code != 0 || !strings.Contains(stderr, "Plan: 1 frame sampled, 1 kept, 2 requests.") {
		t.Errorf("exit %d: %s", code, stderr)
	}
	srv := openaitest.New(t)
	code, md, stderr := vidskim(t, "summarize", "testdata/sample.mp4", "--end", "0.5", "--keyframes", "--base-url", srv.BaseURL(), "-q")
	if code != 0 || !strings.Contains(md, ". 1 frame sampled, 1 sent to gpt-4.1-mini in 2 requests.") || strings.Contains(md, "1 frames sampled") {
		t.Errorf("exit %d: %s\n%s", code, stderr, md)
	}
}
