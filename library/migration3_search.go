package library

// migration3 adds what asking the videos needs: the full-text index of
// everything runs produced (FTS5, kept in step by triggers on search_docs,
// whose rows go with their run), the text read on kept frames, the summary
// in the user's JSON schema, and the answers to questions with the runs
// they drew on. It indexes what earlier versions recorded, so an existing
// library is searchable at once.
const migration3 = `
ALTER TABLE runs ADD COLUMN structured TEXT; -- the summary as JSON in the user's schema (--schema), or NULL
CREATE TABLE screen_texts (
	run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
	seq     INTEGER NOT NULL,
	time_s  REAL    NOT NULL,            -- a kept frame
	end_s   REAL    NOT NULL,            -- the next kept frame showing something else, or the end
	text    TEXT    NOT NULL,            -- what OCR read on it at full resolution
	PRIMARY KEY (run_id, seq)
);
CREATE TABLE search_docs (
	id      INTEGER PRIMARY KEY,
	run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
	kind    TEXT    NOT NULL CHECK (kind IN ('note', 'speech', 'screen', 'summary', 'narration')),
	start_s REAL    NOT NULL,
	end_s   REAL    NOT NULL,
	text    TEXT    NOT NULL
);
CREATE INDEX search_docs_by_run ON search_docs(run_id);
CREATE VIRTUAL TABLE search_fts USING fts5(text, content = 'search_docs', content_rowid = 'id',
	tokenize = 'porter unicode61 remove_diacritics 2');
CREATE TRIGGER search_docs_added AFTER INSERT ON search_docs BEGIN
	INSERT INTO search_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER search_docs_removed AFTER DELETE ON search_docs BEGIN
	INSERT INTO search_fts (search_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
INSERT INTO search_docs (run_id, kind, start_s, end_s, text)
	SELECT run_id, 'note', start_s, end_s, description FROM chunks WHERE description != '' ORDER BY run_id, seq;
INSERT INTO search_docs (run_id, kind, start_s, end_s, text)
	SELECT run_id, 'speech', start_s, end_s, text FROM transcript_segments WHERE text != '' ORDER BY run_id, seq;
INSERT INTO search_docs (run_id, kind, start_s, end_s, text)
	SELECT run_id, 'narration', start_s, end_s, text FROM script_cues WHERE text != '' ORDER BY run_id, seq;
INSERT INTO search_docs (run_id, kind, start_s, end_s, text)
	SELECT id, 'summary', 0, duration_s, summary FROM runs WHERE summary != '' ORDER BY id;
CREATE TABLE answers (
	id                INTEGER PRIMARY KEY,
	asked_at          TEXT    NOT NULL,
	question          TEXT    NOT NULL,
	model             TEXT    NOT NULL,
	answer            TEXT    NOT NULL,  -- the final answer (after the second look, when there was one)
	first_answer      TEXT    NOT NULL,  -- the answer before the second look; '' without one
	structured        TEXT,              -- the answer as JSON in the user's schema, or NULL
	citations         TEXT    NOT NULL,  -- JSON: every cited moment and whether the notes support it
	looked            TEXT    NOT NULL,  -- JSON: the frames of the second look
	unsupported       INTEGER NOT NULL,  -- citations the notes do not support
	requests          INTEGER NOT NULL,
	prompt_tokens     INTEGER NOT NULL,
	completion_tokens INTEGER NOT NULL,
	cached_answers    INTEGER NOT NULL,
	cost_usd          REAL    NOT NULL
);
CREATE TABLE answer_sources (
	answer_id INTEGER NOT NULL REFERENCES answers(id) ON DELETE CASCADE,
	run_id    INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
	seq       INTEGER NOT NULL,          -- the video's number in the question (1, 2...)
	PRIMARY KEY (answer_id, run_id)
);
CREATE INDEX answer_sources_by_run ON answer_sources(run_id);
-- An answer drew on its runs: forgetting one forgets the answer.
CREATE TRIGGER answer_source_forgotten AFTER DELETE ON answer_sources BEGIN
	DELETE FROM answers WHERE id = old.answer_id;
END;
`
