package outfile

import (
	"context"
	"errors"
	"io/fs"
	"os"
)

// errDone is returned by a File or Temp used after Commit or Close.
var errDone = errors.New("already committed or closed")

// Write writes data to path as a whole: the target appears complete or not
// at all, or for a device, FIFO or descriptor, data is written into it.
// perm is the new file's mode before the umask (0o644 for an output the
// user reads, 0o600 for a private cache entry). ctx ends a wait for a FIFO's
// reader. The path is resolved afresh, so Check beforehand is advice, not a
// lock.
func Write(ctx context.Context, path string, data []byte, perm fs.FileMode) error {
	f, err := Create(ctx, path, perm)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := f.Write(data); err != nil {
		return err
	}
	return f.Commit()
}

// File is an output this process writes piece by piece, for a result too
// big to hold whole. Until Commit, a regular destination is untouched and
// the data sits in a temp file beside it; a device, FIFO or descriptor
// receives each Write as it happens, since nothing can be held back there.
type File struct {
	d       dest
	f       *os.File
	created fs.FileMode // the temp file's mode when made
	done    bool
}

// Create starts writing path; see Write for perm and ctx. The caller must
// call Commit to keep the output and Close in every case (a deferred Close
// after Commit does nothing).
func Create(ctx context.Context, path string, perm fs.FileMode) (*File, error) {
	d, err := resolve(path)
	if err != nil {
		return nil, err
	}
	if d.inPlace {
		f, err := openInPlace(ctx, d)
		if err != nil {
			return nil, err
		}
		return &File{d: d, f: f}, nil
	}
	f, created, err := tempFor(d, perm)
	if err != nil {
		return nil, err
	}
	return &File{d: d, f: f, created: created}, nil
}

// Write writes p, naming the destination (not the temp file) in an error.
func (f *File) Write(p []byte) (int, error) {
	if f.done {
		return 0, f.d.errorf(errDone)
	}
	n, err := f.f.Write(p)
	if err != nil {
		err = f.d.errorf(err)
	}
	return n, err
}

// Commit makes the output final: it renames the temp file over the target,
// or closes the device, FIFO or descriptor. On error a regular target keeps
// its old content and no temp file remains.
func (f *File) Commit() error {
	if f.done {
		return f.d.errorf(errDone)
	}
	f.done = true
	if f.d.inPlace {
		if err := f.f.Close(); err != nil {
			return f.d.errorf(err)
		}
		return nil
	}
	return install(f.f, f.d, f.created)
}

// Close abandons an output not committed: the temp file is removed and a
// regular target keeps its old content. What was written to a device, FIFO
// or descriptor cannot be taken back; it is only closed.
func (f *File) Close() error {
	if f.done {
		return nil
	}
	f.done = true
	err := f.f.Close()
	if !f.d.inPlace {
		os.Remove(f.f.Name())
		return nil
	}
	if err != nil {
		return f.d.errorf(err)
	}
	return nil
}
