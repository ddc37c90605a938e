package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/vidskim/vidskim/cost"
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
	if t := transcriptionFor(v, s.cfg, s.models); t != nil {
		// An upload a 25 MB piece: about 100 minutes of audio at 32 kbit/s.
		e := cost.Estimate{Model: t.Model, CostUSD: t.USD, Requests: int(math.Ceil(max(t.Minutes, 0.01) / 100))}
		if why := exceeds(budget{c.Int("max-requests"), c.Float64("max-cost")}, e, nil, 0); why != "" {
			return usageError{fmt.Errorf("refusing to start: the transcription %s", strings.TrimPrefix(why, "the run "))}
		}
	}
	tc := *s.cfg.Transcribe
	tc.Audio.Start, tc.Audio.End = s.cfg.Extract.Start, s.cfg.Extract.End
	segs, u, note, err := summarize.TranscriptOf(c.Context, v, tc)
	if err != nil {
		return err
	}
	if note != "" {
		return inputError{errors.New(in.name + ": " + note)}
	}
	doc := render.Transcript{Segments: segs, Video: textsafe.Line(in.name), Duration: v.Duration, Usage: &u,
		Range: &summarize.TimeRange{Start: s.cfg.Extract.Start, End: s.cfg.Extract.RangeEnd(v)}}
	return writeDoc(c.Context, "out", c.String("out"), s.format, doc, stdout, stdout)
}
