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
// It speaks raw JSON, so the tests check what really goes over the wire; it
// must not import go-openai nor any other vidskim package.
package openaitest
