package summarize

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Cue is one timed line of subtitles or script.
type Cue struct {
	Start float64 `json:"start_s"`
	End   float64 `json:"end_s"`
	Text  string  `json:"text"`
}

var scriptLine = regexp.MustCompile(`^\s*\[(\d{1,2}):(\d{2}):(\d{2})(?:\.\d+)?\]\s*(.+?)\s*$`)

// Cues turns the result into timed cues: for narration, each
// "[HH:MM:SS] sentence" line the model wrote; otherwise one cue a chunk.
// They are made valid: in order, not overlapping, within the video, none
// empty in time.
func (r Result) Cues() []Cue {
	var cues []Cue
	for _, c := range r.Chunks {
		lines := []Cue{}
		if r.Mode == string(ModeNarration) {
			lines = parseScript(c.Description)
		}
		if len(lines) == 0 {
			lines = []Cue{{Start: c.Start, Text: c.Description}}
		}
		for i := range lines {
			lines[i].Start = max(lines[i].Start, c.Start) // a line never starts before its chunk
			lines[i].End = c.End
			if i+1 < len(lines) {
				lines[i].End = lines[i+1].Start
			}
		}
		cues = append(cues, lines...)
	}
	return ValidCues(cues, r.Video.Duration)
}

func parseScript(text string) []Cue {
	var out []Cue
	for _, l := range strings.Split(text, "\n") {
		m := scriptLine.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		h, _ := strconv.Atoi(m[1])
		mi, _ := strconv.Atoi(m[2])
		s, _ := strconv.Atoi(m[3])
		out = append(out, Cue{Start: float64(h*3600 + mi*60 + s), Text: m[4]})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	return out
}

// minCue is the shortest a cue may last, so a player shows it at all.
const minCue = 0.5

// ValidCues sorts cues, clamps them to the video, ends each no later than
// the next begins, and drops empty ones.
func ValidCues(cues []Cue, duration float64) []Cue {
	sort.SliceStable(cues, func(i, j int) bool { return cues[i].Start < cues[j].Start })
	var out []Cue
	for i, c := range cues {
		c.Text = strings.TrimSpace(c.Text)
		if duration > 0 {
			c.Start, c.End = min(c.Start, duration), min(c.End, duration)
		}
		if c.End < c.Start+minCue {
			c.End = c.Start + minCue
		}
		if i+1 < len(cues) && c.End > cues[i+1].Start {
			c.End = cues[i+1].Start
		}
		if duration > 0 && c.End > duration {
			c.End = duration
		}
		if c.Text == "" || c.End <= c.Start || (len(out) > 0 && c.Start < out[len(out)-1].End) {
			continue
		}
		out = append(out, c)
	}
	return out
}

// What a reader can take in from one cue: lines of about CueLineChars
// characters, CueLines of them, shown at most MaxCueSeconds (the usual
// broadcast and streaming guidelines).
const (
	CueLineChars  = 42
	CueLines      = 2
	MaxCueSeconds = 7.0
)

// Readable splits each cue whose text is longer than one screen into
// consecutive cues of at most CueLines lines of at most CueLineChars
// characters (a longer word alone on its line is cut), each given a share
// of the cue's time in proportion to its text, and none shown longer than
// MaxCueSeconds. Cues stay in order and within the time of the cue they
// came from.
func Readable(cues []Cue) []Cue {
	var out []Cue
	for _, c := range cues {
		pages := screens(c.Text)
		total := 0
		for _, p := range pages {
			total += len([]rune(p))
		}
		t := c.Start
		for _, p := range pages {
			share := (c.End - c.Start) * float64(len([]rune(p))) / float64(max(total, 1))
			out = append(out, Cue{Start: t, End: t + min(share, MaxCueSeconds), Text: p})
			t += share
		}
	}
	return out
}

// screens breaks text into pages of at most CueLines lines of at most
// CueLineChars characters, lines within a page joined by "\n".
func screens(text string) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		for len([]rune(w)) > CueLineChars { // a word longer than a line: cut it
			if line != "" {
				lines, line = append(lines, line), ""
			}
			r := []rune(w)
			lines, w = append(lines, string(r[:CueLineChars])), string(r[CueLineChars:])
		}
		switch {
		case line == "":
			line = w
		case len([]rune(line))+1+len([]rune(w)) <= CueLineChars:
			line += " " + w
		default:
			lines, line = append(lines, line), w
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	var pages []string
	for i := 0; i < len(lines); i += CueLines {
		pages = append(pages, strings.Join(lines[i:min(i+CueLines, len(lines))], "\n"))
	}
	return pages
}
