package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/vidskim/vidskim/llm/openaitest"
)

// modeScript answers like a model doing each job, deterministically, from
// what the request carried.
func modeScript(mode string) func(openaitest.Request) openaitest.Reply {
	return func(r openaitest.Request) openaitest.Reply {
		if len(r.Images) == 0 {
			return openaitest.Reply{Content: fmt.Sprintf("%s of %d characters of notes. <b>bold?</b>", mode, len(strings.Join(r.Texts, "")))}
		}
		var lines []string
		for i, im := range r.Images {
			switch mode {
			case "surveillance":
				lines = append(lines, fmt.Sprintf("%s frame %d: the scene changes.", im.Label, i))
			case "narration":
				lines = append(lines, fmt.Sprintf("%s Here the picture shows part %d.", im.Label, i))
			default:
				return openaitest.Reply{}
			}
		}
		return openaitest.Reply{Content: strings.Join(lines, "\n")}
	}
}

// TestGoldenOutputs: every mode and format, against the fake server,
// compared with testdata/golden (go test -run TestGoldenOutputs -update).
func TestGoldenOutputs(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	cases := []struct{ mode, format string }{
		{"summary", "md"}, {"summary", "json"}, {"summary", "srt"}, {"summary", "vtt"},
		{"surveillance", "md"}, {"surveillance", "json"}, {"surveillance", "srt"}, {"surveillance", "vtt"},
		{"narration", "md"}, {"narration", "json"}, {"narration", "srt"}, {"narration", "vtt"},
	}
	for _, c := range cases {
		t.Run(c.mode+"."+c.format, func(t *testing.T) {
			srv := openaitest.New(t)
			srv.Script = modeScript(c.mode)
			code, stdout, stderr := vidskim(t, "summarize", "testdata/sample.mp4", "--base-url", srv.BaseURL(),
				"--mode", c.mode, "--format", c.format, "--frames-per-request", "4", "--prompt", "mention colours", "-q")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			for _, r := range srv.Requests() {
				if !strings.Contains(strings.Join(r.Texts, " "), "mention colours") {
					t.Errorf("request %d lacks the user's prompt", r.N)
				}
			}
			golden(t, filepath.Join("testdata", "golden", c.mode+"."+c.format), stdout)
			if c.format == "srt" || c.format == "vtt" {
				checkSubtitles(t, c.format, stdout, 12)
			}
		})
	}
}

// golden compares got with the file, or rewrites it with -update.
func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -run %s -update)", err, t.Name())
	}
	if got != string(want) {
		t.Errorf("output differs from %s (go test -update to accept):\n%s", path, got)
	}
}

var cueTimes = regexp.MustCompile(`(\d\d):(\d\d):(\d\d)[,.](\d{3}) --> (\d\d):(\d\d):(\d\d)[,.](\d{3})`)

// checkSubtitles: cue times increase, do not overlap, stay within the
// video; and ffmpeg's own SRT/WebVTT parser reads every cue.
func checkSubtitles(t *testing.T, format, text string, duration float64) {
	t.Helper()
	prevEnd, n := 0.0, 0
	for _, m := range cueTimes.FindAllStringSubmatch(text, -1) {
		sec := func(h, mi, s, ms string) float64 {
			a, _ := strconv.Atoi(h)
			b, _ := strconv.Atoi(mi)
			c, _ := strconv.Atoi(s)
			d, _ := strconv.Atoi(ms)
			return float64(a*3600+b*60+c) + float64(d)/1000
		}
		start, end := sec(m[1], m[2], m[3], m[4]), sec(m[5], m[6], m[7], m[8])
		if start < prevEnd || end <= start || end > duration {
			t.Errorf("cue %d: %v-%v after %v (video %v s)", n, start, end, prevEnd, duration)
		}
		prevEnd = end
		n++
	}
	if n == 0 {
		t.Fatal("no cues")
	}
	file := filepath.Join(t.TempDir(), "subs."+format)
	os.WriteFile(file, []byte(text), 0o644)
	ass := filepath.Join(t.TempDir(), "subs.ass")
	if out, err := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-i", file, ass).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg cannot read the %s: %v\n%s", format, err, out)
	}
	b, _ := os.ReadFile(ass)
	if got := strings.Count(string(b), "\nDialogue:"); got != n {
		t.Errorf("ffmpeg read %d cues of %d", got, n)
	}
}

func TestPlanCommand(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	code, stdout, stderr := vidskim(t, "plan", "testdata/sample.mp4", "--model", "gpt-4o")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"frames: 13 sampled", "image tokens", "cost on gpt-4o: at most $", "gpt-4.1-mini", "gpt-5-mini", "input tokens: "} {
		if !strings.Contains(stdout, want) {
			t.Errorf("plan output lacks %q:\n%s", want, stdout)
		}
	}
	code, stdout, _ = vidskim(t, "plan", "testdata/sample.mp4", "--model", "llava:13b", "--format", "json")
	if code != 0 || !strings.Contains(stdout, `"unknown model llava:13b`) || !strings.Contains(stdout, `"known_model": false`) {
		t.Errorf("unknown model: exit %d\n%s", code, stdout)
	}
}

func TestMaxCostRefusesBeforePaying(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	srv := openaitest.New(t)
	code, _, stderr := vidskim(t, "summarize", "testdata/sample.mp4", "--base-url", srv.BaseURL(), "--model", "gpt-4o", "--max-cost", "0.0001")
	if code != exitUsage || !strings.Contains(stderr, "--max-cost") || len(srv.Requests()) != 0 {
		t.Errorf("exit %d, %d requests: %s", code, len(srv.Requests()), stderr)
	}
	code, _, stderr = vidskim(t, "summarize", "testdata/sample.mp4", "--base-url", srv.BaseURL(), "--model", "gpt-4o", "--max-cost", "1")
	if code != 0 {
		t.Errorf("within budget: exit %d: %s", code, stderr)
	}
}

// TestHTMLReport: the report is one self-contained page with every kept
// frame inline and the model's text escaped.
func TestHTMLReport(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	srv := openaitest.New(t)
	srv.Script = func(r openaitest.Request) openaitest.Reply {
		return openaitest.Reply{Content: `<script>alert(1)</script> & <img src=x onerror=alert(2)> ` + openaitest.Describe(r)}
	}
	report := filepath.Join(t.TempDir(), "report.html")
	code, _, stderr := vidskim(t, "summarize", "testdata/sample.mp4", "--base-url", srv.BaseURL(), "--report", report, "--format", "json", "-q")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	html := string(readFile(t, report))
	if strings.Contains(html, "<script>alert") || strings.Contains(html, "<img src=x") {
		t.Error("model text reached the page as markup")
	}
	if !strings.Contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("model text is missing or not escaped")
	}
	if n := strings.Count(html, `src="data:image/jpeg;base64,`); n != 10 {
		t.Errorf("%d inline frames, want the 10 kept", n)
	}
	if strings.Contains(html, "http://") || strings.Contains(html, "https://") {
		t.Error("the report loads something from the network")
	}
	if shot := os.Getenv("VIDSKIM_SCREENSHOT"); shot != "" {
		screenshot(t, report, shot)
	}
}

// screenshot renders the report in headless Chromium (make report-check
// installs it) and saves a PNG to look at.
func screenshot(t *testing.T, page, png string) {
	bin, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("VIDSKIM_SCREENSHOT set but chromium is not installed (make report-check installs it)")
	}
	abs, _ := filepath.Abs(page)
	out, err := exec.Command(bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--user-data-dir="+t.TempDir(),
		"--window-size=1200,1600", "--screenshot="+png, "file://"+abs).CombinedOutput()
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, out)
	}
	if st, err := os.Stat(png); err != nil || st.Size() < 10000 {
		t.Fatalf("no screenshot: %v", err)
	}
}

// TestLineProgress: when stderr is not a terminal, progress is plain
// lines, ending with the finished state; --quiet prints none.
func TestLineProgress(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	srv := openaitest.New(t)
	code, _, stderr := vidskim(t, "summarize", "testdata/sample.mp4", "--base-url", srv.BaseURL())
	if code != 0 || !strings.Contains(stderr, "progress: 100% decoded 00:00:12, answers 1/1, writing the summary, 13 frames sampled, 10 kept, requests") {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
	if strings.Contains(stderr, "\x1b[") || strings.Contains(stderr, "\r") {
		t.Error("terminal control codes in non-terminal progress")
	}
	_, _, stderr = vidskim(t, "summarize", "testdata/sample.mp4", "--base-url", srv.BaseURL(), "-q")
	if strings.Contains(stderr, "progress:") {
		t.Errorf("--quiet printed progress: %s", stderr)
	}
}
