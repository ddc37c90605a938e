package serve

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html/template"
	"io/fs"
	"net/url"

	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/library"
	"github.com/vidskim/vidskim/summarize"
)

// Export is the video page of stored run st as one self-contained file:
// its style and script inline, its kept frames (frames, as the CLI
// decoded them) as data: URLs, and a player reading the video where v
// says it is now (a zero v: no player). runs is how many runs the video
// has. Model text is escaped as on the served page.
func Export(st library.Stored, runs int, v extract.Video, frames []summarize.ReportImage) ([]byte, error) {
	byTime := map[float64][]byte{}
	for _, im := range frames {
		byTime[im.Time] = im.JPEG
	}
	id := library.Fingerprint{Key: st.Fingerprint}.ID()
	view := newVideoView(id, st, runs, func(_ int, t float64) template.URL {
		if jpg, ok := byTime[t]; ok {
			return template.URL("data:image/jpeg;base64," + base64.StdEncoding.EncodeToString(jpg))
		}
		return ""
	})
	switch {
	case v.Path == "":
		view.NoPlay = "The video was not found where the library saw it: the frames below are what vidskim saw, each at its time."
	case unplayable(v) != "":
		view.NoPlay = unplayable(v)
	case extract.IsURL(v.Path):
		view.MediaSrc = template.URL(v.Path) // http or https only: IsURL allows no other scheme
	default:
		view.MediaSrc = template.URL((&url.URL{Scheme: "file", Path: v.Path}).String())
	}
	css, err := fs.ReadFile(assetFS, "style.css")
	if err != nil {
		return nil, err
	}
	js, err := fs.ReadFile(assetFS, "app.js")
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	err = pages["video"].Execute(&b, page{Title: view.Name, Export: true, CSS: template.CSS(css), JS: template.JS(js), Body: view})
	if err != nil {
		return nil, fmt.Errorf("serve: export: %w", err)
	}
	return b.Bytes(), nil
}
