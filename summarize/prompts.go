package summarize

import (
	"fmt"
	"strings"

	"github.com/vidskim/vidskim/extract"
)

// The prompts ask for time-anchored, factual text: users ask "what happened
// and when", so every statement should carry the timestamp it rests on.
const (
	chunkSystem = "You are watching frames sampled from a video, in time order. " +
		"Each image is preceded by its timestamp as [HH:MM:SS]. " +
		"Describe what is shown and what happens in this stretch, citing timestamps. " +
		"Be factual and concise; say only what the frames show. Read out any legible on-screen text that matters."
	mergeSystem = "You are given notes on consecutive stretches of one video, in time order, " +
		"each headed by its time range. Write a single coherent summary of the video: " +
		"what it is, the main events in order with their timestamps, and how it ends. " +
		"Use only the notes; do not invent details."
	partialSystem = "You are given notes on consecutive stretches of one part of a video, in time order. " +
		"Condense them into shorter notes for that part, keeping the timestamps of the main events. " +
		"Use only the notes; do not invent details."
)

// chunkHeader introduces a chunk's images with its place in the video.
func chunkHeader(start, end, duration float64) string {
	h := fmt.Sprintf("Frames from %s to %s", extract.Clock(start), extract.Clock(end))
	if duration > 0 {
		h += fmt.Sprintf(" of a %s video", extract.Clock(duration))
	}
	return h + ":"
}

// formatNotes renders notes as the text of a merge request.
func formatNotes(notes []Note) string {
	var b strings.Builder
	for _, n := range notes {
		fmt.Fprintf(&b, "[%s-%s] %s\n\n", extract.Clock(n.Start), extract.Clock(n.End), n.Description)
	}
	return strings.TrimSpace(b.String())
}
