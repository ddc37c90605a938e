package library

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/summarize"
)

func open(t *testing.T) *Library {
	t.Helper()
	l, err := Open(t.Context(), filepath.Join(t.TempDir(), "lib", "library.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// fill sets every exported field of v (a pointer) to a distinct non-zero
// value, slices to two elements, so a field the library forgets, or two
// columns swapped, shows in a comparison.
func fill(v reflect.Value, n *int) {
	*n++
	if v.Type() == reflect.TypeFor[json.RawMessage]() {
		v.SetBytes(fmt.Appendf(nil, `{"n":%d}`, *n))
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), n)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() && v.Type().Field(i).Tag.Get("json") != "-" {
				fill(v.Field(i), n)
			}
		}
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		fill(v.Index(0), n)
		fill(v.Index(1), n)
	case reflect.String:
		v.SetString(fmt.Sprintf("text %d", *n))
	case reflect.Int, reflect.Int64:
		v.SetInt(int64(*n))
	case reflect.Float64:
		v.SetFloat(float64(*n) + 0.125)
	case reflect.Bool:
		v.SetBool(true)
	}
}

func fullResult() summarize.Result {
	var r summarize.Result
	n := 0
	fill(reflect.ValueOf(&r).Elem(), &n)
	return r
}

func testVideo(name string) Video {
	return Video{Fingerprint: Fingerprint{Key: fingerprintVersion + fmt.Sprintf("%x", sha256.Sum256([]byte(name))), Size: 1000},
		Probe: extract.Video{Path: "/x/" + name, Codec: "h264", Width: 320, Height: 240, Duration: 12, HasAudio: true}, Path: "/videos/" + name}
}

// TestRoundTrip: every field of a Result comes back as it went in.
func TestRoundTrip(t *testing.T) {
	l := open(t)
	want := fullResult()
	id, err := l.Record(t.Context(), Run{Video: testVideo("a.mp4"), SettingsKey: "k", Settings: []byte(`{"fps":1}`),
		Status: Complete, Result: want, CacheKeys: []string{"k1", "k2"}, SavedUSD: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	got, err := l.Load(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	wj, err1 := json.MarshalIndent(want, "", " ")
	gj, err2 := json.MarshalIndent(got.Result, "", " ")
	if err1 != nil || err2 != nil || !strings.Contains(string(wj), `"screen_text"`) || !strings.Contains(string(wj), `"structured"`) {
		t.Fatalf("the filled result does not marshal whole: %v, %v", err1, err2)
	}
	if string(wj) != string(gj) {
		t.Errorf("round trip changed the result:\nwant %s\ngot  %s", wj, gj)
	}
	if string(got.Settings) != `{"fps":1}` || got.Status != Complete || got.SavedUSD != 0.5 || len(got.Paths) != 1 || got.Probe.Width != 320 {
		t.Errorf("stored %+v", got)
	}
	if err := l.Check(t.Context()); err != nil {
		t.Error(err)
	}
}

// TestEmptyResult: an empty chunk list stays an empty list (JSON "[]"),
// absent parts stay absent.
func TestEmptyResult(t *testing.T) {
	l := open(t)
	want := summarize.Result{Chunks: []summarize.ChunkInfo{}, Model: "m"}
	id, err := l.Record(t.Context(), Run{Video: testVideo("b.mp4"), SettingsKey: "k", Status: Failed, Result: want})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := l.Load(t.Context(), id)
	if !reflect.DeepEqual(got.Result, want) {
		t.Errorf("got %#v", got.Result)
	}
}

func TestFindOnlyComplete(t *testing.T) {
	l := open(t)
	v := testVideo("c.mp4")
	res := summarize.Result{Chunks: []summarize.ChunkInfo{{Start: 0, End: 1, FrameTimes: []float64{0}, Description: "d"}}, Summary: "s"}
	ctx := t.Context()
	if _, err := l.Record(ctx, Run{Video: v, SettingsKey: "same", Status: Partial, Result: res}); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := l.Find(ctx, v.Fingerprint, "same"); ok {
		t.Error("a partial run was offered for reuse")
	}
	id, _ := l.Record(ctx, Run{Video: v, SettingsKey: "same", Status: Complete, Result: res})
	if got, ok, err := l.Find(ctx, v.Fingerprint, "same"); !ok || got != id || err != nil {
		t.Errorf("Find = %d %v %v, want %d", got, ok, err, id)
	}
	if _, ok, _ := l.Find(ctx, v.Fingerprint, "other settings"); ok {
		t.Error("found a run under other settings")
	}
	if _, ok, _ := l.Find(ctx, testVideo("other.mp4").Fingerprint, "same"); ok {
		t.Error("found a run of another video")
	}
}

func TestMigrations(t *testing.T) {
	path := filepath.Join(t.TempDir(), "l.db")
	for range 2 { // a second open finds the schema current
		l, err := Open(t.Context(), path)
		if err != nil {
			t.Fatal(err)
		}
		var v int
		l.db.QueryRow("PRAGMA user_version").Scan(&v)
		if v != SchemaVersion || v < 1 {
			t.Errorf("user_version %d, want %d", v, SchemaVersion)
		}
		var mode string
		l.db.QueryRow("PRAGMA journal_mode").Scan(&mode)
		if mode != "wal" {
			t.Errorf("journal_mode %q", mode)
		}
		l.Close()
	}
	l, _ := Open(t.Context(), path)
	l.db.Exec(fmt.Sprintf("PRAGMA user_version = %d", SchemaVersion+1))
	l.Close()
	if _, err := Open(t.Context(), path); err == nil {
		t.Error("a library from a newer vidskim was opened")
	}
	os.WriteFile(path+"x", []byte("not a database, just text of some length ......................................................"), 0o600)
	if _, err := Open(t.Context(), path+"x"); err == nil {
		t.Error("a text file was opened as a library")
	}
	if _, err := Open(t.Context(), t.TempDir()); err == nil {
		t.Error("a directory was opened as a library")
	}
}

// TestFTS5: search over descriptions will need FTS5; the driver has it.
func TestFTS5(t *testing.T) {
	l := open(t)
	if _, err := l.db.Exec(`CREATE VIRTUAL TABLE s USING fts5(body); INSERT INTO s VALUES ('a red car parks'), ('people walk in')`); err != nil {
		t.Fatalf("FTS5: %v", err)
	}
	var got string
	if err := l.db.QueryRow(`SELECT body FROM s WHERE s MATCH 'car'`).Scan(&got); err != nil || got != "a red car parks" {
		t.Errorf("MATCH: %q %v", got, err)
	}
}

func TestOwnerOnly(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "vidskim")
	l, err := Open(t.Context(), filepath.Join(dir, "library.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	l.Record(t.Context(), Run{Video: testVideo("d.mp4"), SettingsKey: "k", Status: Failed, Result: summarize.Result{Chunks: []summarize.ChunkInfo{}}})
	for _, p := range []string{dir, filepath.Join(dir, "library.db"), filepath.Join(dir, "library.db-wal"), filepath.Join(dir, "library.db-shm")} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s: mode %v, want owner only", p, st.Mode().Perm())
		}
	}
}

// TestConcurrentWriters: two handles (as two processes) writing at once
// wait for each other; none fails.
func TestConcurrentWriters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "l.db")
	a, _ := Open(t.Context(), path)
	b, _ := Open(t.Context(), path)
	defer a.Close()
	defer b.Close()
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 40 {
		l := []*Library{a, b}[i%2]
		wg.Go(func() {
			res := summarize.Result{Chunks: []summarize.ChunkInfo{{FrameTimes: []float64{1, 2}, Description: "x"}}, Summary: "s"}
			_, err := l.Record(context.Background(), Run{Video: testVideo(fmt.Sprintf("v%d.mp4", i%5)), SettingsKey: "k", Status: Complete, Result: res})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	s, _ := a.Stats(t.Context())
	if s.Runs != 40 || s.Videos != 5 {
		t.Errorf("stats %+v", s)
	}
}

func TestFingerprint(t *testing.T) {
	dir := t.TempDir()
	big := make([]byte, 3<<20)
	for i := range big {
		big[i] = byte(i * 31 % 251)
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, b, 0o644)
		return p
	}
	fp := func(p string) string {
		f, err := FingerprintFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return f.Key
	}
	orig := fp(write("a.mp4", big))
	if fp(write("renamed copy.mkv", big)) != orig {
		t.Error("a renamed copy has another fingerprint")
	}
	changed := append([]byte(nil), big...)
	changed[len(changed)-1]++ // in the last sampled block
	if fp(write("changed.mp4", changed)) == orig {
		t.Error("a changed last byte kept the fingerprint")
	}
	if fp(write("longer.mp4", append(big, 0))) == orig {
		t.Error("a longer file kept the fingerprint")
	}
	small := write("small.mp4", []byte("tiny"))
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer srv.Close()
	for _, name := range []string{"a.mp4", "small.mp4"} {
		u, err := FingerprintURL(t.Context(), srv.Client(), srv.URL+"/"+name)
		if err != nil || u.Key != fp(filepath.Join(dir, name)) {
			t.Errorf("%s over HTTP: %v, %v", name, u, err)
		}
	}
	_ = small
	noRange := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(big) }))
	defer noRange.Close()
	if _, err := FingerprintURL(t.Context(), noRange.Client(), noRange.URL+"/a.mp4"); err == nil {
		t.Error("a server without range support gave a fingerprint")
	}
}

func TestForgetKeepsSharedKeys(t *testing.T) {
	l := open(t)
	ctx := t.Context()
	res := summarize.Result{Chunks: []summarize.ChunkInfo{{FrameTimes: []float64{0}, Description: "x"}}, Summary: "s"}
	a, b := testVideo("a.mp4"), testVideo("bb.mp4")
	r1, _ := l.Record(ctx, Run{Video: a, SettingsKey: "k", Status: Complete, Result: res, CacheKeys: []string{"only-a", "shared"}})
	l.Record(ctx, Run{Video: a, SettingsKey: "k2", Status: Complete, Result: res, CacheKeys: []string{"only-a2"}})
	l.Record(ctx, Run{Video: b, SettingsKey: "k", Status: Complete, Result: res, CacheKeys: []string{"shared", "only-b"}})
	ref, err := l.Resolve(ctx, "/videos/a.mp4")
	if err != nil || ref.Video == 0 {
		t.Fatalf("resolve: %+v %v", ref, err)
	}
	if r, _ := l.Resolve(ctx, fmt.Sprint(r1)); r.Run != r1 {
		t.Errorf("run ID resolved to %+v", r)
	}
	if _, err := l.Forget(ctx, ref, func([]string) error { return fmt.Errorf("disk trouble") }); err == nil {
		t.Error("a failed deletion of cached answers did not stop the forget")
	}
	var dropped []string
	f, err := l.Forget(ctx, ref, func(keys []string) error { dropped = keys; return nil })
	if err != nil {
		t.Fatal(err)
	}
	if f.Runs != 2 || f.Videos != 1 || fmt.Sprint(dropped) != "[only-a only-a2]" && fmt.Sprint(dropped) != "[only-a2 only-a]" {
		t.Errorf("forgot %+v, dropped %v", f, dropped)
	}
	s, _ := l.Stats(ctx)
	if s.Videos != 1 || s.Runs != 1 {
		t.Errorf("after forget: %+v", s)
	}
	if err := l.Check(ctx); err != nil {
		t.Error(err)
	}
	if _, err := l.Resolve(ctx, "/videos/a.mp4"); err == nil {
		t.Error("a forgotten video still resolves")
	}
}

func TestStatsAndServed(t *testing.T) {
	l := open(t)
	ctx := t.Context()
	v := testVideo("s.mp4")
	res := summarize.Result{Chunks: []summarize.ChunkInfo{{FrameTimes: []float64{0}, Description: "x"}}, Summary: "s",
		Usage: summarize.Usage{Requests: 3, PromptTokens: 100, CompletionTokens: 10, CostUSD: 0.25}}
	id, _ := l.Record(ctx, Run{Video: v, SettingsKey: "k", Status: Complete, Result: res, SavedUSD: 0.5, Started: time.Now()})
	v.Path = "/elsewhere/renamed.mp4"
	if err := l.Served(ctx, id, v, 0.75); err != nil {
		t.Fatal(err)
	}
	s, _ := l.Stats(ctx)
	want := Stats{Videos: 1, Hours: 12.0 / 3600, Runs: 1, Served: 1, Requests: 3, PromptTokens: 100, CompletionTokens: 10, SpentUSD: 0.25, SavedUSD: 1.25}
	if s != want {
		t.Errorf("stats %+v, want %+v", s, want)
	}
	vs, _ := l.Videos(ctx)
	if len(vs) != 1 || vs[0].Path != "/elsewhere/renamed.mp4" || vs[0].Runs != 1 || vs[0].CostUSD != 0.25 {
		t.Errorf("videos %+v", vs)
	}
	if r, err := l.Resolve(ctx, vs[0].ID[:6]); err != nil || r.Video == 0 {
		t.Errorf("video ID prefix: %+v %v", r, err)
	}
}
