// Package summarize is the pipeline: it streams extract, dedupe and chunk
// into the model (so the first request goes out while ffmpeg is still
// decoding), describes each chunk, merges the notes in rounds into one
// summary, and holds the modes and their prompts, the transcript's place in
// the requests, and the Result a run produced. With OCR it reads the text
// on kept frames beside decoding (through ocr) and puts it beside each
// frame; with a schema it asks for the summary in it (through schema).
//
// It talks to the model only through the Client interface (the llm
// package's client satisfies it) and prices runs through cost; it must not
// import go-openai, render, or the CLI, and it never names a CLI flag.
package summarize
