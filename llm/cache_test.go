package llm

import (
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vidskim/vidskim/llm/openaitest"
)

func cachedClient(s *openaitest.Server, cache *Cache) *Client {
	return New(Config{BaseURL: s.BaseURL(), Key: secretKey, Cache: cache, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond})
}

// TestUnusableEntriesReplaced: an entry that parses but cannot be used is
// a miss; the answer asked again replaces it.
func TestUnusableEntriesReplaced(t *testing.T) {
	entries := map[string]string{
		"not an object": `[1, 2]`,
		"wrong shape":   `{"choices": "none"}`,
		"cut short":     `{"choices": [{"message": {"content": "hal`,
		"no choices":    `{"id": "x", "choices": []}`,
		"empty answer":  `{"choices": [{"message": {"role": "assistant", "content": ""}, "finish_reason": "stop"}]}`,
		"cut answer":    `{"choices": [{"message": {"role": "assistant", "content": "The frame sh"}, "finish_reason": "length"}]}`,
		"filtered":      `{"choices": [{"message": {"role": "assistant", "content": ""}, "finish_reason": "content_filter"}]}`,
		"older format":  `{"format": "vidskim-cache-v0", "text": "an old answer"}`,
		"control only":  `{"choices": [{"message": {"role": "assistant", "content": "\u001b[2J\u202e"}, "finish_reason": "stop"}]}`,
	}
	for name, entry := range entries {
		t.Run(name, func(t *testing.T) {
			srv := openaitest.New(t)
			cache := &Cache{Dir: t.TempDir()}
			c := cachedClient(srv, cache)
			req := imageRequest(t)
			key, _ := cache.chatKey(c.toOpenAI(req), c.cfg.cacheExtra())
			os.MkdirAll(filepath.Dir(cache.path(key)), 0o700)
			os.WriteFile(cache.path(key), []byte(entry), 0o600)
			for run := range 2 {
				a, err := c.Chat(t.Context(), req)
				if err != nil || a.Text != "Saw 1 frames from [00:00:00] to [00:00:00]." || a.Cached != (run == 1) {
					t.Fatalf("run %d: %+v, %v", run, a, err)
				}
			}
			if n := len(srv.Requests()); n != 1 {
				t.Errorf("%d requests: want the bad entry asked once and replaced", n)
			}
		})
	}
}

// TestIncompleteNeverCached: an answer cut at the limit, withheld by a
// filter or empty comes back as it is, and is asked again next time.
func TestIncompleteNeverCached(t *testing.T) {
	for _, reply := range []openaitest.Reply{
		{Content: "The frame shows a", FinishReason: "length"},
		{Content: " ", FinishReason: "content_filter"},
		{Content: " ", FinishReason: "stop"},
	} {
		srv := openaitest.New(t)
		srv.Script = func(openaitest.Request) openaitest.Reply { return reply }
		c := cachedClient(srv, &Cache{Dir: t.TempDir()})
		for range 2 {
			a, err := c.Chat(t.Context(), imageRequest(t))
			if a.Complete() || a.Cached || (reply.FinishReason == "stop") != (err != nil) {
				t.Errorf("%s: %+v, %v", reply.FinishReason, a, err)
			}
		}
		if n := len(srv.Requests()); n != 2 {
			t.Errorf("%s: %d requests, want 2 (never cached)", reply.FinishReason, n)
		}
	}
}

// TestReasoningModelGetsRoom: a model that spends the whole limit before
// writing is asked once more with a larger limit, and that answer is the
// one cached for the request.
func TestReasoningModelGetsRoom(t *testing.T) {
	srv := openaitest.New(t)
	var limits []float64
	srv.Script = func(r openaitest.Request) openaitest.Reply {
		limit, _ := r.Body["max_completion_tokens"].(float64)
		limits = append(limits, limit)
		if limit <= 100 {
			return openaitest.Reply{Content: " ", FinishReason: "length"}
		}
		return openaitest.Reply{}
	}
	c := cachedClient(srv, &Cache{Dir: t.TempDir()})
	req := imageRequest(t)
	req.Model = "o4-mini"
	for run := range 2 {
		a, err := c.Chat(t.Context(), req)
		if err != nil || !a.Complete() || a.Cached != (run == 1) {
			t.Fatalf("run %d: %+v, %v", run, a, err)
		}
	}
	if len(limits) != 2 || limits[1] != 4096 {
		t.Errorf("limits sent %v, want 100 then 4096, and nothing for the cached run", limits)
	}
	// Still nothing with room: an error, never a clean empty answer.
	srv.Script = func(openaitest.Request) openaitest.Reply {
		return openaitest.Reply{Content: " ", FinishReason: "length"}
	}
	c = cachedClient(srv, &Cache{Dir: t.TempDir()})
	if a, err := c.Chat(t.Context(), req); err == nil || !a.Retried {
		t.Errorf("%+v, %v", a, err)
	}
}

// TestCacheWriteFailureSaidOnce: a cache that cannot be written is said
// once; every answer is still returned.
func TestCacheWriteFailureSaidOnce(t *testing.T) {
	srv := openaitest.New(t)
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o600)
	var said atomic.Int32
	cache := &Cache{Dir: filepath.Join(file, "cache"), OnWriteError: func(error) { said.Add(1) }}
	if cache.Check() == nil {
		t.Fatal("a cache under a file passed the check")
	}
	c := cachedClient(srv, cache)
	for i := range 3 {
		req := imageRequest(t)
		req.System = string(rune('a' + i))
		if a, err := c.Chat(t.Context(), req); err != nil || !a.Complete() {
			t.Fatalf("%+v, %v", a, err)
		}
	}
	if said.Load() != 1 {
		t.Errorf("said %d times, want once", said.Load())
	}
}

// TestConcurrentAskersPayOnce: two clients on one cache asking the same
// request at once send it once; the second waits and takes the answer.
func TestConcurrentAskersPayOnce(t *testing.T) {
	srv := openaitest.New(t)
	srv.Script = func(openaitest.Request) openaitest.Reply {
		time.Sleep(300 * time.Millisecond)
		return openaitest.Reply{}
	}
	dir := t.TempDir()
	var wg sync.WaitGroup
	answers := make([]Answer, 2)
	for i := range answers {
		wg.Go(func() {
			a, err := cachedClient(srv, &Cache{Dir: dir}).Chat(t.Context(), imageRequest(t))
			if err != nil {
				t.Error(err)
			}
			answers[i] = a
		})
	}
	wg.Wait()
	if n := len(srv.Requests()); n != 1 || answers[0].Text != answers[1].Text || answers[0].Cached == answers[1].Cached {
		t.Errorf("%d requests, answers %+v", n, answers)
	}
	locks, _ := filepath.Glob(filepath.Join(dir, "*", "*.lock"))
	if len(locks) != 0 {
		t.Errorf("lock files left: %v", locks)
	}
}
