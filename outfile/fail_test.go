package outfile

import (
	"bytes"
	"errors"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestReplaceFails covers every way a replacement can end early: the old
// content must survive whole and no temp file may remain.
func TestReplaceFails(t *testing.T) {
	tests := []struct {
		name string
		run  func(t *testing.T, path string) error
	}{
		{
			name: "abandoned before commit",
			run: func(t *testing.T, path string) error {
				f, err := Create(t.Context(), path, 0o644)
				if err != nil {
					t.Fatal(err)
				}
				f.Write([]byte("half"))
				f.Close()
				return errors.New("abandoned")
			},
		},
		{
			name: "disk full while writing",
			run: func(t *testing.T, path string) error {
				limitFileSize(t, 1<<16)
				return Write(t.Context(), path, bytes.Repeat([]byte("x"), 1<<17), 0o644)
			},
		},
		{
			name: "external program leaves no file",
			run: func(t *testing.T, path string) error {
				tmp, err := NewTemp(path, 0o644)
				if err != nil {
					t.Fatal(err)
				}
				defer tmp.Close()
				os.Remove(tmp.Name())
				return tmp.Commit(t.Context())
			},
		},
		{
			name: "external program fails",
			run: func(t *testing.T, path string) error {
				tmp, err := NewTemp(path, 0o644)
				if err != nil {
					t.Fatal(err)
				}
				os.WriteFile(tmp.Name(), []byte("half"), 0o644)
				tmp.Close()
				return errors.New("program failed")
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "out.md")
			mustWrite(t, path, "old")
			err := tt.run(t, path)
			if err == nil {
				t.Fatal("no error")
			}
			t.Logf("error: %v", err)
			if msg := err.Error(); strings.Contains(msg, "\n") {
				t.Errorf("error is not one line: %q", msg)
			}
			if got := mustRead(t, path); got != "old" {
				t.Errorf("out.md holds %q after a failed write, want the old content", got)
			}
			noTemps(t, dir)
		})
	}
}

// TestCommitFails covers a rename that fails (the target became a directory
// meanwhile): Commit says so, and the temp file is gone.
func TestCommitFails(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.md")
	f, err := Create(t.Context(), path, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.Write([]byte("new"))
	os.Mkdir(path, 0o755)
	mustWrite(t, filepath.Join(path, "keep"), "kept")
	if err := f.Commit(); err == nil {
		t.Error("Commit over a directory succeeded")
	}
	if got := mustRead(t, filepath.Join(path, "keep")); got != "kept" {
		t.Errorf("directory content now %q", got)
	}
	noTemps(t, dir)
}

// limitFileSize makes writes past n bytes fail with EFBIG, as a full disk
// would fail them, even for root; SIGXFSZ is ignored meanwhile so the write
// returns an error instead of killing the test.
func limitFileSize(t *testing.T, n uint64) {
	t.Helper()
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		t.Fatal(err)
	}
	signal.Ignore(syscall.SIGXFSZ)
	lim := syscall.Rlimit{Cur: n, Max: old.Max}
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &lim); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		syscall.Setrlimit(syscall.RLIMIT_FSIZE, &old)
		signal.Reset(syscall.SIGXFSZ)
	})
}

// TestUnwritableDir covers a directory the user may not write: Check
// refuses before any work, Create fails, and the old file is untouched.
func TestUnwritableDir(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes into a read-only directory anyway; run as another user to cover this (the disk-full case covers a failed write as root)")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "out.md")
	mustWrite(t, path, "old")
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o700) })

	err := Check(path, nil)
	if !errors.Is(err, os.ErrPermission) || !strings.Contains(err.Error(), path) {
		t.Errorf("Check: %v, want a permission error naming %s", err, path)
	}
	if err := Write(t.Context(), path, []byte("new"), 0o644); !errors.Is(err, os.ErrPermission) {
		t.Errorf("Write: %v, want a permission error", err)
	}
	if got := mustRead(t, path); got != "old" {
		t.Errorf("out.md holds %q, want the old content", got)
	}
	noTemps(t, dir)
}
