package serve

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strings"

	"github.com/vidskim/vidskim/ask"
	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/library"
	"github.com/vidskim/vidskim/summarize"
)

// DefaultAddr is where the app listens unless told otherwise: loopback.
const DefaultAddr = "127.0.0.1:8765"

// MinTokenLen is the shortest token accepted: a token guards a server
// others can reach, so it must not be guessable.
const MinTokenLen = 16

// Options say what the app serves and how it reaches what is not its own.
type Options struct {
	// Library is the library shown; required.
	Library *library.Library
	// Token, when set, must come with every request (Bearer header, or a
	// cookie that the first ?token= visit sets).
	Token string
	// Locate finds a stored run's video where it is now (checked by
	// fingerprint); nil: no video is found, so none plays.
	Locate func(context.Context, library.Stored) (extract.Video, bool)
	// Frames decodes a stored run's kept frames; nil: pages show none.
	Frames func(context.Context, library.Stored) ([]summarize.ReportImage, error)
	// Ask answers a question from stored runs; nil: no ask form.
	Ask func(context.Context, Question) (ask.Result, error)
	// Forget removes a video from the library (and the cached answers only
	// it used), saying what it did; nil: no forget button.
	Forget func(context.Context, library.Ref) (string, error)
	// RemuxDir, when set, is where MP4 copies are kept of videos whose
	// codec a browser plays in MP4 but whose container it does not
	// (extract.Remux); empty: such videos are not played.
	RemuxDir string
	// Log gets what goes wrong while serving; nil: discarded.
	Log *slog.Logger
}

// Question is what the ask form sends.
type Question struct {
	Text string
	// Runs are the stored runs asked over (each video's usable run).
	Runs []library.Stored
	Look bool
	// MaxCostUSD, above 0, lowers the cost cap of this question.
	MaxCostUSD float64
}

// Server is the app's handler.
type Server struct {
	o      Options
	mux    *http.ServeMux
	frames *frameCache
	places *placeCache
}

// New makes the app.
func New(o Options) (*Server, error) {
	if o.Library == nil {
		return nil, errors.New("serve: no library")
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	s := &Server{o: o, mux: http.NewServeMux(), frames: newFrameCache(8), places: newPlaceCache()}
	s.routes()
	return s, nil
}

func (s *Server) routes() {
	s.mux.HandleFunc("GET /{$}", s.libraryPage)
	s.mux.HandleFunc("GET /search", s.searchPage)
	s.mux.HandleFunc("GET /v/{id}", s.videoPage)
	s.mux.HandleFunc("GET /v/{id}/media", s.media)
	s.mux.HandleFunc("GET /v/{id}/poster.jpg", s.poster)
	s.mux.HandleFunc("GET /v/{id}/frames/{run}/{n}", s.frame)
	s.mux.HandleFunc("POST /v/{id}/ask", s.askVideo)
	s.mux.HandleFunc("POST /ask", s.askLibrary)
	s.mux.HandleFunc("POST /v/{id}/forget", s.forget)
	s.mux.Handle("GET /assets/", http.StripPrefix("/assets/", http.FileServerFS(assetFS)))
}

// ServeHTTP guards every request (headers, host, token, same origin),
// then routes it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.guard(s.mux).ServeHTTP(w, r)
}

// Loopback says whether addr (host:port) binds to the loopback interface
// only. An empty host binds every interface.
func Loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// AddrError is an address the app refuses to listen on as asked.
type AddrError struct{ Addr, Problem string }

func (e *AddrError) Error() string { return fmt.Sprintf("%s: %s", e.Addr, e.Problem) }

var tokenChars = regexp.MustCompile(`^[A-Za-z0-9._~+/=-]+$`)

// CheckAddr refuses an address other machines can reach unless a token
// guards it, and a token too short to guard anything.
func CheckAddr(addr, token string) error {
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return &AddrError{addr, "not host:port (e.g. " + DefaultAddr + ")"}
	}
	switch {
	case token == "" && !Loopback(addr):
		return &AddrError{addr, "other machines can reach this address: refusing to serve the library there without a token (set --token, or VIDSKIM_TOKEN, to a long random string)"}
	case token != "" && len(token) < MinTokenLen:
		return &AddrError{addr, fmt.Sprintf("the token is %d characters: use at least %d random ones", len(token), MinTokenLen)}
	case token != "" && !tokenChars.MatchString(token):
		return &AddrError{addr, "the token may hold only letters, digits and - . _ ~ + / = (it travels in a URL and a cookie)"}
	}
	return nil
}
