package ask

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/vidskim/vidskim/extract"
)

// Citation is one moment the answer cites, and whether the notes it was
// given support it.
type Citation struct {
	Text  string  `json:"text"`  // as written, "[00:01:05]"
	Video int     `json:"video"` // the video's number, from 1; 0 when the citation names none that exists
	Path  string  `json:"path,omitempty"`
	Start float64 `json:"time_s"`
	End   float64 `json:"end_s,omitempty"` // a stretch's end; 0 for a moment
	// Supported is set when the time is inside the video and inside a
	// note, transcript line or on-screen text the model was given;
	// otherwise Reason says why not.
	Supported bool   `json:"supported"`
	Reason    string `json:"reason,omitempty"`
	// At is where the citation is in the answer, in bytes: [At, At+len(Text)).
	At int `json:"offset"`
}

// span is a stretch of one video given to the model.
type span struct{ start, end float64 }

// covers says whether the cited stretch [a, b] (a moment when a == b)
// falls in s. Cited times are whole seconds as the notes showed them
// (HH:MM:SS truncates), so a note of 4.5-7.2 s covers 00:00:04 to 00:00:07.
func (s span) covers(a, b float64) bool {
	return b >= math.Floor(s.start) && a < math.Floor(s.end)+1
}

var (
	bracket   = regexp.MustCompile(`\[([^\[\]\n]{1,100})\]`)
	videoPart = regexp.MustCompile(`(?i)^\s*video\s*#?\s*(\d+)\s*[,:;@]?\s*`)
	clockPart = `(?:\d{1,2}:)?\d{1,2}:\d{2}(?:\.\d{1,3})?`
	timeRange = regexp.MustCompile(`(` + clockPart + `)(?:\s*(?:-|–|—|to)\s*(` + clockPart + `))?`)
	bareTime  = regexp.MustCompile(`^\s*` + timeRange.String() + `\s*$`)
)

// cite finds every citation in answer: bracketed times, "[00:01:05]",
// "[00:01:05-00:01:10]", "[video 2 00:01:05]", several in one bracket
// separated by commas; in a structured answer also JSON string values
// that are nothing but a time or a stretch. It checks each against the
// videos and what was given of them.
func cite(answer string, structured bool, vs []Video, given map[int][]span) []Citation {
	var out []Citation
	for _, m := range bracket.FindAllStringSubmatchIndex(answer, -1) {
		inner := answer[m[2]:m[3]]
		video := 0
		if vm := videoPart.FindStringSubmatch(inner); vm != nil {
			video, _ = strconv.Atoi(vm[1])
			inner = inner[len(vm[0]):]
		}
		for _, t := range timeRange.FindAllStringSubmatch(inner, -1) {
			c := newCitation(answer[m[0]:m[1]], m[0], video, t[1], t[2])
			out = append(out, check(c, video != 0, vs, given))
		}
	}
	if structured {
		out = append(out, bareTimes(answer, vs, given)...)
	}
	return out
}

// bareTimes are the string values of a JSON answer that are only a time.
func bareTimes(answer string, vs []Video, given map[int][]span) []Citation {
	var out []Citation
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		case string:
			if t := bareTime.FindStringSubmatch(x); t != nil {
				quoted, _ := json.Marshal(x)
				at := strings.Index(answer, string(quoted))
				out = append(out, check(newCitation(x, max(at, 0), 0, t[1], t[2]), false, vs, given))
			}
		}
	}
	var doc any
	if json.Unmarshal([]byte(answer), &doc) == nil {
		walk(doc)
	}
	return out
}

func newCitation(text string, at, video int, from, to string) Citation {
	c := Citation{Text: text, At: at, Video: video, Start: Seconds(from)}
	if to != "" {
		c.End = Seconds(to)
	}
	return c
}

// Seconds reads a cited time, [HH:]MM:SS[.mmm], as seconds.
func Seconds(s string) float64 {
	total := 0.0
	for _, p := range strings.Split(s, ":") {
		v, _ := strconv.ParseFloat(p, 64)
		total = total*60 + v
	}
	return total
}

// check decides whether c is supported. A citation that names no video
// (named is false) is about the only one, or the only one whose notes
// were given; with several, it cannot be checked, so it is not supported.
func check(c Citation, named bool, vs []Video, given map[int][]span) Citation {
	a, b := c.Start, max(c.End, c.Start)
	switch {
	case named && (c.Video < 1 || c.Video > len(vs)):
		c.Video, c.Reason = 0, fmt.Sprintf("there is no video %d", c.Video)
		return c
	case !named && len(vs) == 1:
		c.Video = 1
	case !named && len(given) == 1:
		for n := range given { // only one video's notes were given: it can only be that one
			c.Video = n
		}
	case !named:
		c.Reason = "names no video, and several were given (cite as [video N HH:MM:SS])"
		return c
	}
	v := vs[c.Video-1]
	c.Path = v.Name
	switch {
	case !inside(v, b):
		c.Reason = fmt.Sprintf("after the end of the video (%s)", extract.Clock(v.Result.Video.Duration))
	case !inGiven(given[v.N], a, b):
		c.Reason = "no note given covers that time"
	default:
		c.Supported = true
	}
	return c
}

// inside says whether t is within the video (to the second shown).
func inside(v Video, t float64) bool {
	d := v.Result.Video.Duration
	return d <= 0 || t < math.Floor(d)+1
}

func inGiven(spans []span, a, b float64) bool {
	for _, s := range spans {
		if s.covers(a, b) {
			return true
		}
	}
	return false
}

// unsupported counts the citations not supported.
func unsupported(cs []Citation) int {
	n := 0
	for _, c := range cs {
		if !c.Supported {
			n++
		}
	}
	return n
}
