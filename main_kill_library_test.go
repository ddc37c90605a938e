package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/vidskim/vidskim/library"
	"github.com/vidskim/vidskim/llm/openaitest"
)

// TestKilledRunLeavesLibraryWhole kills the real process (SIGKILL: no
// cleanup at all) at several moments of a many-video run, some while
// runs are being recorded: each time, the library passes its checks (no
// run without all its chunks), and in the end the same command finishes
// every video, paying only for what was never answered.
func TestKilledRunLeavesLibraryWhole(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	bin := buildBinary(t)
	dir := clipDir(t, "sample.mp4", "scenes.mp4", "counter.mp4", "event.mp4", "fade.mp4")
	lib := filepath.Join(t.TempDir(), "library.db")
	args := []string{"summarize", dir, "--frames-per-request", "1", "--jobs", "3", "--concurrency", "2",
		"--cache-dir", t.TempDir(), "--library", lib, "--out-dir", t.TempDir(), "-q"}
	srv := openaitest.New(t)
	var answered atomic.Int32
	srv.Script = func(openaitest.Request) openaitest.Reply {
		time.Sleep(5 * time.Millisecond)
		answered.Add(1)
		return openaitest.Reply{}
	}
	args = append(args, "--base-url", srv.BaseURL())
	kills := 0
	for _, after := range []int32{4, 12, 20, 28} {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "OPENAI_API_KEY=")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		start := answered.Load()
	wait:
		for answered.Load()-start < after {
			select {
			case <-exited:
				break wait // finished before this point: nothing left to kill
			case <-time.After(time.Millisecond):
			}
		}
		if cmd.Process.Signal(syscall.SIGKILL) == nil {
			kills++
		}
		<-exited
		checkLibrary(t, lib).Close()
	}
	if kills < 2 {
		t.Fatalf("only %d runs were killed mid-way: the test proves too little", kills)
	}
	before := len(srv.Requests())
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "OPENAI_API_KEY=")
	if out, err := cmd.CombinedOutput(); cmd.ProcessState.ExitCode() != exitFailed { // broken.mp4
		t.Fatalf("final run: %v: %s", err, out)
	}
	l := checkLibrary(t, lib)
	defer l.Close()
	vs, _ := l.Videos(t.Context())
	if len(vs) != 5 {
		t.Errorf("%d videos in the library, want 5", len(vs))
	}
	if before == 0 || len(srv.Requests())-before >= before {
		t.Errorf("the final run made %d requests after %d: answers before the kills were paid again", len(srv.Requests())-before, before)
	}
}

func checkLibrary(t *testing.T, path string) *library.Library {
	t.Helper()
	l, err := library.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("open after kill: %v", err)
	}
	if err := l.Check(t.Context()); err != nil {
		t.Errorf("library after a kill: %v", err)
	}
	return l
}
