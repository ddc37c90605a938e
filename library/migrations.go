package library

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations are the schema's versions, in order: migrations[i] takes the
// database from user_version i to i+1. Never edit one that shipped; add
// the next (search tables, batch ids...) at the end.
var migrations = []string{
	// 1: videos, where they were seen, runs and everything a run produced.
	`
CREATE TABLE videos (
	id          INTEGER PRIMARY KEY,
	fingerprint TEXT    NOT NULL UNIQUE, -- see Fingerprint: size and sampled bytes, never the path
	size        INTEGER NOT NULL,
	duration_s  REAL    NOT NULL,        -- as probed; 0 when unknown
	width       INTEGER NOT NULL,
	height      INTEGER NOT NULL,
	codec       TEXT    NOT NULL,
	probe       TEXT    NOT NULL,        -- extract.Video as JSON, without its path
	first_seen  TEXT    NOT NULL,        -- RFC 3339, UTC
	last_seen   TEXT    NOT NULL
);
CREATE TABLE video_paths (
	video_id   INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
	path       TEXT    NOT NULL,         -- absolute path, or the URL
	first_seen TEXT    NOT NULL,
	last_seen  TEXT    NOT NULL,
	PRIMARY KEY (video_id, path)
);
CREATE INDEX video_paths_by_path ON video_paths(path);
CREATE TABLE runs (
	id                INTEGER PRIMARY KEY,
	video_id          INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
	settings_key      TEXT    NOT NULL,  -- SHA-256 of settings
	settings          TEXT    NOT NULL,  -- JSON: everything that shapes the result
	status            TEXT    NOT NULL CHECK (status IN ('complete', 'partial', 'incomplete', 'failed', 'interrupted')),
	error             TEXT    NOT NULL,
	started_at        TEXT    NOT NULL,
	finished_at       TEXT    NOT NULL,
	input_path        TEXT    NOT NULL,  -- the video as named on the command line
	duration_s        REAL    NOT NULL,  -- the result's video block
	width             INTEGER NOT NULL,
	height            INTEGER NOT NULL,
	codec             TEXT    NOT NULL,
	model             TEXT    NOT NULL,
	detail            TEXT    NOT NULL,
	mode              TEXT    NOT NULL,
	frames_sampled    INTEGER NOT NULL,
	frames_kept       INTEGER NOT NULL,
	frames_dropped    INTEGER NOT NULL,
	requests          INTEGER NOT NULL,
	prompt_tokens     INTEGER NOT NULL,
	completion_tokens INTEGER NOT NULL,
	cached_answers    INTEGER NOT NULL,
	cost_usd          REAL    NOT NULL,  -- what the requests of this run cost
	saved_usd         REAL    NOT NULL,  -- what its answers from the cache would have cost
	partial           INTEGER NOT NULL,
	summary           TEXT    NOT NULL,
	warnings          TEXT    NOT NULL,  -- JSON array
	estimate          TEXT,              -- cost.Estimate as JSON, or NULL
	chunk_count       INTEGER NOT NULL   -- rows in chunks, to check a run is whole
);
CREATE INDEX runs_by_video ON runs(video_id, settings_key, status);
CREATE TABLE chunks (
	run_id        INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
	seq           INTEGER NOT NULL,
	start_s       REAL    NOT NULL,
	end_s         REAL    NOT NULL,
	description   TEXT    NOT NULL,
	finish_reason TEXT    NOT NULL,
	PRIMARY KEY (run_id, seq)
);
CREATE TABLE frames (
	run_id    INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
	chunk_seq INTEGER NOT NULL,
	seq       INTEGER NOT NULL,
	time_s    REAL    NOT NULL,          -- a kept frame sent to the model
	PRIMARY KEY (run_id, chunk_seq, seq)
);
CREATE TABLE transcript_segments (
	run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
	seq     INTEGER NOT NULL,
	start_s REAL    NOT NULL,
	end_s   REAL    NOT NULL,
	text    TEXT    NOT NULL,
	PRIMARY KEY (run_id, seq)
);
CREATE TABLE script_cues (
	run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
	seq     INTEGER NOT NULL,
	start_s REAL    NOT NULL,
	end_s   REAL    NOT NULL,
	text    TEXT    NOT NULL,
	PRIMARY KEY (run_id, seq)
);
CREATE TABLE failed_ranges (
	run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
	seq     INTEGER NOT NULL,
	start_s REAL    NOT NULL,
	end_s   REAL    NOT NULL,
	error   TEXT    NOT NULL,
	PRIMARY KEY (run_id, seq)
);
CREATE TABLE incomplete_parts (
	run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
	seq     INTEGER NOT NULL,
	start_s REAL    NOT NULL,
	end_s   REAL    NOT NULL,
	part    TEXT    NOT NULL,            -- summarize.Incomplete.Part
	reason  TEXT    NOT NULL,            -- length or content_filter
	PRIMARY KEY (run_id, seq)
);
CREATE TABLE cache_keys (
	run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
	key    TEXT    NOT NULL,             -- an answer-cache entry this run read or wrote
	PRIMARY KEY (run_id, key)
);
CREATE INDEX cache_keys_by_key ON cache_keys(key);
CREATE TABLE served (
	id        INTEGER PRIMARY KEY,
	run_id    INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
	at        TEXT    NOT NULL,
	path      TEXT    NOT NULL,
	saved_usd REAL    NOT NULL           -- what running it again would have cost
);
CREATE INDEX served_by_run ON served(run_id);
CREATE TABLE unusable (
	fingerprint TEXT NOT NULL,
	tools       TEXT NOT NULL,           -- the ffprobe and ffmpeg that gave the verdict
	kind        TEXT NOT NULL CHECK (kind IN ('not-video', 'bad')),
	reason      TEXT NOT NULL,
	at          TEXT NOT NULL,
	PRIMARY KEY (fingerprint, tools)
);
`,
	// 2: what a run holds beyond its columns (runExtra as JSON): the range
	// it covered, its whole usage (transcription, what the cache saved),
	// and whether it made a summary at all.
	`ALTER TABLE runs ADD COLUMN extra TEXT NOT NULL DEFAULT '{}';`,
	// 3: search, on-screen text, structured summaries, answers:
	// migration3_search.go.
	migration3,
	// 4: the Batch API's batches and their requests (batches.go).
	batchesSchema,
	// 5: the frames a selection kept (plan, frames, summarize), so that a
	// later run of the same video with the same selection settings decodes
	// only those frames again (see Selection).
	`
CREATE TABLE selections (
	fingerprint   TEXT    NOT NULL,     -- the video's, as in videos
	selection_key TEXT    NOT NULL,     -- SHA-256 of the selection settings and the tools
	times         TEXT    NOT NULL,     -- JSON array: the kept frames' times, seconds
	sampled       INTEGER NOT NULL,
	dropped       INTEGER NOT NULL,
	skipped_s     REAL    NOT NULL,     -- seconds not decoded (quiet stretches)
	last_s        REAL    NOT NULL,     -- the time of the last frame sampled
	at            TEXT    NOT NULL,
	PRIMARY KEY (fingerprint, selection_key)
);`,
}

// SchemaVersion is the schema this build writes.
var SchemaVersion = len(migrations)

// ErrNewer is returned for a library written by a newer vidskim.
type ErrNewer struct{ Have, Know int }

func (e *ErrNewer) Error() string {
	return fmt.Sprintf("the library has schema version %d, newer than this vidskim knows (%d): upgrade vidskim", e.Have, e.Know)
}

// migrate brings db to SchemaVersion, one version a transaction, so an
// interrupted upgrade leaves a whole earlier version.
func migrate(ctx context.Context, db *sql.DB) error {
	for {
		var v int
		if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
			return err
		}
		switch {
		case v > len(migrations):
			return &ErrNewer{Have: v, Know: len(migrations)}
		case v == len(migrations):
			return nil
		}
		if err := inTx(ctx, db, func(tx *sql.Tx) error {
			var now int
			if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&now); err != nil || now != v {
				return err // another process migrated first; loop and look again
			}
			if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
				return fmt.Errorf("schema version %d: %w", v+1, err)
			}
			_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v+1))
			return err
		}); err != nil {
			return err
		}
	}
}

// inTx runs fn in a write transaction (BEGIN IMMEDIATE: see open.go),
// committing if it returns nil and rolling back otherwise.
func inTx(ctx context.Context, db *sql.DB, fn func(*sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}
