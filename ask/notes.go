package ask

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/library"
)

// item is one piece of what the library knows of a video: a note (a
// chunk's description), a transcript line, the text on a frame, or the
// summary.
type item struct {
	video      int // the video's number
	kind       string
	start, end float64
	text       string
	tokens     int
}

// Notes says what the prompt held.
type Notes struct {
	// Given and Total count the moments (notes, transcript lines, text on
	// screen) given to the model and known of the videos.
	Given int `json:"given"`
	Total int `json:"total"`
	// Selected is set when they did not all fit and search chose them:
	// Query is what was searched for.
	Selected bool   `json:"selected"`
	Query    string `json:"query,omitempty"`
	// Tokens is the notes' estimated size (four characters a token).
	Tokens int `json:"tokens"`
}

// items lists what the library knows of v, in time order, the summary
// first.
func items(v Video) []item {
	r := v.Result
	var out []item
	add := func(kind string, start, end float64, text string) {
		if text = strings.TrimSpace(text); text != "" {
			out = append(out, item{video: v.N, kind: kind, start: start, end: end, text: text, tokens: len(text)/4 + 8})
		}
	}
	add(library.KindSummary, 0, r.Video.Duration, r.Summary)
	for _, c := range r.Chunks {
		add(library.KindNote, c.Start, c.End, c.Description)
	}
	for _, s := range r.Transcript {
		add(library.KindSpeech, s.Start, s.End, s.Text)
	}
	for _, f := range r.ScreenText {
		add(library.KindScreen, f.Time, f.End, f.Text)
	}
	return out
}

// gather chooses what goes in the prompt: everything when it fits the
// budget; otherwise the moments search ranks first (each with the notes
// around it), then the summaries, then the rest in time order, while
// they fit.
func gather(ctx context.Context, vs []Video, o Options) ([]item, Notes, error) {
	var all []item
	total := 0
	for _, v := range vs {
		all = append(all, items(v)...)
	}
	for _, it := range all {
		total += it.tokens
	}
	n := Notes{Total: moments(all)}
	if total <= o.Budget {
		n.Given, n.Tokens = n.Total, total
		return all, n, nil
	}
	n.Selected, n.Query = true, searchQuery(o.Question)
	var first []item
	if o.Search != nil && n.Query != "" {
		hits, err := o.Search(ctx, n.Query)
		if err != nil {
			return nil, n, err
		}
		first = ranked(hits, vs, all)
	}
	chosen, used := pick(o.Budget, first, summaries(all), all)
	n.Given, n.Tokens = moments(chosen), used
	return chosen, n, nil
}

// pick takes items from the lists in order, each once, while they fit.
func pick(budget int, lists ...[]item) ([]item, int) {
	type key struct {
		video      int
		kind       string
		start, end float64
	}
	seen := map[key]bool{}
	var out []item
	used := 0
	for _, l := range lists {
		for _, it := range l {
			k := key{it.video, it.kind, it.start, it.end}
			if seen[k] || used+it.tokens > budget {
				continue
			}
			seen[k] = true
			used += it.tokens
			out = append(out, it)
		}
	}
	return out, used
}

// ranked is the items the hits point at, best first, each followed by
// the notes of the same video around its time.
func ranked(hits []library.Hit, vs []Video, all []item) []item {
	byRun := map[int64]int{}
	for _, v := range vs {
		byRun[v.Run] = v.N
	}
	var out []item
	for _, h := range hits {
		n := byRun[h.Run]
		for _, it := range all {
			if it.video == n && it.kind == h.Kind && it.start == h.Start && it.end == h.End {
				out = append(out, it)
			}
		}
		for _, it := range all {
			if it.video == n && it.kind == library.KindNote && h.Kind != library.KindSummary && overlaps(it.start, it.end, h.Start, h.End) {
				out = append(out, it)
			}
		}
	}
	return out
}

// overlaps says whether [a0, a1] and [b0, b1] share more than an end (or
// the moment b0 = b1 falls in the first).
func overlaps(a0, a1, b0, b1 float64) bool {
	if b0 == b1 {
		return a0 <= b0 && b0 <= a1
	}
	return a0 < b1 && b0 < a1
}

func summaries(all []item) []item {
	var out []item
	for _, it := range all {
		if it.kind == library.KindSummary {
			out = append(out, it)
		}
	}
	return out
}

// moments counts the items that are moments (not summaries).
func moments(its []item) int {
	n := 0
	for _, it := range its {
		if it.kind != library.KindSummary {
			n++
		}
	}
	return n
}

var (
	queryWord = regexp.MustCompile(`[\p{L}\p{N}]{3,}`)
	stopWords = map[string]bool{}
)

func init() {
	for _, w := range strings.Fields(`the and for are was were what when where which who whom whose why how does did done
		has have had this that these those there their they them then than with from into onto about any all some
		can could would should will shall may might must not nor but yet our your you his her its one two video videos
		clip show shows shown happen happens happened happening say says said tell give see seen get got`) {
		stopWords[w] = true
	}
}

// searchQuery is the question as a full-text query: its words, less the
// common ones, any of which may match.
func searchQuery(q string) string {
	var words []string
	seen := map[string]bool{}
	for _, w := range queryWord.FindAllString(strings.ToLower(q), -1) {
		if !stopWords[w] && !seen[w] {
			seen[w] = true
			words = append(words, `"`+w+`"`)
		}
	}
	return strings.Join(words, " OR ")
}

// render writes the chosen items as the prompt's notes and returns what
// each video was given, to check citations against: each video its
// heading, summary, then its moments in time order.
func render(vs []Video, chosen []item) (string, map[int][]span) {
	given := map[int][]span{}
	byVideo := map[int][]item{}
	for _, it := range chosen {
		byVideo[it.video] = append(byVideo[it.video], it)
	}
	var b strings.Builder
	for _, v := range vs {
		its := byVideo[v.N]
		if len(its) == 0 {
			continue
		}
		sort.SliceStable(its, func(i, j int) bool {
			si, sj := its[i].kind == library.KindSummary, its[j].kind == library.KindSummary
			if si != sj {
				return si
			}
			return its[i].start < its[j].start
		})
		fmt.Fprintf(&b, "%s: %s (%s long)\n", videoHeading(v, len(vs)), v.Name, extract.Clock(v.Result.Video.Duration))
		for _, it := range its {
			line(&b, it)
			if it.kind != library.KindSummary {
				given[v.N] = append(given[v.N], span{it.start, it.end})
			}
		}
		b.WriteString("\n")
	}
	return strings.TrimSpace(b.String()), given
}

func videoHeading(v Video, n int) string {
	if n == 1 {
		return "Video"
	}
	return fmt.Sprintf("Video %d", v.N)
}

// line writes one item as the model reads it.
func line(b *strings.Builder, it item) {
	switch it.kind {
	case library.KindSummary:
		fmt.Fprintf(b, "Summary of the whole video: %s\n", it.text)
	case library.KindSpeech:
		fmt.Fprintf(b, "[%s] said: %s\n", extract.Clock(it.start), it.text)
	case library.KindScreen:
		fmt.Fprintf(b, "[%s] text on screen: %s\n", extract.Clock(it.start), strings.ReplaceAll(it.text, "\n", " / "))
	default:
		fmt.Fprintf(b, "[%s-%s] seen: %s\n", extract.Clock(it.start), extract.Clock(it.end), it.text)
	}
}
