package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/vidskim/vidskim/llm/openaitest"
)

// TestBatchKilledNeverPaysTwice kills the real process (SIGKILL) at each
// point where a batch may exist at the provider before the process knows
// it: while it polls a batch, after its file was uploaded but before the
// answer came, and after its batch was created but before the answer
// came. Each time the same command run again uploads nothing and creates
// no batch: it finds the file and the batch the killed run left, waits for
// the batch, and writes the outputs, with no chunk sent live.
func TestBatchKilledNeverPaysTwice(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	bin := buildBinary(t)
	cases := []struct {
		name   string
		script openaitest.BatchScript
		killed func(*openaitest.Server) bool // the moment to kill
	}{
		{"polling", openaitest.BatchScript{Polls: 1 << 30}, func(s *openaitest.Server) bool {
			b := s.Batches()
			return len(b) == 1 && b[0].Status == "in_progress"
		}},
		{"upload answered late", openaitest.BatchScript{HoldUpload: true}, func(s *openaitest.Server) bool { return s.Uploads() == 1 }},
		{"batch created, answered late", openaitest.BatchScript{HoldCreate: true}, func(s *openaitest.Server) bool { return len(s.Batches()) == 1 }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := openaitest.New(t)
			srv.Batch = tc.script
			out := t.TempDir()
			args := []string{"summarize", "testdata/sample.mp4", "testdata/scenes.mp4", "--base-url", srv.BaseURL(), "--batch", "--batch-poll", "10ms",
				"--library", filepath.Join(t.TempDir(), "library.db"), "--cache-dir", t.TempDir(), "--out-dir", out, "--format", "json", "-q"}
			cmd := exec.Command(bin, args...)
			cmd.Env = append(os.Environ(), "OPENAI_API_KEY=")
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "the moment to kill", func() bool { return tc.killed(srv) })
			cmd.Process.Kill()
			cmd.Wait()
			uploads, batches := srv.Uploads(), len(srv.Batches())
			srv.SetBatchScript(openaitest.BatchScript{})
			again := exec.Command(bin, args...)
			again.Env = cmd.Env
			if b, err := again.CombinedOutput(); err != nil {
				t.Fatalf("the run again: %v\n%s", err, b)
			}
			// Killed before any batch existed, the run again creates the one
			// batch, from the file the killed run uploaded.
			if batches == 0 {
				batches = 1
			}
			if srv.Uploads() != uploads || len(srv.Batches()) != batches || chunkRequests(srv) != 0 {
				t.Errorf("the run again uploaded %d files, made %d batches in all, sent %d chunks live: want no upload, %d batch, no chunk live",
					srv.Uploads()-uploads, len(srv.Batches()), chunkRequests(srv), batches)
			}
			for _, f := range []string{"sample.json", "scenes.json"} {
				if _, err := os.Stat(filepath.Join(out, f)); err != nil {
					t.Errorf("no output: %v", err)
				}
			}
		})
	}
}

// TestBatchInterruptedThenCommands: a run interrupted while its batch runs
// says so and exits 130; vidskim batch list and status show the batch,
// batch wait keeps its answers, and the run again makes no new batch nor
// any live chunk request. vidskim batch cancel stops another, and the
// run waiting on it says the batch was cancelled.
func TestBatchInterruptedThenCommands(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	srv := openaitest.New(t)
	srv.Batch.Polls = 1 << 30
	lib, cache := filepath.Join(t.TempDir(), "library.db"), t.TempDir()
	conn := []string{"--base-url", srv.BaseURL(), "--library", lib, "--cache-dir", cache}
	args := append([]string{"summarize", "testdata/sample.mp4", "--batch", "--batch-poll", "10ms", "--format", "json", "-q"}, conn...)
	ctx, cancel := context.WithCancel(t.Context())
	var stderr strings.Builder
	done := make(chan int)
	go func() {
		var stdout strings.Builder
		done <- run(ctx, append([]string{"vidskim"}, args...), &stdout, &stderr)
	}()
	// The run's library row follows the server's status a poll later:
	// wait for both, or the row may still say validating.
	waitFor(t, "the batch in progress", func() bool {
		b := srv.Batches()
		return len(b) == 1 && b[0].Status == "in_progress" && listed(t, conn, b[0].ID, "in_progress")
	})
	cancel()
	if code := <-done; code != exitSignal || !strings.Contains(stderr.String(), "vidskim batch wait") {
		t.Fatalf("interrupted run: exit %d: %s", code, stderr.String())
	}
	id := srv.Batches()[0].ID
	for _, sub := range [][]string{{"batch", "list"}, {"batch", "status", id}} {
		code, stdout, errs := vidskim(t, append(sub, conn...)...)
		if code != 0 || !strings.Contains(stdout, id) || !strings.Contains(stdout, "in_progress") || !strings.Contains(stdout, "submitted") {
			t.Errorf("%v: exit %d:\n%s%s", sub, code, stdout, errs)
		}
	}
	srv.SetBatchScript(openaitest.BatchScript{Polls: 2})
	code, stdout, errs := vidskim(t, append([]string{"batch", "wait", "--batch-poll", "10ms", "--format", "json"}, conn...)...)
	if code != 0 || !strings.Contains(stdout, `"state": "done"`) || !strings.Contains(stdout, `"status": "completed"`) {
		t.Fatalf("batch wait: exit %d:\n%s%s", code, stdout, errs)
	}
	uploads := srv.Uploads()
	if code, out, errs := vidskim(t, args...); code != 0 || srv.Uploads() != uploads || chunkRequests(srv) != 0 || !strings.Contains(out, `"summary"`) {
		t.Errorf("the run after batch wait: exit %d, %d uploads, %d live chunks: %s", code, srv.Uploads()-uploads, chunkRequests(srv), errs)
	}

	srv.SetBatchScript(openaitest.BatchScript{Polls: 1 << 30})
	var n atomic.Int32
	go func() {
		code, _, errs := vidskim(t, "summarize", "testdata/scenes.mp4", "--batch", "--batch-poll", "10ms", "-q", "--base-url", srv.BaseURL(), "--library", lib, "--cache-dir", cache)
		if code != exitFailed || !strings.Contains(errs, "was cancelled") {
			t.Errorf("the run whose batch was cancelled: exit %d: %s", code, errs)
		}
		n.Add(1)
	}()
	waitFor(t, "a second batch", func() bool {
		b := srv.Batches()
		return len(b) == 2 && b[1].Status == "in_progress" && listed(t, conn, b[1].ID, "in_progress")
	})
	code, stdout, errs = vidskim(t, append([]string{"batch", "cancel", srv.Batches()[1].ID}, conn...)...)
	if code != 0 || !strings.Contains(stdout, "cancelling") {
		t.Errorf("batch cancel: exit %d:\n%s%s", code, stdout, errs)
	}
	waitFor(t, "the cancelled run to end", func() bool { return n.Load() == 1 })
}

// listed says whether vidskim batch list shows the batch id with status.
func listed(t *testing.T, conn []string, id, status string) bool {
	code, stdout, _ := vidskim(t, append([]string{"batch", "list"}, conn...)...)
	for _, line := range strings.Split(stdout, "\n") {
		if code == 0 && strings.Contains(line, id) && strings.Contains(line, status) {
			return true
		}
	}
	return false
}

// TestBatchFailedLinesRetried: lines answered 500 in their batch, and
// lines of a batch that expired, are retried live (the default) or in a
// new batch (--batch-retry batch), and reported; the output is whole.
func TestBatchFailedLinesRetried(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	for _, tc := range []struct {
		retry, want string
		expire      int
	}{{"live", "sent live now", 0}, {"batch", "in a new batch", 0}, {"live", "sent live now", 2}} {
		t.Run(fmt.Sprintf("%s-expire%d", tc.retry, tc.expire), func(t *testing.T) {
			srv := openaitest.New(t)
			var failing atomic.Int32
			srv.Batch.Expire = tc.expire
			srv.Script = func(r openaitest.Request) openaitest.Reply {
				if r.CustomID != "" && tc.expire == 0 && failing.Add(1) <= 2 {
					return openaitest.Reply{Status: 500, Body: `{"error":{"message":"The server had an error while processing your request."}}`}
				}
				return openaitest.Reply{}
			}
			code, stdout, stderr := vidskim(t, "summarize", "testdata/sample.mp4", "--base-url", srv.BaseURL(), "--batch", "--batch-poll", "10ms",
				"--batch-retry", tc.retry, "--frames-per-request", "2", "--format", "json")
			if code != 0 || !strings.Contains(stdout, `"summary"`) {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if !strings.Contains(stderr, "got no answer from their batches") && !strings.Contains(stderr, tc.want) {
				t.Errorf("the failed lines are not reported:\n%s", stderr)
			}
			lines, live := len(srv.BatchRequests()), chunkRequests(srv)
			switch {
			case tc.retry == "live" && (live != 2 && tc.expire == 0 || tc.expire > 0 && live != 3):
				t.Errorf("%d chunks sent live after the batch, want those that failed", live)
			case tc.retry == "batch" && (live != 0 || len(srv.Batches()) != 2 || lines != 5+2):
				t.Errorf("%d live chunks, %d batches, %d lines: want the 2 failed lines in a second batch", live, len(srv.Batches()), lines)
			}
		})
	}
}

// TestBatchUnsupportedServer: a server without the Batch API gets one
// line naming the endpoint it lacks, and no chunk is sent live instead.
func TestBatchUnsupportedServer(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	srv := openaitest.New(t)
	srv.Batch.Off = true
	code, _, stderr := vidskim(t, "summarize", "testdata/sample.mp4", "--base-url", srv.BaseURL(), "--batch")
	if code != exitFailed || !strings.Contains(stderr, "has no POST /files endpoint") || strings.Count(strings.TrimSpace(stderr), "\n") != 1 || len(srv.Requests()) != 0 {
		t.Errorf("exit %d, %d requests: %s", code, len(srv.Requests()), stderr)
	}
}
