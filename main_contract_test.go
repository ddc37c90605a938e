package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vidskim/vidskim/llm/openaitest"
)

// TestContract pins what users see, byte for byte, so that moving code
// between packages cannot change it: each command's output in each format,
// the HTML report, `config`, and the stderr of failures. Paths under the
// test's temporary directories are replaced by placeholders; nothing else
// is ignored (no output holds the current time). Rewrite with
// go test -run TestContract -update.
func TestContract(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	cases := []struct {
		name string
		args []string // {url} is the fake server's base URL, {tmp} a temp dir
		env  map[string]string
		code int
		file string // when set, the golden is this file's content, not stdout
	}{
		{name: "summarize.md", args: []string{"summarize", "testdata/sample.mp4", "--base-url", "{url}", "--frames-per-request", "4", "-q"}},
		{name: "summarize.json", args: []string{"summarize", "testdata/sample.mp4", "--base-url", "{url}", "--format", "json", "--fps", "2", "-q"}},
		{name: "summarize.srt", args: []string{"summarize", "testdata/scenes.mp4", "--base-url", "{url}", "--format", "srt", "--frames-per-request", "3", "-q"}},
		{name: "summarize.vtt", args: []string{"summarize", "testdata/scenes.mp4", "--base-url", "{url}", "--format", "vtt", "--mode", "surveillance", "--frames-per-request", "3", "-q"}},
		{name: "report.html", args: []string{"summarize", "testdata/sample.mp4", "--base-url", "{url}", "--report", "{tmp}/r.html", "--end", "5", "-q"}, file: "{tmp}/r.html"},
		{name: "summarize-to-file.md", args: []string{"summarize", "testdata/sample.mp4", "--base-url", "{url}", "-o", "{tmp}/out.md", "--mode", "narration", "-q"}, file: "{tmp}/out.md"},
		{name: "plan.txt", args: []string{"plan", "testdata/sample.mp4", "--transcribe"}},
		{name: "plan.json", args: []string{"plan", "testdata/scenes.mp4", "--format", "json", "--detail", "high", "--model", "gpt-4o"}},
		{name: "plan-unknown-model.txt", args: []string{"plan", "testdata/sample.mp4", "--model", "llava:13b"}},
		{name: "frames.txt", args: []string{"frames", "testdata/sample.mp4", "-q"}},
		{name: "frames.json", args: []string{"frames", "testdata/scenes.mp4", "--format", "json", "--out-dir", "{tmp}/frames"}},
		{name: "config.txt", args: []string{"config", "--model", "gpt-4o", "--fps", "2"}, env: map[string]string{"OPENAI_API_KEY": "sk-contract-secret"}},
		{name: "fail-no-key.stderr", args: []string{"summarize", "testdata/sample.mp4"}, code: exitUsage},
		{name: "fail-not-video.stderr", args: []string{"summarize", "{tmp}/notes.mp4", "--base-url", "{url}"}, code: exitBadFile},
		{name: "fail-bad-range.stderr", args: []string{"plan", "testdata/sample.mp4", "--start", "8", "--end", "4"}, code: exitUsage},
		{name: "fail-401.stderr", args: []string{"summarize", "testdata/sample.mp4", "--base-url", "{url}", "--api-key", "sk-wrong", "-q"}, code: exitFailed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := openaitest.New(t)
			if strings.HasPrefix(c.name, "fail-401") {
				srv.Script = func(openaitest.Request) openaitest.Reply {
					return openaitest.Reply{Status: 401, Body: `{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}`}
				}
			}
			tmp := t.TempDir()
			os.WriteFile(filepath.Join(tmp, "notes.mp4"), []byte("not a video"), 0o644)
			t.Setenv("XDG_CACHE_HOME", filepath.Join(tmp, "cache"))
			t.Setenv("XDG_CONFIG_HOME", filepath.Join(tmp, "config"))
			t.Setenv("XDG_DATA_HOME", filepath.Join(tmp, "data")) // config shows the library's path
			url := ""
			args := make([]string, len(c.args))
			for i, a := range c.args {
				if strings.Contains(a, "{url}") {
					url = srv.BaseURL()
				}
				args[i] = strings.NewReplacer("{url}", url, "{tmp}", tmp).Replace(a)
			}
			code, stdout, stderr := vidskimKeepEnv(t, c.env, withEnv(t, c.env, args)...)
			if code != c.code {
				t.Fatalf("exit %d, want %d: %s", code, c.code, stderr)
			}
			got := stdout
			switch {
			case c.file != "":
				got = string(readFile(t, strings.ReplaceAll(c.file, "{tmp}", tmp)))
			case strings.HasSuffix(c.name, ".stderr"):
				got = stderr
			}
			got = strings.ReplaceAll(got, tmp, "{tmp}")
			if url != "" {
				got = strings.ReplaceAll(got, url, "{url}")
			}
			golden(t, filepath.Join("testdata", "golden", "contract", c.name), got)
		})
	}
}

// withEnv sets env for the test and returns args unchanged.
func withEnv(t *testing.T, env map[string]string, args []string) []string {
	for k, v := range env {
		t.Setenv(k, v)
	}
	return args
}
