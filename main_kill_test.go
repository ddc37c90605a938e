package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/vidskim/vidskim/llm/openaitest"
)

// buildBinary builds vidskim for tests and benchmarks that need a real
// process.
func buildBinary(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "vidskim")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
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
			var answered atomic.Int32
			third := make(chan struct{}, 1)
			first.Script = func(r openaitest.Request) openaitest.Reply {
				if answered.Load() >= 3 {
					select {
					case third <- struct{}{}:
					default:
					}
					<-r.Context().Done()
					return openaitest.Reply{Status: 503}
				}
				answered.Add(1)
				return openaitest.Reply{}
			}
			cmd := exec.Command(bin, append(args, "--base-url", first.BaseURL())...)
			cmd.Env = append(os.Environ(), "OPENAI_API_KEY=")
			var stderr strings.Builder
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			select {
			case <-third:
			case <-time.After(30 * time.Second):
				t.Fatal("the run never got three answers")
			}
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
