package library

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Forgotten says what Forget removed.
type Forgotten struct {
	Videos, Runs int
	Keys         []string // cache entries no remaining run used
}

// Forget removes what ref names (a video with all its runs and paths, or
// one run) in one transaction. Before committing it hands the answer-cache
// keys that only the forgotten runs used to drop, which deletes those
// entries; if that fails, nothing is forgotten.
func (l *Library) Forget(ctx context.Context, ref Ref, drop func(keys []string) error) (Forgotten, error) {
	var f Forgotten
	err := inTx(ctx, l.db, func(tx *sql.Tx) error {
		runs, arg := "video_id = ?1", ref.Video
		if ref.Run != 0 {
			runs, arg = "id = ?1", ref.Run
		}
		mine := "run_id IN (SELECT id FROM runs WHERE " + runs + ")"
		var err error
		f.Keys, err = column(ctx, tx, `SELECT DISTINCT key FROM cache_keys WHERE `+mine+`
AND key NOT IN (SELECT key FROM cache_keys WHERE NOT (`+mine+`))`, arg)
		if err != nil {
			return err
		}
		if f.Runs, err = count(ctx, tx, `SELECT COUNT(*) FROM runs WHERE `+runs, arg); err != nil {
			return err
		}
		if ref.Run != 0 {
			_, err = tx.ExecContext(ctx, `DELETE FROM runs WHERE id = ?`, ref.Run)
		} else {
			f.Videos = 1
			_, err = tx.ExecContext(ctx, `DELETE FROM selections WHERE fingerprint = (SELECT fingerprint FROM videos WHERE id = ?)`, ref.Video)
			if err == nil {
				_, err = tx.ExecContext(ctx, `DELETE FROM videos WHERE id = ?`, ref.Video)
			}
		}
		if err != nil {
			return err
		}
		if drop != nil && len(f.Keys) > 0 {
			if err := drop(f.Keys); err != nil {
				return fmt.Errorf("deleting cached answers: %w", err)
			}
		}
		return nil
	})
	return f, err
}

func count(ctx context.Context, tx *sql.Tx, query string, arg any) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, query, arg).Scan(&n)
	return n, err
}

// Check verifies the library is whole: SQLite's own integrity and
// foreign-key checks, and that every run has all its chunks and every
// complete run its summary. A run killed mid-write must never show here.
func (l *Library) Check(ctx context.Context) error {
	var ok string
	if err := l.db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
		return errors.Join(err, fmt.Errorf("integrity check: %s", ok))
	}
	var n int
	checks := []struct{ what, query string }{
		{"foreign keys broken", `SELECT COUNT(*) FROM pragma_foreign_key_check`},
		{"runs without all their chunks", `SELECT COUNT(*) FROM runs r WHERE chunk_count != (SELECT COUNT(*) FROM chunks c WHERE c.run_id = r.id)`},
		{"chunks without frames", `SELECT COUNT(*) FROM chunks c WHERE NOT EXISTS (SELECT 1 FROM frames f WHERE f.run_id = c.run_id AND f.chunk_seq = c.seq)`},
		{"complete runs without a summary", `SELECT COUNT(*) FROM runs WHERE status = 'complete' AND (summary = '' OR chunk_count = 0)`},
		{"descriptions missing from the search index", `SELECT COUNT(*) FROM chunks c WHERE description != '' AND NOT EXISTS
	(SELECT 1 FROM search_docs d WHERE d.run_id = c.run_id AND d.kind = 'note' AND d.start_s = c.start_s)`},
	}
	if _, err := l.db.ExecContext(ctx, `INSERT INTO search_fts (search_fts, rank) VALUES ('integrity-check', 1)`); err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	for _, c := range checks {
		if err := l.db.QueryRowContext(ctx, c.query).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("%d %s", n, c.what)
		}
	}
	return nil
}
