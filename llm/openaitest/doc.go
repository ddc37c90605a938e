// Package openaitest is a fake OpenAI-compatible chat-completions server for
// tests, in the manner of net/http/httptest. The model is the one thing the
// project's tests fake, so the fake is strict: it validates every request
// body against the official OpenAI schema (testdata/openai/chat-schema.json),
// decodes every image and checks it against the detail budget, checks that
// each image carries its timestamp and that a token limit is set, and
// answers with the real response JSON, usage included. Scripted replies
// can also misbehave as hostile servers and broken networks do (hostile.go:
// redirects, echoed credentials, huge bodies, gzip bombs, bodies cut
// mid-way or stalled, HTML or broken JSON with status 200), and RefusedURL
// is an address where nothing listens. A response_format is held to what
// OpenAI enforces (format.go). NeedFFmpeg,
// NeedTesseract and DrawtextFont skip a test for a missing tool on a
// developer machine and fail it in CI.
//
// It also serves the Batch API (batch.go, batchrun.go): multipart uploads
// to /files, /files/{id}/content, /batches, /batches/{id} and cancel,
// under /v1 and under Azure's /openai/v1. Uploads and batch requests are
// validated against the schemas cut from the OpenAPI document
// (testdata/openai/batch-schema.json), every line of an input file against
// the request input object and its body as a live request; batches run
// as scripted (BatchScript: after some polls, lines failing, expiring,
// failing validation, cancelled, a client killed mid-upload or
// mid-create) and end with real output and error files.
//
// It speaks raw JSON, so the tests check what really goes over the wire; it
// must not import go-openai nor any other vidskim package.
package openaitest
