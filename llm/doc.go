// Package llm is vidskim's one client of OpenAI-compatible model servers,
// and the only package that imports github.com/sashabaranov/go-openai.
//
// It owns everything between a request the pipeline wants answered and the
// bytes on the wire: the endpoints (chat completions, audio
// transcriptions and translations, speech), the providers (OpenAI, Azure OpenAI, keyless local
// servers) and each of their quirks in one place (quirks.go), the HTTP
// transport with its retries and back-off (transport.go), which reads every
// answer whole, bounded and checked (answer.go), never follows a redirect,
// and stops every request when the server cannot be reached or fails too
// often in a row (health.go); the one error classifier that decides
// whether a failure is retried, split, failed or stops the run
// (classify.go, with the failures in errors.go), pacing under per-minute
// limits (ratelimit.go), and the answer cache (cache.go) with a lock per
// request shared between processes (cachelock.go), so that no request is
// paid for twice. For the Batch API it collects the requests a run would
// send as batch lines whose bodies are exactly the live ones, under their
// cache keys (batch.go), speaks to the Files and Batches endpoints,
// streaming files from and to disk (batchapi.go, batchfiles.go), and
// puts each answer of an output file in the cache (batchresults.go). Server text it passes on is cleaned of the key and
// other secrets.
//
// Callers speak in neutral types (ChatRequest, Part, Answer); llm must not
// import the pipeline packages (summarize, render, cost) nor the CLI, and
// it never names a CLI flag: its errors are typed (*APIError,
// *TimeoutError) and the front end words the hints.
package llm
