package outfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// maxLinks bounds a chain of symbolic links, as the kernel does (Linux
// allows 40), so a loop ends in an error instead of spinning.
const maxLinks = 40

// dest is what a path stands for once its links are followed.
type dest struct {
	name   string      // the path as given: for messages, and opened when written in place
	target string      // the file a rename replaces (when !inPlace)
	mode   fs.FileMode // the existing file's mode, when exists
	exists bool        // something exists at target (or behind the descriptor)
	linked bool        // name went through a symbolic link, so messages name the target too

	// inPlace means the destination is opened and written, never replaced:
	// a device, a FIFO, or an open descriptor, where a rename would destroy
	// the node instead of writing to what it stands for.
	inPlace bool
	// viaFD means a link on the way is an open descriptor's
	// (/proc/self/fd/N, which /dev/stdout and /dev/fd/N lead to). Its text
	// ("pipe:[123]", or a file name the shell already opened) is no path to
	// follow or replace, so the kernel resolves it when name is opened.
	viaFD bool
}

// resolve follows path's links and decides how it is written, refusing the
// kinds of file no output may go to.
func resolve(path string) (dest, error) {
	if path == "" {
		return dest{}, errors.New("empty output path")
	}
	d := dest{name: path}
	if err := d.follow(); err != nil {
		return d, d.errorf(err)
	}
	at := d.target
	if d.viaFD {
		at = d.name // the kernel follows the descriptor's link
	}
	fi, err := os.Stat(at)
	if errors.Is(err, fs.ErrNotExist) && !d.viaFD {
		return d, nil
	}
	if err != nil {
		return d, d.errorf(err)
	}
	d.exists, d.mode = true, fi.Mode()
	return d, d.classify()
}

// classify sets how an existing destination is written, or says why not.
func (d *dest) classify() error {
	t := d.mode.Type()
	switch {
	case t == fs.ModeDir:
		return d.errorf(ErrIsDir)
	case t == 0: // a regular file
		d.inPlace = d.viaFD
	case t&fs.ModeCharDevice != 0, t == fs.ModeNamedPipe:
		d.inPlace = true
	case t == fs.ModeSocket:
		return d.errorf(fmt.Errorf("%w (a socket)", ErrUnsupported))
	case t == fs.ModeDevice:
		return d.errorf(fmt.Errorf("%w (a block device)", ErrUnsupported))
	default:
		return d.errorf(ErrUnsupported)
	}
	return nil
}

// follow walks d.name's symbolic links one at a time and sets d.target to
// the path the last one leads to, which need not exist yet. Unlike
// filepath.EvalSymlinks it copes with a dangling link (whose target is
// what gets created) and stops at a descriptor's link.
func (d *dest) follow() error {
	p := d.name
	for range maxLinks {
		dir, base := split(p)
		rdir, err := filepath.EvalSymlinks(dir)
		if err != nil {
			d.target = p
			return err
		}
		if isFDDir(rdir) {
			d.viaFD = true
			return nil
		}
		if base == "" || base == "." || base == ".." {
			// Only a directory can be named so; the kernel says what it is.
			d.target = p
			_, err := os.Stat(p)
			return err
		}
		p = filepath.Join(rdir, base)
		fi, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) || err == nil && fi.Mode()&fs.ModeSymlink == 0 {
			d.target = p
			return nil
		}
		if err != nil {
			return err
		}
		link, err := os.Readlink(p)
		if err != nil {
			return err
		}
		d.linked = true
		p = joinLink(rdir, link)
	}
	d.target = p
	return syscall.ELOOP
}

// split cuts p at its last slash without cleaning it: "a/link/../b" must
// keep "a/link/.." for EvalSymlinks, since ".." after a link leads to the
// link target's parent, not to "a".
func split(p string) (dir, base string) {
	i := strings.LastIndexByte(p, '/')
	switch {
	case i < 0:
		return ".", p
	case i == 0:
		return "/", p[1:]
	}
	return p[:i], p[i+1:]
}

// joinLink makes a link's text a path: relative text is relative to the
// directory holding the link, which dir already is with no links in it.
func joinLink(dir, link string) string {
	if filepath.IsAbs(link) {
		return link
	}
	return dir + "/" + link
}

// isFDDir reports whether dir lists a process's open descriptors, whose
// entries only look like symbolic links.
func isFDDir(dir string) bool {
	return dir == "/dev/fd" || strings.HasPrefix(dir, "/proc/") && filepath.Base(dir) == "fd"
}
