package library

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// batchesSchema is the migration that adds the Batch API's batches: each
// batch vidskim sends is recorded before its file is uploaded, its file ID
// and batch ID as soon as they are known, and every request in it by its
// cache key, so a re-run (or `vidskim batch`) picks up what was sent and
// nothing is paid for twice.
const batchesSchema = `
CREATE TABLE batches (
	id             INTEGER PRIMARY KEY,
	name           TEXT    NOT NULL UNIQUE,  -- the input file's name at the provider
	server         TEXT    NOT NULL,         -- where it went: the API base, user-info removed
	input_path     TEXT    NOT NULL,         -- the input file on disk, kept until the batch is done
	state          TEXT    NOT NULL CHECK (state IN ('uploading', 'uploaded', 'submitted', 'done', 'abandoned')),
	file_id        TEXT    NOT NULL DEFAULT '',
	batch_id       TEXT    NOT NULL DEFAULT '',
	status         TEXT    NOT NULL DEFAULT '',  -- the provider's word: validating, in_progress, completed...
	requests       INTEGER NOT NULL,
	bytes          INTEGER NOT NULL,
	completed      INTEGER NOT NULL DEFAULT 0,
	failed         INTEGER NOT NULL DEFAULT 0,
	output_file_id TEXT    NOT NULL DEFAULT '',
	error_file_id  TEXT    NOT NULL DEFAULT '',
	errors         TEXT    NOT NULL DEFAULT '',  -- why it failed as a whole
	created_at     TEXT    NOT NULL,
	updated_at     TEXT    NOT NULL
);
CREATE INDEX batches_by_state ON batches(state);
CREATE TABLE batch_requests (
	batch INTEGER NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
	key   TEXT    NOT NULL,                  -- custom_id: the request's answer-cache key
	state TEXT    NOT NULL CHECK (state IN ('pending', 'answered', 'failed', 'counted')),
	error TEXT    NOT NULL DEFAULT '',
	PRIMARY KEY (batch, key)
);
CREATE INDEX batch_requests_by_key ON batch_requests(key, state);
`

// The states of a batch, as vidskim knows it.
const (
	BatchUploading = "uploading" // recorded; its file may or may not have reached the provider
	BatchUploaded  = "uploaded"  // the file is there; the batch may or may not have been created
	BatchSubmitted = "submitted" // the batch exists at the provider
	BatchDone      = "done"      // ended, and its answers are in the cache
	BatchAbandoned = "abandoned" // never sent, or given up: its requests may be sent again
)

// The states of a request in a batch.
const (
	RequestPending  = "pending"  // in a batch not done yet
	RequestAnswered = "answered" // its answer is in the cache, not yet counted by a recorded run
	RequestFailed   = "failed"   // the batch gave no usable answer
	RequestCounted  = "counted"  // a recorded run counted it as paid
)

// BatchRow is one batch as the library holds it.
type BatchRow struct {
	ID           int64  `json:"id"`
	Name         string `json:"name"`
	Server       string `json:"server"`
	InputPath    string `json:"input_path"`
	State        string `json:"state"`
	FileID       string `json:"file_id,omitempty"`
	BatchID      string `json:"batch_id,omitempty"`
	Status       string `json:"status,omitempty"`
	Requests     int    `json:"requests"`
	Bytes        int64  `json:"bytes"`
	Completed    int    `json:"completed"`
	Failed       int    `json:"failed"`
	OutputFileID string `json:"output_file_id,omitempty"`
	ErrorFileID  string `json:"error_file_id,omitempty"`
	Errors       string `json:"errors,omitempty"`
	Created      string `json:"created_at"`
	Updated      string `json:"updated_at"`
}

// Open reports a batch that is neither done nor abandoned.
func (b BatchRow) Open() bool { return b.State != BatchDone && b.State != BatchAbandoned }

const batchColumns = `id, name, server, input_path, state, file_id, batch_id, status, requests, bytes, completed, failed,
	output_file_id, error_file_id, errors, created_at, updated_at`

func scanBatch(rs interface{ Scan(...any) error }) (BatchRow, error) {
	var b BatchRow
	err := rs.Scan(&b.ID, &b.Name, &b.Server, &b.InputPath, &b.State, &b.FileID, &b.BatchID, &b.Status, &b.Requests, &b.Bytes,
		&b.Completed, &b.Failed, &b.OutputFileID, &b.ErrorFileID, &b.Errors, &b.Created, &b.Updated)
	return b, err
}

// AddBatch records a batch about to be uploaded, with its requests
// pending, in one transaction: before anything is sent, so a process
// killed at any later moment leaves a record of what it may have sent.
func (l *Library) AddBatch(ctx context.Context, b BatchRow, keys []string) (int64, error) {
	var id int64
	err := inTx(ctx, l.db, func(tx *sql.Tx) error {
		t := now()
		err := tx.QueryRowContext(ctx, `INSERT INTO batches (name, server, input_path, state, requests, bytes, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, b.Name, b.Server, b.InputPath, BatchUploading, len(keys), b.Bytes, t, t).Scan(&id)
		if err != nil {
			return err
		}
		var rows []row
		for _, k := range keys {
			rows = append(rows, row{`INSERT OR IGNORE INTO batch_requests (batch, key, state) VALUES (?, ?, 'pending')`, []any{id, k}})
		}
		return insertRows(ctx, tx, rows)
	})
	return id, err
}

// SetBatchFile notes the uploaded input file: the batch is uploaded.
func (l *Library) SetBatchFile(ctx context.Context, id int64, fileID string) error {
	return l.exec(ctx, `UPDATE batches SET file_id = ?, state = ?, updated_at = ? WHERE id = ?`, fileID, BatchUploaded, now(), id)
}

// SetBatchID notes the provider's batch: the batch is submitted.
func (l *Library) SetBatchID(ctx context.Context, id int64, batchID, status string) error {
	return l.exec(ctx, `UPDATE batches SET batch_id = ?, status = ?, state = ?, updated_at = ? WHERE id = ?`, batchID, status, BatchSubmitted, now(), id)
}

// BatchProgress is what the provider last said of a batch.
type BatchProgress struct {
	Status                    string
	Completed, Failed         int
	OutputFileID, ErrorFileID string
	Errors                    string
}

// UpdateBatch notes what the provider last said of a batch.
func (l *Library) UpdateBatch(ctx context.Context, id int64, p BatchProgress) error {
	return l.exec(ctx, `UPDATE batches SET status = ?, completed = ?, failed = ?, output_file_id = ?, error_file_id = ?, errors = ?, updated_at = ? WHERE id = ?`,
		p.Status, p.Completed, p.Failed, p.OutputFileID, p.ErrorFileID, p.Errors, now(), id)
}

// FinishBatch ends a batch whose answers are in the cache: the requests
// answered are so, the others failed with their reasons, in one
// transaction.
func (l *Library) FinishBatch(ctx context.Context, id int64, answered []string, failed map[string]string) error {
	return inTx(ctx, l.db, func(tx *sql.Tx) error {
		rows := []row{{`UPDATE batches SET state = ?, updated_at = ? WHERE id = ?`, []any{BatchDone, now(), id}}}
		for _, k := range answered {
			rows = append(rows, row{`UPDATE batch_requests SET state = 'answered', error = '' WHERE batch = ? AND key = ? AND state = 'pending'`, []any{id, k}})
		}
		for k, why := range failed {
			rows = append(rows, row{`UPDATE batch_requests SET state = 'failed', error = ? WHERE batch = ? AND key = ? AND state = 'pending'`, []any{why, id, k}})
		}
		rows = append(rows, row{`UPDATE batch_requests SET state = 'failed', error = 'no answer in the batch''s files' WHERE batch = ? AND state = 'pending'`, []any{id}})
		return insertRows(ctx, tx, rows)
	})
}

// AbandonBatch gives a batch up: never sent, or cancelled; its requests
// pending may be sent again.
func (l *Library) AbandonBatch(ctx context.Context, id int64, why string) error {
	return inTx(ctx, l.db, func(tx *sql.Tx) error {
		return insertRows(ctx, tx, []row{
			{`UPDATE batches SET state = ?, errors = CASE WHEN errors = '' THEN ? ELSE errors END, updated_at = ? WHERE id = ?`, []any{BatchAbandoned, why, now(), id}},
			{`UPDATE batch_requests SET state = 'failed', error = ? WHERE batch = ? AND state = 'pending'`, []any{why, id}},
		})
	})
}

// Batches lists the batches, the latest first; open keeps those neither
// done nor abandoned.
func (l *Library) Batches(ctx context.Context, open bool) ([]BatchRow, error) {
	q := `SELECT ` + batchColumns + ` FROM batches`
	if open {
		q += ` WHERE state NOT IN ('done', 'abandoned')`
	}
	var out []BatchRow
	err := each(ctx, l.db, q+` ORDER BY id DESC`, nil, func(rs *sql.Rows) error {
		b, err := scanBatch(rs)
		out = append(out, b)
		return err
	})
	return out, err
}

// Batch finds a batch by the library's number or the provider's ID.
func (l *Library) Batch(ctx context.Context, ref string) (BatchRow, error) {
	n, _ := strconv.ParseInt(ref, 10, 64)
	b, err := scanBatch(l.db.QueryRowContext(ctx, `SELECT `+batchColumns+` FROM batches WHERE id = ? OR (batch_id = ? AND batch_id != '')`, n, ref))
	if errors.Is(err, sql.ErrNoRows) {
		return b, fmt.Errorf("%s: no such batch in the library (see vidskim batch list)", ref)
	}
	return b, err
}

// BatchKeys are the requests of a batch in a state ("" for all), in the
// order they were added.
func (l *Library) BatchKeys(ctx context.Context, id int64, state string) ([]string, error) {
	q, args := `SELECT key FROM batch_requests WHERE batch = ?`, []any{id}
	if state != "" {
		q, args = q+` AND state = ?`, append(args, state)
	}
	rs, err := l.db.QueryContext(ctx, q+` ORDER BY rowid`, args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []string
	for rs.Next() {
		var k string
		if err := rs.Scan(&k); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rs.Err()
}

// RequestsIn says, of keys, which are in a batch in one of the request
// states, and in which batch (the latest, if several).
func (l *Library) RequestsIn(ctx context.Context, keys []string, states ...string) (map[string]int64, error) {
	out := map[string]int64{}
	for start := 0; start < len(keys); start += 500 {
		part := keys[start:min(start+500, len(keys))]
		args := make([]any, 0, len(part)+len(states))
		for _, k := range part {
			args = append(args, k)
		}
		for _, s := range states {
			args = append(args, s)
		}
		q := `SELECT key, MAX(batch) FROM batch_requests WHERE key IN (` + marks(len(part)) + `) AND state IN (` + marks(len(states)) + `) GROUP BY key`
		rs, err := l.db.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, err
		}
		for rs.Next() {
			var k string
			var b int64
			if err := rs.Scan(&k, &b); err != nil {
				rs.Close()
				return nil, err
			}
			out[k] = b
		}
		rs.Close()
		if err := rs.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// RequestsAnswered are the requests batches answered that no recorded
// run has counted yet.
func (l *Library) RequestsAnswered(ctx context.Context) ([]string, error) {
	return column(ctx, l.db, `SELECT DISTINCT key FROM batch_requests WHERE state = ?`, RequestAnswered)
}

// CountRequests marks answered requests counted: a recorded run paid for
// them, so no later run counts them again.
func (l *Library) CountRequests(ctx context.Context, keys []string) error {
	return inTx(ctx, l.db, func(tx *sql.Tx) error {
		var rows []row
		for _, k := range keys {
			rows = append(rows, row{`UPDATE batch_requests SET state = 'counted' WHERE key = ? AND state = 'answered'`, []any{k}})
		}
		return insertRows(ctx, tx, rows)
	})
}

func marks(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

func (l *Library) exec(ctx context.Context, q string, args ...any) error {
	return inTx(ctx, l.db, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, q, args...)
		return err
	})
}
