package outfile

import (
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// tempPrefix starts every temp file's name: hidden, and if a killed process
// leaves one behind, its name says where it came from.
const tempPrefix = ".vidskim-"

// createTemp makes a new file in dir that no other process has open. It is
// created with perm, so the kernel applies the umask and the file is never
// more readable than asked, not even for an instant (os.CreateTemp would
// give 0600 and need a chmod that ignores the umask). ext ends the name, so
// a program that picks a format by extension (ffmpeg) picks the target's.
func createTemp(dir, ext string, perm fs.FileMode) (*os.File, error) {
	var err error
	for range 100 {
		name := filepath.Join(dir, tempPrefix+strconv.FormatUint(rand.Uint64(), 36)+ext)
		var f *os.File
		f, err = os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm.Perm())
		if !errors.Is(err, fs.ErrExist) {
			return f, err
		}
	}
	return nil, err
}

// tempFor creates the temp file for d: beside the target, since a rename
// cannot cross file systems and the directory already holds the output, or
// for a destination written in place, in the system's temp directory,
// private, since /dev is no place for it.
func tempFor(d dest, perm fs.FileMode) (f *os.File, created fs.FileMode, err error) {
	dir, ext := filepath.Dir(d.target), filepath.Ext(d.target)
	if d.inPlace {
		dir, ext, perm = os.TempDir(), "", 0o600
	}
	f, err = createTemp(dir, ext, perm)
	if err != nil {
		return nil, 0, d.errorf(err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, 0, d.errorf(err)
	}
	return f, fi.Mode().Perm(), nil
}

// install puts the finished temp file f over d's target, and in every case
// closes f and removes it unless it was renamed. The fsync comes first so
// that after a crash the name holds the old content or the whole new one,
// never an empty file. created is f's mode when it was made.
func install(f *os.File, d dest, created fs.FileMode) error {
	err := f.Sync()
	if err == nil {
		err = f.Chmod(d.finalMode(created))
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), d.target)
	}
	if err != nil {
		os.Remove(f.Name())
		return d.errorf(err)
	}
	return nil
}

// finalMode is the mode the new file gets: what creating the temp file gave
// (the caller's perm less the umask), and never more open than the file it
// replaces, so a private output stays private when it is written again.
func (d dest) finalMode(created fs.FileMode) fs.FileMode {
	if d.exists {
		return created & d.mode.Perm()
	}
	return created
}
