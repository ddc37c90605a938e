package summarize

import (
	"fmt"
	"strings"

	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/field"
)

// Mode is the job the user brings.
type Mode string

const (
	// ModeSummary summarizes a recording: what it is, what happens, how it ends.
	ModeSummary Mode = "summary"
	// ModeSurveillance writes an event log: what changed and when.
	ModeSurveillance Mode = "surveillance"
	// ModeNarration drafts a voice-over script timed to the video.
	ModeNarration Mode = "narration"
)

// ParseMode accepts summary, surveillance or narration.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(s); m {
	case ModeSummary, ModeSurveillance, ModeNarration:
		return m, nil
	}
	return "", field.Errorf("mode", "%q: must be summary, surveillance or narration", s)
}

// WordsPerSecond is a calm narration pace: the word budget of a narration
// line is the seconds it covers at this rate.
const WordsPerSecond = 2.5

// WordBudget is how many words a narration line covering seconds may have.
func WordBudget(seconds float64) int { return max(2, int(seconds*WordsPerSecond)) }

// The prompts ask for time-anchored, factual text: users ask "what happened
// and when", so every statement carries the timestamp it rests on.
var prompts = map[Mode]struct{ chunk, merge, partial string }{
	ModeSummary: {
		chunk: "You are watching frames sampled from a video, in time order. " +
			"Each image is preceded by its timestamp as [HH:MM:SS]. " +
			"Describe what is shown and what happens in this stretch, citing timestamps. " +
			"Be factual and concise; say only what the frames show. Read out any legible on-screen text that matters.",
		merge: "You are given notes on consecutive stretches of one video, in time order, " +
			"each headed by its time range. Write a single coherent summary of the video: " +
			"what it is, the main events in order with their timestamps, and how it ends. " +
			"Use only the notes; do not invent details.",
		partial: "You are given notes on consecutive stretches of one part of a video, in time order. " +
			"Condense them into shorter notes for that part, keeping the timestamps of the main events. " +
			"Use only the notes; do not invent details.",
	},
	ModeSurveillance: {
		chunk: "You are reviewing frames from a fixed camera, in time order; each image is preceded by its timestamp as [HH:MM:SS]. " +
			"List every change as a line '[HH:MM:SS] what changed' (who or what appeared, left, moved, or was moved; doors, lights, vehicles). " +
			"If nothing changes across some frames, say so in one line '[HH:MM:SS-HH:MM:SS] no activity'. Be factual; do not guess identities.",
		merge: "You are given event notes from consecutive stretches of one camera's footage, in time order. " +
			"Write an event log: one line per event, '[HH:MM:SS] event', in time order; a stretch where nothing happens is one line " +
			"'[HH:MM:SS-HH:MM:SS] no activity'. End with a section 'Notable events:' listing the few that matter most. Use only the notes.",
		partial: "You are given event notes from consecutive stretches of one camera's footage. Condense them into a shorter event log " +
			"for that part, one line per event with its [HH:MM:SS], merging stretches of no activity. Use only the notes.",
	},
	ModeNarration: {
		chunk: "You are writing a voice-over script for a video. You see frames in time order, each preceded by its timestamp as [HH:MM:SS]. " +
			"Write narration lines, each on its own line as '[HH:MM:SS] sentence', using only timestamps shown, in order, at most one line per timestamp. " +
			"Each sentence must be speakable before the next line starts: keep within the word budget given for its timestamp. " +
			"Describe what the viewer sees; no stage directions.",
		merge: "You are given the narration lines written for consecutive stretches of one video. " +
			"Write a two- or three-sentence introduction a narrator could read before the video, and a one-line title. Use only the lines given.",
		partial: "You are given narration lines for consecutive stretches of one part of a video. " +
			"Summarize what that part shows in a few sentences with timestamps. Use only the lines given.",
	},
}

func (o Options) system(kind string) string {
	p := prompts[o.Mode]
	s := map[string]string{"chunk": p.chunk, "merge": p.merge, "partial": p.partial}[kind]
	if o.Language != "" {
		s += "\n\nWrite in " + o.Language + ", whatever the language of the video, its text or its speech; keep timestamps as they are."
	}
	if o.Prompt != "" {
		s += "\n\nThe user adds this instruction: " + o.Prompt
	}
	return s
}

// chunkHeader introduces a chunk's images with its place in the video; for
// narration it gives each timestamp's word budget, so a line fits the time
// it covers.
func (o Options) chunkHeader(times []float64, end float64) string {
	start, last := times[0], times[len(times)-1]
	h := fmt.Sprintf("Frames from %s to %s", extract.Clock(start), extract.Clock(last))
	if o.Duration > 0 {
		h += fmt.Sprintf(" of a %s video", extract.Clock(o.Duration))
	}
	h += ":"
	if o.Mode == ModeNarration {
		var b []string
		for i, t := range times {
			next := end
			if i+1 < len(times) {
				next = times[i+1]
			}
			b = append(b, fmt.Sprintf("%s: at most %d words", extract.Clock(t), WordBudget(next-t)))
		}
		h += " Word budgets: " + strings.Join(b, "; ") + "."
	}
	return h
}

// formatNotes renders notes as the text of a merge request.
func formatNotes(notes []Note) string {
	var b strings.Builder
	for _, n := range notes {
		fmt.Fprintf(&b, "[%s-%s] %s\n\n", extract.Clock(n.Start), extract.Clock(n.End), n.Description)
	}
	return strings.TrimSpace(b.String())
}
