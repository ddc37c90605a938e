package library

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver, "sqlite"
)

// Library is an open library database. Its methods are safe for
// concurrent use; other processes may use the same file at the same time.
type Library struct {
	db   *sql.DB
	path string
}

// busyTimeout is how long a write waits for another process's transaction
// to end before giving up. Runs write for milliseconds, so waiting this
// long means something is wrong.
const busyTimeout = 30 * time.Second

// DefaultPath is $XDG_DATA_HOME/vidskim/library.db, else
// ~/.local/share/vidskim/library.db.
func DefaultPath() (string, error) {
	if d := os.Getenv("XDG_DATA_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "vidskim", "library.db"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("no home directory for the library: %w", err)
	}
	return filepath.Join(home, ".local", "share", "vidskim", "library.db"), nil
}

// Open opens the library at path, creating it (and its directory, owner
// only) when missing, and brings its schema up to date.
func Open(ctx context.Context, path string) (*Library, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	if err := prepare(abs); err != nil {
		return nil, err
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Set("_txlock", "immediate") // a writer takes its lock at BEGIN, so busy_timeout applies, never a deadlock on upgrade
	db, err := sql.Open("sqlite", (&url.URL{Scheme: "file", OmitHost: true, Path: abs, RawQuery: q.Encode()}).String())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := migrate(ctx, db); err != nil {
		db.Close()
		var newer *ErrNewer
		if errors.As(err, &newer) {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return nil, fmt.Errorf("%s: not a usable library: %w", path, err)
	}
	return &Library{db: db, path: abs}, nil
}

// prepare makes the directory (owner only) and the file (owner only,
// before SQLite creates it with the umask's mode; its -wal and -shm
// files take the same mode), and refuses a path that is not a file.
func prepare(abs string) error {
	if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
		return fmt.Errorf("%s: %w", abs, unwrap(err))
	}
	st, err := os.Stat(abs)
	switch {
	case err == nil && !st.Mode().IsRegular():
		return fmt.Errorf("%s: not a regular file", abs)
	case err == nil:
		return nil
	case !errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("%s: %w", abs, unwrap(err))
	}
	f, err := os.OpenFile(abs, os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("%s: %w", abs, unwrap(err))
	}
	return f.Close()
}

func unwrap(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Path is the database file.
func (l *Library) Path() string { return l.path }

// Close closes the database.
func (l *Library) Close() error { return l.db.Close() }

// now is the time stored with rows, in UTC to the second.
func now() string { return time.Now().UTC().Format(time.RFC3339) }
