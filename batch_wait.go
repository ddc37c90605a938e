package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/vidskim/vidskim/library"
	"github.com/vidskim/vidskim/llm"
	"github.com/vidskim/vidskim/render"
	"github.com/vidskim/vidskim/textsafe"
)

// wait polls the batches until every one has ended, each look a little
// later than the last (from --batch-poll up to 5 minutes), saying how each
// goes (its status and request counts) when that changes; each batch that
// ends has its answers read into the cache at once.
func (bt *batcher) wait(ctx context.Context, ids []int64) error {
	pending := map[int64]string{} // the last line said of each
	for _, id := range ids {
		pending[id] = ""
	}
	delay, start := bt.poll, time.Now()
	for len(pending) > 0 {
		for _, id := range ids {
			last, ok := pending[id]
			if !ok {
				continue
			}
			done, line, err := bt.look(ctx, id)
			if err != nil {
				return bt.stoppedWaiting(ctx, pending, err)
			}
			if line != last {
				bt.say("%s (%s)", line, time.Since(start).Round(time.Second))
				pending[id] = line
			}
			if done {
				delete(pending, id)
			}
		}
		if len(pending) == 0 {
			break
		}
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			return bt.stoppedWaiting(ctx, pending, ctx.Err())
		}
		delay = min(delay*3/2, maxPoll)
	}
	return nil
}

// look asks for the batch's state, notes it, and once it ended reads its
// answers. line says how it goes.
func (bt *batcher) look(ctx context.Context, id int64) (done bool, line string, err error) {
	row, err := bt.lib.Batch(ctx, strconv.FormatInt(id, 10))
	if err != nil || !row.Open() {
		return true, "", err
	}
	if row.State != library.BatchSubmitted {
		if err := bt.advance(ctx, id, true); err != nil {
			return false, "", err
		}
		return false, "", nil
	}
	b, err := bt.api.Get(ctx, row.BatchID)
	if err != nil {
		return false, "", err
	}
	if err := bt.lib.UpdateBatch(ctx, id, library.BatchProgress{Status: b.Status, Completed: b.Completed, Failed: b.Failed,
		OutputFileID: b.OutputFileID, ErrorFileID: b.ErrorFileID, Errors: strings.Join(b.Errors, "; ")}); err != nil {
		return false, "", err
	}
	line = fmt.Sprintf("batch %s: %s, %d of %s done, %d failed", b.ID, b.Status, b.Completed, render.Count(max(b.Total, row.Requests), "request"), b.Failed)
	if !b.Done() {
		return false, line, nil
	}
	n, err := bt.results(ctx, row, b)
	if err != nil {
		return false, line, err
	}
	if b.Status == "cancelled" {
		bt.stopped = append(bt.stopped, b.ID)
	}
	if len(b.Errors) > 0 {
		line += ": " + textsafe.Line(strings.Join(b.Errors, "; "))
	}
	return true, fmt.Sprintf("%s; %s kept", line, render.Count(n, "answer")), nil
}

// results downloads the batch's output and error files, puts every
// answer to one of its requests in the cache (and the run's answers), and
// ends the batch in the library with what each request got. The files
// downloaded, and the batch's input file, are removed after.
func (bt *batcher) results(ctx context.Context, row library.BatchRow, b llm.Batch) (int, error) {
	keys, err := bt.lib.BatchKeys(ctx, row.ID, "")
	if err != nil {
		return 0, err
	}
	mine := map[string]bool{}
	for _, k := range keys {
		mine[k] = true
	}
	var answered []string
	failed := map[string]error{}
	for _, fid := range []string{b.OutputFileID, b.ErrorFileID} {
		if fid == "" {
			continue
		}
		dest := filepath.Join(bt.dir, row.Name+"."+randomHex(4)+".results")
		if _, err := bt.api.Download(ctx, fid, dest); err != nil {
			return 0, err
		}
		err := bt.client.ReadResults(dest, func(r llm.BatchResult) {
			switch {
			case !mine[r.Key]:
			case r.Err != nil:
				failed[r.Key] = r.Err
			default:
				bt.answers.Add(r.Key, r.Answer, r.Cached)
				answered = append(answered, r.Key)
				delete(failed, r.Key)
			}
		})
		os.Remove(dest)
		if err != nil {
			bt.say("batch %s: %s", b.ID, textsafe.Line(err.Error()))
		}
	}
	why := map[string]string{}
	for _, k := range keys {
		switch err, ok := failed[k]; {
		case ok:
			why[k] = textsafe.Brief(err.Error(), 300)
		case !bt.answers.Has(k):
			err = errors.New("no answer in its batch's files")
			if len(b.Errors) > 0 {
				err = errors.New("the batch failed: " + strings.Join(b.Errors, "; "))
			}
			failed[k], why[k] = err, err.Error()
		}
	}
	for k, err := range failed {
		bt.failed[k] = err
	}
	if err := bt.lib.FinishBatch(ctx, row.ID, answered, why); err != nil {
		return len(answered), err
	}
	os.Remove(row.InputPath)
	return len(answered), nil
}

// stoppedWaiting is the error of a wait that ended early: an interrupt
// says which batches still run at the provider.
func (bt *batcher) stoppedWaiting(ctx context.Context, pending map[int64]string, err error) error {
	if ctx.Err() == nil {
		return err
	}
	var ids []string
	for id := range pending {
		if row, err := bt.lib.Batch(context.WithoutCancel(ctx), strconv.FormatInt(id, 10)); err == nil && row.BatchID != "" {
			ids = append(ids, row.BatchID)
		}
	}
	return batchWaiting{ids: ids}
}
