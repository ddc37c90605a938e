package serve

import (
	"bytes"
	"context"
	"errors"
	"image/jpeg"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/library"
	"github.com/vidskim/vidskim/summarize"
)

// media streams the video file itself, with range requests (so the
// player seeks): the file is the one the library found by fingerprint,
// never a path from the request.
func (s *Server) media(w http.ResponseWriter, r *http.Request) {
	st, err := s.stored(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, found := s.locate(r.Context(), st)
	if !found || extract.IsURL(v.Path) {
		s.fail(w, r, errNotFound)
		return
	}
	path := v.Path
	if unplayable(v) != "" {
		if !s.remuxes(v) {
			s.fail(w, r, errNotFound)
			return
		}
		if path, err = s.remuxed(r.Context(), st, v); err != nil {
			s.fail(w, r, err)
			return
		}
		v.Format = "mp4"
	}
	f, err := os.Open(path)
	if err != nil {
		s.fail(w, r, errNotFound)
		return
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		s.fail(w, r, errNotFound)
		return
	}
	if t := mediaType(v.Format); t != "" {
		w.Header().Set("Content-Type", t)
	}
	http.ServeContent(w, r, filepath.Base(path), info.ModTime(), f)
}

// mediaType is the MIME type of an ffprobe format name, for the ones a
// browser may play.
func mediaType(format string) string {
	f := "," + format + ","
	switch {
	case strings.Contains(f, ",mp4,"):
		return "video/mp4"
	case strings.Contains(f, ",webm,"):
		return "video/webm"
	case strings.Contains(f, ",ogg,"):
		return "video/ogg"
	}
	return ""
}

// frame serves kept frame n of run (of video id), decoded once per run
// and kept for the next request.
func (s *Server) frame(w http.ResponseWriter, r *http.Request) {
	st, err := s.stored(r.Context(), r.PathValue("id"))
	run, err1 := strconv.ParseInt(r.PathValue("run"), 10, 64)
	n, err2 := strconv.Atoi(r.PathValue("n"))
	if err != nil || err1 != nil || err2 != nil || s.o.Frames == nil {
		s.fail(w, r, errors.Join(errNotFound, err))
		return
	}
	if run != st.ID { // an older run of the same video
		if st, err = s.o.Library.Load(r.Context(), run); err != nil || st.Fingerprint == "" || r.PathValue("id") != (library.Fingerprint{Key: st.Fingerprint}).ID() {
			s.fail(w, r, errNotFound)
			return
		}
	}
	var times []float64
	for _, c := range st.Result.Chunks {
		times = append(times, c.FrameTimes...)
	}
	if n < 0 || n >= len(times) {
		s.fail(w, r, errNotFound)
		return
	}
	frames, err := s.frames.get(r.Context(), st.ID, func(ctx context.Context) ([]summarize.ReportImage, error) { return s.o.Frames(ctx, st) })
	jpg, ok := frames[times[n]]
	if err != nil || !ok {
		s.o.Log.Warn("serve: frame", "run", st.ID, "n", n, "error", err)
		s.fail(w, r, errNotFound)
		return
	}
	w.Header().Set("Content-Type", "image/jpeg")
	w.Header().Set("Cache-Control", "private, max-age=3600")
	w.Write(jpg)
}

// poster serves a video's first kept frame, decoded alone; a video that
// cannot be found or decoded gets the blank poster, so the library page
// never shows a broken image.
func (s *Server) poster(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "private, max-age=600")
	jpg, err := s.posterJPEG(r.Context(), r.PathValue("id"))
	if err != nil {
		if errors.Is(err, errNotFound) {
			s.fail(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "image/svg+xml")
		b, _ := fs.ReadFile(assetFS, "blank.svg")
		w.Write(b)
		return
	}
	w.Header().Set("Content-Type", "image/jpeg")
	w.Write(jpg)
}

func (s *Server) posterJPEG(ctx context.Context, id string) ([]byte, error) {
	st, err := s.stored(ctx, id)
	if err != nil {
		return nil, err
	}
	if b, ok := s.frames.poster(id); ok {
		return b, nil
	}
	v, found := s.locate(ctx, st)
	t := 0.0
	if len(st.Result.Chunks) > 0 && len(st.Result.Chunks[0].FrameTimes) > 0 {
		t = st.Result.Chunks[0].FrameTimes[0]
	}
	if !found {
		return nil, errors.New("video not found")
	}
	release, err := s.frames.slot(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	img, err := extract.Still(ctx, v, t)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 70}); err != nil {
		return nil, err
	}
	s.frames.keepPoster(id, b.Bytes())
	return b.Bytes(), nil
}

// placeCache remembers for a while where each run's video was found, so
// a page and its frames and stream fingerprint the file once.
type placeCache struct {
	mu     sync.Mutex
	places map[int64]place
}

type place struct {
	v     extract.Video
	found bool
	at    time.Time
}

func newPlaceCache() *placeCache { return &placeCache{places: map[int64]place{}} }

// placeTTL is how long a video's place is trusted before it is checked
// again.
const placeTTL = 30 * time.Second

// locate finds st's video where it is now, through Options.Locate.
func (s *Server) locate(ctx context.Context, st library.Stored) (extract.Video, bool) {
	if s.o.Locate == nil {
		return extract.Video{}, false
	}
	c := s.places
	c.mu.Lock()
	p, ok := c.places[st.VideoID]
	c.mu.Unlock()
	if ok && time.Since(p.at) < placeTTL {
		return p.v, p.found
	}
	v, found := s.o.Locate(ctx, st)
	c.mu.Lock()
	c.places[st.VideoID] = place{v, found, time.Now()}
	c.mu.Unlock()
	return v, found
}
