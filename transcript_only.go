package main

import (
	"errors"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/vidskim/vidskim/render"
	"github.com/vidskim/vidskim/summarize"
	"github.com/vidskim/vidskim/textsafe"
)

// transcriptOnly writes the transcript alone (summarize --transcript-only),
// as subtitles, Markdown or JSON; no frame is decoded and no vision
// request is made.
func transcriptOnly(c *cli.Context, j job, stdout io.Writer) error {
	tc := *j.cfg.Transcribe
	tc.Audio.Start, tc.Audio.End = j.cfg.Extract.Start, j.cfg.Extract.End
	segs, note, err := summarize.TranscriptOf(c.Context, j.v, tc)
	if err != nil {
		return err
	}
	if note != "" {
		return inputError{errors.New(j.path + ": " + note)}
	}
	doc := render.Transcript{Segments: segs, Video: textsafe.Line(j.path), Duration: j.v.Duration}
	return writeDoc(c.Context, "out", c.String("out"), j.format, doc, stdout, stdout)
}
