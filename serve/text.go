package serve

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"

	"github.com/vidskim/vidskim/ask"
	"github.com/vidskim/vidskim/textsafe"
)

// piece is a run of text a page shows, or a moment in it that seeks the
// player: model text stays text (html/template escapes it), and only the
// times vidskim itself reads out of it become links.
type piece struct {
	Text string
	Link bool
	T    float64 // the moment, in seconds
	Href string  // "#t=S" on the video's own page, "/v/ID#t=S" elsewhere
	Bad  string  // an unsupported citation: why it is not supported
}

// stamp is a bracketed time, "[00:01:05]", "[00:01:05-00:01:10]" or
// "[video 2 00:01:05]": the link goes to its first time.
var stamp = regexp.MustCompile(`\[(?:video\s*#?\d+\s*[,:;@]?\s*)?((?:\d{1,2}:)?\d{1,2}:\d{2}(?:\.\d{1,3})?)[^\[\]\n]{0,60}\]`)

// linkify cuts text at its bracketed times; href says where each goes.
func linkify(text string, href func(float64) string) []piece {
	text = textsafe.Clean(text)
	var out []piece
	at := 0
	for _, m := range stamp.FindAllStringSubmatchIndex(text, -1) {
		t := ask.Seconds(text[m[2]:m[3]])
		out = append(out, piece{Text: text[at:m[0]]}, piece{Text: text[m[0]:m[1]], Link: true, T: t, Href: href(t)})
		at = m[1]
	}
	return append(out, piece{Text: text[at:]})
}

// answerPieces cuts an answer at the citations ask found and checked,
// each a link to its moment in its video; unsupported ones say why.
// href names the video by its number in the question.
func answerPieces(answer string, cs []ask.Citation, href func(video int, t float64) string) []piece {
	sorted := append([]ask.Citation(nil), cs...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].At < sorted[j].At })
	var out []piece
	at := 0
	for _, c := range sorted {
		end := c.At + len(c.Text)
		if c.At < at || end > len(answer) || answer[c.At:end] != c.Text {
			continue // a second time in one bracket, or a value in a JSON answer: the first link stands
		}
		p := piece{Text: c.Text, Link: true, T: c.Start, Href: href(c.Video, c.Start)}
		if !c.Supported {
			p.Bad = "unsupported: " + c.Reason
		}
		out = append(out, piece{Text: answer[at:c.At]}, p)
		at = end
	}
	return append(out, piece{Text: answer[at:]})
}

// here links to a moment of the page's own video.
func here(t float64) string { return fmt.Sprintf("#t=%s", secs(t)) }

// momentIn links to a moment of video id.
func momentIn(id string) func(float64) string {
	return func(t float64) string { return "/v/" + id + here(t) }
}

// secs writes seconds as the shortest decimal, as #t= and data-t carry them.
func secs(t float64) string { return strconv.FormatFloat(t, 'f', -1, 64) }
