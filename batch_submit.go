package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/vidskim/vidskim/library"
	"github.com/vidskim/vidskim/llm"
	"github.com/vidskim/vidskim/render"
	"github.com/vidskim/vidskim/textsafe"
)

// batcher sends collected requests as batches and waits for them: the
// Batch API's second phase, shared by summarize --batch and vidskim
// batch. Every batch is recorded in the library before its file is
// uploaded, its file ID and batch ID as soon as they come, so a process
// killed at any moment leaves enough for the next to pick the batch up
// instead of paying for it again.
type batcher struct {
	lib     *library.Library
	client  *llm.Client
	api     *llm.Batches
	server  string
	dir     string
	answers *llm.BatchAnswers
	poll    time.Duration
	w       io.Writer
	failed  map[string]error // requests their batches gave no answer to
	sent    int              // requests sent or waited for in this round
	stopped []string         // batches cancelled while this run waited
}

// maxPoll is the longest wait between looks at a batch.
const maxPoll = 5 * time.Minute

func newBatcher(c *cli.Context, lib *library.Library, cfg llm.Config, answers *llm.BatchAnswers, w io.Writer) (*batcher, error) {
	dir, err := batchDir(cfg.Cache)
	if err != nil {
		return nil, err
	}
	cfg.Defer, cfg.Budget = nil, llm.Budget{}
	client := llm.New(cfg)
	return &batcher{lib: lib, client: client, api: client.Batches(), server: textsafe.Redact(cfg.Endpoint()), dir: dir, answers: answers,
		poll: c.Duration("batch-poll"), w: w, failed: map[string]error{}}, nil
}

func (bt *batcher) close() { bt.client.Close() }

func (bt *batcher) say(format string, a ...any) {
	if bt.w != nil {
		fmt.Fprintf(bt.w, "batch: "+format+"\n", a...)
	}
}

// send batches keys (collected in d): those already in a batch sent
// before are waited for, not sent again; those answered before but gone
// from the cache are read again from their batch's output; the rest go in
// new batches. Then it waits for them all, and retries what failed as
// retry says (live: left to be sent live; batch: in new batches first).
func (bt *batcher) send(ctx context.Context, d *llm.Deferral, keys []string, retry string) error {
	keys = bt.without(keys)
	if len(keys) == 0 {
		return nil
	}
	open, err := bt.resume(ctx, keys)
	if err != nil {
		return err
	}
	fresh, err := bt.reread(ctx, without(keys, open))
	if err != nil {
		return err
	}
	bt.sent += len(keys)
	bt.say("%s to batch: %d sent before and still in their batches, %d new", render.Count(len(keys), "request"), len(open), len(fresh))
	ids, err := bt.submit(ctx, d, fresh)
	if err != nil {
		return err
	}
	if err := bt.wait(ctx, append(distinct(open), ids...)); err != nil {
		return err
	}
	for round := 0; retry == "batch" && round < 2; round++ {
		again := bt.retryable(keys)
		if len(again) == 0 {
			break
		}
		bt.say("%s failed in their batches: sending them in a new batch", render.Count(len(again), "request"))
		if ids, err = bt.submit(ctx, d, again); err != nil {
			return err
		}
		if err := bt.wait(ctx, ids); err != nil {
			return err
		}
	}
	return bt.report(keys)
}

// resume moves on the batches that hold keys and are not done: uploads
// a file a killed run recorded but may not have sent, creates a batch it
// may not have created (finding either at the provider first). It returns
// which batch each key waits in; the keys of a batch given up are left
// out, to be sent anew.
func (bt *batcher) resume(ctx context.Context, keys []string) (map[string]int64, error) {
	open, err := bt.lib.RequestsIn(ctx, keys, library.RequestPending)
	if err != nil {
		return nil, err
	}
	for _, id := range distinct(open) {
		if err := bt.advance(ctx, id, true); err != nil {
			return nil, err
		}
	}
	return bt.lib.RequestsIn(ctx, keys, library.RequestPending)
}

// reread reads again the outputs of the done batches that answered some
// of keys (answers lost from the cache since); what cannot be read again
// is returned, to be sent anew.
func (bt *batcher) reread(ctx context.Context, keys []string) ([]string, error) {
	done, err := bt.lib.RequestsIn(ctx, keys, library.RequestAnswered, library.RequestCounted)
	if err != nil || len(done) == 0 {
		return keys, err
	}
	for _, id := range distinct(done) {
		row, err := bt.lib.Batch(ctx, strconv.FormatInt(id, 10))
		if err != nil {
			return nil, err
		}
		if _, err := bt.results(ctx, row, llm.Batch{Status: row.Status, OutputFileID: row.OutputFileID}); err != nil {
			bt.say("the answers of batch %s cannot be read again (%s): sending them anew", row.BatchID, textsafe.Line(err.Error()))
		}
	}
	var out []string
	for _, k := range keys {
		if _, ok := done[k]; !ok || !bt.answered(k) {
			out = append(out, k)
		}
	}
	return out, nil
}

// answered reports a key the answers hold.
func (bt *batcher) answered(k string) bool { return bt.answers.Has(k) }

// submit writes keys into batch files (at most 50,000 requests and 200
// MB each), and for each records the batch, uploads the file and creates
// the batch.
func (bt *batcher) submit(ctx context.Context, d *llm.Deferral, keys []string) ([]int64, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	maxLines, _ := strconv.Atoi(os.Getenv("VIDSKIM_BATCH_MAX_LINES")) // tests lower it, to split
	files, tooBig, err := d.Split(keys, filepath.Join(bt.dir, "vidskim-"+randomHex(6)), maxLines, 0)
	for _, k := range tooBig {
		bt.failed[k] = errors.New("larger than a batch file may be")
	}
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, f := range files {
		id, err := bt.lib.AddBatch(ctx, library.BatchRow{Name: filepath.Base(f.Path), Server: bt.server, InputPath: f.Path, Bytes: f.Bytes}, f.Keys)
		if err != nil {
			return ids, err
		}
		ids = append(ids, id)
		for _, k := range f.Keys {
			delete(bt.failed, k)
		}
		if err := bt.advance(ctx, id, false); err != nil {
			return ids, err
		}
	}
	return ids, nil
}

// advance takes a recorded batch as far as submitted: its file uploaded
// (or, resuming, found at the provider under its name), its batch created
// (or, resuming, found made from that file). A batch whose file is gone
// from the disk before it was sent is given up.
func (bt *batcher) advance(ctx context.Context, id int64, resuming bool) error {
	row, err := bt.lib.Batch(ctx, strconv.FormatInt(id, 10))
	if err != nil || !row.Open() {
		return err
	}
	if row.Server != bt.server {
		return usageError{fmt.Errorf("batch %d was sent to %s, not %s: name that server (--base-url or --azure-endpoint)", row.ID, row.Server, bt.server)}
	}
	if row.State == library.BatchUploading {
		fileID, found := "", false
		if resuming {
			if fileID, found, err = bt.api.FindFile(ctx, row.Name); err != nil {
				return err
			}
		}
		if !found {
			if _, err := os.Stat(row.InputPath); err != nil {
				return bt.lib.AbandonBatch(ctx, id, "its input file is gone: "+err.Error())
			}
			if fileID, err = bt.api.Upload(ctx, row.InputPath, row.Name); err != nil {
				return err
			}
		}
		if err := bt.lib.SetBatchFile(ctx, id, fileID); err != nil {
			return err
		}
		row.State, row.FileID = library.BatchUploaded, fileID
		bt.say("uploaded %s (%s, %.1f MB) as %s", row.Name, render.Count(row.Requests, "request"), float64(row.Bytes)/1e6, fileID)
	}
	if row.State != library.BatchUploaded {
		return nil
	}
	b, found := llm.Batch{}, false
	if resuming {
		if b, found, err = bt.api.FindBatch(ctx, row.FileID, 10); err != nil {
			return err
		}
	}
	if !found {
		if b, err = bt.api.Create(ctx, row.FileID, map[string]string{"vidskim": row.Name}); err != nil {
			return err
		}
	}
	bt.say("batch %s of %s created: %s", b.ID, row.Name, b.Status)
	return bt.lib.SetBatchID(ctx, id, b.ID, b.Status)
}

// report says which requests got no answer from their batches, and
// stops the run when a batch was cancelled.
func (bt *batcher) report(keys []string) error {
	n, first := 0, ""
	for _, k := range keys {
		if err, ok := bt.failed[k]; ok {
			if n++; first == "" {
				first = textsafe.Brief(err.Error(), 200)
			}
		}
	}
	if n > 0 {
		bt.say("%d of %s got no answer from their batches (%s): they are sent live now, at the standard price", n, render.Count(len(keys), "request"), first)
	}
	if len(bt.stopped) > 0 {
		return fmt.Errorf("batch %s was cancelled: the answers it gave are kept; run the same command to batch the rest", strings.Join(bt.stopped, ", "))
	}
	return nil
}

// retryable are the keys that failed for a reason a new batch may not
// meet again: a 429 or 5xx, the batch expiring, a broken answer.
func (bt *batcher) retryable(keys []string) []string {
	var out []string
	for _, k := range keys {
		err, ok := bt.failed[k]
		var ae *llm.APIError
		if ok && (!errors.As(err, &ae) || ae.Status == http.StatusTooManyRequests || ae.Status >= 500) {
			out = append(out, k)
		}
	}
	return out
}

// without is keys less those that already failed in a batch: they are
// sent live.
func (bt *batcher) without(keys []string) []string {
	var out []string
	for _, k := range keys {
		if _, ok := bt.failed[k]; !ok {
			out = append(out, k)
		}
	}
	return out
}

// without is keys less those in m.
func without[V any](keys []string, m map[string]V) []string {
	var out []string
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			out = append(out, k)
		}
	}
	return out
}

// distinct is the batches of a key-to-batch map, in order.
func distinct(m map[string]int64) []int64 {
	seen := map[int64]bool{}
	var out []int64
	for _, id := range m {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
