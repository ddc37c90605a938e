package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/vidskim/vidskim/llm/openaitest"
)

// videoDir copies testdata clips into a new directory of videos only.
func videoDir(t *testing.T, clips ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, c := range clips {
		if err := os.WriteFile(filepath.Join(dir, c), readFile(t, filepath.Join("testdata", c)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// outputs reads the JSON outputs of a run over clips, by clip, without
// what a batch run must differ in (its usage and estimate are priced at
// batch prices: checked apart).
func outputs(t *testing.T, out string, clips []string) (docs map[string]string, usage map[string]map[string]any) {
	t.Helper()
	docs, usage = map[string]string{}, map[string]map[string]any{}
	for _, c := range clips {
		var doc map[string]any
		if err := json.Unmarshal(readFile(t, filepath.Join(out, strings.TrimSuffix(c, ".mp4")+".json")), &doc); err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		usage[c] = doc["usage"].(map[string]any)
		delete(doc, "usage")
		delete(doc, "estimate")
		b, _ := json.Marshal(doc)
		docs[c] = string(b)
	}
	return docs, usage
}

// chunkRequests are the live requests that carried images.
func chunkRequests(srv *openaitest.Server) int {
	n := 0
	for _, r := range srv.Requests() {
		if len(r.Images) > 0 {
			n++
		}
	}
	return n
}

// TestBatchSameOutputs: a batch run of three videos writes what a live run
// of them writes (chunks, descriptions, summaries, frames), every chunk
// request going through batches (split in files of at most 4 requests),
// each line checked by the fake against the OpenAPI schema and as a live
// request; only the merges are sent live; the usage counts the same
// requests and tokens, and the cost is the chunks at half price and the
// merges at the full one. A second run makes no request at all.
func TestBatchSameOutputs(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	clips := []string{"sample.mp4", "scenes.mp4", "counter.mp4"}
	dir := videoDir(t, clips...)
	common := []string{"summarize", dir, "--format", "json", "--frames-per-request", "3", "-q"}

	live := openaitest.New(t)
	liveOut := t.TempDir()
	if code, _, stderr := vidskim(t, append(common, "--base-url", live.BaseURL(), "--out-dir", liveOut)...); code != 0 {
		t.Fatalf("live run: exit %d: %s", code, stderr)
	}
	want, liveUsage := outputs(t, liveOut, clips)

	srv := openaitest.New(t)
	srv.Batch.Polls = 2
	t.Setenv("VIDSKIM_BATCH_MAX_LINES", "4")
	out, lib := t.TempDir(), filepath.Join(t.TempDir(), "library.db")
	args := append(common, "--base-url", srv.BaseURL(), "--out-dir", out, "--batch", "--batch-poll", "10ms", "--library", lib, "--cache-dir", t.TempDir())
	code, _, stderr := vidskim(t, args...)
	if code != 0 {
		t.Fatalf("batch run: exit %d: %s", code, stderr)
	}
	got, batchUsage := outputs(t, out, clips)
	for _, c := range clips {
		if got[c] != want[c] {
			t.Errorf("%s: the batch run wrote\n%s\nthe live run\n%s", c, got[c], want[c])
		}
		lu, bu := liveUsage[c], batchUsage[c]
		if lu["requests"] != bu["requests"] || lu["prompt_tokens"] != bu["prompt_tokens"] || bu["cached_answers"] != float64(0) {
			t.Errorf("%s: usage %v, live %v", c, bu, lu)
		}
		if !(bu["cost_usd"].(float64) < lu["cost_usd"].(float64)) {
			t.Errorf("%s: the batch run cost $%v, the live one $%v", c, bu["cost_usd"], lu["cost_usd"])
		}
	}
	lines, batches := srv.BatchRequests(), srv.Batches()
	if n := chunkRequests(live); len(lines) != n || chunkRequests(srv) != 0 {
		t.Errorf("%d batch lines and %d live chunk requests, want the live run's %d chunk requests all batched", len(lines), chunkRequests(srv), n)
	}
	if len(batches) != (len(lines)+3)/4 || len(srv.Requests()) != len(clips) {
		t.Errorf("%d batches for %d lines (4 a file), %d live requests (want a merge a video)", len(batches), len(lines), len(srv.Requests()))
	}
	requests, uploads := len(srv.Requests()), srv.Uploads()
	if code, _, stderr := vidskim(t, args...); code != 0 || len(srv.Requests()) != requests || srv.Uploads() != uploads {
		t.Errorf("second run: exit %d, %d more requests, %d more uploads: %s", code, len(srv.Requests())-requests, srv.Uploads()-uploads, stderr)
	}
}

// TestBatchProgress: without --quiet the run says what it sends and how
// each batch goes, with its request counts.
func TestBatchProgress(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	srv := openaitest.New(t)
	srv.Batch.Polls = 3
	code, _, stderr := vidskim(t, "summarize", "testdata/sample.mp4", "--base-url", srv.BaseURL(), "--batch", "--batch-poll", "10ms",
		"--frames-per-request", "2", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var said []string
	for _, l := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(l, "batch: ") {
			said = append(said, l)
		}
	}
	sort.Strings(said)
	all := strings.Join(said, "\n")
	for _, want := range []string{"5 requests to batch: 0 sent before", "uploaded vidskim-", "created: validating", "in_progress, 1 of 5 requests done, 0 failed",
		"completed, 5 of 5 requests done, 0 failed", "5 answers kept"} {
		if !strings.Contains(all, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

// TestBatchProgressJSON: with --log-format json the batch's progress is
// JSON records too, as every line on stderr is.
func TestBatchProgressJSON(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	srv := openaitest.New(t)
	srv.Batch.Polls = 2
	code, _, stderr := vidskim(t, "summarize", "testdata/sample.mp4", "--base-url", srv.BaseURL(), "--batch", "--batch-poll", "10ms",
		"--log-format", "json", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	batchLines := 0
	for _, l := range strings.Split(strings.TrimSpace(stderr), "\n") {
		var rec struct{ Msg, Status string }
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Errorf("a stderr line that is not JSON: %q", l)
		}
		if rec.Msg == "progress" && strings.HasPrefix(rec.Status, "batch: ") {
			batchLines++
		}
	}
	if batchLines < 3 {
		t.Errorf("%d batch progress records, want the upload, the polls and the answers:\n%s", batchLines, stderr)
	}
}

// TestBatchPartialCollectsNoMerge: with --partial, and all chunks of a
// video but one in the answer cache (a live run where one chunk failed),
// collecting for the batch merges nothing: no merge of the partial notes
// is sent or batched; the batch holds the one chunk, and the merge of
// all the notes is then sent live.
func TestBatchPartialCollectsNoMerge(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	for _, merge := range []bool{false, true} {
		common := []string{"summarize", "testdata/sample.mp4", "--format", "json", "--frames-per-request", "2", "--max-retries", "0", "-q",
			"--cache-dir", t.TempDir(), "--library", filepath.Join(t.TempDir(), "library.db")}
		live := openaitest.New(t)
		var chunks atomic.Int32
		live.Script = func(r openaitest.Request) openaitest.Reply {
			if len(r.Images) > 0 && chunks.Add(1) == 3 { // the first answered, so the run goes on
				return openaitest.Reply{Status: 500, Body: `{"error":{"message":"The server had an error.","type":"server_error","param":null,"code":null}}`}
			}
			return openaitest.Reply{}
		}
		if code, _, stderr := vidskim(t, append(common, "--base-url", live.BaseURL())...); chunks.Load() != 5 || code == 0 {
			t.Fatalf("live run with a chunk failing: exit %d: %s", code, stderr)
		}
		srv := openaitest.New(t)
		args := append(common, "--base-url", srv.BaseURL(), "--batch", "--batch-poll", "10ms", "--partial", "--batch-merge="+strconv.FormatBool(merge))
		if code, _, stderr := vidskim(t, args...); code != 0 {
			t.Fatalf("batch run: exit %d: %s", code, stderr)
		}
		lines, want := srv.BatchRequests(), 1 // the chunk, and with --batch-merge the merge in a batch of its own
		if merge {
			want = 2
		}
		if len(lines) != want || len(lines[0].Images) == 0 || len(srv.Requests()) != 2-want || chunkRequests(srv) != 0 {
			t.Errorf("--batch-merge=%v: %d batch lines, %d live requests (%d chunks), want the failed chunk batched and one merge",
				merge, len(lines), len(srv.Requests()), chunkRequests(srv))
		}
	}
}
