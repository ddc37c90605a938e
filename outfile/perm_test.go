package outfile

import (
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestPerm covers the mode of the file written: the caller's perm less the
// umask for a new file, and never more open than the file it replaces.
func TestPerm(t *testing.T) {
	tests := []struct {
		name  string
		umask int
		old   fs.FileMode // 0: no file there before
		perm  fs.FileMode
		want  fs.FileMode
	}{
		{name: "new output", umask: 0o022, perm: 0o644, want: 0o644},
		{name: "new cache entry", umask: 0o022, perm: 0o600, want: 0o600},
		{name: "new output, private umask", umask: 0o077, perm: 0o644, want: 0o600},
		{name: "new cache entry, no umask", umask: 0, perm: 0o600, want: 0o600},
		{name: "replaces a private output", umask: 0o022, old: 0o600, perm: 0o644, want: 0o600},
		{name: "replaces an open cache entry", umask: 0o022, old: 0o644, perm: 0o600, want: 0o600},
		{name: "replaces an executable", umask: 0o022, old: 0o755, perm: 0o644, want: 0o644},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer syscall.Umask(syscall.Umask(tt.umask))
			dir := t.TempDir()
			path := filepath.Join(dir, "out")
			if tt.old != 0 {
				mustWrite(t, path, "old")
				os.Chmod(path, tt.old)
			}
			if err := Write(t.Context(), path, []byte("new"), tt.perm); err != nil {
				t.Fatal(err)
			}
			if got := modeOf(t, path).Perm(); got != tt.want {
				t.Errorf("mode %v, want %v", got, tt.want)
			}
			noTemps(t, dir)
		})
	}
}

// TestTempNeverMoreOpen covers the temp file while it is being written: a
// private cache entry must not be readable by others even before the
// rename.
func TestTempNeverMoreOpen(t *testing.T) {
	defer syscall.Umask(syscall.Umask(0))
	dir := t.TempDir()
	f, err := Create(t.Context(), filepath.Join(dir, "entry"), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tmp := temps(t, dir)
	if len(tmp) != 1 {
		t.Fatalf("temp files while writing: %v, want one", tmp)
	}
	if got := modeOf(t, tmp[0]).Perm(); got != 0o600 {
		t.Errorf("temp file mode %v, want 0600 from the start", got)
	}
}
