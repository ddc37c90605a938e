package library

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/vidskim/vidskim/llm"
	"github.com/vidskim/vidskim/summarize"
)

func notesResult(summary string, notes ...string) summarize.Result {
	r := summarize.Result{Summary: summary, Video: summarize.VideoInfo{Duration: float64(4 * len(notes))}}
	for i, n := range notes {
		r.Chunks = append(r.Chunks, summarize.ChunkInfo{Start: float64(4 * i), End: float64(4*i + 4), FrameTimes: []float64{float64(4 * i)}, Description: n})
	}
	return r
}

// TestSearchKinds: every kind of text a run produced is found, at its
// moment, best first; a repeated run is one hit; the filters hold.
func TestSearchKinds(t *testing.T) {
	l := open(t)
	ctx := t.Context()
	r := notesResult("A quiet street, then a parade.", "an empty street", "a marching band plays", "confetti everywhere")
	r.Transcript = []llm.Segment{{Start: 5, End: 7, Text: "here comes the trombone section"}}
	r.ScreenText = []summarize.FrameText{{Time: 8, End: 12, Text: "GRAND PARADE 2026"}}
	a, b := testVideo("parade.mp4"), testVideo("other.mp4")
	run1, _ := l.Record(ctx, Run{Video: a, SettingsKey: "k", Status: Complete, Result: r})
	l.Record(ctx, Run{Video: a, SettingsKey: "k", Status: Complete, Result: r}) // the same run again
	l.Record(ctx, Run{Video: b, SettingsKey: "k", Status: Complete, Result: notesResult("Nothing.", "a band of light on the wall")})
	cases := []struct {
		query, kind string
		start, end  float64
		hits        int
	}{
		{"trombone", KindSpeech, 5, 7, 1},
		{"grand parade", KindScreen, 8, 12, 1},
		{"confetti", KindNote, 8, 12, 1},
		{"parade", KindScreen, 8, 12, 2}, // the screen text (twice the word) before the summary
		{"band", KindNote, 4, 8, 2},      // both videos
		{"marching*", KindNote, 4, 8, 1},
	}
	for _, c := range cases {
		hits, err := l.Search(ctx, c.query, SearchOptions{})
		if err != nil || len(hits) != c.hits || hits[0].Kind != c.kind || hits[0].Start != c.start || hits[0].End != c.end || hits[0].Path != a.Path {
			t.Errorf("%s: %v %+v", c.query, err, hits)
		}
	}
	ref, _ := l.Resolve(ctx, b.Path)
	if hits, _ := l.Search(ctx, "band", SearchOptions{Videos: []int64{ref.Video}}); len(hits) != 1 || hits[0].Path != b.Path {
		t.Errorf("video filter: %+v", hits)
	}
	if hits, _ := l.Search(ctx, "band", SearchOptions{Runs: []int64{run1}}); len(hits) != 1 || hits[0].Run != run1 {
		t.Errorf("run filter: %+v", hits)
	}
	if hits, _ := l.Search(ctx, "band OR parade OR street", SearchOptions{Limit: 2}); len(hits) != 2 {
		t.Errorf("limit: %d hits", len(hits))
	}
	if g := Group([]Hit{{Video: 1, Path: "a"}, {Video: 2, Path: "b"}, {Video: 1, Path: "a"}}); len(g) != 2 || len(g[0].Hits) != 2 || g[0].Path != "a" {
		t.Errorf("group %+v", g)
	}
	if err := l.Check(ctx); err != nil {
		t.Error(err)
	}
}

// TestMigrationIndexesOldRuns: a library written before search existed
// is indexed when opened.
func TestMigrationIndexesOldRuns(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{migrations[0], "PRAGMA user_version = 1",
		`INSERT INTO videos VALUES (1, 'v1:abababababababababababababababababababababababababababababababab', 10, 8, 320, 240, 'h264', '{}', 't', 't')`,
		`INSERT INTO runs (id, video_id, settings_key, settings, status, error, started_at, finished_at, input_path, duration_s, width, height, codec,
			model, detail, mode, frames_sampled, frames_kept, frames_dropped, requests, prompt_tokens, completion_tokens, cached_answers, cost_usd,
			saved_usd, partial, summary, warnings, chunk_count) VALUES (1, 1, 'k', '{}', 'complete', '', 't', 't', 'a.mp4', 8, 320, 240, 'h264',
			'm', 'low', 'summary', 8, 2, 0, 3, 0, 0, 0, 0, 0, 0, 'a heron lands', '[]', 2)`,
		`INSERT INTO chunks VALUES (1, 0, 0, 4, 'still water', 'stop'), (1, 1, 4, 8, 'a grey heron lands on the post', 'stop')`,
		`INSERT INTO frames VALUES (1, 0, 0, 0), (1, 1, 0, 4)`,
		`INSERT INTO transcript_segments VALUES (1, 0, 6, 7, 'look at that bird')`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()
	l, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for q, want := range map[string][]string{"heron": {KindSummary, KindNote}, "bird": {KindSpeech}} {
		hits, err := l.Search(t.Context(), q, SearchOptions{})
		var kinds []string
		for _, h := range hits {
			kinds = append(kinds, h.Kind)
		}
		if err != nil || fmt.Sprint(kinds) != fmt.Sprint(want) {
			t.Errorf("%s after the migration: %v %+v", q, err, hits)
		}
	}
	if err := l.Check(t.Context()); err != nil {
		t.Error(err)
	}
}

// TestAnswersGoWithTheirRuns: an answer is kept with the runs it drew
// on, and forgetting one of them forgets it.
func TestAnswersGoWithTheirRuns(t *testing.T) {
	l := open(t)
	ctx := t.Context()
	r1, _ := l.Record(ctx, Run{Video: testVideo("a.mp4"), SettingsKey: "k", Status: Complete, Result: notesResult("s", "x")})
	r2, _ := l.Record(ctx, Run{Video: testVideo("b.mp4"), SettingsKey: "k", Status: Failed, Result: notesResult("", "y")})
	cites, _ := json.Marshal([]string{"[00:00:01]"})
	for _, runs := range [][]int64{{r1}, {r1, r2}, {r2}} {
		if _, err := l.RecordAnswer(ctx, Answer{Question: "q", Model: "m", Text: "t", Citations: cites, Runs: runs}); err != nil {
			t.Fatal(err)
		}
	}
	if runs, _ := l.UsableRuns(ctx); fmt.Sprint(runs) != fmt.Sprint([]int64{r1}) {
		t.Errorf("usable runs %v: a failed run is not one to answer from", runs)
	}
	ref, _ := l.Resolve(ctx, "/videos/a.mp4")
	if _, err := l.Forget(ctx, ref, nil); err != nil {
		t.Fatal(err)
	}
	if n, _ := l.AnswerCount(ctx); n != 1 {
		t.Errorf("%d answers after forgetting a video two of them drew on", n)
	}
	if err := l.Check(ctx); err != nil {
		t.Error(err)
	}
}

func TestFTSQuery(t *testing.T) {
	for in, want := range map[string]string{
		"red van":                   `red van`,
		"delivery-van":              `"delivery-van"`,
		"o'clock deliv*":            `"o'clock" deliv*`,
		"3:15*":                     `"3:15"*`,
		`"red van" OR NEAR(a b, 3)`: `"red van" OR NEAR(a b, 3)`,
		"café":                      `café`,
	} {
		if got := ftsQuery(in); got != want {
			t.Errorf("ftsQuery(%q) = %q, want %q", in, got, want)
		}
	}
	text, spans := parseSnippet("a " + markOpen + "rød" + markClose + " van")
	if text != "a rød van" || len(spans) != 1 || spans[0] != (Span{2, 5}) {
		t.Errorf("snippet %q %v", text, spans)
	}
}
