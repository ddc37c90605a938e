package library

import (
	"bufio"
	"context"
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/vidskim/vidskim/summarize"
)

// TestHalfWrittenRunHelper is not a test: TestKilledMidTransaction runs
// the test binary as a child that stops inside a run's transaction, half
// its chunks written, and waits there to be killed.
func TestHalfWrittenRunHelper(t *testing.T) {
	path := os.Getenv("VIDSKIM_TEST_HALF_WRITE")
	if path == "" {
		t.Skip("helper process only")
	}
	ctx := context.Background()
	l, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	r := bigRun()
	inTx(ctx, l.db, func(tx *sql.Tx) error {
		vid, _ := upsertVideo(ctx, tx, r.Video)
		id, _ := insertRun(ctx, tx, vid, r)
		half := r
		half.Result.Chunks = r.Result.Chunks[:len(r.Result.Chunks)/2]
		if err := insertParts(ctx, tx, id, half); err != nil {
			t.Fatal(err)
		}
		os.Stdout.WriteString("half written\n")
		time.Sleep(time.Minute) // killed here
		return nil
	})
}

func bigRun() Run {
	res := summarize.Result{Summary: "s"}
	for i := range 2000 {
		res.Chunks = append(res.Chunks, summarize.ChunkInfo{Start: float64(i), End: float64(i + 1), FrameTimes: []float64{float64(i)}, Description: "chunk"})
	}
	return Run{Video: testVideo("big.mp4"), SettingsKey: "k", Status: Complete, Result: res}
}

// TestKilledMidTransaction kills a process (SIGKILL) while it holds a run
// half written: the next opener sees no trace of that run, the database
// passes its checks, and the same run can then be written whole.
func TestKilledMidTransaction(t *testing.T) {
	path := filepath.Join(t.TempDir(), "library.db")
	l, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHalfWrittenRunHelper$")
	cmd.Env = append(os.Environ(), "VIDSKIM_TEST_HALF_WRITE="+path)
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(out).ReadString('\n')
	if line != "half written\n" {
		cmd.Process.Kill()
		t.Fatalf("helper said %q", line)
	}
	cmd.Process.Kill()
	cmd.Wait()
	if s, _ := l.Stats(t.Context()); s.Runs != 0 || s.Videos != 0 {
		t.Errorf("a killed transaction is visible: %+v", s)
	}
	if err := l.Check(t.Context()); err != nil {
		t.Error(err)
	}
	if _, err := l.Record(t.Context(), bigRun()); err != nil {
		t.Fatalf("writing after the kill: %v", err)
	}
	if err := l.Check(t.Context()); err != nil {
		t.Error(err)
	}
}
