package render

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/vidskim/vidskim/ask"
	"github.com/vidskim/vidskim/summarize"
)

// Format is an output format.
type Format string

// The formats.
const (
	Markdown Format = "md"
	JSON     Format = "json"
	SRT      Format = "srt"
	VTT      Format = "vtt"
	HTML     Format = "html"
	Text     Format = "text"
	// JSONLines is JSON on one line, for one video of many.
	JSONLines Format = "jsonl"
)

// Write renders doc (a summarize.Result, a Narrated, a Plan, a Frames or a
// Transcript)
// in format f, into a buffer first, so that nothing reaches w unless the
// whole document rendered.
func Write(w io.Writer, f Format, doc any) error {
	var b strings.Builder
	var err error
	switch f {
	case JSON:
		err = writeJSON(&b, doc)
	case JSONLines:
		err = writeJSONLine(&b, doc)
	case Markdown, Text:
		err = prose(&b, f, doc)
	case SRT, VTT:
		var cues []summarize.Cue
		var note string
		if cues, note, err = cuesOf(doc); err == nil {
			subtitles(&b, f, summarize.Readable(cues), note)
		}
	case HTML:
		if a, ok := doc.(ask.Result); ok {
			err = answerHTML(&b, a)
		} else {
			err = html(&b, doc)
		}
	default:
		err = fmt.Errorf("render: unknown format %q", f)
	}
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, b.String())
	return err
}

func writeJSON(w io.Writer, doc any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// unsupported is a document that format f does not render.
func unsupported(f Format, doc any) error {
	return fmt.Errorf("render: %T has no %s form", doc, f)
}

// prose writes a document's one human-readable form: Markdown for a run
// and a transcript, plain text for a plan and a frame list.
func prose(b *strings.Builder, f Format, doc any) error {
	switch d := doc.(type) {
	case summarize.Result:
		return only(f, Markdown, doc, func() { resultMarkdown(b, d) })
	case Narrated:
		return only(f, Markdown, doc, func() { narratedMarkdown(b, d) })
	case Transcript:
		return only(f, Markdown, doc, func() { transcriptMarkdown(b, d) })
	case Plan:
		return only(f, Text, doc, func() { planText(b, d) })
	case Frames:
		return only(f, Text, doc, func() { framesText(b, d) })
	case Failed:
		failedProse(b, f, d)
		return nil
	case Table:
		return only(f, Text, doc, func() { tableText(b, d) })
	case PlanTotal:
		return only(f, Text, doc, func() { planTotalText(b, d) })
	case ask.Result:
		return only(f, Markdown, doc, func() { askMarkdown(b, d) })
	case Search:
		return only(f, Text, doc, func() { searchText(b, d) })
	}
	return unsupported(f, doc)
}

// only runs write when f is the form the document has.
func only(f, form Format, doc any, write func()) error {
	if f != form {
		return unsupported(f, doc)
	}
	write()
	return nil
}

// cuesOf is a document's cues, and what a WebVTT NOTE says of them: the
// range they cover, when it is not the whole video.
func cuesOf(doc any) ([]summarize.Cue, string, error) {
	switch d := doc.(type) {
	case summarize.Result:
		return d.Cues(), cueNote(d.Video.Path, d.Range, d.Video.Duration), nil
	case Narrated:
		return d.cues(), cueNote(d.Result.Video.Path, d.Result.Range, d.Result.Video.Duration), nil
	case Transcript:
		return d.cues(), cueNote(d.Video, d.Range, d.Duration), nil
	}
	return nil, "", unsupported(SRT, doc)
}
