package outfile

import (
	"os"
	"path/filepath"
	"testing"
)

// TestWriteRegular covers destinations that get a temp file and a rename:
// the data lands in the final target, every link on the way stays a link,
// and no temp file remains.
func TestWriteRegular(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(t *testing.T, dir string) (path string)
		target string   // where the data must land, relative to dir
		links  []string // paths that must still be symbolic links
	}{
		{
			name:   "new file",
			setup:  func(t *testing.T, dir string) string { return filepath.Join(dir, "out.md") },
			target: "out.md",
		},
		{
			name: "existing file",
			setup: func(t *testing.T, dir string) string {
				mustWrite(t, filepath.Join(dir, "out.md"), "old and longer than the new content")
				return filepath.Join(dir, "out.md")
			},
			target: "out.md",
		},
		{
			name: "symlink to a file",
			setup: func(t *testing.T, dir string) string {
				mustWrite(t, filepath.Join(dir, "real.md"), "old")
				mustSymlink(t, "real.md", filepath.Join(dir, "link"))
				return filepath.Join(dir, "link")
			},
			target: "real.md",
			links:  []string{"link"},
		},
		{
			name: "dangling symlink",
			setup: func(t *testing.T, dir string) string {
				mustSymlink(t, "notyet.md", filepath.Join(dir, "link"))
				return filepath.Join(dir, "link")
			},
			target: "notyet.md",
			links:  []string{"link"},
		},
		{
			name: "chain of symlinks, absolute and relative, into another directory",
			setup: func(t *testing.T, dir string) string {
				os.Mkdir(filepath.Join(dir, "sub"), 0o755)
				mustWrite(t, filepath.Join(dir, "sub", "real.md"), "old")
				mustSymlink(t, filepath.Join(dir, "sub", "real.md"), filepath.Join(dir, "sub", "l1"))
				mustSymlink(t, "sub/l1", filepath.Join(dir, "l2"))
				mustSymlink(t, "l2", filepath.Join(dir, "l3"))
				return filepath.Join(dir, "l3")
			},
			target: "sub/real.md",
			links:  []string{"l3", "l2", "sub/l1"},
		},
		{
			// ".." after a link leads to the parent of the link's target,
			// which lexical cleaning would get wrong ("dir/out.md").
			name: "dangling link whose text has .. after a symlinked directory",
			setup: func(t *testing.T, dir string) string {
				os.MkdirAll(filepath.Join(dir, "a", "b"), 0o755)
				mustSymlink(t, "a/b", filepath.Join(dir, "ab"))
				mustSymlink(t, "ab/../out.md", filepath.Join(dir, "link"))
				return filepath.Join(dir, "link")
			},
			target: "a/out.md",
			links:  []string{"link", "ab"},
		},
		{
			name: "path through a symlinked directory",
			setup: func(t *testing.T, dir string) string {
				os.Mkdir(filepath.Join(dir, "real"), 0o755)
				mustSymlink(t, "real", filepath.Join(dir, "alias"))
				return filepath.Join(dir, "alias", "out.md")
			},
			target: "real/out.md",
			links:  []string{"alias"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := tt.setup(t, dir)
			if err := Check(path, nil); err != nil {
				t.Fatalf("Check: %v", err)
			}
			if err := Write(t.Context(), path, []byte("new"), 0o644); err != nil {
				t.Fatalf("Write: %v", err)
			}
			target := filepath.Join(dir, tt.target)
			if got := mustRead(t, target); got != "new" {
				t.Errorf("%s holds %q, want %q", tt.target, got, "new")
			}
			if m := modeOf(t, target); !m.IsRegular() {
				t.Errorf("%s is %v, want a regular file", tt.target, m)
			}
			for _, l := range tt.links {
				if m := modeOf(t, filepath.Join(dir, l)); m&os.ModeSymlink == 0 {
					t.Errorf("%s is %v now, want it still a symlink", l, m)
				}
			}
			noTemps(t, dir)
			noTemps(t, filepath.Dir(target))
		})
	}
}

// TestWriteRelative covers a path relative to the working directory, the
// form a user types most.
func TestWriteRelative(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	mustSymlink(t, "real.md", "link")
	if err := Write(t.Context(), "./link", []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := mustRead(t, filepath.Join(dir, "real.md")); got != "new" {
		t.Errorf("real.md holds %q, want %q", got, "new")
	}
	noTemps(t, dir)
}
