// Package library is vidskim's memory of every run: an embedded SQLite
// database (pure Go, modernc.org/sqlite, so the binary stays static) that
// records, for each video, a content fingerprint that survives renames and
// moves, the paths and URLs it was seen at and its probe data; and for
// each run, its settings, model, mode, time, usage, cost, warnings, every
// chunk with its time range, frame times and description, the transcript
// segments, the narration script and the summary, and the answer-cache
// keys of its requests (so forgetting a video can delete its cached
// answers); and the frames a selection (plan) kept, by fingerprint and
// selection settings, so summarize afterwards decodes only those. A run
// of the same video with the same settings is rendered from here without
// decoding or asking anything. Everything runs produced
// (descriptions, speech, narration, summaries, on-screen text) is in a
// full-text index (SQLite FTS5, search.go) kept in step in the same
// transactions; questions asked of the library are kept with the runs
// they drew on (answers.go).
//
// The database runs in WAL mode with a busy timeout, so concurrent runs
// wait for each other rather than fail; its schema is versioned
// (migrations.go: later versions add tables); and every run is written in
// one transaction, so a run killed at any moment is either all there or
// not there at all. The file and its directory are the owner's only; no
// API key is ever part of what is stored.
//
// It may import summarize (the Result it stores and rebuilds) and cost,
// extract and llm for their types; it must not import render, the CLI,
// or go-openai, and it never names a CLI flag.
package library
