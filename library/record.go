package library

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/summarize"
)

// Status is how a run ended.
type Status string

// The statuses. Only a complete run is ever reused.
const (
	Complete    Status = "complete"
	Partial     Status = "partial"     // some chunks failed; the rest was summarized
	Incomplete  Status = "incomplete"  // the model left parts unfinished (cut or filtered); the output says which
	Failed      Status = "failed"      // stopped by an error; what it paid is still counted
	Interrupted Status = "interrupted" // stopped by a signal
)

// Video is a video as a run saw it.
type Video struct {
	Fingerprint Fingerprint
	Probe       extract.Video // its path is not stored here: Path is
	Path        string        // absolute path or URL where it was seen
}

// Run is one run of one video, to record.
type Run struct {
	Video       Video
	SettingsKey string
	Settings    []byte // JSON
	Status      Status
	Error       string
	Started     time.Time
	Finished    time.Time
	Result      summarize.Result
	CacheKeys   []string // the answer-cache entries its requests read or wrote
	SavedUSD    float64  // what its answers from the cache would have cost
}

// Record writes r in one transaction, so a process killed at any moment
// leaves the run either whole or absent. It returns the run's ID.
func (l *Library) Record(ctx context.Context, r Run) (int64, error) {
	var id int64
	err := inTx(ctx, l.db, func(tx *sql.Tx) error {
		vid, err := upsertVideo(ctx, tx, r.Video)
		if err != nil {
			return err
		}
		if id, err = insertRun(ctx, tx, vid, r); err != nil {
			return err
		}
		return insertParts(ctx, tx, id, r)
	})
	return id, err
}

// Served records that run was rendered from the library for v, saving
// what running it again would have cost.
func (l *Library) Served(ctx context.Context, run int64, v Video, savedUSD float64) error {
	return inTx(ctx, l.db, func(tx *sql.Tx) error {
		if _, err := upsertVideo(ctx, tx, v); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO served (run_id, at, path, saved_usd) VALUES (?, ?, ?, ?)`, run, now(), v.Path, savedUSD)
		return err
	})
}

// upsertVideo adds v, or notes that it was seen again (and where), and
// returns its ID.
func upsertVideo(ctx context.Context, tx *sql.Tx, v Video) (int64, error) {
	p := v.Probe
	p.Path = ""
	probe, err := json.Marshal(p)
	if err != nil {
		return 0, err
	}
	t := now()
	var id int64
	err = tx.QueryRowContext(ctx, `
INSERT INTO videos (fingerprint, size, duration_s, width, height, codec, probe, first_seen, last_seen)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (fingerprint) DO UPDATE SET last_seen = excluded.last_seen
RETURNING id`, v.Fingerprint.Key, v.Fingerprint.Size, p.Duration, p.Width, p.Height, p.Codec, string(probe), t, t).Scan(&id)
	if err != nil || v.Path == "" {
		return id, err
	}
	_, err = tx.ExecContext(ctx, `
INSERT INTO video_paths (video_id, path, first_seen, last_seen) VALUES (?, ?, ?, ?)
ON CONFLICT (video_id, path) DO UPDATE SET last_seen = excluded.last_seen`, id, v.Path, t, t)
	return id, err
}

func insertRun(ctx context.Context, tx *sql.Tx, video int64, r Run) (int64, error) {
	res := r.Result
	warnings, err := json.Marshal(nonNil(res.Warnings))
	if err != nil {
		return 0, err
	}
	var estimate any // NULL when there is none
	if res.Estimate != nil {
		b, err := json.Marshal(res.Estimate)
		if err != nil {
			return 0, err
		}
		estimate = string(b)
	}
	u, f, v := res.Usage, res.Frames, res.Video
	var id int64
	err = tx.QueryRowContext(ctx, `
INSERT INTO runs (video_id, settings_key, settings, status, error, started_at, finished_at, input_path,
	duration_s, width, height, codec, model, detail, mode, frames_sampled, frames_kept, frames_dropped,
	requests, prompt_tokens, completion_tokens, cached_answers, cost_usd, saved_usd, partial, summary,
	warnings, estimate, chunk_count, extra, structured)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
RETURNING id`,
		video, r.SettingsKey, string(r.Settings), string(r.Status), r.Error, stamp(r.Started), stamp(r.Finished), v.Path,
		v.Duration, v.Width, v.Height, v.Codec, res.Model, res.Detail, res.Mode, f.Sampled, f.Kept, f.Dropped,
		u.Requests, u.PromptTokens, u.CompletionTokens, u.Cached, u.CostUSD, r.SavedUSD, res.Partial, res.Summary,
		string(warnings), estimate, len(res.Chunks), extraOf(res), nullText(res.Structured)).Scan(&id)
	return id, err
}

// insertParts writes the run's chunks with their frames, transcript,
// script, failed ranges, unfinished parts and cache keys.
func insertParts(ctx context.Context, tx *sql.Tx, run int64, r Run) error {
	res := r.Result
	var rows []row
	for i, c := range res.Chunks {
		rows = append(rows, row{`INSERT INTO chunks (run_id, seq, start_s, end_s, description, finish_reason) VALUES (?, ?, ?, ?, ?, ?)`,
			[]any{run, i, c.Start, c.End, c.Description, c.FinishReason}})
		for j, t := range c.FrameTimes {
			rows = append(rows, row{`INSERT INTO frames (run_id, chunk_seq, seq, time_s) VALUES (?, ?, ?, ?)`, []any{run, i, j, t}})
		}
	}
	for i, s := range res.Transcript {
		rows = append(rows, row{`INSERT INTO transcript_segments (run_id, seq, start_s, end_s, text) VALUES (?, ?, ?, ?, ?)`,
			[]any{run, i, s.Start, s.End, s.Text}})
	}
	for i, c := range res.Script {
		rows = append(rows, row{`INSERT INTO script_cues (run_id, seq, start_s, end_s, text) VALUES (?, ?, ?, ?, ?)`,
			[]any{run, i, c.Start, c.End, c.Text}})
	}
	for i, f := range res.Failed {
		rows = append(rows, row{`INSERT INTO failed_ranges (run_id, seq, start_s, end_s, error) VALUES (?, ?, ?, ?, ?)`,
			[]any{run, i, f.Start, f.End, f.Error}})
	}
	for i, p := range res.Incomplete {
		rows = append(rows, row{`INSERT INTO incomplete_parts (run_id, seq, start_s, end_s, part, reason) VALUES (?, ?, ?, ?, ?, ?)`,
			[]any{run, i, p.Start, p.End, p.Part, p.Reason}})
	}
	for _, k := range r.CacheKeys {
		rows = append(rows, row{`INSERT OR IGNORE INTO cache_keys (run_id, key) VALUES (?, ?)`, []any{run, k}})
	}
	return insertRows(ctx, tx, append(rows, searchRows(run, res)...))
}

// row is one statement and its arguments.
type row struct {
	query string
	args  []any
}

// insertRows runs the rows, preparing each distinct statement once.
func insertRows(ctx context.Context, tx *sql.Tx, rows []row) error {
	stmts := map[string]*sql.Stmt{}
	defer func() {
		for _, s := range stmts {
			s.Close()
		}
	}()
	for _, r := range rows {
		st, ok := stmts[r.query]
		if !ok {
			var err error
			if st, err = tx.PrepareContext(ctx, r.query); err != nil {
				return err
			}
			stmts[r.query] = st
		}
		if _, err := st.ExecContext(ctx, r.args...); err != nil {
			return err
		}
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func stamp(t time.Time) string {
	if t.IsZero() {
		t = time.Now()
	}
	return t.UTC().Format(time.RFC3339Nano)
}
