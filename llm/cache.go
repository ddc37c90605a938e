package llm

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	openai "github.com/sashabaranov/go-openai"

	"github.com/vidskim/vidskim/outfile"
)

// Cache keeps every whole answer on disk, keyed by the whole request
// (model, prompts, every image's bytes, detail, token limit and any other
// parameter; for speech, the text, voice, model, instructions, format and
// speed, the entry being the audio itself), so re-running a command, or resuming one that was
// interrupted or failed, never pays twice for the same answer. Entries are
// written atomically (a killed process leaves no half-written entry) and
// readable by the owner only. The API key is not part of the request body,
// so it is never in the key nor in an entry.
//
// The cache never fails a run: an entry that cannot be read or used (a
// wrong shape, an empty or cut answer, an older format) is a miss, asked
// again and replaced; an entry that cannot be written (a read-only
// directory, a full disk) is said once through OnWriteError and the answer
// is used all the same. Processes sharing the directory ask each request
// once: the first holds the request's lock (cachelock.go) until its answer
// is stored, and the others wait for it.
type Cache struct {
	Dir string
	// OnWriteError, when set, is told the first time the cache cannot be
	// written; later failures are not repeated.
	OnWriteError func(error)

	once sync.Once
}

// cacheVersion changes when the entry format does, orphaning old entries.
const cacheVersion = "vidskim-cache-v1\n"

// DefaultCacheDir is the user's cache directory plus "vidskim".
func DefaultCacheDir() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no user cache directory: %w", err)
	}
	return filepath.Join(d, "vidskim"), nil
}

// chatKey hashes the request as sent, plus extra: what affects the answer
// but is not in the body go-openai writes (see cacheExtra).
func (c *Cache) chatKey(req openai.ChatCompletionRequest, extra string) (string, error) {
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

func (c *Cache) path(key string) string { return c.pathExt(key, ".json") }

// pathExt is where the entry for key lives, its extension saying what it
// holds (.json for answers and transcripts, the audio format for speech).
func (c *Cache) pathExt(key, ext string) string { return filepath.Join(c.Dir, key[:2], key+ext) }

// getChat returns the stored answer for key, when there is a whole one.
func (c *Cache) getChat(key string) (Answer, bool) {
	var resp openai.ChatCompletionResponse
	if !c.get(key, &resp) {
		return Answer{}, false
	}
	a, err := reply(resp, nil)
	if err != nil || !a.Complete() {
		return Answer{}, false
	}
	a.Cached = true
	return a, true
}

// putChat stores resp under key and reports whether it was stored.
func (c *Cache) putChat(key string, resp openai.ChatCompletionResponse) bool {
	return c.put(key, resp) == nil
}

// get reads the entry for key into v; false on any failure.
func (c *Cache) get(key string, v any) bool {
	data, err := os.ReadFile(c.path(key))
	return err == nil && json.Unmarshal(data, v) == nil
}

// put stores v as JSON under key, privately and atomically. A failure is
// said once (OnWriteError) and returned.
func (c *Cache) put(key string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return c.putBytes(key, ".json", data)
}

// getBytes reads the entry for key with extension ext; false on any
// failure or an empty entry.
func (c *Cache) getBytes(key, ext string) ([]byte, bool) {
	data, err := os.ReadFile(c.pathExt(key, ext))
	return data, err == nil && len(data) > 0
}

// putBytes stores data under key with extension ext, privately and
// atomically.
func (c *Cache) putBytes(key, ext string, data []byte) error {
	p := c.pathExt(key, ext)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return c.writeFailed(fmt.Errorf("%s: %w", c.Dir, outfile.Cause(err)))
	}
	if err := outfile.Write(context.Background(), p, data, 0o600); err != nil {
		return c.writeFailed(fmt.Errorf("%s: %w", c.Dir, outfile.Cause(err)))
	}
	return nil
}

// writeFailed tells OnWriteError of err, the first time only.
func (c *Cache) writeFailed(err error) error {
	c.once.Do(func() {
		if c.OnWriteError != nil {
			c.OnWriteError(err)
		}
	})
	return err
}

// Check tries the cache directory before any request. When it cannot be
// written the failure is said once (OnWriteError) and returned; the cache
// still answers from the entries it has.
func (c *Cache) Check() error {
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		return c.writeFailed(fmt.Errorf("%s: %w", c.Dir, outfile.Cause(err)))
	}
	f, err := os.CreateTemp(c.Dir, ".check-*")
	if err != nil {
		return c.writeFailed(fmt.Errorf("%s: cannot write there: %w", c.Dir, outfile.Cause(err)))
	}
	f.Close()
	return os.Remove(f.Name())
}
