package library

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/vidskim/vidskim/cost"
	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/llm"
	"github.com/vidskim/vidskim/summarize"
)

// Stored is a recorded run, as Load rebuilds it.
type Stored struct {
	ID          int64
	VideoID     int64
	Fingerprint string
	Status      Status
	Settings    []byte // JSON
	Result      summarize.Result
	SavedUSD    float64
	Probe       extract.Video // without a path
	Paths       []string      // where the video was seen, the latest first
}

// Find returns the latest complete run of the video fp with the settings
// key, if the library has one.
func (l *Library) Find(ctx context.Context, fp Fingerprint, settingsKey string) (int64, bool, error) {
	var id int64
	err := l.db.QueryRowContext(ctx, `
SELECT r.id FROM runs r JOIN videos v ON v.id = r.video_id
WHERE v.fingerprint = ? AND v.size = ? AND r.settings_key = ? AND r.status = 'complete'
ORDER BY r.id DESC LIMIT 1`, fp.Key, fp.Size, settingsKey).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return id, err == nil, err
}

// Load rebuilds run id: its Result as the run returned it (byte for byte
// the same once rendered), its settings, and where its video was seen.
func (l *Library) Load(ctx context.Context, id int64) (Stored, error) {
	var s Stored
	tx, err := l.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true}) // one snapshot
	if err != nil {
		return s, err
	}
	defer tx.Rollback()
	if err := loadRun(ctx, tx, id, &s); err != nil {
		return s, err
	}
	if err := loadChunks(ctx, tx, id, &s.Result); err != nil {
		return s, err
	}
	if err := loadExtras(ctx, tx, id, &s.Result); err != nil {
		return s, err
	}
	s.Paths, err = column(ctx, tx, `SELECT path FROM video_paths WHERE video_id = ? ORDER BY last_seen DESC, rowid DESC`, s.VideoID)
	return s, err
}

func loadRun(ctx context.Context, tx *sql.Tx, id int64, s *Stored) error {
	r := &s.Result
	var warnings, probe, extra string
	var estimate, structured sql.NullString
	err := tx.QueryRowContext(ctx, `
SELECT r.video_id, v.fingerprint, v.probe, r.status, r.settings, r.input_path, r.duration_s, r.width, r.height, r.codec,
	r.model, r.detail, r.mode, r.frames_sampled, r.frames_kept, r.frames_dropped, r.requests, r.prompt_tokens,
	r.completion_tokens, r.cached_answers, r.cost_usd, r.saved_usd, r.partial, r.summary, r.warnings, r.estimate, r.extra, r.structured
FROM runs r JOIN videos v ON v.id = r.video_id WHERE r.id = ?`, id).Scan(
		&s.VideoID, &s.Fingerprint, &probe, &s.Status, &s.Settings, &r.Video.Path, &r.Video.Duration, &r.Video.Width, &r.Video.Height, &r.Video.Codec,
		&r.Model, &r.Detail, &r.Mode, &r.Frames.Sampled, &r.Frames.Kept, &r.Frames.Dropped, &r.Usage.Requests, &r.Usage.PromptTokens,
		&r.Usage.CompletionTokens, &r.Usage.Cached, &r.Usage.CostUSD, &s.SavedUSD, &r.Partial, &r.Summary, &warnings, &estimate, &extra, &structured)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("no run %d in the library", id)
	}
	if err != nil {
		return err
	}
	s.ID = id
	if err := json.Unmarshal([]byte(probe), &s.Probe); err != nil {
		return fmt.Errorf("run %d: probe data: %w", id, err)
	}
	if err := json.Unmarshal([]byte(warnings), &r.Warnings); err != nil {
		return fmt.Errorf("run %d: warnings: %w", id, err)
	}
	if len(r.Warnings) == 0 {
		r.Warnings = nil
	}
	if err := loadExtra(extra, r); err != nil {
		return fmt.Errorf("run %d: %w", id, err)
	}
	if structured.Valid {
		r.Structured = json.RawMessage(structured.String)
	}
	if estimate.Valid {
		r.Estimate = new(cost.Estimate)
		if err := json.Unmarshal([]byte(estimate.String), r.Estimate); err != nil {
			return fmt.Errorf("run %d: estimate: %w", id, err)
		}
	}
	return nil
}

// loadChunks reads the chunks and their frame times, in order.
func loadChunks(ctx context.Context, tx *sql.Tx, id int64, r *summarize.Result) error {
	r.Chunks = []summarize.ChunkInfo{}
	err := each(ctx, tx, `SELECT start_s, end_s, description, finish_reason FROM chunks WHERE run_id = ? ORDER BY seq`, id, func(rs *sql.Rows) error {
		var c summarize.ChunkInfo
		err := rs.Scan(&c.Start, &c.End, &c.Description, &c.FinishReason)
		r.Chunks = append(r.Chunks, c)
		return err
	})
	if err != nil {
		return err
	}
	return each(ctx, tx, `SELECT chunk_seq, time_s FROM frames WHERE run_id = ? ORDER BY chunk_seq, seq`, id, func(rs *sql.Rows) error {
		var i int
		var t float64
		if err := rs.Scan(&i, &t); err != nil {
			return err
		}
		if i < 0 || i >= len(r.Chunks) {
			return fmt.Errorf("run %d: a frame of chunk %d, which it does not have", id, i)
		}
		r.Chunks[i].FrameTimes = append(r.Chunks[i].FrameTimes, t)
		return nil
	})
}

// loadExtras reads the transcript, the script, the failed ranges and the
// unfinished parts.
func loadExtras(ctx context.Context, tx *sql.Tx, id int64, r *summarize.Result) error {
	err := each(ctx, tx, `SELECT start_s, end_s, text FROM transcript_segments WHERE run_id = ? ORDER BY seq`, id, func(rs *sql.Rows) error {
		var s llm.Segment
		err := rs.Scan(&s.Start, &s.End, &s.Text)
		r.Transcript = append(r.Transcript, s)
		return err
	})
	if err != nil {
		return err
	}
	err = each(ctx, tx, `SELECT start_s, end_s, text FROM script_cues WHERE run_id = ? ORDER BY seq`, id, func(rs *sql.Rows) error {
		var c summarize.Cue
		err := rs.Scan(&c.Start, &c.End, &c.Text)
		r.Script = append(r.Script, c)
		return err
	})
	if err != nil {
		return err
	}
	err = each(ctx, tx, `SELECT start_s, end_s, error FROM failed_ranges WHERE run_id = ? ORDER BY seq`, id, func(rs *sql.Rows) error {
		var f summarize.TimeRange
		err := rs.Scan(&f.Start, &f.End, &f.Error)
		r.Failed = append(r.Failed, f)
		return err
	})
	if err != nil {
		return err
	}
	err = each(ctx, tx, `SELECT start_s, end_s, part, reason FROM incomplete_parts WHERE run_id = ? ORDER BY seq`, id, func(rs *sql.Rows) error {
		var p summarize.Incomplete
		err := rs.Scan(&p.Start, &p.End, &p.Part, &p.Reason)
		r.Incomplete = append(r.Incomplete, p)
		return err
	})
	if err != nil {
		return err
	}
	return loadScreenText(ctx, tx, id, r)
}

// querier is a database or a transaction.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// each calls fn for every row of query, with arg (nil: none).
func each(ctx context.Context, q querier, query string, arg any, fn func(*sql.Rows) error) error {
	args := []any{arg}
	if arg == nil {
		args = nil
	}
	return eachArgs(ctx, q, query, args, fn)
}

// eachArgs calls fn for every row of query, with args.
func eachArgs(ctx context.Context, q querier, query string, args []any, fn func(*sql.Rows) error) error {
	rs, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rs.Close()
	for rs.Next() {
		if err := fn(rs); err != nil {
			return err
		}
	}
	return rs.Err()
}

// column is the first column of query's rows.
func column(ctx context.Context, q querier, query string, arg any) ([]string, error) {
	var out []string
	err := each(ctx, q, query, arg, func(rs *sql.Rows) error {
		var s string
		err := rs.Scan(&s)
		out = append(out, s)
		return err
	})
	return out, err
}
