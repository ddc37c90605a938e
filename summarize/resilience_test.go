package summarize

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vidskim/vidskim/chunk"
	"github.com/vidskim/vidskim/dedupe"
	"github.com/vidskim/vidskim/llm"
	"github.com/vidskim/vidskim/llm/openaitest"
)

// retryingClient is the client the CLI builds, with quick back-off.
func retryingClient(s *openaitest.Server, retries int, timeout time.Duration) Client {
	return cachingClient(s, retries, timeout, nil)
}

// cachingClient is retryingClient with an answer cache.
func cachingClient(s *openaitest.Server, retries int, timeout time.Duration, cache *llm.Cache) Client {
	return llm.New(llm.Config{BaseURL: s.BaseURL(), Key: "sk-never-stored", MaxRetries: retries, Timeout: timeout,
		MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond, Cache: cache})
}

// sampleConfig makes one request per kept frame of sample.mp4.
func sampleConfig() Config {
	return Config{Dedupe: dedupe.Options{Threshold: dedupe.DefaultThreshold},
		Chunk: chunk.Options{FramesPerRequest: 1}, Model: Options{Concurrency: 2}}
}

func TestRetryAfter429(t *testing.T) {
	v := probeSample(t)
	srv := openaitest.New(t)
	var mu sync.Mutex
	var arrivals []time.Time
	srv.Script = func(r openaitest.Request) openaitest.Reply {
		mu.Lock()
		arrivals = append(arrivals, time.Now())
		mu.Unlock()
		if r.N <= 3 {
			return openaitest.Reply{Status: 429, Header: map[string]string{"Retry-After": "1"},
				Body: `{"error":{"message":"Rate limit reached","type":"requests"}}`}
		}
		return openaitest.Reply{}
	}
	cfg := sampleConfig()
	cfg.Model.Concurrency = 1
	res, err := Run(t.Context(), retryingClient(srv, 5, 0), v, cfg, quiet)
	if err != nil {
		t.Fatal(err)
	}
	if res.Summary == "" || len(res.Chunks) != res.Frames.Kept {
		t.Fatalf("chunks %d of %d kept frames", len(res.Chunks), res.Frames.Kept)
	}
	// One request at a time: the first was refused three times, and each
	// retry came at least the second the server asked for after the refusal.
	for i := 1; i <= 3; i++ {
		if gap := arrivals[i].Sub(arrivals[i-1]); gap < 950*time.Millisecond {
			t.Errorf("retry %d came %v after a Retry-After: 1", i, gap)
		}
	}
	if got := len(srv.Requests()); got != res.Usage.Requests+3 {
		t.Errorf("%d requests at the server, %d answered + 3 refused", got, res.Usage.Requests)
	}
}

func TestFatalErrorsStopAtOnce(t *testing.T) {
	v := probeSample(t)
	srv := openaitest.New(t)
	srv.Script = func(openaitest.Request) openaitest.Reply {
		return openaitest.Reply{Status: 401, Body: `{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}`}
	}
	cfg := sampleConfig()
	cfg.Model.Concurrency = 1
	_, err := Run(t.Context(), retryingClient(srv, 5, 0), v, cfg, quiet)
	var api *llm.APIError
	if !errors.As(err, &api) || api.Status != 401 {
		t.Fatalf("error %v", err)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("a 401 was sent %d times", n)
	}
}

// TestResumeAfterInterrupt: a run cancelled midway keeps every answer it
// received; the next run sends only the requests not yet answered.
func TestResumeAfterInterrupt(t *testing.T) {
	v := probeSample(t)
	cache := &llm.Cache{Dir: t.TempDir()}
	first := openaitest.New(t)
	ctx, cancel := context.WithCancel(t.Context())
	var answered atomic.Int32
	first.Script = func(r openaitest.Request) openaitest.Reply {
		if answered.Load() >= 4 {
			cancel() // the user presses Ctrl-C while this request is in flight
			<-r.Context().Done()
			return openaitest.Reply{Status: 503}
		}
		answered.Add(1)
		return openaitest.Reply{}
	}
	cfg := sampleConfig()
	cfg.Model.Concurrency = 1
	if _, err := Run(ctx, cachingClient(first, 2, 0, cache), v, cfg, quiet); !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: %v", err)
	}
	second := openaitest.New(t)
	res, err := Run(t.Context(), cachingClient(second, 2, 0, cache), v, cfg, quiet)
	if err != nil {
		t.Fatal(err)
	}
	chunkReqs := len(second.Requests()) - 1 // the last is the merge
	if want := len(res.Chunks) - 4; chunkReqs != want || res.Usage.Cached != 4 {
		t.Errorf("resumed run sent %d chunk requests (cached %d), want %d: the 4 answered before must not be paid again",
			chunkReqs, res.Usage.Cached, want)
	}
	third := openaitest.New(t)
	if _, err := Run(t.Context(), cachingClient(third, 2, 0, cache), v, cfg, quiet); err != nil {
		t.Fatal(err)
	}
	if n := len(third.Requests()); n != 0 {
		t.Errorf("a third identical run sent %d requests, want 0", n)
	}
	checkCacheFiles(t, cache.Dir)
}

// checkCacheFiles: entries are private, complete JSON, and hold no key.
func checkCacheFiles(t *testing.T, dir string) {
	t.Helper()
	n := 0
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		n++
		info, _ := d.Info()
		if info.Mode().Perm() != 0o600 || !strings.HasSuffix(p, ".json") {
			t.Errorf("%s: mode %v", p, info.Mode().Perm())
		}
		data, _ := os.ReadFile(p)
		if strings.Contains(string(data), "sk-never-stored") || !strings.HasPrefix(string(data), "{") {
			t.Errorf("%s: holds the key, or is not an entry", p)
		}
		return nil
	})
	if n == 0 {
		t.Error("no cache entries")
	}
}

func TestSplitWhenTooManyImages(t *testing.T) {
	v := probeSample(t)
	srv := openaitest.New(t)
	srv.Script = func(r openaitest.Request) openaitest.Reply {
		if len(r.Images) > 3 {
			return openaitest.Reply{Status: 400, Body: `{"error":{"message":"Too many images in request. Max is 3.","type":"invalid_request_error"}}`}
		}
		return openaitest.Reply{}
	}
	cfg := sampleConfig()
	cfg.Chunk.FramesPerRequest = 10
	res, err := Run(t.Context(), retryingClient(srv, 0, 0), v, cfg, quiet)
	if err != nil {
		t.Fatal(err)
	}
	frames := 0
	for _, c := range res.Chunks {
		frames += len(c.FrameTimes)
		if len(c.FrameTimes) > 3 {
			t.Errorf("a chunk of %d frames was described", len(c.FrameTimes))
		}
	}
	if frames != res.Frames.Kept {
		t.Errorf("after splitting, %d of %d frames described", frames, res.Frames.Kept)
	}
}

// TestOneImageServer: a server that takes one image a request and says so
// with a 500 (as Ollama does for llama3.2-vision) is not retried but split.
func TestOneImageServer(t *testing.T) {
	v := probeSample(t)
	srv := openaitest.New(t)
	srv.Script = func(r openaitest.Request) openaitest.Reply {
		if len(r.Images) > 1 {
			return openaitest.Reply{Status: 500, Body: `{"error":{"message":"vision model only supports a single image per message","type":"api_error"}}`}
		}
		return openaitest.Reply{}
	}
	cfg := sampleConfig()
	cfg.Chunk.FramesPerRequest = 4
	res, err := Run(t.Context(), retryingClient(srv, 5, 0), v, cfg, quiet)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Chunks) != res.Frames.Kept {
		t.Errorf("%d chunks for %d frames", len(res.Chunks), res.Frames.Kept)
	}
	refused := 0
	for _, r := range srv.Requests() {
		if len(r.Images) > 1 {
			refused++
		}
	}
	// Chunks of 4 split to 2 and then 1: each refusal is sent once, never retried.
	var refusals func(n int) int
	refusals = func(n int) int {
		if n <= 1 {
			return 0
		}
		return 1 + refusals(n/2) + refusals(n-n/2)
	}
	want := 0
	for k := res.Frames.Kept; k > 0; k -= 4 {
		want += refusals(min(k, 4))
	}
	if refused != want {
		t.Errorf("%d refused requests, want %d (one per split, no retries)", refused, want)
	}
}

func TestFailedChunksAndPartial(t *testing.T) {
	v := probeSample(t)
	for _, partial := range []bool{false, true} {
		srv := openaitest.New(t)
		srv.Script = func(r openaitest.Request) openaitest.Reply {
			if len(r.Images) > 0 && r.Images[0].Label == "[00:00:02]" {
				return openaitest.Reply{Status: 503, Body: "upstream overloaded"}
			}
			return openaitest.Reply{}
		}
		cfg := sampleConfig()
		cfg.Partial = partial
		res, err := Run(t.Context(), retryingClient(srv, 2, 0), v, cfg, quiet)
		if !errors.Is(err, ErrPartial) || !strings.Contains(err.Error(), "00:00:02-00:00:02") {
			t.Fatalf("partial=%v: error %v", partial, err)
		}
		if partial != (res.Summary != "") {
			t.Errorf("partial=%v: summary %q", partial, res.Summary)
		}
		if partial && (!res.Partial || len(res.Failed) != 1 || int(res.Failed[0].Start) != 2) {
			t.Errorf("partial result not marked: %+v", res)
		}
	}
}

// TestFinishReasons: descriptions cut at the limit or withheld, and a cut
// summary, are listed as incomplete, with ErrIncomplete; the text never
// names a flag.
func TestFinishReasons(t *testing.T) {
	v := probeSample(t)
	srv := openaitest.New(t)
	srv.Script = func(r openaitest.Request) openaitest.Reply {
		switch {
		case len(r.Images) > 0 && r.Images[0].Label == "[00:00:01]":
			return openaitest.Reply{Content: "The frame shows a", FinishReason: "length"}
		case len(r.Images) > 0 && r.Images[0].Label == "[00:00:02]":
			return openaitest.Reply{Content: " ", FinishReason: "content_filter"}
		case len(r.Images) == 0:
			return openaitest.Reply{Content: "The video begins with", FinishReason: "length"}
		}
		return openaitest.Reply{}
	}
	res, err := Run(t.Context(), retryingClient(srv, 0, 0), v, sampleConfig(), quiet)
	if !errors.Is(err, ErrIncomplete) {
		t.Fatalf("error %v, want ErrIncomplete", err)
	}
	want := []string{"00:00:01-00:00:01 description cut off at the token limit",
		"00:00:02-00:00:02 description withheld by the provider's content filter", "summary cut off at the token limit"}
	var got []string
	for _, p := range res.Incomplete {
		got = append(got, p.String())
	}
	if strings.Join(got, "|") != strings.Join(want, "|") || !strings.Contains(err.Error(), want[0]) {
		t.Errorf("incomplete %q, error %v; want %q", got, err, want)
	}
	if res.Summary != "The video begins with" || strings.Contains(err.Error()+res.Summary, "--") {
		t.Errorf("summary %q, error %v", res.Summary, err)
	}
	if res.Chunks[1].FinishReason != "length" || res.Chunks[2].FinishReason != "content_filter" {
		t.Errorf("finish reasons not kept in the chunks: %+v", res.Chunks[:3])
	}
}

// TestFatalStopsInFlight: a fatal answer to one request cancels the
// others in flight at once, and no more are sent.
func TestFatalStopsInFlight(t *testing.T) {
	v := probeSample(t)
	srv := openaitest.New(t)
	var cancelled atomic.Int32
	srv.Script = func(r openaitest.Request) openaitest.Reply {
		if r.N == 3 {
			time.Sleep(100 * time.Millisecond)
			return openaitest.Reply{Status: 400, Body: `{"error":{"message":"The model 'gpt-9' does not exist","type":"invalid_request_error"}}`}
		}
		select {
		case <-r.Context().Done():
			cancelled.Add(1)
		case <-time.After(20 * time.Second):
		}
		return openaitest.Reply{Status: 503}
	}
	cfg := sampleConfig()
	cfg.Model.Concurrency = 4
	start := time.Now()
	_, err := Run(t.Context(), retryingClient(srv, 5, 0), v, cfg, quiet)
	took := time.Since(start)
	var api *llm.APIError
	if !errors.As(err, &api) || api.Status != 400 {
		t.Fatalf("error %v", err)
	}
	if n := len(srv.Requests()); n != 4 || cancelled.Load() != 3 || took > 10*time.Second {
		t.Errorf("%d requests, %d cancelled by the fatal answer, run took %v: want 4, 3, at once", n, cancelled.Load(), took)
	}
}

// TestNoGoroutineOutlivesCancel: after a cancelled run returns, ffmpeg's
// readers, the stages and in-flight requests have all ended.
func TestNoGoroutineOutlivesCancel(t *testing.T) {
	v := probeSample(t)
	before := runtime.NumGoroutine()
	srv := openaitest.New(t)
	srv.Script = func(r openaitest.Request) openaitest.Reply {
		<-r.Context().Done()
		return openaitest.Reply{Status: 503}
	}
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	if _, err := Run(ctx, retryingClient(srv, 5, 0), v, sampleConfig(), quiet); err == nil {
		t.Fatal("cancelled run succeeded")
	}
	http.DefaultClient.CloseIdleConnections()
	http.DefaultTransport.(*http.Transport).CloseIdleConnections()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before+2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before+2 {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines before, %d after:\n%s", before, n, buf[:runtime.Stack(buf, true)])
	}
}
