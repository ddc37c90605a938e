package summarize

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	openai "github.com/sashabaranov/go-openai"
)

// Cache keeps every successful answer on disk, keyed by the whole request
// (model, prompts, every image's bytes, detail, token limit and any other
// parameter), so re-running a command, or resuming one that was
// interrupted or failed, never pays twice for the same answer. Entries are
// written atomically (a killed process leaves no half-written entry) and
// readable by the owner only. The API key is not part of the request body,
// so it is never in the key nor in an entry.
type Cache struct {
	Dir string
}

// cacheVersion changes when the entry format does, orphaning old entries.
const cacheVersion = "vidskim-cache-v1\n"

// DefaultCacheDir is the user's cache directory plus "vidskim".
func DefaultCacheDir() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache directory (set --cache-dir or --no-cache): %w", err)
	}
	return filepath.Join(d, "vidskim"), nil
}

// key hashes the request as sent, plus extra: what affects the answer but
// is not in the body go-openai writes (a zero temperature, which it omits).
func (c *Cache) key(req openai.ChatCompletionRequest, extra string) (string, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	h.Write([]byte(cacheVersion))
	h.Write([]byte(extra + "\n"))
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil)), nil
}

func (c *Cache) path(key string) string { return filepath.Join(c.Dir, key[:2], key+".json") }

// get returns the stored response for key. A missing or unreadable entry
// is a miss: the worst case is paying once more, never failing the run.
func (c *Cache) get(key string) (openai.ChatCompletionResponse, bool) {
	var resp openai.ChatCompletionResponse
	data, err := os.ReadFile(c.path(key))
	if err != nil || json.Unmarshal(data, &resp) != nil || len(resp.Choices) == 0 {
		return resp, false
	}
	return resp, true
}

// put stores resp under key.
func (c *Cache) put(key string, resp openai.ChatCompletionResponse) error {
	data, err := json.Marshal(resp)
	if err != nil {
		return err
	}
	return c.putRaw(key, data)
}

// putRaw stores data under key: a private temp file, then a rename.
func (c *Cache) putRaw(key string, data []byte) error {
	dir := filepath.Dir(c.path(key))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	f, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	defer os.Remove(f.Name())
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("cache: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), c.path(key))
}

// Check makes sure the cache directory can be written, before any request.
func (c *Cache) Check() error {
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		return fmt.Errorf("--cache-dir %s: %w", c.Dir, unwrapFS(err))
	}
	f, err := os.CreateTemp(c.Dir, ".check-*")
	if err != nil {
		return fmt.Errorf("--cache-dir %s: cannot write there: %w", c.Dir, unwrapFS(err))
	}
	f.Close()
	return os.Remove(f.Name())
}

func unwrapFS(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
