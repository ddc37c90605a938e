// Package chunk turns kept frames into request-sized batches: each frame is
// encoded as a JPEG that fits the model's detail budget, labelled with its
// timestamp, and grouped with its neighbours in time, so that one
// multi-image chat-completion request describes one stretch of the video.
//
// Its chunks are neutral (times, labels, JPEG bytes): how they are put on
// the wire is the model client's business, so chunk must not import
// go-openai nor any package above it (llm, summarize, render).
package chunk
