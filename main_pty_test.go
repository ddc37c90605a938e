package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/vidskim/vidskim/llm/openaitest"
)

// ttyOutput gathers what a process draws on its terminal.
type ttyOutput struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (o *ttyOutput) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.Write(p)
}

func (o *ttyOutput) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

// barDraws are the bar lines drawn so far: the screen line after each
// carriage return, without the erase-to-end sequence.
var barDraw = regexp.MustCompile(`^\[[= >]+\] +\d+%`)

func barDraws(s string) []string {
	var out []string
	for _, l := range strings.FieldsFunc(s, func(r rune) bool { return r == '\r' || r == '\n' }) {
		l = strings.ReplaceAll(l, "\x1b[K", "")
		if barDraw.MatchString(l) {
			out = append(out, l)
		}
	}
	return out
}

// waitFor polls until cond holds, or fails the test.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(60 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// TestProgressOnATerminal runs the real binary on a pseudo-terminal of 80
// columns against a server that answers slowly: the bar fits the width
// and the bar itself shows; a warning is written above it; no time left is said until there is a rate;
// resized to 120 columns it redraws wider at once (SIGWINCH); Ctrl-C
// typed on the terminal stops the run with 130, and the bar stays where
// the run stopped, saying so.
func TestProgressOnATerminal(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	bin := buildBinary(t)
	srv := openaitest.New(t)
	var answered atomic.Int32
	srv.Script = func(r openaitest.Request) openaitest.Reply {
		if r.N == 2 { // a retry: its warning goes above the bar, not into it
			return openaitest.Reply{Status: 503, Header: map[string]string{"Retry-After": "0"}, Body: `{"error":{"message":"busy"}}`}
		}
		select {
		case <-time.After(700 * time.Millisecond):
		case <-r.Context().Done():
		}
		answered.Add(1)
		return openaitest.Reply{}
	}
	cmd := exec.Command(bin, "summarize", "testdata/sample.mp4", "--base-url", srv.BaseURL(), "--frames-per-request", "1",
		"--concurrency", "1", "--dedupe-threshold", "0", "--no-library", "--cache-dir", t.TempDir())
	cmd.Env = append(os.Environ(), "OPENAI_API_KEY=", "TERM=xterm")
	var stdout bytes.Buffer
	cmd.Stdout = &stdout // the summary; stdin and stderr are the terminal
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: 80, Rows: 24})
	if err != nil {
		t.Fatal(err)
	}
	defer tty.Close()
	var screen ttyOutput
	copied := make(chan struct{})
	go func() { io.Copy(&screen, tty); close(copied) }()

	waitFor(t, "two answers", func() bool { return answered.Load() >= 2 })
	at80 := barDraws(screen.String())
	if len(at80) == 0 {
		t.Fatalf("no bar drawn:\n%q", screen.String())
	}
	for _, l := range at80 {
		if n := len([]rune(l)); n > 79 {
			t.Errorf("a line of %d columns on an 80-column terminal: %q", n, l)
		}
		if cells := strings.Index(l, "]") - 1; cells < minBar {
			t.Errorf("the bar itself has %d cells: %q", cells, l)
		}
	}
	if strings.Contains(at80[0], "left") {
		t.Errorf("time left said before any rate: %q", at80[0])
	}
	drawn := len(screen.String())
	if err := pty.Setsize(tty, &pty.Winsize{Cols: 120, Rows: 24}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a wider line after the resize", func() bool {
		for _, l := range barDraws(screen.String()[drawn:]) {
			if n := len([]rune(l)); n > 80 && n <= 119 {
				return true
			}
		}
		return false
	})
	waitFor(t, "the time left, once there is a rate", func() bool { return strings.Contains(screen.String(), " left") })

	tty.Write([]byte{3}) // Ctrl-C, as typed: the terminal sends SIGINT to the foreground group
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Fatalf("after Ctrl-C: %v, want exit 130\n%q", err, screen.String())
	}
	tty.Close()
	<-copied
	out := screen.String()
	draws := barDraws(out)
	last := draws[len(draws)-1]
	if !strings.Contains(last, "% stopped, decoded ") || strings.Contains(last, "100%") || !strings.Contains(out, last+"\x1b[K\r\n") {
		t.Errorf("the bar does not stay where the run stopped: last draw %q", last)
	}
	if !regexp.MustCompile(`vidskim: interrupted: \d+ of \d+ answers .*saved; run the same command to resume`).MatchString(out) {
		t.Errorf("no interrupt line:\n%q", out)
	}
	if !regexp.MustCompile(`\x1b\[K\r\x1b\[Kvidskim: warning: a request failed with status 503[^\r]*\r\n\r\[`).MatchString(out) {
		t.Errorf("the retry warning is not written above the bar:\n%q", out)
	}
	if stdout.Len() != 0 {
		t.Errorf("an interrupted run wrote a summary: %q", stdout.String())
	}
}

// TestBarLine: at any width the line stays within the width less one
// column, the bar keeps at least minBar cells where there is room, and
// facts that do not fit are left out whole.
func TestBarLine(t *testing.T) {
	facts := []string{"decoded 00:01:02 of 00:45:00", "answers 12/30", "about 4m10s left", "123 frames sampled, 40 kept", "requests 12/13", "45678 tokens"}
	for _, w := range []int{12, 20, 40, 60, 80, 120, 300} {
		l := barLine(w, 0.42, facts)
		if n := len([]rune(l)); n > w-1 {
			t.Errorf("width %d: %d columns: %q", w, n, l)
		}
		if cells := strings.Index(l, "]") - 1; w >= 40 && cells < minBar {
			t.Errorf("width %d: a bar of %d cells: %q", w, cells, l)
		}
		for _, f := range facts {
			if i := strings.Index(l, f[:5]); i >= 0 && !strings.Contains(l, f) {
				t.Errorf("width %d: fact cut: %q", w, l)
			}
		}
	}
	if l := barLine(80, 0.5, facts); !strings.HasPrefix(l, "[==========>         ]  50% decoded 00:01:02 of 00:45:00, answers 12/30") {
		t.Errorf("80 columns: %q", l)
	}
}
