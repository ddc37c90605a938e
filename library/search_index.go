package library

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/vidskim/vidskim/summarize"
)

// The kinds of text the search index holds, as hits name them.
const (
	KindNote      = "note"      // a chunk's description
	KindSpeech    = "speech"    // a transcript segment
	KindScreen    = "screen"    // text read on a kept frame (OCR)
	KindSummary   = "summary"   // the whole video's summary
	KindNarration = "narration" // a line of the narration script
)

// searchRows are the rows that record a run's on-screen text and put
// everything it produced in the search index (search_docs; its triggers
// keep the FTS5 index in step, and its rows go with the run).
func searchRows(run int64, res summarize.Result) []row {
	const doc = `INSERT INTO search_docs (run_id, kind, start_s, end_s, text) VALUES (?, ?, ?, ?, ?)`
	var rows []row
	add := func(kind string, start, end float64, text string) {
		if text != "" {
			rows = append(rows, row{doc, []any{run, kind, start, end, text}})
		}
	}
	for _, c := range res.Chunks {
		add(KindNote, c.Start, c.End, c.Description)
	}
	for _, s := range res.Transcript {
		add(KindSpeech, s.Start, s.End, s.Text)
	}
	for _, c := range res.Script {
		add(KindNarration, c.Start, c.End, c.Text)
	}
	for i, f := range res.ScreenText {
		rows = append(rows, row{`INSERT INTO screen_texts (run_id, seq, time_s, end_s, text) VALUES (?, ?, ?, ?, ?)`, []any{run, i, f.Time, f.End, f.Text}})
		add(KindScreen, f.Time, f.End, f.Text)
	}
	add(KindSummary, 0, res.Video.Duration, res.Summary)
	return rows
}

// loadScreenText reads the run's on-screen text.
func loadScreenText(ctx context.Context, tx *sql.Tx, id int64, r *summarize.Result) error {
	return each(ctx, tx, `SELECT time_s, end_s, text FROM screen_texts WHERE run_id = ? ORDER BY seq`, id, func(rs *sql.Rows) error {
		var f summarize.FrameText
		err := rs.Scan(&f.Time, &f.End, &f.Text)
		r.ScreenText = append(r.ScreenText, f)
		return err
	})
}

// nullText is JSON as a TEXT value, NULL when there is none.
func nullText(b json.RawMessage) any {
	if len(b) == 0 {
		return nil
	}
	return string(b)
}
