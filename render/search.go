package render

import (
	"fmt"
	"strings"

	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/library"
	"github.com/vidskim/vidskim/textsafe"
)

// Search is what `vidskim search` prints: the moments that match, grouped
// by video, the video with the best hit first.
type Search struct {
	Query  string              `json:"query"`
	Videos []library.VideoHits `json:"videos"`
}

// Marks around a match in text output: visible in any terminal, and
// neither Markdown nor a control sequence.
const markOpen, markClose = "«", "»"

// searchText is one line a hit: where, when, what kind, the snippet with
// its matches marked.
func searchText(b *strings.Builder, s Search) {
	for _, v := range s.Videos {
		for _, h := range v.Hits {
			fmt.Fprintf(b, "%s  [%s-%s]  %s: %s\n", textsafe.Line(v.Path), extract.Clock(h.Start), extract.Clock(h.End), h.Kind, marked(h))
		}
	}
}

// marked is the snippet on one line with «» around each match.
func marked(h library.Hit) string {
	rs := []rune(h.Snippet)
	var b strings.Builder
	at := 0
	for _, m := range h.Matches {
		if m.Start < at || m.End > len(rs) || m.Start > m.End {
			continue
		}
		b.WriteString(string(rs[at:m.Start]) + markOpen + string(rs[m.Start:m.End]) + markClose)
		at = m.End
	}
	b.WriteString(string(rs[at:]))
	return strings.Join(strings.Fields(textsafe.Line(b.String())), " ")
}
