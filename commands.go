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

// job is a checked summarize invocation: everything that can be refused
// is refused before it exists.
type job struct {
	path, format string
	v            extract.Video
	cfg          summarize.Config
	prov         provider
	models       summarize.Models
}

func summarizeCmd(c *cli.Context, stdout, stderr io.Writer) error {
	j, err := newJob(c)
	if err != nil {
		return err
	}
	log := newLogger(c, stderr)
	if err := extract.Preflight(c.Context, j.v, j.cfg.Extract); err != nil {
		return classify(err)
	}
	if err := checkBudget(c.Context, budget{c.Int("max-requests"), c.Float64("max-cost")}, j.v, j.cfg.Extract, j.cfg.Dedupe, j.cfg.Chunk, j.cfg.Model, j.models); err != nil {
		return err
	}
	if c.Bool("transcribe") || c.Bool("transcript-only") {
		j.cfg.Transcribe = &summarize.TranscribeConfig{
			Client:  j.prov.transcriber(c.String("transcribe-base-url"), log),
			Options: summarize.TranscribeOptions{Model: c.String("transcribe-model"), Cache: j.cfg.Model.Cache},
			Audio:   extract.AudioOptions{MaxBytes: pieceBytes()},
		}
	}
	if c.Bool("transcript-only") {
		return transcriptOnly(c, j.v, j.cfg, j.format, j.path, stdout)
	}
	var done func()
	j.cfg.OnProgress, done = newProgress(stderr, c.Bool("quiet"))
	res, err := summarize.Run(c.Context, j.prov.client(log), j.v, j.cfg, log)
	done()
	res.Video.Path = j.path
	if err != nil && !(errors.Is(err, summarize.ErrPartial) && res.Summary != "") {
		return classify(err)
	}
	if werr := writeResults(c, res, j.format, stdout); werr != nil {
		return werr
	}
	return err // nil, or ErrPartial: the partial summary is written, the exit code still says so
}

// newJob reads and checks every flag, the provider, the output paths and
// the video, in that order, so the cheapest refusal comes first.
func newJob(c *cli.Context) (job, error) {
	j := job{format: c.String("format")}
	var err error
	if j.path, err = videoArg(c); err != nil {
		return j, err
	}
	eo, do, co, detail, err := selectOptions(c)
	if err != nil {
		return j, err
	}
	mo, err := modelOptions(c, detail)
	if err != nil {
		return j, err
	}
	if j.models, err = jobOptions(c, &mo, &do); err != nil {
		return j, err
	}
	if !map[string]bool{"md": true, "json": true, "srt": true, "vtt": true}[j.format] {
		return j, usageError{fmt.Errorf("--format %q: must be md, json, srt or vtt", j.format)}
	}
	if j.prov, err = newProvider(c, &mo); err != nil {
		return j, err
	}
	if max := j.prov.maxImages(); max > 0 && co.FramesPerRequest > max {
		return j, usageError{fmt.Errorf("--frames-per-request %d: Azure OpenAI takes at most %d images a request", co.FramesPerRequest, max)}
	}
	for _, f := range []string{"out", "report"} {
		if err := checkWritable(c.String(f)); err != nil {
			return j, usageError{fmt.Errorf("--%s: %w", f, err)}
		}
	}
	if j.v, err = openVideo(c.Context, j.path, eo); err != nil {
		return j, err
	}
	j.cfg = summarize.Config{Extract: eo, Dedupe: do, Chunk: co, Model: mo, Partial: c.Bool("partial"), KeepImages: c.String("report") != ""}
	return j, nil
}

// writeResults writes the report, if asked, and the output in its format.
func writeResults(c *cli.Context, res summarize.Result, format string, stdout io.Writer) error {
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
	var err error
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
	return writeOutput(c.String("out"), buf.Bytes(), stdout)
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
