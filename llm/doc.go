// Package llm is vidskim's one client of OpenAI-compatible model servers,
// and the only package that imports github.com/sashabaranov/go-openai.
//
// It owns everything between a request the pipeline wants answered and the
// bytes on the wire: the endpoints (chat completions, audio
// transcriptions and translations, speech), the providers (OpenAI, Azure OpenAI, keyless local
// servers) and each of their quirks in one place (quirks.go), the HTTP
// transport with its retries and back-off (transport.go), the one error
// classifier that decides whether a failure is retried, split, failed or
// stops the run (classify.go), pacing under per-minute limits
// (ratelimit.go), and the answer cache (cache.go), so that no request is
// paid for twice.
//
// Callers speak in neutral types (ChatRequest, Part, Answer); llm must not
// import the pipeline packages (summarize, render, cost) nor the CLI, and
// it never names a CLI flag: its errors are typed (*APIError,
// *TimeoutError) and the front end words the hints.
package llm
