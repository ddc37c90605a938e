package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vidskim/vidskim/llm/openaitest"
)

// batchClient is a client of srv with a cache, deferring image requests.
func batchClient(t *testing.T, srv *openaitest.Server, cfg Config) (*Client, *Deferral) {
	t.Helper()
	d, err := NewDeferral(filepath.Join(t.TempDir(), "spool.jsonl"), ChatRequest.HasImages)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if cfg.BaseURL == "" && cfg.Azure == nil {
		cfg.BaseURL = srv.BaseURL()
	}
	cfg.Key, cfg.MaxRetries, cfg.Timeout, cfg.MinBackoff, cfg.MaxBackoff = "sk-batch-secret", 2, 5*time.Second, time.Millisecond, 10*time.Millisecond
	cfg.Cache = &Cache{Dir: t.TempDir()}
	cfg.Defer = d
	return New(cfg), d
}

// requests is n distinct one-image requests.
func requests(t *testing.T, n int) []ChatRequest {
	var out []ChatRequest
	for i := range n {
		r := imageRequest(t)
		r.System = fmt.Sprintf("describe %d", i)
		out = append(out, r)
	}
	return out
}

// TestBatchRoundTrip: requests deferred, split into files, uploaded,
// batched, the output downloaded and stored; then Chat answers every one
// from the batch (Batch set, no live request), and a batch line's body is
// byte for byte the body the same request sends live.
func TestBatchRoundTrip(t *testing.T) {
	srv := openaitest.New(t)
	srv.Batch.Polls = 2
	c, d := batchClient(t, srv, Config{})
	reqs := requests(t, 5)
	for _, r := range reqs {
		if _, err := c.Chat(t.Context(), r); !errors.Is(err, ErrDeferred) {
			t.Fatalf("Chat: %v, want ErrDeferred", err)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Fatalf("%d live requests while deferring", n)
	}
	files, tooBig, err := d.Split(d.Keys(), filepath.Join(t.TempDir(), "in"), 2, 0)
	if err != nil || len(files) != 3 || len(tooBig) != 0 {
		t.Fatalf("split: %d files (want 3 of at most 2 lines), %v, %v", len(files), tooBig, err)
	}
	ba := NewBatchAnswers()
	for _, f := range files {
		collect(t, c, f, ba)
	}
	if ba.Len() != 5 {
		t.Fatalf("%d answers from the batches, want 5", ba.Len())
	}
	c.cfg.Defer, c.cfg.Batched = nil, ba
	for _, r := range reqs {
		a, err := c.Chat(t.Context(), r)
		if err != nil || !a.Batch || a.Cached || !strings.HasPrefix(a.Text, "Saw 1 frames") {
			t.Fatalf("answer %+v, err %v: want the batch's", a, err)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d live requests for answers the batches gave", n)
	}
	// The same request sent live (no cache) carries the line's body.
	live := New(Config{BaseURL: srv.BaseURL(), Key: "sk-batch-secret"})
	if _, err := live.Chat(t.Context(), reqs[0]); err != nil {
		t.Fatal(err)
	}
	sent, lines := srv.Requests()[0].Body, srv.BatchRequests()
	if got := lineBody(t, lines, reqs[0].System); !jsonEqual(got, sent) {
		t.Errorf("batch line body differs from the live body:\n%v\n%v", got, sent)
	}
}

// collect uploads f, batches it, waits for it and stores its answers.
func collect(t *testing.T, c *Client, f BatchFile, ba *BatchAnswers) Batch {
	t.Helper()
	bs := c.Batches()
	id, err := bs.Upload(t.Context(), f.Path, filepath.Base(f.Path))
	if err != nil {
		t.Fatal(err)
	}
	b, err := bs.Create(t.Context(), id, map[string]string{"vidskim": "test"})
	if err != nil {
		t.Fatal(err)
	}
	for !b.Done() {
		if b, err = bs.Get(t.Context(), b.ID); err != nil {
			t.Fatal(err)
		}
	}
	for _, fid := range []string{b.OutputFileID, b.ErrorFileID} {
		if fid == "" {
			continue
		}
		dest := filepath.Join(t.TempDir(), fid)
		if _, err := bs.Download(t.Context(), fid, dest); err != nil {
			t.Fatal(err)
		}
		if err := c.ReadResults(dest, func(r BatchResult) {
			if r.Err == nil {
				ba.Add(r.Key, r.Answer, r.Cached)
			}
		}); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

func lineBody(t *testing.T, lines []openaitest.Request, system string) map[string]any {
	for _, l := range lines {
		if strings.Contains(fmt.Sprint(l.Body["messages"]), system+"]") || strings.Contains(fmt.Sprint(l.Body["messages"]), system+" ") {
			return l.Body
		}
	}
	t.Fatalf("no batch line for %q", system)
	return nil
}

func jsonEqual(a, b map[string]any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// TestBatchTemperatureZeroAndAzure: the fields go-openai cannot express
// reach batch lines as they reach live requests; Azure's v1 API is used
// with the api-key header, /chat/completions as the endpoint and the
// global-batch deployment as every line's model.
func TestBatchTemperatureZeroAndAzure(t *testing.T) {
	srv := openaitest.New(t)
	srv.BaseURL()
	zero := float32(0)
	az := &Azure{Endpoint: srv.URL, Deployment: "live-dep", BatchDeployment: "gpt-4.1-mini-batch"}
	c, d := batchClient(t, srv, Config{Azure: az, Temperature: &zero})
	if _, err := c.Chat(t.Context(), imageRequest(t)); !errors.Is(err, ErrDeferred) {
		t.Fatal(err)
	}
	files, _, err := d.Split(d.Keys(), filepath.Join(t.TempDir(), "in"), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	ba := NewBatchAnswers()
	collect(t, c, files[0], ba)
	lines := srv.BatchRequests()
	if len(lines) != 1 || lines[0].Model != "gpt-4.1-mini-batch" || lines[0].Body["temperature"] != float64(0) || lines[0].Path != "/chat/completions" {
		t.Fatalf("Azure batch line: model %q, temperature %v, url %q", lines[0].Model, lines[0].Body["temperature"], lines[0].Path)
	}
	if ba.Len() != 1 {
		t.Errorf("no answer stored from the Azure batch")
	}
}

// TestBatchFailedLines: a line answered 500 in the batch comes back as
// an *APIError with its status; an expired batch's lines not run come
// back as *LineError; nothing is cached for them.
func TestBatchFailedLines(t *testing.T) {
	srv := openaitest.New(t)
	srv.Batch.Expire = 2
	srv.Script = func(r openaitest.Request) openaitest.Reply {
		if strings.Contains(fmt.Sprint(r.Body["messages"]), "describe 0") {
			return openaitest.Reply{Status: 500, Body: `{"error":{"message":"server had an error sk-batch-secret"}}`}
		}
		return openaitest.Reply{}
	}
	c, d := batchClient(t, srv, Config{})
	for _, r := range requests(t, 4) {
		c.Chat(t.Context(), r)
	}
	files, _, _ := d.Split(d.Keys(), filepath.Join(t.TempDir(), "in"), 0, 0)
	ba := NewBatchAnswers()
	b := collect(t, c, files[0], ba)
	if b.Status != "expired" || b.Completed != 1 || b.Failed != 3 {
		t.Fatalf("batch %+v: want expired, 1 answered, 3 failed", b)
	}
	var statuses, codes []string
	dest := filepath.Join(t.TempDir(), "errors")
	if _, err := c.Batches().Download(t.Context(), b.ErrorFileID, dest); err != nil {
		t.Fatal(err)
	}
	c.ReadResults(dest, func(r BatchResult) {
		var ae *APIError
		var le *LineError
		switch {
		case errors.As(r.Err, &ae):
			statuses = append(statuses, fmt.Sprint(ae.Status))
			if strings.Contains(ae.Message, "sk-batch-secret") {
				t.Errorf("the key reached an error: %q", ae.Message)
			}
		case errors.As(r.Err, &le):
			codes = append(codes, le.Code)
		}
	})
	if strings.Join(statuses, ",") != "500" || strings.Join(codes, ",") != "batch_expired,batch_expired" {
		t.Errorf("failed lines: statuses %v, codes %v", statuses, codes)
	}
}

// TestBatchUnsupported: a server with chat but no Batch API gets an error
// naming the endpoint it lacks.
func TestBatchUnsupported(t *testing.T) {
	srv := openaitest.New(t)
	srv.Batch.Off = true
	c, _ := batchClient(t, srv, Config{})
	p := filepath.Join(t.TempDir(), "in.jsonl")
	os.WriteFile(p, []byte("{}\n"), 0o600)
	_, err := c.Batches().Upload(t.Context(), p, "in.jsonl")
	var ue *UnsupportedError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "no POST /files endpoint") || !strings.Contains(err.Error(), srv.BaseURL()) {
		t.Fatalf("error %v, want one naming POST /files", err)
	}
}

// TestDownloadBounded: a download is streamed to disk and refused past the
// bound, a redirect is refused, a stalled body times out.
func TestDownloadBounded(t *testing.T) {
	old := maxFileBytes
	maxFileBytes = 1 << 20
	defer func() { maxFileBytes = old }()
	stall := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.Contains(r.URL.Path, "big"):
			chunk := strings.Repeat("x", 64<<10)
			for range 40 {
				w.Write([]byte(chunk))
			}
		case strings.Contains(r.URL.Path, "moved"):
			http.Redirect(w, r, "http://elsewhere.invalid/x", http.StatusFound)
		case strings.Contains(r.URL.Path, "stall"):
			w.Write([]byte("{}\n"))
			w.(http.Flusher).Flush()
			<-stall
		default:
			w.Write([]byte("{}\n"))
		}
	})
	srv := httptest.NewServer(h)
	defer srv.Close()
	defer close(stall)
	c := New(Config{BaseURL: srv.URL + "/v1", Timeout: 300 * time.Millisecond, MaxRetries: 0})
	dest := filepath.Join(t.TempDir(), "out.jsonl")
	if n, err := c.Batches().Download(t.Context(), "ok", dest); err != nil || n != 3 {
		t.Fatalf("small file: %d bytes, %v", n, err)
	}
	for _, tt := range []struct{ id, want string }{{"big", "larger than"}, {"moved", "redirecting"}, {"stall", "no whole answer within"}} {
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		_, err := c.Batches().Download(ctx, tt.id, filepath.Join(t.TempDir(), tt.id))
		cancel()
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.id, err, tt.want)
		}
	}
	if b, _ := os.ReadFile(dest); string(b) != "{}\n" {
		t.Errorf("the file written is %q", b)
	}
}
