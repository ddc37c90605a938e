package library

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// VideoRow is a video as `library list` shows it.
type VideoRow struct {
	ID       string  `json:"id"` // the fingerprint's short form
	Duration float64 `json:"duration_s"`
	Width    int     `json:"width"`
	Height   int     `json:"height"`
	Runs     int     `json:"runs"`
	LastRun  string  `json:"last_run,omitempty"`
	CostUSD  float64 `json:"cost_usd"`
	Path     string  `json:"path"` // where it was seen last
	key      int64
}

// Videos lists every video, the most recently run first.
func (l *Library) Videos(ctx context.Context) ([]VideoRow, error) {
	var out []VideoRow
	err := each(ctx, l.db, `
SELECT v.id, v.fingerprint, v.duration_s, v.width, v.height, COUNT(r.id), COALESCE(MAX(r.finished_at), ''), COALESCE(SUM(r.cost_usd), 0),
	COALESCE((SELECT path FROM video_paths p WHERE p.video_id = v.id ORDER BY last_seen DESC, rowid DESC LIMIT 1), '')
FROM videos v LEFT JOIN runs r ON r.video_id = v.id
GROUP BY v.id ORDER BY MAX(COALESCE(r.finished_at, v.last_seen)) DESC, v.id DESC`, nil, func(rs *sql.Rows) error {
		var v VideoRow
		var fp string
		err := rs.Scan(&v.key, &fp, &v.Duration, &v.Width, &v.Height, &v.Runs, &v.LastRun, &v.CostUSD, &v.Path)
		v.ID = shortID(fp)
		out = append(out, v)
		return err
	})
	return out, err
}

// RunRow is a run as `library list VIDEO` shows it.
type RunRow struct {
	ID       int64   `json:"id"`
	Finished string  `json:"finished_at"`
	Status   Status  `json:"status"`
	Mode     string  `json:"mode"`
	Model    string  `json:"model"`
	Kept     int     `json:"frames_kept"`
	Requests int     `json:"requests"`
	Cached   int     `json:"cached_answers"`
	CostUSD  float64 `json:"cost_usd"`
	Served   int     `json:"served_from_library"`
	Path     string  `json:"input_path"`
}

// Runs lists the runs of a video, the latest first.
func (l *Library) Runs(ctx context.Context, video int64) ([]RunRow, error) {
	var out []RunRow
	err := each(ctx, l.db, `
SELECT r.id, r.finished_at, r.status, r.mode, r.model, r.frames_kept, r.requests, r.cached_answers, r.cost_usd,
	(SELECT COUNT(*) FROM served s WHERE s.run_id = r.id), r.input_path
FROM runs r WHERE r.video_id = ? ORDER BY r.id DESC`, video, func(rs *sql.Rows) error {
		var r RunRow
		err := rs.Scan(&r.ID, &r.Finished, &r.Status, &r.Mode, &r.Model, &r.Kept, &r.Requests, &r.Cached, &r.CostUSD, &r.Served, &r.Path)
		out = append(out, r)
		return err
	})
	return out, err
}

// Stats is what the library holds and what its runs spent and saved.
type Stats struct {
	Videos           int     `json:"videos"`
	Hours            float64 `json:"hours"`
	Runs             int     `json:"runs"`
	Served           int     `json:"served_from_library"`
	Requests         int     `json:"requests"`
	PromptTokens     int     `json:"prompt_tokens"`
	CompletionTokens int     `json:"completion_tokens"`
	SpentUSD         float64 `json:"spent_usd"`
	SavedUSD         float64 `json:"saved_usd"` // answers from the cache and runs from the library
}

// Stats adds up the library.
func (l *Library) Stats(ctx context.Context) (Stats, error) {
	var s Stats
	var served float64
	err := l.db.QueryRowContext(ctx, `
SELECT (SELECT COUNT(*) FROM videos), (SELECT COALESCE(SUM(duration_s), 0) FROM videos) / 3600.0,
	COUNT(*), COALESCE(SUM(requests), 0), COALESCE(SUM(prompt_tokens), 0), COALESCE(SUM(completion_tokens), 0),
	COALESCE(SUM(cost_usd), 0), COALESCE(SUM(saved_usd), 0),
	(SELECT COUNT(*) FROM served), (SELECT COALESCE(SUM(saved_usd), 0) FROM served)
FROM runs`).Scan(&s.Videos, &s.Hours, &s.Runs, &s.Requests, &s.PromptTokens, &s.CompletionTokens, &s.SpentUSD, &s.SavedUSD, &s.Served, &served)
	s.SavedUSD += served
	return s, err
}

// Ref is what a user's reference names: a whole video, or one run.
type Ref struct {
	Video int64 // set for a video
	Run   int64 // set for a run
	Name  string
}

var hexID = regexp.MustCompile(`^[0-9a-f]{4,64}$`)

// Resolve finds what ref names: an existing file (by its fingerprint,
// whatever its name now), a path or URL the library saw a video at, a run
// ID (a number), or a video ID (at least 4 hex digits of its fingerprint,
// as `library list` shows).
func (l *Library) Resolve(ctx context.Context, ref string) (Ref, error) {
	if st, err := os.Stat(ref); err == nil && st.Mode().IsRegular() {
		if fp, err := FingerprintFile(ref); err == nil {
			if id, ok, err := l.scalar(ctx, `SELECT id FROM videos WHERE fingerprint = ?`, fp.Key); ok || err != nil {
				return Ref{Video: id, Name: ref}, err
			}
		}
	}
	where := ref
	if abs, err := filepath.Abs(ref); err == nil && !strings.Contains(ref, "://") {
		where = abs
	}
	if id, ok, err := l.scalar(ctx, `SELECT video_id FROM video_paths WHERE path = ? ORDER BY last_seen DESC LIMIT 1`, where); ok || err != nil {
		return Ref{Video: id, Name: ref}, err
	}
	if n, err := strconv.ParseInt(ref, 10, 64); err == nil {
		if id, ok, err := l.scalar(ctx, `SELECT id FROM runs WHERE id = ?`, n); ok || err != nil {
			return Ref{Run: id, Name: "run " + ref}, err
		}
	}
	if hexID.MatchString(ref) {
		return l.byPrefix(ctx, ref)
	}
	return Ref{}, fmt.Errorf("%s: not in the library (name a video file, a path or URL it was seen at, a video ID or a run ID: see vidskim library list)", ref)
}

func (l *Library) byPrefix(ctx context.Context, prefix string) (Ref, error) {
	var ids []int64
	err := each(ctx, l.db, `SELECT id FROM videos WHERE substr(fingerprint, 4, length(?1)) = ?1 LIMIT 2`, prefix, func(rs *sql.Rows) error {
		var id int64
		err := rs.Scan(&id)
		ids = append(ids, id)
		return err
	})
	switch {
	case err != nil:
		return Ref{}, err
	case len(ids) == 0:
		return Ref{}, fmt.Errorf("%s: no video or run with that ID in the library (see vidskim library list)", prefix)
	case len(ids) > 1:
		return Ref{}, fmt.Errorf("%s: more than one video has an ID starting so: give more digits", prefix)
	}
	return Ref{Video: ids[0], Name: "video " + prefix}, nil
}

// scalar is the first column of query's first row, if any.
func (l *Library) scalar(ctx context.Context, query string, arg any) (int64, bool, error) {
	var id int64
	err := l.db.QueryRowContext(ctx, query, arg).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return id, err == nil, err
}

// LatestRun is the video's latest complete run, else its latest run.
func (l *Library) LatestRun(ctx context.Context, video int64) (int64, error) {
	id, ok, err := l.scalar(ctx, `SELECT id FROM runs WHERE video_id = ? ORDER BY status = 'complete' DESC, id DESC LIMIT 1`, video)
	if err == nil && !ok {
		err = errors.New("the video is in the library but has no run")
	}
	return id, err
}
