package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/summarize"
)

// transcriptOnly writes the transcript alone, as subtitles, Markdown or
// JSON; no frame is decoded and no vision request is made.
func transcriptOnly(c *cli.Context, v extract.Video, cfg summarize.Config, format, path string, stdout io.Writer) error {
	tc := *cfg.Transcribe
	tc.Audio.Start, tc.Audio.End = cfg.Extract.Start, cfg.Extract.End
	segs, note, err := summarize.TranscriptOf(c.Context, v, tc)
	if err != nil {
		return err
	}
	if note != "" {
		return inputError{errors.New(path + ": " + note)}
	}
	cues := make([]summarize.Cue, len(segs))
	for i, s := range segs {
		cues[i] = summarize.Cue(s)
	}
	cues = summarize.ValidCues(cues, v.Duration)
	var buf bytes.Buffer
	switch format {
	case "srt":
		err = summarize.WriteSRT(&buf, cues)
	case "vtt":
		err = summarize.WriteVTT(&buf, cues)
	case "json":
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		err = enc.Encode(map[string]any{"video": path, "transcript": segs})
	default:
		var b strings.Builder
		fmt.Fprintf(&b, "# Transcript of %s\n\n", oneLine(path))
		for _, s := range segs {
			fmt.Fprintf(&b, "- **%s** %s\n", extract.Clock(s.Start), s.Text)
		}
		buf.WriteString(b.String())
	}
	if err != nil {
		return err
	}
	return writeOutput(c.String("out"), buf.Bytes(), stdout)
}
