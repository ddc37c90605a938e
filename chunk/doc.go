// Package chunk turns kept frames into request-sized batches: each frame is
// encoded as a JPEG that fits the model's detail budget, labelled with its
// timestamp, and grouped with its neighbours in time, so that one
// multi-image chat-completion request describes one stretch of the video.
package chunk
