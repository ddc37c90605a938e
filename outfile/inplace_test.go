package outfile

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestWriteFIFO covers a named pipe, as bash's >(gzip >x.gz) or mkfifo
// gives: the reader receives exactly the data and the FIFO stays a FIFO.
func TestWriteFIFO(t *testing.T) {
	dir := t.TempDir()
	fifo := mkfifo(t, dir)
	got := readAll(fifo)
	data := fmt.Sprintf("%0*d", 1<<17, 7) // more than a pipe buffer holds
	if err := Write(t.Context(), fifo, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	if g := receive(t, got); g != data {
		t.Errorf("reader got %d bytes, want %d", len(g), len(data))
	}
	if m := modeOf(t, fifo); m.Type() != os.ModeNamedPipe {
		t.Errorf("fifo is %v now, want a named pipe", m)
	}
	noTemps(t, dir)
}

// TestWriteFIFOCancel covers a FIFO nobody reads: the open waits, and
// cancelling the context ends the wait with the context's error.
func TestWriteFIFOCancel(t *testing.T) {
	dir := t.TempDir()
	fifo := mkfifo(t, dir)
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(50*time.Millisecond, cancel)
	err := Write(ctx, fifo, []byte("data"), 0o644)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
	if m := modeOf(t, fifo); m.Type() != os.ModeNamedPipe {
		t.Errorf("fifo is %v now, want a named pipe", m)
	}
}

// TestWriteDevice covers a character device (a twin of /dev/null): written
// in place, it stays a device, and nothing is left beside it.
func TestWriteDevice(t *testing.T) {
	dir := t.TempDir()
	null := nullTwin(t, dir)
	if err := Check(null, nil); err != nil {
		t.Fatalf("Check: %v", err)
	}
	if err := Write(t.Context(), null, []byte("discarded"), 0o644); err != nil {
		t.Fatal(err)
	}
	if m := modeOf(t, null); m.Type() != os.ModeDevice|os.ModeCharDevice {
		t.Errorf("device is %v now, want a character device", m)
	}
	noTemps(t, dir)
}

// TestWriteLinkToDevice covers a symbolic link to a device: the device is
// written, and both stay what they were.
func TestWriteLinkToDevice(t *testing.T) {
	dir := t.TempDir()
	null := nullTwin(t, dir)
	link := filepath.Join(dir, "link")
	mustSymlink(t, null, link)
	if err := Write(t.Context(), link, []byte("discarded"), 0o644); err != nil {
		t.Fatal(err)
	}
	if m := modeOf(t, link); m&os.ModeSymlink == 0 {
		t.Errorf("link is %v now, want a symlink", m)
	}
	if m := modeOf(t, null); m.Type() != os.ModeDevice|os.ModeCharDevice {
		t.Errorf("device is %v now, want a character device", m)
	}
}

// TestCreateStreams covers the streaming form into a FIFO: each Write
// reaches the reader before Commit, since a pipe cannot hold data back.
func TestCreateStreams(t *testing.T) {
	dir := t.TempDir()
	fifo := mkfifo(t, dir)
	r, err := os.OpenFile(fifo, os.O_RDWR, 0) // a reader that cannot block the open
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	f, err := Create(t.Context(), fifo, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write([]byte("first")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 5)
	if _, err := r.Read(buf); err != nil || string(buf) != "first" {
		t.Errorf("reader got %q, %v before Commit, want %q", buf, err, "first")
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	noTemps(t, dir)
}
