package outfile

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// runProgram writes data to name from another process, as ffmpeg would.
func runProgram(t *testing.T, name, data string) {
	t.Helper()
	out, err := exec.CommandContext(t.Context(), "sh", "-c", `printf %s "$1" > "$2"`, "sh", data, name).CombinedOutput()
	if err != nil {
		t.Fatalf("sh: %v: %s", err, out)
	}
}

// TestTempRegular covers a file another program writes: the temp file lies
// beside the target with its extension (ffmpeg picks the format by it), and
// Commit replaces the target through its link.
func TestTempRegular(t *testing.T) {
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "clip.mp4"), "old")
	link := filepath.Join(dir, "link")
	mustSymlink(t, "clip.mp4", link)
	tmp, err := NewTemp(link, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer tmp.Close()
	if d, ext := filepath.Dir(tmp.Name()), filepath.Ext(tmp.Name()); d != dir || ext != ".mp4" {
		t.Errorf("temp file %s, want one in %s ending .mp4", tmp.Name(), dir)
	}
	runProgram(t, tmp.Name(), "new")
	if got := mustRead(t, filepath.Join(dir, "clip.mp4")); got != "old" {
		t.Errorf("target holds %q before Commit, want the old content", got)
	}
	if err := tmp.Commit(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := mustRead(t, filepath.Join(dir, "clip.mp4")); got != "new" {
		t.Errorf("target holds %q, want %q", got, "new")
	}
	if m := modeOf(t, link); m&os.ModeSymlink == 0 {
		t.Errorf("link is %v now, want a symlink", m)
	}
	noTemps(t, dir)
}

// TestTempInPlace covers a program's output bound for a FIFO or a device:
// it is written to a private temp file elsewhere and copied in on Commit.
func TestTempInPlace(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string) string
		read  func(path string) <-chan string // nil: nothing to read back
	}{
		{name: "FIFO", setup: mkfifo, read: readAll},
		{name: "character device", setup: nullTwin},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Setenv("TMPDIR", t.TempDir())
			path := tt.setup(t, dir)
			before := modeOf(t, path)
			tmp, err := NewTemp(path, 0o644)
			if err != nil {
				t.Fatal(err)
			}
			defer tmp.Close()
			if filepath.Dir(tmp.Name()) != os.TempDir() {
				t.Errorf("temp file %s, want it in %s", tmp.Name(), os.TempDir())
			}
			if m := modeOf(t, tmp.Name()).Perm(); m != 0o600 {
				t.Errorf("temp file mode %v, want 0600", m)
			}
			runProgram(t, tmp.Name(), "program output")
			var got <-chan string
			if tt.read != nil {
				got = tt.read(path)
			}
			if err := tmp.Commit(t.Context()); err != nil {
				t.Fatal(err)
			}
			if got != nil {
				if g := receive(t, got); g != "program output" {
					t.Errorf("reader got %q", g)
				}
			}
			if m := modeOf(t, path); m != before {
				t.Errorf("destination is %v now, was %v", m, before)
			}
			noTemps(t, dir)
			noTemps(t, os.TempDir())
		})
	}
}
