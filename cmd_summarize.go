package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"

	"github.com/urfave/cli/v2"

	"github.com/vidskim/vidskim/cost"
	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/llm"
	"github.com/vidskim/vidskim/render"
	"github.com/vidskim/vidskim/summarize"
	"github.com/vidskim/vidskim/textsafe"
)

// job is a checked summarize invocation: everything that can be refused
// is refused before it exists.
type job struct {
	path   string
	format render.Format
	v      extract.Video
	cfg    summarize.Config
	client llm.Config
	models cost.Models
}

func summarizeCmd(c *cli.Context, stdout, stderr io.Writer) error {
	log := newLogger(c, stderr)
	j, err := newJob(c, log)
	if err != nil {
		return err
	}
	sp, err := newSpeech(c, &j) // --speak: its flags and outputs checked before anything is paid
	if err != nil {
		return err
	}
	if err := extract.Preflight(c.Context, j.v, j.cfg.Extract); err != nil {
		return classify(err)
	}
	b := budget{c.Int("max-requests"), c.Float64("max-cost"), sp.costs(j)}
	if err := checkBudget(c.Context, b, j.v, j.cfg, j.models); err != nil {
		return err
	}
	client := llm.New(j.client)
	if c.Bool("transcribe") || c.Bool("transcript-only") {
		j.cfg.Transcribe = &summarize.TranscribeConfig{
			Client:  client.ForTranscription(c.String("transcribe-base-url")),
			Options: summarize.TranscribeOptions{Model: c.String("transcribe-model"), Translate: c.Bool("translate")},
			Audio:   extract.AudioOptions{MaxBytes: pieceBytes()},
		}
	}
	if c.Bool("transcript-only") {
		return transcriptOnly(c, j, stdout)
	}
	var last summarize.Progress
	show, done := newProgress(stderr, c.Bool("quiet"))
	j.cfg.OnProgress = func(p summarize.Progress) {
		last = p // calls come one at a time; the last is read after Run
		if show != nil {
			show(p)
		}
	}
	res, err := summarize.Run(c.Context, client, j.v, j.cfg, log)
	done(err != nil)
	if c.Context.Err() != nil {
		return interrupted{err: errors.Join(err, c.Context.Err()), p: last, cached: j.client.Cache != nil}
	}
	res.Video.Path = textsafe.Line(j.path) // names are shown cleaned, in every format
	delivered := errors.Is(err, summarize.ErrPartial) && res.Summary != "" || errors.Is(err, summarize.ErrIncomplete)
	if err != nil && !delivered {
		return classify(err)
	}
	doc, serr := sp.speak(c.Context, client, j, res, log) // --speak: the voice-over; else res
	if werr := writeResults(c, doc, j.format, stdout); werr != nil {
		return errors.Join(werr, serr)
	}
	if err != nil {
		return errors.Join(partialWritten{err}, serr) // the partial summary is written; the exit code still says so
	}
	return serr
}

// newJob reads and checks every flag, the provider, the output paths and
// the video, in that order, so the cheapest refusal comes first.
func newJob(c *cli.Context, log *slog.Logger) (job, error) {
	j := job{format: render.Format(c.String("format"))}
	var err error
	if j.path, err = videoArg(c); err != nil {
		return j, err
	}
	sel, err := selectOptions(c)
	if err != nil {
		return j, err
	}
	mo, err := modelOptions(c, sel.detail)
	if err != nil {
		return j, err
	}
	ca, err := cache(c, log)
	if err != nil {
		return j, err
	}
	if j.models, err = jobOptions(c, &mo, &sel.dedupe); err != nil {
		return j, err
	}
	if err := checkFormat(j.format, render.Markdown, render.JSON, render.SRT, render.VTT); err != nil {
		return j, err
	}
	if j.client, err = clientConfig(c, mo.Model, log); err != nil {
		return j, err
	}
	j.client.Cache = ca
	if max := j.client.MaxImages(); max > 0 && sel.chunk.FramesPerRequest > max {
		return j, usageError{fmt.Errorf("--frames-per-request %d: Azure OpenAI takes at most %d images a request", sel.chunk.FramesPerRequest, max)}
	}
	for _, f := range []string{"out", "report"} {
		if err := checkOutput(f, c.String(f), j.path); err != nil {
			return j, err
		}
	}
	if j.v, err = openVideo(c.Context, j.path, sel.extract); err != nil {
		return j, err
	}
	j.cfg = summarize.Config{Extract: sel.extract, Dedupe: sel.dedupe, Chunk: sel.chunk, Model: mo,
		Partial: c.Bool("partial"), KeepImages: c.String("report") != ""}
	return j, nil
}

// writeResults writes the output in its format and the report, if asked,
// each on its own: one that cannot be written never costs the other.
func writeResults(c *cli.Context, doc any, format render.Format, stdout io.Writer) error {
	err := writeDoc(c.Context, "out", textOut(c), format, doc, stdout, stdout)
	if report := c.String("report"); report != "" {
		err = errors.Join(err, writeDoc(c.Context, "report", report, render.HTML, doc, nil, nil))
	}
	return err
}

// pieceBytes is the upload limit for audio pieces; tests lower it with
// VIDSKIM_AUDIO_PIECE_BYTES to exercise splitting on short audio.
func pieceBytes() int {
	n, _ := strconv.Atoi(os.Getenv("VIDSKIM_AUDIO_PIECE_BYTES"))
	return max(n, 0)
}
