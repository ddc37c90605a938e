package outfile

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The umask is process-wide, so tests that set it do not run in parallel.
// Every test starts from 022, the usual default, whatever the caller's.
func TestMain(m *testing.M) {
	syscall.Umask(0o022)
	os.Exit(m.Run())
}

func mustWrite(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func mustSymlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

// noTemps fails when a temp file of this package is left in dir.
func noTemps(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), tempPrefix) {
			t.Errorf("temp file left behind: %s", filepath.Join(dir, e.Name()))
		}
	}
}

// temps lists this package's temp files in dir.
func temps(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, tempPrefix+"*"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func modeOf(t *testing.T, path string) fs.FileMode {
	t.Helper()
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode()
}

// nullTwin makes a character device with /dev/null's numbers in dir, which
// only root may do; others skip, since that is the only way to have a
// device a test may write to and inspect without touching the real one.
func nullTwin(t *testing.T, dir string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("making a device node needs root (mknod); run as root to cover writing to a device")
	}
	var st syscall.Stat_t
	if err := syscall.Stat("/dev/null", &st); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "null")
	if err := syscall.Mknod(path, syscall.S_IFCHR|0o666, int(st.Rdev)); err != nil {
		t.Skipf("mknod refused even as root (a container without CAP_MKNOD?): %v", err)
	}
	return path
}

func mkfifo(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// receive waits for what readAll read. The limit only turns a hang into a
// failure that says why, when the FIFO was replaced instead of written.
func receive(t *testing.T, got <-chan string) string {
	t.Helper()
	select {
	case g := <-got:
		return g
	case <-time.After(30 * time.Second):
		t.Fatal("the reader got nothing: was the FIFO replaced instead of written?")
		return ""
	}
}

// readAll reads the FIFO at path in the background, as the other end of a
// shell pipeline would; the result arrives on the channel once the writer
// closes.
func readAll(path string) <-chan string {
	got := make(chan string, 1)
	go func() {
		b, err := os.ReadFile(path)
		if err != nil {
			got <- "read error: " + err.Error()
			return
		}
		got <- string(b)
	}()
	return got
}
