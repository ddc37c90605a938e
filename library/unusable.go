package library

import (
	"context"
	"database/sql"
	"errors"
)

// Verdict is what probing or decoding a file said once: it is not a video
// at all (NotVideo), or it is one that cannot be used (Bad). The library
// keeps it per fingerprint and per tool set, so a directory's broken and
// foreign files are not probed on every run, and a new ffmpeg looks again.
type Verdict struct {
	Kind   string // NotVideo or Bad
	Reason string // the error, as first reported
}

// The verdict kinds.
const (
	NotVideo = "not-video"
	Bad      = "bad"
)

// Unusable returns the verdict on fp given by tools, if any.
func (l *Library) Unusable(ctx context.Context, fp Fingerprint, tools string) (Verdict, bool, error) {
	var v Verdict
	err := l.db.QueryRowContext(ctx, `SELECT kind, reason FROM unusable WHERE fingerprint = ? AND tools = ?`, fp.Key, tools).Scan(&v.Kind, &v.Reason)
	if errors.Is(err, sql.ErrNoRows) {
		return v, false, nil
	}
	return v, err == nil, err
}

// RecordUnusable keeps the verdict on fp given by tools.
func (l *Library) RecordUnusable(ctx context.Context, fp Fingerprint, tools string, v Verdict) error {
	_, err := l.db.ExecContext(ctx, `
INSERT INTO unusable (fingerprint, tools, kind, reason, at) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (fingerprint, tools) DO UPDATE SET kind = excluded.kind, reason = excluded.reason, at = excluded.at`,
		fp.Key, tools, v.Kind, v.Reason, now())
	return err
}
