package main

import (
	"errors"
	"fmt"
	"math"

	"github.com/urfave/cli/v2"

	"github.com/vidskim/vidskim/chunk"
	"github.com/vidskim/vidskim/cost"
	"github.com/vidskim/vidskim/dedupe"
	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/summarize"
)

// selection is what the shared selection flags ask of the first stages.
type selection struct {
	extract extract.Options
	dedupe  dedupe.Options
	chunk   chunk.Options
	detail  chunk.Detail
}

// selectOptions turns the selection flags into stage options, rejecting
// values that cannot work before anything runs.
func selectOptions(c *cli.Context) (selection, error) {
	var s selection
	var err error
	if s.detail, err = chunk.ParseDetail(c.String("detail")); err != nil {
		return s, usage(err)
	}
	start, err := parseTime(c.String("start"))
	if err != nil {
		return s, usageError{fmt.Errorf("--start: %w", err)}
	}
	end, err := parseTime(c.String("end"))
	if err != nil {
		return s, usageError{fmt.Errorf("--end: %w", err)}
	}
	if fps := c.Float64("fps"); !(fps > 0) {
		return s, usageError{fmt.Errorf("--fps %g: must be more than 0 and at most %d", fps, extract.MaxFPS)}
	}
	long, short := s.detail.Budget()
	s.extract = extract.Options{FPS: c.Float64("fps"), Start: start, End: end, MaxLong: long, MaxShort: short, Keyframes: c.Bool("keyframes"), Exact: c.Bool("exact")}
	if err := s.extract.Validate(extract.Video{}); err != nil {
		return s, usage(err)
	}
	s.dedupe = dedupe.Options{Threshold: c.Int("dedupe-threshold"), MaxGap: c.Float64("max-gap"), MaxFrames: c.Int("max-frames")}
	s.chunk = chunk.Options{FramesPerRequest: c.Int("frames-per-request")}
	return s, checkSelection(s)
}

func checkSelection(s selection) error {
	var err error
	switch do, co := s.dedupe, s.chunk; {
	case do.Threshold < 0 || do.Threshold > 64:
		err = errors.New("--dedupe-threshold: must be 0 to 64 bits")
	case do.MaxGap < 0 || math.IsNaN(do.MaxGap) || math.IsInf(do.MaxGap, 0):
		err = errors.New("--max-gap: must be 0 (off) or more seconds")
	case do.MaxFrames < 0 || do.MaxFrames > 100000:
		err = errors.New("--max-frames: must be 0 (no cap) to 100000")
	case co.FramesPerRequest < 1 || co.FramesPerRequest > 100:
		err = errors.New("--frames-per-request: must be 1 to 100")
	}
	if err != nil {
		return usageError{err}
	}
	return nil
}

// jobOptions reads the mode, the user's prompt and the model table into o,
// and the surveillance mode's frame floor into do.
func jobOptions(c *cli.Context, o *summarize.Options, do *dedupe.Options) (cost.Models, error) {
	mode, err := summarize.ParseMode(c.String("mode"))
	if err != nil {
		return cost.Models{}, usage(err)
	}
	o.Mode, o.Prompt = mode, c.String("prompt")
	if o.Language, err = language(c); err != nil {
		return cost.Models{}, err
	}
	if mode == summarize.ModeSurveillance && !c.IsSet("max-gap") {
		do.MaxGap = 60 // "still empty at 03:10" needs a frame now and then
	}
	models, err := cost.LoadModels(c.String("models"))
	if err != nil {
		return models, usageError{err}
	}
	if m, known := models.Lookup(o.Model); known {
		o.Pricing = &m
	}
	return models, nil
}

// modelOptions turns the model flags into summarize options, checking the
// request flags that go to the client too.
func modelOptions(c *cli.Context, detail chunk.Detail) (summarize.Options, error) {
	o := summarize.Options{Model: c.String("model"), Detail: detail,
		MaxTokens: c.Int("max-tokens"), Concurrency: c.Int("concurrency")}
	var err error
	switch {
	case o.Model == "":
		err = errors.New("--model: must not be empty")
	case o.MaxTokens < 16 || o.MaxTokens > 100000:
		err = errors.New("--max-tokens: must be 16 to 100000")
	case o.Concurrency < 1 || o.Concurrency > 64:
		err = errors.New("--concurrency: must be 1 to 64")
	case c.Duration("timeout") <= 0:
		err = errors.New("--timeout: must be more than 0, e.g. 2m")
	case c.Int("max-retries") < 0 || c.Int("max-retries") > 100:
		err = errors.New("--max-retries: must be 0 to 100")
	case c.Int("rpm") < 0 || c.Int("tpm") < 0:
		err = errors.New("--rpm and --tpm: must be 0 (no pacing) or more")
	case c.Int("max-requests") < 0:
		err = errors.New("--max-requests: must be 0 (no limit) or more")
	case c.Float64("max-cost") < 0 || math.IsNaN(c.Float64("max-cost")):
		err = errors.New("--max-cost: must be 0 (no limit) or more dollars")
	}
	if err != nil {
		return o, usageError{err}
	}
	return o, nil
}
