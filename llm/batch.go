package llm

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	openai "github.com/sashabaranov/go-openai"

	"github.com/vidskim/vidskim/outfile"
)

// The Batch API's limits on one input file.
const (
	MaxBatchLines = 50000
	MaxBatchBytes = 200_000_000 // 200 MB, read as the smaller of its two meanings
)

// ErrDeferred is what Chat returns for a request a Deferral collected: not
// a failure, the request waits for its batch. The pipeline records it as a
// chunk it could not describe, and does not merge.
var ErrDeferred = errors.New("deferred to a batch")

// Deferral collects the chat requests a run would send, as lines of a
// Batch API input file, instead of sending them. A request with its images
// is hundreds of kilobytes, so the lines go to a spool file on disk as they
// come and memory holds only their keys and places.
type Deferral struct {
	// Wants says which requests to collect; the others are sent live.
	Wants func(ChatRequest) bool

	mu    sync.Mutex
	f     *os.File
	end   int64
	lines []spooled
	seen  map[string]bool
}

type spooled struct {
	key       string
	off, size int64
}

// NewDeferral collects into a new spool file at path (owner only).
func NewDeferral(path string, wants func(ChatRequest) bool) (*Deferral, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Dir(path), outfile.Cause(err))
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, outfile.Cause(err))
	}
	return &Deferral{Wants: wants, f: f, seen: map[string]bool{}}, nil
}

// Close closes and removes the spool file.
func (d *Deferral) Close() error {
	d.f.Close()
	return os.Remove(d.f.Name())
}

// add spools l, once per key.
func (d *Deferral) add(l BatchLine) error {
	b, err := l.JSONL()
	if err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.seen[l.Key] {
		return nil
	}
	if _, err := d.f.WriteAt(append(b, '\n'), d.end); err != nil {
		return fmt.Errorf("batch spool %s: %w", d.f.Name(), outfile.Cause(err))
	}
	d.lines = append(d.lines, spooled{l.Key, d.end, int64(len(b)) + 1})
	d.end += int64(len(b)) + 1
	d.seen[l.Key] = true
	return nil
}

// Keys are the keys collected, in order.
func (d *Deferral) Keys() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]string, len(d.lines))
	for i, l := range d.lines {
		out[i] = l.key
	}
	return out
}

// BatchFile is one input file written for a batch.
type BatchFile struct {
	Path  string
	Keys  []string
	Bytes int64
}

// Split writes the lines of keys (in the order collected) into input files
// named prefix-1.jsonl, prefix-2.jsonl... of at most maxLines lines and
// maxBytes bytes each (0: the Batch API's limits). A line larger than a
// whole file can be is left out and returned in tooBig.
func (d *Deferral) Split(keys []string, prefix string, maxLines int, maxBytes int64) (files []BatchFile, tooBig []string, err error) {
	if maxLines <= 0 {
		maxLines = MaxBatchLines
	}
	if maxBytes <= 0 {
		maxBytes = MaxBatchBytes
	}
	want := map[string]bool{}
	for _, k := range keys {
		want[k] = true
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	var cur *os.File
	for _, l := range d.lines {
		switch {
		case !want[l.key]:
			continue
		case l.size > maxBytes:
			tooBig = append(tooBig, l.key)
			continue
		}
		if n := len(files); n == 0 || len(files[n-1].Keys) >= maxLines || files[n-1].Bytes+l.size > maxBytes {
			if cur, err = d.next(cur, &files, prefix); err != nil {
				return files, tooBig, err
			}
		}
		last := &files[len(files)-1]
		if _, err := io.Copy(cur, io.NewSectionReader(d.f, l.off, l.size)); err != nil {
			cur.Close()
			return files, tooBig, fmt.Errorf("%s: %w", last.Path, outfile.Cause(err))
		}
		last.Keys, last.Bytes = append(last.Keys, l.key), last.Bytes+l.size
	}
	if cur != nil {
		if err := cur.Close(); err != nil {
			return files, tooBig, fmt.Errorf("%s: %w", cur.Name(), outfile.Cause(err))
		}
	}
	return files, tooBig, nil
}

// next closes the file being written and starts the next.
func (d *Deferral) next(cur *os.File, files *[]BatchFile, prefix string) (*os.File, error) {
	if cur != nil {
		if err := cur.Close(); err != nil {
			return nil, fmt.Errorf("%s: %w", cur.Name(), outfile.Cause(err))
		}
	}
	p := fmt.Sprintf("%s-%d.jsonl", prefix, len(*files)+1)
	f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, outfile.Cause(err))
	}
	*files = append(*files, BatchFile{Path: p})
	return f, nil
}

// BatchLine is one request of a batch input file.
type BatchLine struct {
	Key  string          // custom_id: the request's answer-cache key
	URL  string          // the endpoint, as the provider names it in batch files
	Body json.RawMessage // the request body, exactly as it is sent live
}

// JSONL is the line as an input file holds it.
func (l BatchLine) JSONL() ([]byte, error) {
	return json.Marshal(struct {
		CustomID string          `json:"custom_id"`
		Method   string          `json:"method"`
		URL      string          `json:"url"`
		Body     json.RawMessage `json:"body"`
	}{l.Key, "POST", l.URL, l.Body})
}

// batchLine is req as a batch line under its cache key: the body the live
// path sends (go-openai's JSON with the fields it cannot express put
// back); on Azure the model is the global-batch deployment.
func (c *Client) batchLine(key string, req openai.ChatCompletionRequest) (BatchLine, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return BatchLine{}, err
	}
	fields := map[string]any{}
	for k, v := range c.cfg.bodyFields() {
		fields[k] = v
	}
	if az := c.cfg.Azure; az != nil {
		fields["model"] = az.batchDeployment(req.Model)
	}
	return BatchLine{Key: key, URL: c.cfg.batchEndpoint(), Body: patchBody(body, fields)}, nil
}

// BatchAnswers are the answers batches gave this run, by request key.
// Chat gives them before anything else (Answer.Batch set), so they count
// as requests paid at batch prices, not as cache hits. Whole answers are
// in the cache and only their keys are kept here; others (cut at the
// limit, filtered) are kept whole, as the cache keeps no such answer.
type BatchAnswers struct {
	mu    sync.Mutex
	keys  map[string]bool
	whole map[string]Answer
	used  map[string]bool
}

// NewBatchAnswers is an empty set.
func NewBatchAnswers() *BatchAnswers {
	return &BatchAnswers{keys: map[string]bool{}, whole: map[string]Answer{}, used: map[string]bool{}}
}

// Add notes the answer to key: cached says it is in the cache.
func (b *BatchAnswers) Add(key string, a Answer, cached bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if cached {
		b.keys[key] = true
		return
	}
	a.Batch, a.Cached = true, false
	b.whole[key] = a
}

// Len is how many answers the set holds.
func (b *BatchAnswers) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.keys) + len(b.whole)
}

// Has reports an answer to key in the set.
func (b *BatchAnswers) Has(key string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	_, whole := b.whole[key]
	return whole || b.keys[key]
}

// Used are the keys Chat answered from the set.
func (b *BatchAnswers) Used() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]string, 0, len(b.used))
	for k := range b.used {
		out = append(out, k)
	}
	return out
}

// answer is key's batch answer, if the set has one.
func (b *BatchAnswers) answer(key string, ca *Cache) (Answer, bool) {
	if b == nil {
		return Answer{}, false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	a, ok := b.whole[key]
	if !ok && b.keys[key] {
		if a, ok = ca.getChat(key); ok {
			a.Batch, a.Cached = true, false
		}
	}
	if ok {
		b.used[key] = true
	}
	return a, ok
}
