// Package summarize sends chunks of frames to an OpenAI-compatible vision
// model and merges the per-chunk descriptions into one summary of the video.
//
// It also holds the orchestrator that streams the whole pipeline (extract,
// dedupe, chunk, describe) so that the first request goes out while ffmpeg
// is still decoding, and the Result that the CLI renders as Markdown or JSON.
package summarize
