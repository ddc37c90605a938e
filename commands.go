package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/urfave/cli/v2"

	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/summarize"
)

// howToConnect is said whenever there is no model to talk to.
const howToConnect = "set OPENAI_API_KEY (or --api-key) for OpenAI, or point --base-url at an OpenAI-compatible server, e.g. --base-url http://localhost:11434/v1 for Ollama"

func summarizeCmd(c *cli.Context, stdout, stderr io.Writer) error {
	path, err := videoArg(c)
	if err != nil {
		return err
	}
	eo, do, co, detail, err := selectOptions(c)
	if err != nil {
		return err
	}
	mo, err := modelOptions(c, detail)
	if err != nil {
		return err
	}
	models, err := jobOptions(c, &mo, &do)
	if err != nil {
		return err
	}
	format := c.String("format")
	if !map[string]bool{"md": true, "json": true, "srt": true, "vtt": true}[format] {
		return usageError{fmt.Errorf("--format %q: must be md, json, srt or vtt", format)}
	}
	prov, err := newProvider(c, &mo)
	if err != nil {
		return err
	}
	if max := prov.maxImages(); max > 0 && co.FramesPerRequest > max {
		return usageError{fmt.Errorf("--frames-per-request %d: Azure OpenAI takes at most %d images a request", co.FramesPerRequest, max)}
	}
	for _, f := range []string{"out", "report"} {
		if err := checkWritable(c.String(f)); err != nil {
			return usageError{fmt.Errorf("--%s: %w", f, err)}
		}
	}
	v, err := openVideo(c.Context, path, eo)
	if err != nil {
		return err
	}
	if err := extract.Preflight(c.Context, v, eo); err != nil {
		return classify(err)
	}
	log := newLogger(c, stderr)
	if err := checkBudget(c.Context, budget{c.Int("max-requests"), c.Float64("max-cost")}, v, eo, do, co, mo, models); err != nil {
		return err
	}
	client := prov.client(log)
	cfg := summarize.Config{Extract: eo, Dedupe: do, Chunk: co, Model: mo, Partial: c.Bool("partial"), KeepImages: c.String("report") != ""}
	if c.Bool("transcribe") || c.Bool("transcript-only") {
		cfg.Transcribe = &summarize.TranscribeConfig{
			Client:  prov.transcriber(c.String("transcribe-base-url"), log),
			Options: summarize.TranscribeOptions{Model: c.String("transcribe-model"), Cache: mo.Cache},
			Audio:   extract.AudioOptions{MaxBytes: pieceBytes()},
		}
	}
	if c.Bool("transcript-only") {
		return transcriptOnly(c, v, cfg, format, path, stdout)
	}
	var done func()
	cfg.OnProgress, done = newProgress(stderr, c.Bool("quiet"))
	res, err := summarize.Run(c.Context, client, v, cfg, log)
	done()
	res.Video.Path = path
	if err != nil && !(errors.Is(err, summarize.ErrPartial) && res.Summary != "") {
		return classify(err)
	}
	runErr := err
	if report := c.String("report"); report != "" {
		var html bytes.Buffer
		if err := res.WriteHTML(&html); err != nil {
			return err
		}
		if err := writeOutput(report, html.Bytes(), io.Discard); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	switch format {
	case "json":
		err = res.WriteJSON(&buf)
	case "srt":
		err = summarize.WriteSRT(&buf, res.Cues())
	case "vtt":
		err = summarize.WriteVTT(&buf, res.Cues())
	default:
		err = res.WriteMarkdown(&buf)
	}
	if err != nil {
		return err
	}
	if err := writeOutput(c.String("out"), buf.Bytes(), stdout); err != nil {
		return err
	}
	return runErr
}

// classify marks errors that are the video file's fault.
func classify(err error) error {
	for _, e := range []error{extract.ErrNoFrames, extract.ErrNoVideoStream, extract.ErrNotMedia, extract.ErrUnsupportedCodec, extract.ErrDamaged} {
		if errors.Is(err, e) {
			return inputError{err}
		}
	}
	return err
}

// pieceBytes is the upload limit for audio pieces; tests lower it with
// VIDSKIM_AUDIO_PIECE_BYTES to exercise splitting on short audio.
func pieceBytes() int {
	n, _ := strconv.Atoi(os.Getenv("VIDSKIM_AUDIO_PIECE_BYTES"))
	return max(n, 0)
}
