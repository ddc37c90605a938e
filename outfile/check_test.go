package outfile

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheck covers what Check refuses before any work and what it lets
// through. The input is video.mp4 in the test's directory, which must keep
// its bytes whatever happens.
func TestCheck(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(t *testing.T, dir string) (path string)
		wantErr error // nil: accepted
	}{
		{
			name:  "new file",
			setup: func(t *testing.T, dir string) string { return filepath.Join(dir, "out.md") },
		},
		{
			name: "existing other file",
			setup: func(t *testing.T, dir string) string {
				mustWrite(t, filepath.Join(dir, "out.md"), "old")
				return filepath.Join(dir, "out.md")
			},
		},
		{
			name: "dangling symlink",
			setup: func(t *testing.T, dir string) string {
				mustSymlink(t, "nothing-yet", filepath.Join(dir, "link"))
				return filepath.Join(dir, "link")
			},
		},
		{
			name:    "the input itself",
			setup:   func(t *testing.T, dir string) string { return filepath.Join(dir, "video.mp4") },
			wantErr: ErrIsInput,
		},
		{
			name: "the input spelled with ./",
			setup: func(t *testing.T, dir string) string {
				t.Chdir(dir)
				return "./video.mp4"
			},
			wantErr: ErrIsInput,
		},
		{
			name: "the input spelled with a detour",
			setup: func(t *testing.T, dir string) string {
				os.Mkdir(filepath.Join(dir, "sub"), 0o755)
				return dir + "/sub/../video.mp4" // not filepath.Join, which would clean it
			},
			wantErr: ErrIsInput,
		},
		{
			name: "symlink to the input",
			setup: func(t *testing.T, dir string) string {
				mustSymlink(t, "video.mp4", filepath.Join(dir, "link.mp4"))
				return filepath.Join(dir, "link.mp4")
			},
			wantErr: ErrIsInput,
		},
		{
			name: "chain of symlinks to the input",
			setup: func(t *testing.T, dir string) string {
				mustSymlink(t, filepath.Join(dir, "video.mp4"), filepath.Join(dir, "l1"))
				mustSymlink(t, "l1", filepath.Join(dir, "l2"))
				return filepath.Join(dir, "l2")
			},
			wantErr: ErrIsInput,
		},
		{
			name: "hard link to the input",
			setup: func(t *testing.T, dir string) string {
				if err := os.Link(filepath.Join(dir, "video.mp4"), filepath.Join(dir, "hard.mp4")); err != nil {
					t.Fatal(err)
				}
				return filepath.Join(dir, "hard.mp4")
			},
			wantErr: ErrIsInput,
		},
		{
			name:    "directory",
			setup:   func(t *testing.T, dir string) string { return dir },
			wantErr: ErrIsDir,
		},
		{
			name: "symlink to a directory",
			setup: func(t *testing.T, dir string) string {
				mustSymlink(t, ".", filepath.Join(dir, "here"))
				return filepath.Join(dir, "here")
			},
			wantErr: ErrIsDir,
		},
		{
			name:    "directory with a trailing slash",
			setup:   func(t *testing.T, dir string) string { return dir + "/" },
			wantErr: ErrIsDir,
		},
		{
			name: "socket",
			setup: func(t *testing.T, dir string) string {
				path := filepath.Join(dir, "sock")
				l, err := net.Listen("unix", path)
				if err != nil {
					t.Skipf("cannot make a unix socket here: %v", err)
				}
				t.Cleanup(func() { l.Close() })
				return path
			},
			wantErr: ErrUnsupported,
		},
		{
			name:    "FIFO, not opened (opening would wait for a reader)",
			setup:   func(t *testing.T, dir string) string { return mkfifo(t, dir) },
			wantErr: nil,
		},
		{
			name:  "character device",
			setup: func(t *testing.T, dir string) string { return nullTwin(t, dir) },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			video := filepath.Join(dir, "video.mp4")
			mustWrite(t, video, "video bytes")
			path := tt.setup(t, dir)

			err := Check(path, []string{filepath.Join(dir, "other.mp4"), video})
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Fatalf("Check(%s) = %v, want %v", path, err, tt.wantErr)
			}
			if err != nil {
				t.Logf("error: %v", err)
				if msg := err.Error(); !strings.HasPrefix(msg, path+":") && !strings.HasPrefix(msg, path+" -> ") {
					t.Errorf("error %q does not start with the path", msg)
				}
			}
			if got := mustRead(t, video); got != "video bytes" {
				t.Errorf("input now holds %q", got)
			}
			noTemps(t, dir)
		})
	}
}

// TestCheckNamesInput covers the message for an output that is an input:
// it names both, since the user may have spelled them differently.
func TestCheckNamesInput(t *testing.T) {
	dir := t.TempDir()
	video := filepath.Join(dir, "video.mp4")
	mustWrite(t, video, "video bytes")
	mustSymlink(t, "video.mp4", filepath.Join(dir, "link"))
	err := Check(filepath.Join(dir, "link"), []string{video})
	want := filepath.Join(dir, "link") + ": is the same file as input " + video
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
}

// TestCheckMissingDir covers a path whose directory does not exist: the
// message names the path, and through a link its target, and the cause.
func TestCheckMissingDir(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "link")
	mustSymlink(t, "nodir/out.md", link)
	err := Check(link, nil)
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("got %v, want a not-exist error", err)
	}
	want := link + " -> " + filepath.Join(dir, "nodir/out.md") + ": no such file or directory"
	if err.Error() != want {
		t.Errorf("got %q, want %q", err, want)
	}
}
