package library

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
)

// Selection is what one selection of a video kept: the times of its kept
// frames and its counts. plan, frames and summarize record theirs; a later
// summarize of the same video (same fingerprint) with the same selection
// settings and tools (the same key) decodes only those frames again
// instead of the whole video.
type Selection struct {
	Times   []float64 // seconds, in time order
	Sampled int
	Dropped int     // kept, then dropped by the frame cap
	Skipped float64 // seconds not decoded
	Last    float64 // the time of the last frame sampled
}

// RecordSelection keeps sel for fp under key, replacing an older one.
func (l *Library) RecordSelection(ctx context.Context, fp Fingerprint, key string, sel Selection) error {
	times, err := json.Marshal(nonNilTimes(sel.Times))
	if err != nil {
		return err
	}
	_, err = l.db.ExecContext(ctx, `
INSERT INTO selections (fingerprint, selection_key, times, sampled, dropped, skipped_s, last_s, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (fingerprint, selection_key) DO UPDATE SET times = excluded.times, sampled = excluded.sampled,
	dropped = excluded.dropped, skipped_s = excluded.skipped_s, last_s = excluded.last_s, at = excluded.at`,
		fp.Key, key, string(times), sel.Sampled, sel.Dropped, sel.Skipped, sel.Last, now())
	return err
}

// Selection returns the selection kept for fp under key, if any.
func (l *Library) Selection(ctx context.Context, fp Fingerprint, key string) (Selection, bool, error) {
	var sel Selection
	var times string
	err := l.db.QueryRowContext(ctx, `SELECT times, sampled, dropped, skipped_s, last_s FROM selections WHERE fingerprint = ? AND selection_key = ?`,
		fp.Key, key).Scan(&times, &sel.Sampled, &sel.Dropped, &sel.Skipped, &sel.Last)
	if errors.Is(err, sql.ErrNoRows) {
		return sel, false, nil
	}
	if err != nil {
		return sel, false, err
	}
	if err := json.Unmarshal([]byte(times), &sel.Times); err != nil {
		return sel, false, fmt.Errorf("selection: %w", err)
	}
	return sel, true, nil
}

func nonNilTimes(ts []float64) []float64 {
	if ts == nil {
		return []float64{}
	}
	return ts
}
