package render

import (
	"fmt"
	"strings"

	"github.com/vidskim/vidskim/llm"
	"github.com/vidskim/vidskim/summarize"
	"github.com/vidskim/vidskim/textsafe"
)

// Transcript is the speech of a video alone (--transcript-only).
type Transcript struct {
	Segments []llm.Segment `json:"transcript"`
	Video    string        `json:"video"`
	// Duration bounds the cues; 0 when unknown.
	Duration float64 `json:"-"`
	// Range is the stretch transcribed; Usage what it took.
	Range *summarize.TimeRange `json:"range,omitempty"`
	Usage *summarize.Usage     `json:"usage,omitempty"`
}

func (t Transcript) cues() []summarize.Cue {
	cues := make([]summarize.Cue, len(t.Segments))
	for i, s := range t.Segments {
		cues[i] = summarize.Cue(s)
	}
	return summarize.ValidCues(cues, t.Duration)
}

// subtitles writes cues as SubRip (SRT) or WebVTT. WebVTT gets note, when
// there is one, as a NOTE block, which players do not show; SubRip has no
// comments (a cue would be shown), so there the cue times alone, which
// are the video's own, say what the subtitles cover.
func subtitles(b *strings.Builder, f Format, cues []summarize.Cue, note string) {
	if f == VTT {
		b.WriteString("WEBVTT\n\n")
		if note != "" {
			fmt.Fprintf(b, "NOTE\n%s\n\n", strings.ReplaceAll(cueText(note), "\n", " "))
		}
	}
	for i, c := range cues {
		if f == SRT {
			fmt.Fprintf(b, "%d\n%s --> %s\n%s\n\n", i+1, stamp(c.Start, ","), stamp(c.End, ","), cueText(c.Text))
			continue
		}
		t := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(cueText(c.Text))
		fmt.Fprintf(b, "%s --> %s\n%s\n\n", stamp(c.Start, "."), stamp(c.End, "."), t)
	}
}

// cueNote says which stretch of the video the cues cover, when it is not
// the whole of it: "vidskim: sample.mp4, range 00:00:02-00:00:08 of
// 00:00:12 (--start, --end)".
func cueNote(video string, r *summarize.TimeRange, duration float64) string {
	rn := rangeNote(r, duration)
	if rn == "" {
		return ""
	}
	return fmt.Sprintf("vidskim: %s, range %s (--start, --end)", textsafe.Line(baseName(video)), rn)
}

// cueText keeps a cue's text from ending the cue early: no blank lines,
// no arrow.
func cueText(s string) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, strings.ReplaceAll(l, "-->", "->"))
		}
	}
	return strings.Join(lines, "\n")
}

// stamp formats seconds as HH:MM:SS,mmm (SRT) or HH:MM:SS.mmm (VTT).
func stamp(sec float64, sep string) string {
	ms := int64(sec*1000 + 0.5)
	return fmt.Sprintf("%02d:%02d:%02d%s%03d", ms/3600000, ms/60000%60, ms/1000%60, sep, ms%1000)
}
