package outfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWriteDescriptor covers /dev/fd/N and /proc/self/fd/N, what bash's
// >(cmd) and /dev/stdout lead to. Their link text ("pipe:[123]", or a file
// the shell opened) is not a path to replace: the open descriptor is
// written.
func TestWriteDescriptor(t *testing.T) {
	t.Run("pipe", func(t *testing.T) {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		path := fmt.Sprintf("/dev/fd/%d", w.Fd())
		if err := Check(path, nil); err != nil {
			t.Fatalf("Check: %v", err)
		}
		got := make(chan string, 1)
		go func() { b, _ := io.ReadAll(r); got <- string(b) }()
		err = Write(t.Context(), path, []byte("through the pipe"), 0o644)
		w.Close() // the test's own write end; the reader sees EOF after both close
		if err != nil {
			t.Fatal(err)
		}
		if g := <-got; g != "through the pipe" {
			t.Errorf("reader got %q", g)
		}
	})
	t.Run("regular file, as after >> out.txt", func(t *testing.T) {
		dir := t.TempDir()
		name := filepath.Join(dir, "out.txt")
		mustWrite(t, name, "earlier\n")
		shell, err := os.OpenFile(name, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer shell.Close()
		before := modeOf(t, name)
		path := fmt.Sprintf("/proc/self/fd/%d", shell.Fd())
		if err := Write(t.Context(), path, []byte("appended\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if got := mustRead(t, name); got != "earlier\nappended\n" {
			t.Errorf("out.txt holds %q, want the new line appended", got)
		}
		fi, _ := shell.Stat()
		now, _ := os.Stat(name)
		if !os.SameFile(fi, now) || modeOf(t, name) != before {
			t.Error("out.txt was replaced, not written through the descriptor")
		}
		noTemps(t, dir)
	})
	t.Run("descriptor of the input", func(t *testing.T) {
		dir := t.TempDir()
		video := filepath.Join(dir, "video.mp4")
		mustWrite(t, video, "video bytes")
		f, err := os.Open(video)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		err = Check(fmt.Sprintf("/dev/fd/%d", f.Fd()), []string{video})
		if !errors.Is(err, ErrIsInput) {
			t.Errorf("Check: %v, want ErrIsInput", err)
		}
	})
}

// TestCheckReadOnlyPlace covers a directory where no file can be created
// even by root (/proc), so the early refusal is tested whoever runs it.
func TestCheckReadOnlyPlace(t *testing.T) {
	path := "/proc/vidskim-out.md"
	err := Check(path, nil)
	if err == nil {
		t.Fatalf("Check(%s) accepted it", path)
	}
	t.Logf("error: %v", err)
	if !strings.HasPrefix(err.Error(), path+": cannot write in /proc: ") {
		t.Errorf("error %q does not name the path and the directory", err)
	}
}
