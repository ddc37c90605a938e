package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vidskim/vidskim/llm/openaitest"
)

// TestVersion: --version and `version` say the module version and, for a
// binary built from this git checkout, its commit; never made up.
func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"version"}} {
		code, stdout, stderr := vidskim(t, args...)
		if code != 0 || !strings.HasPrefix(stdout, "vidskim ") || !strings.Contains(stdout, "go1.") || stderr != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, stdout, stderr)
		}
	}
	// go build records the commit only where .git is a directory: a
	// clone, as CI's, not a git worktree or a tarball.
	if st, err := os.Stat(".git"); err != nil || !st.IsDir() {
		t.Skip("not a plain git checkout: the build records no commit to compare with")
	}
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skip("git cannot name the commit")
	}
	out, err := exec.Command(buildBinary(t), "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	if want := "commit " + strings.TrimSpace(string(head))[:12]; !strings.Contains(string(out), want) {
		t.Errorf("version %q lacks %q", out, want)
	}
}

// TestUsageErrors: every mistake in what was typed is one line naming the
// nearest commands or flags, exit 2, nothing on stdout.
func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"summarise", "x.mp4"}, `unknown command "summarise"; did you mean 'vidskim summarize'?`},
		{[]string{"pln"}, `did you mean 'vidskim plan'?`},
		{[]string{"library", "lsit"}, `unknown command "library lsit"; did you mean 'vidskim library list'?`},
		{[]string{"library", "shwo", "1"}, `'vidskim library show'`},
		{[]string{"help", "summarise"}, `did you mean 'vidskim summarize'?`},
		{[]string{"frobnicate"}, `unknown command "frobnicate" (commands: summarize, frames, plan, search, ask, library, batch, serve, config, version`},
		{[]string{"summarize", "x.mp4", "--fsp", "2"}, "unknown flag --fsp; did you mean --fps?"},
		{[]string{"plan", "x.mp4", "--modle", "gpt-4o"}, "did you mean --mode, --model or --models?"},
		{[]string{"frames", "--max", "3", "x.mp4"}, "did you mean --max-gap or --max-frames?"},
		{[]string{"library", "list", "--fromat", "json"}, "did you mean --format?"},
		{[]string{"--verbose", "summarize", "x.mp4"}, "it is a flag of summarize, frames, plan, ask, batch, serve or config: put it after the command"},
		{[]string{"summarize", "x.mp4", "--fps", "fast"}, `invalid value "fast" for flag --fps`},
		{[]string{"summarize", "x.mp4", "--log-format", "xml"}, `--log-format "xml": must be text or json`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, stdout, stderr := vidskim(t, tt.args...)
			if code != exitUsage || !strings.Contains(stderr, tt.want) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 || stdout != "" {
				t.Errorf("exit %d, stdout %q, stderr %q: want exit 2 and one line with %q", code, stdout, stderr, tt.want)
			}
		})
	}
	// Nothing asked: the help, on stderr, and exit 2 (as go and git do).
	for _, args := range [][]string{nil, {"library"}} {
		code, stdout, stderr := vidskim(t, args...)
		if code != exitUsage || stdout != "" || !strings.Contains(stderr, "USAGE") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, stdout, stderr)
		}
	}
	if code, stdout, _ := vidskim(t, "summarize", "--help"); code != 0 || !strings.Contains(stdout, "--log-format") {
		t.Errorf("--help: exit %d\n%s", code, stdout)
	}
}

func TestNearest(t *testing.T) {
	names := []string{"fps", "frames-per-request", "format", "max-gap", "max-frames", "max-tokens", "model", "models"}
	tests := []struct {
		typed string
		want  []string
	}{
		{"fsp", []string{"fps"}},
		{"formt", []string{"format"}},
		{"modle", []string{"model", "models"}},
		{"max-frame", []string{"max-frames"}},
		{"zzz", nil},
		{"x", nil},
	}
	for _, tt := range tests {
		if got := nearest(tt.typed, names); strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("nearest(%q) = %v, want %v", tt.typed, got, tt.want)
		}
	}
}

// TestStderrSentences: by default a run's stderr has no key=value lines;
// --verbose has one line a request with what it carried and took;
// --log-format json has JSON lines; a key the server echoes is redacted
// on every path.
func TestStderrSentences(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	var base []string
	server := func() { // each run its own, whose first answer is a 503 echoing the key
		srv := openaitest.New(t)
		srv.Script = func(r openaitest.Request) openaitest.Reply {
			if r.N == 1 {
				return openaitest.Reply{Status: 503, Body: `{"error":{"message":"overloaded, your key {key}"}}`, Hostile: openaitest.Hostile{Echo: true}}
			}
			return openaitest.Reply{Content: "Saw it."}
		}
		base = []string{"summarize", "testdata/sample.mp4", "--base-url", srv.BaseURL(), "--api-key", "sk-echoed-secret",
			"--frames-per-request", "5", "--concurrency", "1", "--no-cache"}
	}
	server()
	code, _, stderr := vidskim(t, base...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.Contains(stderr, "level=") || strings.Contains(stderr, "msg=") || !strings.Contains(stderr, "vidskim: warning: a request failed with status 503") {
		t.Errorf("default stderr is not sentences:\n%s", stderr)
	}
	server()
	code, _, stderr = vidskim(t, append(base, "--verbose")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var chunkLines, mergeLines int
	for _, l := range strings.Split(stderr, "\n") {
		if !strings.HasPrefix(l, "vidskim: request ") {
			continue
		}
		for _, want := range []string{"images=", "prompt_tokens=", "completion_tokens=", "latency=", "cached=false", "retries="} {
			if !strings.Contains(l, want) {
				t.Errorf("request line lacks %s: %s", want, l)
			}
		}
		switch {
		case strings.Contains(l, `part="chunk 00:00:00-`):
			chunkLines++
			if !strings.Contains(l, "images=5") {
				t.Errorf("first chunk: %s", l)
			}
		case strings.Contains(l, "part=merge"):
			mergeLines++
		}
	}
	if chunkLines != 1 || mergeLines != 1 {
		t.Errorf("verbose: %d first-chunk and %d merge lines:\n%s", chunkLines, mergeLines, stderr)
	}
	server()
	code, _, stderr = vidskim(t, append(base, "--log-format", "json")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	msgs := map[string]bool{}
	for _, l := range strings.Split(strings.TrimSpace(stderr), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil || m["level"] == nil {
			t.Errorf("not a JSON log line: %q", l)
		}
		msgs[fmt.Sprint(m["msg"])] = true
	}
	if !msgs["progress"] || !msgs["described"] || len(msgs) < 3 { // the retry, the progress, the counts
		t.Errorf("json log: %v:\n%s", msgs, stderr)
	}
	if strings.Count(stderr, "sk-echoed-secret") != 0 {
		t.Error("the echoed key reached stderr")
	}
}

// TestConfigRoundTrip: `config` prints a file that, used as the config
// file, gives the same settings, now from the file; it shows the resolved
// cache and library; keys are masked and commented out; a VIDSKIM_CONFIG
// naming a missing file is an error.
func TestConfigRoundTrip(t *testing.T) {
	t.Setenv("OPENAI_API_KEY", "sk-config-secret")
	code, first, stderr := vidskimKeepEnv(t, map[string]string{"OPENAI_API_KEY": ""}, "config", "--fps", "2", "--model", "gpt-4o",
		"--include", "*.mp4", "--include", "*.mov", "--timeout", "90s", "--temperature", "0.5")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	cache, _ := os.UserCacheDir()
	for _, want := range []string{
		"fps                   = 2 ", "model                 = \"gpt-4o\"", `include               = ["*.mp4", "*.mov"]`,
		`timeout               = "1m30s"`, "temperature           = 0.5 ", `# api-key             = "(masked)"`,
		`# cache-dir           = "` + filepath.Join(cache, "vidskim") + `"`, "library.db\"", "# jobs                = 0 ",
	} {
		if !strings.Contains(first, want) {
			t.Errorf("config lacks %q:\n%s", want, first)
		}
	}
	if strings.Contains(first, "sk-config-secret") {
		t.Error("config printed the key")
	}
	file := writeFile(t, "config.toml", []byte(first))
	t.Setenv("VIDSKIM_CONFIG", file)
	code, second, stderr := vidskimKeepEnv(t, map[string]string{"OPENAI_API_KEY": "", "VIDSKIM_CONFIG": ""}, "config")
	if code != 0 {
		t.Fatalf("the printed config does not load: exit %d: %s", code, stderr)
	}
	settings := func(s string) []string { // live lines, without their comments
		var out []string
		for _, l := range strings.Split(s, "\n") {
			if l != "" && !strings.HasPrefix(l, "#") {
				out = append(out, strings.TrimSpace(strings.SplitN(l, "#", 2)[0]))
			}
		}
		return out
	}
	if a, b := settings(first), settings(second); strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Errorf("settings changed on the way back:\n%v\n%v", a, b)
	}
	if !strings.Contains(second, "# config file") || !strings.Contains(second, file+" (read;") {
		t.Errorf("second config does not name the file as the source:\n%s", second)
	}
	t.Setenv("VIDSKIM_CONFIG", filepath.Join(t.TempDir(), "missing.toml"))
	code, _, stderr = vidskimKeepEnv(t, map[string]string{"VIDSKIM_CONFIG": ""}, "plan", "testdata/sample.mp4")
	if code != exitUsage || !strings.Contains(stderr, "VIDSKIM_CONFIG names") || !strings.Contains(stderr, "does not exist") {
		t.Errorf("missing VIDSKIM_CONFIG: exit %d, %q", code, stderr)
	}
}
