package outfile

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// Temp is a file that another program (ffmpeg) writes by name and that
// becomes the output only on Commit. For a regular destination it lies
// beside the target and ends with the target's extension, so the program
// picks the format the user asked for and the rename stays on one file
// system. For a device, FIFO or descriptor, which cannot take a rename and
// may not even be seekable as many formats need, it is a private file in the
// system's temp directory and Commit copies it into the destination.
type Temp struct {
	d       dest
	name    string
	created fs.FileMode // the temp file's mode when made
	done    bool
}

// NewTemp creates the temp file for path; see Write for perm. The file
// exists already (the name is reserved securely), so the program must be
// told to overwrite it (ffmpeg's -y). Call Commit to keep the result and
// Close in every case.
func NewTemp(path string, perm fs.FileMode) (*Temp, error) {
	d, err := resolve(path)
	if err != nil {
		return nil, err
	}
	f, created, err := tempFor(d, perm)
	if err != nil {
		return nil, err
	}
	f.Close()
	return &Temp{d: d, name: f.Name(), created: created}, nil
}

// Name is the path for the program to write.
func (t *Temp) Name() string { return t.name }

// Commit makes what the program wrote the output: renamed over a regular
// target, or copied into a device, FIFO or descriptor (ctx ends a wait for a
// FIFO's reader). The temp file is gone afterwards either way.
func (t *Temp) Commit(ctx context.Context) error {
	if t.done {
		return t.d.errorf(errDone)
	}
	t.done = true
	f, err := t.open()
	if err != nil {
		os.Remove(t.name)
		return t.d.errorf(err)
	}
	if !t.d.inPlace {
		return install(f, t.d, t.created) // removes the temp file on failure
	}
	defer os.Remove(t.name)
	defer f.Close()
	return copyInto(ctx, t.d, f)
}

// open opens what the program left, after making sure it is still a plain
// file: a link put there instead would otherwise be renamed into the
// user's place.
func (t *Temp) open() (*os.File, error) {
	fi, err := os.Lstat(t.name)
	if err != nil {
		return nil, fmt.Errorf("temp file %s: %w", t.name, bare(err))
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("temp file %s is no longer a regular file", t.name)
	}
	return os.Open(t.name)
}

// copyInto writes all of r into the device, FIFO or descriptor d.
func copyInto(ctx context.Context, d dest, r io.Reader) error {
	w, err := openInPlace(ctx, d)
	if err != nil {
		return err
	}
	_, err = io.Copy(w, r)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return d.errorf(err)
	}
	return nil
}

// Close removes the temp file unless Commit ran; the destination keeps
// what it had.
func (t *Temp) Close() error {
	if t.done {
		return nil
	}
	t.done = true
	os.Remove(t.name)
	return nil
}
