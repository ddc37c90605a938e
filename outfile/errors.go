package outfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// Sentinel errors a caller branches on, for example to exit with a usage
// status. Each is wrapped with the path, so the message alone says which.
var (
	// ErrIsDir means the path names a directory, where no file can be
	// written under that name.
	ErrIsDir = errors.New("is a directory")
	// ErrIsInput means the path names the same file as an input, so writing
	// it would destroy what is being read.
	ErrIsInput = errors.New("is the same file as input")
	// ErrUnsupported means the path names a block device or a socket:
	// replacing it would destroy it, and writing into it is never what an
	// output was meant for (a socket cannot even be opened as a file).
	ErrUnsupported = errors.New("not a regular file, character device or pipe")
)

// errorf puts the path (and, through a link, its target) in front of the
// bare cause, so the message reads "out.md: permission denied" rather than
// repeating an operation and a temp file name the user never chose.
func (d dest) errorf(err error) error {
	name := d.name
	if d.linked && d.target != "" {
		name += " -> " + d.target
	}
	return fmt.Errorf("%s: %w", name, bare(err))
}

// bare strips the operation and path that the os package puts around a
// cause, keeping the cause (still matched by errors.Is, e.g.
// fs.ErrPermission). Only the outermost layer: a message this package
// wrapped itself is kept whole.
func bare(err error) error {
	switch e := err.(type) {
	case *fs.PathError:
		return e.Err
	case *os.LinkError:
		return e.Err
	}
	return err
}

// Cause is the reason inside an error from the os package, without the
// operation and path around it ("permission denied"), for a message that
// names the path its own way.
func Cause(err error) error { return bare(err) }
