// Package outfile writes a file whose path the user chose, without ever
// destroying what that path stands for.
//
// Replacing a file by writing a temp file beside it and renaming it over the
// old one is what makes an output appear whole or not at all, and it is what
// every writer here does when the path names a regular file or nothing yet.
// But a rename replaces whatever directory entry the path names: as root,
// -o /dev/null would turn the null device into a regular file, a symbolic
// link would become a file (its target never written), and a pipe such as
// bash's >(gzip >x.gz), reached as /dev/fd/63, would be replaced instead of
// fed. So each path is resolved first:
//
//   - a regular file, or nothing: temp file in the same directory, written,
//     fsynced, given its mode, renamed over the target;
//   - a symbolic link (or a chain of them): followed, and its target is
//     replaced as above, so the link stays a link; a dangling link gets its
//     target created;
//   - a character device, a FIFO, or an open descriptor (/dev/stdout,
//     /dev/fd/N, /proc/self/fd/N): opened and written in place, as every
//     Unix tool does; a regular file behind a descriptor is appended to, so
//     the shell's > (which already truncated it) and >> both mean what they
//     say;
//   - a directory, a block device or a socket: refused.
//
// A new file gets the caller's permission less the umask, and a replaced
// file never ends up more open than it was, so a private output stays
// private when it is written again. The temp file is created with that mode,
// so it is never more readable than the result, not even for an instant.
//
// Check runs before any work that costs time or money: it refuses a
// destination that is one of the inputs (the same device and inode, however
// it is spelled), or that cannot be written, so a run never pays for a
// result it cannot keep.
//
// Errors name the path and the cause on one lowercase line, with no flag
// names: the command line adds those, since only it knows which flag it was.
//
// It is a leaf: it imports nothing of vidskim's.
package outfile
