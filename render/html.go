package render

import (
	"encoding/base64"
	"html/template"
	"strings"

	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/summarize"
	"github.com/vidskim/vidskim/textsafe"
)

// reportPage is one self-contained page: styles inline, frames as data
// URLs. Every piece of model text goes through html/template, which
// escapes it: model output is data, never markup.
var reportPage = template.Must(template.New("report").Funcs(template.FuncMap{
	"clock": extract.Clock,
	"count": Count,
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>vidskim: {{.Name}}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1d1d1f}
h1{font-size:1.5rem}.meta{color:#666}.warn{background:#fff4d6;padding:.5rem 1rem;border-left:4px solid #e0a800}
.summary{white-space:pre-wrap;background:#f6f7f9;padding:1rem;border-radius:8px}
.chunk{display:grid;grid-template-columns:minmax(0,2fr) minmax(0,3fr);gap:1rem;border-top:1px solid #ddd;padding:1rem 0}
.frames{display:flex;flex-wrap:wrap;gap:.5rem}.frames figure{margin:0;width:160px}
.frames img{width:160px;border-radius:4px;display:block}.frames figcaption{font:12px monospace;color:#555}
.desc{white-space:pre-wrap}.range{font:600 14px monospace}
.transcript td{vertical-align:top;padding:.15rem .75rem .15rem 0}
</style></head><body>
<h1>{{.Name}}</h1>
<p class="meta">{{clock .R.Video.Duration}}, {{.R.Video.Width}}x{{.R.Video.Height}}{{with .Range}} &middot; range {{.}} only{{end}} &middot; {{count .R.Frames.Sampled "frame"}} sampled, {{.R.Frames.Kept}} sent to {{.R.Model}} ({{.R.Mode}})</p>
<p class="meta">Usage: {{.Usage}}</p>
{{range .R.Warnings}}<p class="warn">{{.}}</p>{{end}}
{{if .R.Partial}}<p class="warn">Partial summary: some stretches failed and are not covered.</p>{{end}}{{range .R.Incomplete}}<p class="warn">Incomplete: {{.}}</p>{{end}}
<h2>Summary</h2>
{{if and .R.DescriptionsOnly (not .R.Summary)}}<p class="warn">No summary: this run made subtitles of the descriptions only.</p>{{else}}<div class="summary">{{.R.Summary}}</div>{{end}}
<h2>Timeline</h2>
{{range .Chunks}}<section class="chunk">
<div class="frames">{{range .Frames}}<figure><img src="{{.Src}}" alt="frame at {{clock .Time}}"><figcaption>{{clock .Time}}</figcaption></figure>{{end}}</div>
<div><div class="range">{{clock .C.Start}} &ndash; {{clock .C.End}}</div><div class="desc">{{.C.Description}}</div></div>
</section>{{end}}
{{with .R.Transcript}}<h2>Transcript</h2>
<table class="transcript">{{range .}}<tr><td class="range">{{clock .Start}}</td><td>{{.Text}}</td></tr>{{end}}</table>{{end}}
</body></html>
`))

type reportFrame struct {
	Time float64
	Src  template.URL // a data: URL of our own JPEG, so it is safe to inline
}

type reportChunk struct {
	C      summarize.ChunkInfo
	Frames []reportFrame
}

// html writes the report: the summary, then each chunk's frames beside
// its description.
func html(b *strings.Builder, doc any) error {
	if n, ok := doc.(Narrated); ok {
		doc = n.Result // the report shows the frames and the script
	}
	r, ok := doc.(summarize.Result)
	if !ok {
		return unsupported(HTML, doc)
	}
	byTime := map[float64][]byte{}
	for _, im := range r.Images {
		byTime[im.Time] = im.JPEG
	}
	var chunks []reportChunk
	for _, c := range r.Chunks {
		rc := reportChunk{C: c}
		for _, t := range c.FrameTimes {
			if jpg, ok := byTime[t]; ok {
				rc.Frames = append(rc.Frames, reportFrame{Time: t,
					Src: template.URL("data:image/jpeg;base64," + base64.StdEncoding.EncodeToString(jpg))})
			}
		}
		chunks = append(chunks, rc)
	}
	return reportPage.Execute(b, struct {
		Name         string
		R            summarize.Result
		Chunks       []reportChunk
		Range, Usage string
	}{textsafe.Line(baseName(r.Video.Path)), r, chunks, rangeNote(r.Range, r.Video.Duration), usageText(r.Usage)})
}
