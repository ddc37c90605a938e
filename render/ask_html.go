package render

import (
	"encoding/base64"
	"html/template"
	"strings"

	"github.com/vidskim/vidskim/ask"
	"github.com/vidskim/vidskim/extract"
)

// answerPage is the report of an answer: the answer beside the frames of
// the second look. Model text goes through html/template, which escapes
// it; the unsupported citations are marked in the text.
var answerPage = template.Must(template.New("answer").Funcs(template.FuncMap{"clock": extract.Clock}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>vidskim: {{.R.Question}}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:1200px;padding:0 1rem;color:#1d1d1f}
h1{font-size:1.4rem}.warn{background:#fff4d6;padding:.5rem 1rem;border-left:4px solid #e0a800}
.grid{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:1.5rem}
.answer{white-space:pre-wrap;background:#f6f7f9;padding:1rem;border-radius:8px}.first{white-space:pre-wrap;color:#555}
mark.bad{background:#ffd6d6}.frames{display:flex;flex-wrap:wrap;gap:.5rem}.frames figure{margin:0;width:220px}
.frames img{width:220px;border-radius:4px;display:block}figcaption{font:12px monospace;color:#555}
td{padding:.1rem .6rem;vertical-align:top}.no{color:#b00020}
</style></head><body>
<h1>{{.R.Question}}</h1>
{{range .R.Warnings}}<p class="warn">{{.}}</p>{{end}}{{if .R.Incomplete}}<p class="warn">Incomplete: the answer was {{.R.Incomplete}}.</p>{{end}}
<div class="grid"><div>
<h2>Answer</h2>
<div class="answer">{{range .Pieces}}{{if .Bad}}<mark class="bad" title="{{.Bad}}">{{.Text}}</mark>{{else}}{{.Text}}{{end}}{{end}}</div>
<h2>Citations</h2>
<table>{{range .R.Citations}}<tr><td>{{.Text}}</td><td>{{.Path}}</td><td>{{if .Supported}}supported{{else}}<span class="no">unsupported: {{.Reason}}</span>{{end}}</td></tr>{{end}}</table>
{{if .R.FirstAnswer}}<h2>Before the second look</h2><div class="first">{{.R.FirstAnswer}}</div>{{end}}
</div><div>
{{if .Frames}}<h2>Frames looked at</h2><div class="frames">{{range .Frames}}<figure><img src="{{.Src}}" alt="frame at {{clock .F.Time}}"><figcaption>{{if $.Many}}video {{.F.Video}} {{end}}{{clock .F.Time}} (around {{.F.Cited}})</figcaption></figure>{{end}}</div>{{end}}
<h2>Videos</h2><ol>{{range .R.Videos}}<li>{{.Path}} ({{clock .Duration}}), run {{.Run}}</li>{{end}}</ol>
</div></div>
</body></html>
`))

type answerPiece struct{ Text, Bad string }

type answerFrame struct {
	F   ask.Frame
	Src template.URL // a data: URL of our own JPEG
}

// answerHTML writes the answer's report.
func answerHTML(b *strings.Builder, r ask.Result) error {
	var frames []answerFrame
	for _, f := range r.Looked {
		frames = append(frames, answerFrame{F: f, Src: template.URL("data:image/jpeg;base64," + base64.StdEncoding.EncodeToString(f.JPEG))})
	}
	return answerPage.Execute(b, struct {
		R      ask.Result
		Pieces []answerPiece
		Frames []answerFrame
		Many   bool
	}{r, pieces(r.Answer, r.Citations), frames, len(r.Videos) > 1})
}

// pieces cuts the answer at its unsupported citations, so they can be
// marked.
func pieces(answer string, cs []ask.Citation) []answerPiece {
	var out []answerPiece
	at := 0
	for _, c := range cs {
		end := c.At + len(c.Text)
		if c.Supported || c.At < at || end > len(answer) || answer[c.At:end] != c.Text {
			continue
		}
		out = append(out, answerPiece{Text: answer[at:c.At]}, answerPiece{Text: c.Text, Bad: c.Reason})
		at = end
	}
	return append(out, answerPiece{Text: answer[at:]})
}
