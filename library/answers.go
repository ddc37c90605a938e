package library

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/vidskim/vidskim/summarize"
)

// Answer is a question asked of the library and what the model answered,
// to record. The citations and the frames looked at are the asker's own
// JSON documents.
type Answer struct {
	Question    string
	Model       string
	Text        string          // the final answer
	FirstText   string          // the answer before the second look; "" without one
	Structured  json.RawMessage // the answer in the user's schema, or nil
	Citations   json.RawMessage
	Looked      json.RawMessage
	Unsupported int // citations the notes do not support
	Usage       summarize.Usage
	// Runs are the runs whose notes the question was asked over, in the
	// order the question numbered their videos. Forgetting any of them
	// forgets the answer.
	Runs []int64
}

// RecordAnswer keeps a, in one transaction, and returns its ID.
func (l *Library) RecordAnswer(ctx context.Context, a Answer) (int64, error) {
	var id int64
	err := inTx(ctx, l.db, func(tx *sql.Tx) error {
		u := a.Usage
		err := tx.QueryRowContext(ctx, `
INSERT INTO answers (asked_at, question, model, answer, first_answer, structured, citations, looked, unsupported,
	requests, prompt_tokens, completion_tokens, cached_answers, cost_usd)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			now(), a.Question, a.Model, a.Text, a.FirstText, nullText(a.Structured), jsonOr(a.Citations, "[]"), jsonOr(a.Looked, "[]"),
			a.Unsupported, u.Requests, u.PromptTokens, u.CompletionTokens, u.Cached, u.CostUSD).Scan(&id)
		if err != nil {
			return err
		}
		var rows []row
		for i, r := range a.Runs {
			rows = append(rows, row{`INSERT OR IGNORE INTO answer_sources (answer_id, run_id, seq) VALUES (?, ?, ?)`, []any{id, r, i + 1}})
		}
		return insertRows(ctx, tx, rows)
	})
	return id, err
}

func jsonOr(b json.RawMessage, empty string) string {
	if len(b) == 0 {
		return empty
	}
	return string(b)
}

// AnswerCount is how many answers the library keeps.
func (l *Library) AnswerCount(ctx context.Context) (int, error) {
	var n int
	err := l.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM answers`).Scan(&n)
	return n, err
}

// usableOrder ranks a video's runs for answering questions: the latest
// complete run, else the latest partial or incomplete one (both have
// notes and a summary); failed and interrupted runs are not used.
const usableOrder = `status IN ('complete', 'partial', 'incomplete') ORDER BY status = 'complete' DESC, id DESC LIMIT 1`

// Usable is the run of the video fp to answer questions from, if the
// library has one.
func (l *Library) Usable(ctx context.Context, fp Fingerprint) (int64, bool, error) {
	return l.scalar(ctx, `SELECT id FROM runs WHERE video_id = (SELECT id FROM videos WHERE fingerprint = ?) AND `+usableOrder, fp.Key)
}

// UsableRuns is every video's run to answer questions from, the most
// recently seen video first.
func (l *Library) UsableRuns(ctx context.Context) ([]int64, error) {
	var out []int64
	err := each(ctx, l.db, `SELECT (SELECT id FROM runs r WHERE r.video_id = v.id AND `+usableOrder+`) AS run
FROM videos v WHERE run IS NOT NULL ORDER BY v.last_seen DESC, v.id DESC`, nil, func(rs *sql.Rows) error {
		var id int64
		err := rs.Scan(&id)
		out = append(out, id)
		return err
	})
	return out, err
}
