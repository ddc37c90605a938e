package outfile

import (
	"fmt"
	"os"
	"path/filepath"
)

// Check says, before any work, whether path can take an output: it must not
// be a directory, a block device or a socket, nor the same file as one of
// inputs (compared by device and inode, so a symbolic or hard link, or
// "./video.mp4" for "video.mp4", is caught too), and a temp file must be
// creatable beside a regular or missing target, so a run never pays for a
// result it cannot keep. A device, FIFO or descriptor is checked for type
// only: opening a FIFO would wait for a reader. An input that cannot be
// statted is skipped; reading it reports that better.
func Check(path string, inputs []string) error {
	d, err := resolve(path)
	if err != nil {
		return err
	}
	if err := d.notInput(inputs); err != nil {
		return err
	}
	if d.inPlace {
		return nil
	}
	dir := filepath.Dir(d.target)
	f, err := createTemp(dir, "", 0o600)
	if err != nil {
		return d.errorf(fmt.Errorf("cannot write in %s: %w", dir, bare(err)))
	}
	f.Close()
	os.Remove(f.Name())
	return nil
}

// notInput returns ErrIsInput, naming the input, when d is one of inputs.
func (d dest) notInput(inputs []string) error {
	if !d.exists {
		return nil
	}
	out, err := os.Stat(d.name)
	if err != nil {
		return nil // gone since resolve; nothing to overwrite
	}
	for _, in := range inputs {
		if fi, err := os.Stat(in); err == nil && os.SameFile(out, fi) {
			return fmt.Errorf("%s: %w %s", d.name, ErrIsInput, in)
		}
	}
	return nil
}
