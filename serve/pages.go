package serve

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/library"
	"github.com/vidskim/vidskim/textsafe"
)

//go:embed assets
var embedded embed.FS

//go:embed templates
var templateFiles embed.FS

// assetFS is the app's own files: its script, its style, its icons.
var assetFS = func() fs.FS {
	sub, err := fs.Sub(embedded, "assets")
	if err != nil {
		panic(err)
	}
	return sub
}()

// pages are the page templates, each the base layout around its content.
var pages = func() map[string]*template.Template {
	base := template.Must(template.New("base.html").Funcs(template.FuncMap{
		"clock": extract.Clock,
		"secs":  secs,
		"usd":   func(v float64) string { return fmt.Sprintf("$%.4f", v) },
	}).ParseFS(templateFiles, "templates/base.html"))
	out := map[string]*template.Template{}
	for _, p := range []string{"library", "search", "video"} {
		out[p] = template.Must(template.Must(base.Clone()).ParseFS(templateFiles, "templates/"+p+".html"))
	}
	return out
}()

// page is what the base layout needs around a page's Body.
type page struct {
	Title  string
	Query  string
	Export bool         // one self-contained file: no header, assets inline
	CSS    template.CSS // Export only
	JS     template.JS  // Export only
	Body   any
}

// render writes a page whole, or an error if it did not render.
func (s *Server) render(w http.ResponseWriter, r *http.Request, name, title string, body any) {
	var b bytes.Buffer
	p := page{Title: title, Body: body}
	if name == "search" {
		p.Query = r.URL.Query().Get("q") // not a question asked on the page
	}
	if err := pages[name].Execute(&b, p); err != nil {
		s.o.Log.Error("serve: render", "page", name, "error", err)
		http.Error(w, "vidskim serve: the page did not render (see the server's log)", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(b.Bytes())
}

// fail answers an error: 404 for what the library does not hold, 500
// (said in the log) otherwise.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, errNotFound) {
		http.NotFound(w, r)
		return
	}
	s.o.Log.Error("serve", "path", r.URL.Path, "error", err)
	http.Error(w, "vidskim serve: "+textsafe.Line(err.Error()), http.StatusInternalServerError)
}

// libraryView is the library page.
type libraryView struct {
	Videos []videoRow
	Asking bool
	Answer *answerView
}

type videoRow struct {
	library.VideoRow
	Name string
}

func (s *Server) libraryPage(w http.ResponseWriter, r *http.Request) {
	v, err := s.libraryView(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "library", "library", v)
}

func (s *Server) libraryView(r *http.Request) (libraryView, error) {
	vs, err := s.o.Library.Videos(r.Context())
	out := libraryView{Asking: s.o.Ask != nil}
	for _, v := range vs {
		v.LastRun = shortTime(v.LastRun)
		out.Videos = append(out.Videos, videoRow{VideoRow: v, Name: textsafe.Line(filepath.Base(v.Path))})
	}
	return out, err
}

func shortTime(t string) string {
	if p, err := time.Parse(time.RFC3339Nano, t); err == nil {
		return p.Local().Format("2006-01-02 15:04")
	}
	return t
}

// searchView is the search page: hits grouped by video, best first.
type searchView struct {
	Query  string
	Error  string
	Videos []searchVideo
}

type searchVideo struct {
	ID, Name, Path string
	Duration       float64
	Hits           []searchHit
}

type searchHit struct {
	Kind       string
	Start, End float64
	Href       string
	Snippet    []snip
}

type snip struct {
	Text  string
	Match bool
}

func (s *Server) searchPage(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	v := searchView{Query: q}
	if q != "" {
		hits, err := s.o.Library.Search(r.Context(), q, library.SearchOptions{Limit: 100})
		var qe *library.QueryError
		switch {
		case errors.As(err, &qe):
			v.Error = qe.Error()
		case err != nil:
			s.fail(w, r, err)
			return
		}
		for _, g := range library.Group(hits) {
			sv := searchVideo{ID: g.ID, Name: textsafe.Line(filepath.Base(g.Path)), Path: g.Path, Duration: g.Duration}
			for _, h := range g.Hits {
				sv.Hits = append(sv.Hits, searchHit{Kind: h.Kind, Start: h.Start, End: h.End, Href: momentIn(g.ID)(h.Start), Snippet: snippet(h)})
			}
			v.Videos = append(v.Videos, sv)
		}
	}
	s.render(w, r, "search", "search: "+q, v)
}

// snippet cuts a hit's snippet at its matches, which are in code points.
func snippet(h library.Hit) []snip {
	rs := []rune(h.Snippet)
	var out []snip
	at := 0
	for _, m := range h.Matches {
		if m.Start < at || m.End > len(rs) || m.Start > m.End {
			continue
		}
		out = append(out, snip{Text: string(rs[at:m.Start])}, snip{Text: string(rs[m.Start:m.End]), Match: true})
		at = m.End
	}
	return append(out, snip{Text: string(rs[at:])})
}
