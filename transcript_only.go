package main

import (
	"errors"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/render"
	"github.com/vidskim/vidskim/summarize"
	"github.com/vidskim/vidskim/textsafe"
)

// transcriptOnly writes the transcript alone (summarize --transcript-only),
// as subtitles, Markdown or JSON; no frame is decoded and no vision
// request is made.
func transcriptOnly(c *cli.Context, s *session, in input, stdout io.Writer) error {
	v, err := s.open(c.Context, in)
	if err != nil {
		return err
	}
	if err := extract.Preflight(c.Context, v, s.cfg.Extract); err != nil {
		return classify(err)
	}
	if err := checkBudget(c.Context, budget{c.Int("max-requests"), c.Float64("max-cost")}, v, s.cfg, s.models); err != nil {
		return err
	}
	tc := *s.cfg.Transcribe
	tc.Audio.Start, tc.Audio.End = s.cfg.Extract.Start, s.cfg.Extract.End
	segs, note, err := summarize.TranscriptOf(c.Context, v, tc)
	if err != nil {
		return err
	}
	if note != "" {
		return inputError{errors.New(in.name + ": " + note)}
	}
	doc := render.Transcript{Segments: segs, Video: textsafe.Line(in.name), Duration: v.Duration}
	return writeDoc(c.Context, "out", c.String("out"), s.format, doc, stdout, stdout)
}
