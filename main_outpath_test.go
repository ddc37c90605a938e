package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/vidskim/vidskim/llm/openaitest"
)

// TestOutputPaths: every flag that names an output writes where the user
// points, not over it: a device stays a device, a FIFO's reader gets the
// output, a symlink stays a link and its target is written, a link to the
// input is refused with the input untouched, and a directory is refused.
func TestOutputPaths(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	srv := openaitest.New(t)
	for _, flag := range []string{"--out", "--report"} {
		for _, kind := range []string{"device", "fifo", "symlink", "link to input", "hard link to input", "input spelled with ./", "directory"} {
			t.Run(flag+"/"+kind, func(t *testing.T) {
				dir := t.TempDir()
				input := filepath.Join(dir, "in.mp4")
				orig := readFile(t, "testdata/sample.mp4")
				os.WriteFile(input, orig, 0o644)
				target, check := outputCase(t, dir, kind, input)
				code, _, stderr := vidskim(t, "summarize", input, "--base-url", srv.BaseURL(), "--end", "3", "-q", flag, target)
				check(t, code, stderr)
				if !bytes.Equal(readFile(t, input), orig) {
					t.Fatal("the input was changed")
				}
			})
		}
	}
}

// outputCase makes the destination of one kind and returns its path and
// what the run must have done to it.
func outputCase(t *testing.T, dir, kind, input string) (string, func(*testing.T, int, string)) {
	p := filepath.Join(dir, "out")
	switch kind {
	case "device":
		if os.Geteuid() != 0 {
			t.Skip("mknod needs root; the device case runs in CI, which runs as root")
		}
		if err := syscall.Mknod(p, syscall.S_IFCHR|0o666, int(devNull(t))); err != nil {
			t.Fatal(err)
		}
		return p, func(t *testing.T, code int, stderr string) {
			st, err := os.Stat(p)
			if code != 0 || err != nil || st.Mode()&os.ModeCharDevice == 0 {
				t.Errorf("exit %d (%s); the device is now %v", code, stderr, st.Mode())
			}
		}
	case "fifo":
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			t.Fatal(err)
		}
		got := make(chan string, 1)
		go func() {
			f, err := os.Open(p)
			if err != nil {
				got <- err.Error()
				return
			}
			defer f.Close()
			b, _ := io.ReadAll(f)
			got <- string(b)
		}()
		return p, func(t *testing.T, code int, stderr string) {
			out := <-got
			if code != 0 || !(strings.Contains(out, "# Summary of in.mp4") || strings.Contains(out, "<!DOCTYPE html>")) {
				t.Errorf("exit %d (%s); the reader got %.80q", code, stderr, out)
			}
		}
	case "symlink":
		real := filepath.Join(dir, "real.txt")
		os.Symlink(real, p)
		return p, func(t *testing.T, code int, stderr string) {
			st, err := os.Lstat(p)
			data, _ := os.ReadFile(real)
			if code != 0 || err != nil || st.Mode()&os.ModeSymlink == 0 || len(data) == 0 {
				t.Errorf("exit %d (%s); link mode %v, target holds %d bytes", code, stderr, st.Mode(), len(data))
			}
		}
	case "link to input":
		os.Symlink(input, p)
		return p, refused("same file as input")
	case "hard link to input":
		os.Link(input, p)
		return p, refused("same file as input")
	case "input spelled with ./":
		return filepath.Dir(input) + "/./" + filepath.Base(input), refused("same file as input")
	}
	os.Mkdir(p, 0o755)
	return p, refused("directory")
}

func refused(want string) func(*testing.T, int, string) {
	return func(t *testing.T, code int, stderr string) {
		if code != exitUsage || !strings.Contains(stderr, want) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Errorf("exit %d, stderr %q: want exit 2 and one line saying %q", code, stderr, want)
		}
	}
}

// devNull is /dev/null's device number, to make a twin of it.
func devNull(t *testing.T) uint64 {
	st, err := os.Stat("/dev/null")
	if err != nil {
		t.Skip("no /dev/null")
	}
	return st.Sys().(*syscall.Stat_t).Rdev
}

// TestFramesOutDirPaths: frames --out-dir follows a symlinked directory,
// and never writes a frame over an input that stands where a frame would.
func TestFramesOutDirPaths(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	dir := t.TempDir()
	real := filepath.Join(dir, "real")
	os.Mkdir(real, 0o755)
	link := filepath.Join(dir, "frames")
	os.Symlink(real, link)
	code, _, stderr := vidskim(t, "frames", "testdata/sample.mp4", "--out-dir", link, "--end", "2", "-q")
	if st, err := os.Lstat(link); code != 0 || err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("exit %d (%s): the link is gone", code, stderr)
	}
	if files, _ := filepath.Glob(filepath.Join(real, "*.jpg")); len(files) == 0 {
		t.Error("no frame reached the link's target")
	}
	input := filepath.Join(dir, "00-00-00.000.jpg") // the input named like the first frame
	orig := readFile(t, "testdata/sample.mp4")
	os.WriteFile(input, orig, 0o644)
	code, _, stderr = vidskim(t, "frames", input, "--out-dir", dir, "--end", "2", "-q")
	if code != exitUsage || !strings.Contains(stderr, "same file as input") || !bytes.Equal(readFile(t, input), orig) {
		t.Errorf("exit %d, stderr %q: a frame may not replace the input", code, stderr)
	}
}

// TestReportFailureKeepsOutput: a --report that cannot be written (a full
// disk: /dev/full) never costs the main output; the run exits 1 naming the
// file that was not written. And the other way round.
func TestReportFailureKeepsOutput(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	srv := openaitest.New(t)
	code, stdout, stderr := vidskim(t, "summarize", "testdata/sample.mp4", "--base-url", srv.BaseURL(), "-q", "--report", "/dev/full")
	if code != exitFailed || !strings.Contains(stdout, "# Summary of sample.mp4") || !strings.Contains(stderr, "--report /dev/full") ||
		!strings.Contains(stderr, "no space left on device") || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
		t.Errorf("exit %d, stderr %q, stdout %.60q", code, stderr, stdout)
	}
	report := filepath.Join(t.TempDir(), "r.html")
	code, stdout, stderr = vidskim(t, "summarize", "testdata/sample.mp4", "--base-url", srv.BaseURL(), "-q", "-o", "/dev/full", "--report", report)
	if code != exitFailed || !strings.Contains(stdout, "# Summary of sample.mp4") || !strings.Contains(stderr, "--out /dev/full") ||
		!strings.Contains(string(readFile(t, report)), "<!DOCTYPE html>") {
		t.Errorf("exit %d, stderr %q: the output must go to stdout and the report be written", code, stderr)
	}
}
