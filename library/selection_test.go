package library

import (
	"reflect"
	"testing"

	"github.com/vidskim/vidskim/summarize"
)

// TestSelection: a recorded selection comes back whole under its key
// only, a newer one replaces it, and forgetting the video forgets it.
func TestSelection(t *testing.T) {
	l := open(t)
	ctx := t.Context()
	v := testVideo("cam.mp4")
	sel := Selection{Times: []float64{0, 4.004, 61.5}, Sampled: 90, Dropped: 2, Skipped: 48.5, Last: 139.2}
	if err := l.RecordSelection(ctx, v.Fingerprint, "k", sel); err != nil {
		t.Fatal(err)
	}
	got, ok, err := l.Selection(ctx, v.Fingerprint, "k")
	if err != nil || !ok || !reflect.DeepEqual(got, sel) {
		t.Fatalf("Selection = %+v %v %v, want %+v", got, ok, err, sel)
	}
	if _, ok, _ := l.Selection(ctx, v.Fingerprint, "other settings"); ok {
		t.Error("a selection served another key")
	}
	if _, ok, _ := l.Selection(ctx, testVideo("other.mp4").Fingerprint, "k"); ok {
		t.Error("a selection served another video")
	}
	newer := Selection{Times: []float64{1}, Sampled: 3}
	if err := l.RecordSelection(ctx, v.Fingerprint, "k", newer); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := l.Selection(ctx, v.Fingerprint, "k"); !reflect.DeepEqual(got, newer) {
		t.Errorf("after a newer selection: %+v", got)
	}
	res := summarize.Result{Chunks: []summarize.ChunkInfo{{FrameTimes: []float64{0}, Description: "x"}}, Summary: "s"}
	l.Record(ctx, Run{Video: v, SettingsKey: "r", Status: Complete, Result: res})
	ref, err := l.Resolve(ctx, v.Path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Forget(ctx, ref, nil); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := l.Selection(ctx, v.Fingerprint, "k"); ok {
		t.Error("a forgotten video's selection is still there")
	}
}
