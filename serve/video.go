package serve

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"path/filepath"
	"strings"

	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/library"
	"github.com/vidskim/vidskim/textsafe"
)

// videoView is the video page: the player, the kept frames beside their
// descriptions, the transcript, the narration, the summary, and an answer
// when one was asked for.
type videoView struct {
	ID, Name string
	Paths    []string
	Run      int64
	Runs     int
	Probe    extract.Video
	Model    string
	Mode     string
	CostUSD  float64
	Requests int
	// MediaSrc is where the player reads the video: the app's own
	// /v/ID/media, or the file itself in an export; empty when it cannot
	// be played, and NoPlay then says why.
	MediaSrc   template.URL
	NoPlay     string
	Warnings   []string
	Summary    []piece
	Chunks     []chunkView
	Transcript []lineView
	Script     []lineView
	Asking     bool // the ask form is shown
	Forgetting bool // the forget button is shown
	Answer     *answerView
}

type chunkView struct {
	Start, End float64
	Desc       []piece
	Frames     []frameView
}

// frameView is a kept frame: Src is empty when it cannot be shown.
type frameView struct {
	T   float64
	Src template.URL
}

type lineView struct {
	Start, End float64
	Text       []piece
}

// errNotFound is a request for what the library does not hold.
var errNotFound = errors.New("not in the library")

// stored finds video id and the run its page shows: the latest complete
// one, else the latest.
func (s *Server) stored(ctx context.Context, id string) (library.Stored, error) {
	ref, err := s.o.Library.ByID(ctx, id)
	if err != nil {
		return library.Stored{}, fmt.Errorf("%w: %v", errNotFound, err)
	}
	run, err := s.o.Library.LatestRun(ctx, ref.Video)
	if err != nil {
		return library.Stored{}, fmt.Errorf("%w: %v", errNotFound, err)
	}
	return s.o.Library.Load(ctx, run)
}

// newVideoView builds the page of st, one of runs runs of video id;
// frame says where each kept frame is shown from (nil: nowhere).
func newVideoView(id string, st library.Stored, runs int, frame func(i int, t float64) template.URL) videoView {
	r := st.Result
	v := videoView{ID: id, Name: textsafe.Line(filepath.Base(r.Video.Path)), Paths: st.Paths, Run: st.ID, Runs: runs, Probe: st.Probe,
		Model: r.Model, Mode: r.Mode, CostUSD: r.Usage.CostUSD, Requests: r.Usage.Requests, Warnings: r.Warnings,
		Summary: linkify(r.Summary, here)}
	n := 0
	for _, c := range r.Chunks {
		cv := chunkView{Start: c.Start, End: c.End, Desc: linkify(c.Description, here)}
		for _, t := range c.FrameTimes {
			fv := frameView{T: t}
			if frame != nil {
				fv.Src = frame(n, t)
			}
			cv.Frames = append(cv.Frames, fv)
			n++
		}
		v.Chunks = append(v.Chunks, cv)
	}
	for _, seg := range r.Transcript {
		v.Transcript = append(v.Transcript, lineView{Start: seg.Start, End: seg.End, Text: linkify(seg.Text, here)})
	}
	for _, c := range r.Script {
		v.Script = append(v.Script, lineView{Start: c.Start, End: c.End, Text: linkify(c.Text, here)})
	}
	return v
}

// videoPage serves /v/ID.
func (s *Server) videoPage(w http.ResponseWriter, r *http.Request) {
	v, ok := s.servedVideo(w, r)
	if ok {
		s.render(w, r, "video", v.Name, v)
	}
}

// servedVideo is the video page as the app serves it: the player on the
// app's own stream when the video is where the library saw it and the
// browser can play it, the frames from the app's frame URLs.
func (s *Server) servedVideo(w http.ResponseWriter, r *http.Request) (videoView, bool) {
	id := r.PathValue("id")
	st, err := s.stored(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return videoView{}, false
	}
	src, found := s.locate(r.Context(), st)
	var frame func(int, float64) template.URL
	if found && s.o.Frames != nil {
		frame = func(i int, _ float64) template.URL {
			return template.URL(fmt.Sprintf("/v/%s/frames/%d/%d", id, st.ID, i))
		}
	}
	runs, err := s.o.Library.Runs(r.Context(), st.VideoID)
	if err != nil {
		s.fail(w, r, err)
		return videoView{}, false
	}
	v := newVideoView(id, st, len(runs), frame)
	v.Asking, v.Forgetting = s.o.Ask != nil, s.o.Forget != nil
	switch {
	case !found:
		v.NoPlay = "The video is no longer where the library saw it (" + strings.Join(st.Paths, ", ") + "): summarize it again where it is now to play it here."
	case extract.IsURL(src.Path):
		v.NoPlay = "The video is at a URL, not in a file here: open it there (" + src.Path + ")."
	default:
		if v.NoPlay = unplayable(src); v.NoPlay == "" || s.remuxes(src) {
			v.MediaSrc = template.URL("/v/" + id + "/media")
		}
	}
	return v, true
}

// forget removes video id from the library, then shows the library.
func (s *Server) forget(w http.ResponseWriter, r *http.Request) {
	ref, err := s.o.Library.ByID(r.Context(), r.PathValue("id"))
	if err != nil || s.o.Forget == nil {
		s.fail(w, r, errNotFound)
		return
	}
	said, err := s.o.Forget(r.Context(), ref)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.o.Log.Info("serve: " + said)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// unplayable says why a browser cannot play v, when it surely cannot:
// the containers and codecs every Chromium and Firefox play are MP4 and
// WebM (or Ogg) holding H.264, VP8, VP9, AV1 or Theora. The page also
// says so when the browser, trying, fails.
func unplayable(v extract.Video) string {
	format := "," + v.Format + ","
	okContainer := strings.Contains(format, ",mp4,") || strings.Contains(format, ",webm,") || strings.Contains(format, ",ogg,")
	switch v.Codec {
	case "h264", "vp8", "vp9", "av1", "theora":
		if okContainer {
			return ""
		}
	}
	return fmt.Sprintf("A browser cannot play this video (%s in %s): the frames below are what vidskim saw, each at its time.", v.Codec, strings.Split(v.Format, ",")[0])
}
