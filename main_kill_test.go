package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/vidskim/vidskim/llm/openaitest"
)

// built is the vidskim binary the tests and benchmarks of this run share,
// built once; TestMain removes it.
var built struct {
	once     sync.Once
	dir, bin string
	err      error
}

// buildBinary builds vidskim (once a test run) for tests and benchmarks
// that need a real process.
func buildBinary(t testing.TB) string {
	t.Helper()
	built.once.Do(func() {
		if built.dir, built.err = os.MkdirTemp("", "vidskim-bin-"); built.err != nil {
			return
		}
		built.bin = filepath.Join(built.dir, "vidskim")
		if out, err := exec.Command("go", "build", "-buildvcs=auto", "-o", built.bin, ".").CombinedOutput(); err != nil {
			built.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.bin
}

// TestKilledRunResumes kills the real process (SIGTERM, then SIGKILL, as a
// crash) after some answers arrived, and checks the next run pays only for
// the chunks not yet answered.
func TestKilledRunResumes(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	bin := buildBinary(t)
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGKILL} {
		t.Run(sig.String(), func(t *testing.T) {
			t.Setenv("XDG_DATA_HOME", t.TempDir()) // the processes' library: each case its own
			cache := t.TempDir()
			args := []string{"summarize", "testdata/sample.mp4", "--frames-per-request", "1", "--concurrency", "1",
				"--cache-dir", cache, "--format", "json", "-q"}
			first := openaitest.New(t)
			var third <-chan struct{}
			first.Script, third = answerThenHang(3)
			cmd := exec.Command(bin, append(args, "--base-url", first.BaseURL())...)
			cmd.Env = append(os.Environ(), "OPENAI_API_KEY=")
			stderr := startUntil(t, cmd, third)
			cmd.Process.Signal(sig)
			err := cmd.Wait()
			if err == nil {
				t.Fatal("killed run exited 0")
			}
			if sig == syscall.SIGTERM && strings.Count(strings.TrimSpace(stderr.String()), "\n") != 0 {
				t.Errorf("interrupted run said more than one line: %q", stderr.String())
			}
			second := openaitest.New(t)
			out, err := exec.Command(bin, append(args, "--base-url", second.BaseURL())...).Output()
			if err != nil {
				t.Fatalf("resumed run: %v", err)
			}
			var got summaryJSON
			if err := jsonUnmarshal(out, &got); err != nil {
				t.Fatal(err)
			}
			if sent, want := len(second.Requests())-1, len(got.Chunks)-3; sent != want {
				t.Errorf("resumed run sent %d chunk requests, want %d (3 were answered before the %v)", sent, want, sig)
			}
		})
	}
}

// answerThenHang answers n requests, then holds every later one until its
// client goes away; the channel says when the first of those arrived.
func answerThenHang(n int32) (func(openaitest.Request) openaitest.Reply, <-chan struct{}) {
	var answered atomic.Int32
	hanging := make(chan struct{}, 1)
	return func(r openaitest.Request) openaitest.Reply {
		if answered.Load() >= n {
			select {
			case hanging <- struct{}{}:
			default:
			}
			<-r.Context().Done()
			return openaitest.Reply{Status: 503}
		}
		answered.Add(1)
		return openaitest.Reply{}
	}, hanging
}

// startUntil starts cmd, keeping its stderr, and returns once ready says
// the run got as far as the test needs.
func startUntil(t *testing.T, cmd *exec.Cmd, ready <-chan struct{}) *strings.Builder {
	t.Helper()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ready:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the run never got the answers the test waits for")
	}
	return &stderr
}
