package llm

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gofrs/flock"
)

// entryLock is one request's lock in the cache: an flock(2) on a file
// beside the entry. The kernel drops it when its holder dies, however it
// dies, so a killed process never leaves a lock that others wait on.
type entryLock struct {
	fl *flock.Flock
}

// lockPoll is how often a waiter tries the lock again.
const lockPoll = 50 * time.Millisecond

// lock takes key's lock, waiting while another process (or request) holds
// it, until ctx ends. Where the cache cannot be written there is nothing
// to share and no lock to take: the request goes on unlocked.
func (c *Cache) lock(ctx context.Context, key string) (*entryLock, error) {
	p := strings.TrimSuffix(c.path(key), ".json") + ".lock"
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return &entryLock{}, nil
	}
	fl := flock.New(p, flock.SetPermissions(0o600))
	ok, err := fl.TryLockContext(ctx, lockPoll)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if err != nil || !ok {
		return &entryLock{}, nil
	}
	return &entryLock{fl: fl}, nil
}

// release lets the lock go. Once the entry is stored (by this process or
// the one it waited for) the lock file is removed first: a process that still waits on it finds the entry when it
// gets the lock, and later ones find the entry without locking.
func (l *entryLock) release(stored bool) {
	if l == nil || l.fl == nil {
		return
	}
	if stored {
		os.Remove(l.fl.Path())
	}
	l.fl.Unlock()
	l.fl.Close()
}
