package llm

import (
	"context"
	"errors"
	"os"
)

type keysCtx struct{}

// WithCacheKeys returns a context whose requests tell note the key of
// every cache entry they read or write, so a caller can remember which
// entries a run of one video used (and delete them with Forget) while
// other videos share the client and its cache.
func WithCacheKeys(ctx context.Context, note func(key string)) context.Context {
	return context.WithValue(ctx, keysCtx{}, note)
}

// noteKey tells ctx's listener of key, if there is one.
func noteKey(ctx context.Context, key string) {
	if note, ok := ctx.Value(keysCtx{}).(func(string)); ok && key != "" {
		note(key)
	}
}

// Forget deletes the entries of keys; entries already gone are no error.
// It returns how many it deleted.
func (c *Cache) Forget(keys []string) (int, error) {
	n := 0
	var errs []error
	for _, k := range keys {
		if len(k) < 3 {
			continue
		}
		err := os.Remove(c.path(k))
		switch {
		case err == nil:
			n++
		case !errors.Is(err, os.ErrNotExist):
			errs = append(errs, err)
		}
	}
	return n, errors.Join(errs...)
}
