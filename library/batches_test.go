package library

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// TestBatchLifecycle: a batch is recorded with its requests before the
// upload, then its file, its ID, its progress and its end; the requests
// of an open batch are found by key, and answered ones counted once.
func TestBatchLifecycle(t *testing.T) {
	l := open(t)
	ctx := t.Context()
	id, err := l.AddBatch(ctx, BatchRow{Name: "vidskim-x-1.jsonl", Server: "https://api.example/v1", InputPath: "/tmp/x", Bytes: 10}, []string{"k1", "k2", "k3"})
	if err != nil {
		t.Fatal(err)
	}
	open, err := l.RequestsIn(ctx, []string{"k1", "k3", "other"}, RequestPending)
	if err != nil || len(open) != 2 || open["k1"] != id {
		t.Fatalf("pending requests %v, %v", open, err)
	}
	steps := []func() error{
		func() error { return l.SetBatchFile(ctx, id, "file-1") },
		func() error { return l.SetBatchID(ctx, id, "batch_1", "validating") },
		func() error {
			return l.UpdateBatch(ctx, id, BatchProgress{Status: "completed", Completed: 2, Failed: 1, OutputFileID: "file-2", ErrorFileID: "file-3"})
		},
	}
	for _, s := range steps {
		if err := s(); err != nil {
			t.Fatal(err)
		}
	}
	b, err := l.Batch(ctx, "batch_1")
	if err != nil || b.State != BatchSubmitted || b.FileID != "file-1" || b.Completed != 2 || !b.Open() || b.Requests != 3 {
		t.Fatalf("batch %+v, %v", b, err)
	}
	if err := l.FinishBatch(ctx, id, []string{"k1", "k2"}, map[string]string{"k3": "server said 500"}); err != nil {
		t.Fatal(err)
	}
	answered, _ := l.BatchKeys(ctx, id, RequestAnswered)
	failed, _ := l.BatchKeys(ctx, id, RequestFailed)
	if !reflect.DeepEqual(answered, []string{"k1", "k2"}) || !reflect.DeepEqual(failed, []string{"k3"}) {
		t.Errorf("answered %v, failed %v", answered, failed)
	}
	if open, _ := l.Batches(ctx, true); len(open) != 0 {
		t.Errorf("a done batch is listed open: %+v", open)
	}
	if err := l.CountRequests(ctx, []string{"k1"}); err != nil {
		t.Fatal(err)
	}
	if left, _ := l.RequestsIn(ctx, []string{"k1", "k2"}, RequestAnswered); len(left) != 1 || left["k2"] != id {
		t.Errorf("answered and not counted: %v", left)
	}
	id2, _ := l.AddBatch(ctx, BatchRow{Name: "vidskim-x-2.jsonl", Server: "s", InputPath: "/tmp/y"}, []string{"k4"})
	if err := l.AbandonBatch(ctx, id2, "cancelled"); err != nil {
		t.Fatal(err)
	}
	if b, _ := l.Batch(ctx, "2"); b.State != BatchAbandoned || b.Errors != "cancelled" {
		t.Errorf("abandoned batch %+v", b)
	}
}

// TestExportImport: a run exported and imported into another library
// comes back whole (times, cache keys, paths included), and importing it
// again adds nothing.
func TestExportImport(t *testing.T) {
	src, dst := open(t), open(t)
	ctx := t.Context()
	v := testVideo("a.mp4")
	start := time.Date(2026, 11, 29, 10, 0, 0, 123456789, time.UTC)
	src.Record(ctx, Run{Video: Video{Fingerprint: v.Fingerprint, Probe: v.Probe, Path: "/old/a.mp4"}, SettingsKey: "k", Settings: []byte(`{"fps":1}`),
		Status: Complete, Result: fullResult(), Started: start, Finished: start.Add(time.Minute)})
	id, err := src.Record(ctx, Run{Video: v, SettingsKey: "k", Settings: []byte(`{"fps":1}`), Status: Partial, Error: "some chunks failed",
		Result: fullResult(), CacheKeys: []string{"k2", "k1"}, SavedUSD: 0.5, Started: start.Add(time.Hour), Finished: start.Add(2 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := src.Export(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(rec)
	var back RunRecord
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	nid, added, err := dst.Import(ctx, back)
	if err != nil || !added {
		t.Fatalf("import: %v, added %v", err, added)
	}
	again, err := dst.Export(ctx, nid)
	if err != nil {
		t.Fatal(err)
	}
	x, _ := json.Marshal(rec)
	y, _ := json.Marshal(again)
	if string(x) != string(y) {
		t.Errorf("imported run differs:\n%s\n%s", x, y)
	}
	if _, added, err := dst.Import(ctx, back); err != nil || added {
		t.Errorf("second import: added %v, %v", added, err)
	}
	if _, _, err := dst.Import(ctx, RunRecord{Format: "other"}); err == nil {
		t.Error("a file of another format was imported")
	}
}
