package render

import (
	"fmt"
	"strings"

	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/narrate"
	"github.com/vidskim/vidskim/summarize"
)

// Narrated is a run with its spoken voice-over (summarize --speak): the
// Result's fields, and what the voice-over became. Its subtitles are the
// lines as heard.
type Narrated struct {
	summarize.Result
	Speech narrate.Report `json:"speech"`
}

// cues are the lines as heard, in order.
func (n Narrated) cues() []summarize.Cue {
	var cues []summarize.Cue
	for _, l := range n.Speech.Lines {
		if l.Heard() {
			cues = append(cues, summarize.Cue{Start: l.Start, End: l.End, Text: l.Text})
		}
	}
	return summarize.ValidCues(cues, n.Video.Duration)
}

// narratedMarkdown is the run's Markdown, then the voice-over: where it
// went, what it cost, and each line that was shortened, sped up, moved or
// left silent.
func narratedMarkdown(b *strings.Builder, n Narrated) {
	resultMarkdown(b, n.Result)
	s := n.Speech
	b.WriteString("\n## Voice-over\n\n")
	var outs []string
	for _, o := range []string{s.Video, s.Audio} {
		if o != "" {
			outs = append(outs, mdEscape(baseName(o)))
		}
	}
	fmt.Fprintf(b, "%s: %d lines spoken by %s on %s (%d speech requests, %d from the cache; %d characters sent",
		strings.Join(outs, " and "), s.Heard(), s.Voice, s.Model, s.Requests, s.Cached, s.Characters)
	if s.ShortenRequests+s.ShortenCached > 0 {
		fmt.Fprintf(b, "; shortened by the model: %d", s.ShortenRequests+s.ShortenCached)
	}
	b.WriteString(")")
	if s.CostUSD > 0 {
		fmt.Fprintf(b, ", $%.4f", s.CostUSD)
	}
	b.WriteString(".\n\n")
	for _, l := range s.Lines {
		if note := lineNote(l); note != "" {
			fmt.Fprintf(b, "- **%s** %s: %s\n", extract.Clock(l.At), note, l.Text)
		}
	}
}

// lineNote says what became of a line, "" when it was spoken as written,
// at its time.
func lineNote(l narrate.Spoken) string {
	switch {
	case l.Silent != "":
		return "silent (" + l.Silent + ")"
	case l.LeftOut != "":
		return "left out (" + l.LeftOut + ")"
	}
	var notes []string
	if l.Written != "" {
		notes = append(notes, fmt.Sprintf("shortened from %d words", len(strings.Fields(l.Written))))
	}
	if l.Tempo > 0 {
		notes = append(notes, fmt.Sprintf("sped up %.2fx", l.Tempo))
	}
	if d := l.Moved(); d > 0 {
		notes = append(notes, fmt.Sprintf("moved %.2f s later, to %s", d, stamp(l.Start, ".")))
	}
	return strings.Join(notes, ", ")
}
