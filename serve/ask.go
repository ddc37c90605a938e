package serve

import (
	"context"
	"encoding/base64"
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/vidskim/vidskim/ask"
	"github.com/vidskim/vidskim/library"
	"github.com/vidskim/vidskim/textsafe"
)

// MaxQuestion is the longest question the form takes, in bytes.
const MaxQuestion = 4000

// answerView is an answer as a page shows it: its text with each
// citation a link that seeks, the unsupported ones marked.
type answerView struct {
	Question    string
	Error       string
	Answer      []piece
	FirstAnswer string
	Citations   []citeView
	Unsupported int
	Looked      []lookedView
	Warnings    []string
	Incomplete  string
	Requests    int
	CostUSD     float64
	Look        bool
	MaxCost     string
}

type citeView struct {
	piece
	Video string // its name
}

type lookedView struct {
	T   float64
	Src template.URL // a data: URL of the JPEG vidskim sent
}

// askVideo answers the video page's ask form, over that video.
func (s *Server) askVideo(w http.ResponseWriter, r *http.Request) {
	v, ok := s.servedVideo(w, r)
	if !ok {
		return
	}
	st, err := s.o.Library.Load(r.Context(), v.Run)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ids := map[int64]string{st.ID: v.ID}
	v.Answer = s.answer(r, []library.Stored{st}, func(video string, t float64) string {
		if video == v.ID {
			return here(t)
		}
		return momentIn(video)(t)
	}, ids)
	s.render(w, r, "video", v.Name, v)
}

// askLibrary answers the library page's ask form, over every video that
// has notes to answer from.
func (s *Server) askLibrary(w http.ResponseWriter, r *http.Request) {
	lv, err := s.libraryView(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	runs, err := s.o.Library.UsableRuns(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var sts []library.Stored
	ids := map[int64]string{}
	for _, id := range runs {
		st, err := s.o.Library.Load(r.Context(), id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		sts = append(sts, st)
		ids[id] = library.Fingerprint{Key: st.Fingerprint}.ID()
	}
	lv.Answer = s.answer(r, sts, func(video string, t float64) string { return momentIn(video)(t) }, ids)
	s.render(w, r, "library", "library", lv)
}

// answer reads the form, asks, and shows what came back; ids name each
// run's video, href links a moment of one.
func (s *Server) answer(r *http.Request, sts []library.Stored, href func(video string, t float64) string, ids map[int64]string) *answerView {
	q := strings.TrimSpace(r.PostFormValue("q"))
	a := &answerView{Question: q, Look: r.PostFormValue("look") != "", MaxCost: r.PostFormValue("max_cost")}
	cost, err := strconv.ParseFloat(strings.TrimPrefix(strings.TrimSpace(a.MaxCost), "$"), 64)
	switch {
	case s.o.Ask == nil:
		a.Error = "asking is not available on this server"
	case q == "":
		a.Error = "ask a question"
	case len(q) > MaxQuestion:
		a.Error = "the question is too long"
	case a.MaxCost != "" && (err != nil || cost < 0):
		a.Error = "the cost cap is a number of US dollars, e.g. 0.05"
	case len(sts) == 0:
		a.Error = "the library holds no video with notes to answer from"
	}
	if a.Error != "" {
		return a
	}
	res, err := s.o.Ask(r.Context(), Question{Text: q, Runs: sts, Look: a.Look, MaxCostUSD: cost})
	if err != nil && (res.Answer == "" || !errors.Is(err, ask.ErrIncomplete)) {
		if errors.Is(err, context.Canceled) {
			a.Error = "the question was cancelled"
		} else {
			a.Error = textsafe.Line(err.Error())
		}
		return a
	}
	s.fillAnswer(a, res, ids, href)
	return a
}

func (s *Server) fillAnswer(a *answerView, res ask.Result, ids map[int64]string, href func(string, float64) string) {
	video := func(n int) (string, string) {
		if n < 1 || n > len(res.Videos) {
			return "", ""
		}
		v := res.Videos[n-1]
		return ids[v.Run], v.Path
	}
	link := func(n int, t float64) string {
		if id, _ := video(n); id != "" {
			return href(id, t)
		}
		return ""
	}
	a.Answer = answerPieces(res.Answer, res.Citations, link)
	for i := range a.Answer {
		a.Answer[i].Text = cleanPiece(a.Answer[i].Text)
	}
	for _, c := range res.Citations {
		id, name := video(c.Video)
		cv := citeView{piece: piece{Text: c.Text, Link: id != "", T: c.Start, Href: link(c.Video, c.Start)}, Video: textsafe.Line(name)}
		if !c.Supported {
			cv.Bad = "unsupported: " + c.Reason
		}
		a.Citations = append(a.Citations, cv)
	}
	for _, f := range res.Looked {
		a.Looked = append(a.Looked, lookedView{T: f.Time, Src: template.URL("data:image/jpeg;base64," + base64.StdEncoding.EncodeToString(f.JPEG))})
	}
	a.FirstAnswer, a.Unsupported, a.Warnings, a.Incomplete = res.FirstAnswer, res.Unsupported, res.Warnings, res.Incomplete
	a.Requests, a.CostUSD = res.Usage.Requests, res.Usage.CostUSD
}

// cleanPiece is textsafe.Clean for a piece of a longer text: the white
// space at its ends, which joins it to its neighbours, stays.
func cleanPiece(s string) string {
	const space = " \t\n"
	lead := s[:len(s)-len(strings.TrimLeft(s, space))]
	c := textsafe.Clean(s)
	if c == "" {
		return lead
	}
	return lead + c + s[len(strings.TrimRight(s, space)):]
}
