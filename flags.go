package main

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/vidskim/vidskim/chunk"
	"github.com/vidskim/vidskim/dedupe"
	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/summarize"
)

// selectFlags choose and size the frames; summarize and frames share them.
func selectFlags() []cli.Flag {
	return []cli.Flag{
		&cli.Float64Flag{Name: "fps", Value: 1, Usage: "frames to sample per second (fractions allowed: 0.2 is one every 5 s)"},
		&cli.StringFlag{Name: "start", Usage: "start of the range, seconds or [HH:]MM:SS[.ms]"},
		&cli.StringFlag{Name: "end", Usage: "end of the range, seconds or [HH:]MM:SS[.ms] (default: end of video)"},
		&cli.IntFlag{Name: "dedupe-threshold", Value: dedupe.DefaultThreshold, Usage: "keep a frame when its hash differs from the last kept frame by more than this many bits (0 keeps every frame)"},
		&cli.Float64Flag{Name: "max-gap", Usage: "keep at least one frame every this many seconds, even when nothing changes (0: off)"},
		&cli.IntFlag{Name: "max-frames", Usage: "keep at most this many frames, dropping those that add least (0: no cap)"},
		&cli.BoolFlag{Name: "keyframes", Usage: "sample keyframes only: much faster, coarser in time"},
		&cli.BoolFlag{Name: "exact", Usage: "decode every picture (by default non-reference pictures are skipped: a third faster, times still true)"},
		&cli.StringFlag{Name: "detail", Value: "low", Usage: "image detail: low (within 512x512) or high (short side 768, long side 2000)"},
		&cli.IntFlag{Name: "frames-per-request", Value: 10, Usage: "most images in one request"},
		&cli.BoolFlag{Name: "verbose", Usage: "more diagnostics on stderr"},
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "only warnings and errors on stderr"},
	}
}

func modelFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "model", Value: summarize.DefaultModel, Usage: "vision model name"},
		&cli.StringFlag{Name: "api-key", EnvVars: []string{"OPENAI_API_KEY"}, DefaultText: "none", Usage: "API key"},
		&cli.StringFlag{Name: "base-url", EnvVars: []string{"OPENAI_BASE_URL"}, Usage: "OpenAI-compatible API base URL, e.g. http://localhost:11434/v1 for Ollama (default: OpenAI)"},
		&cli.IntFlag{Name: "concurrency", Value: 4, Usage: "chunk requests at once"},
		&cli.IntFlag{Name: "max-tokens", Value: 400, Usage: "token limit of each chunk description"},
		&cli.DurationFlag{Name: "timeout", Value: 2 * time.Minute, Usage: "time limit of one request attempt"},
		&cli.IntFlag{Name: "max-retries", Value: 6, Usage: "retries of a request answered 429, 5xx, or not at all"},
		&cli.IntFlag{Name: "rpm", Usage: "requests per minute at most (your provider's limit; 0: no pacing)"},
		&cli.IntFlag{Name: "tpm", Usage: "tokens per minute at most, estimated (0: no pacing)"},
		&cli.StringFlag{Name: "cache-dir", Usage: "where answers are kept so no request is paid twice (default: the user cache dir)/vidskim"},
		&cli.BoolFlag{Name: "no-cache", Usage: "neither read nor write the answer cache"},
		&cli.BoolFlag{Name: "partial", Usage: "when some chunks fail after all retries, still summarize the rest (marked partial; exit code stays non-zero)"},
		&cli.IntFlag{Name: "max-requests", Usage: "refuse to start a run that needs more model requests than this (0: no limit)"},
	}
}

func summarizeFlags() []cli.Flag {
	return append(append(append(append(selectFlags(), modelFlags()...), providerFlags()...), jobFlags()...), outputFlags()...)
}

func outputFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "format", Value: "md", Usage: "output format: md, json, srt or vtt (timed descriptions, or the narration lines)"},
		&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "write the output to this file instead of stdout"},
		&cli.StringFlag{Name: "report", Usage: "also write a self-contained HTML report (summary, then each kept frame beside its description)"},
		&cli.Float64Flag{Name: "max-cost", Usage: "refuse to start a run whose estimated cost (upper bound, USD) exceeds this (0: no limit)"},
	}
}

// jobFlags say what the model is asked for; summarize and plan share them.
func jobFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "mode", Value: "summary", Usage: "summary, surveillance (an event log; keeps a frame every 60 s at least) or narration (a timed voice-over script)"},
		&cli.StringFlag{Name: "prompt", Usage: "your own instruction, added to every prompt (e.g. \"focus on the license plates\")"},
		&cli.StringFlag{Name: "models", Usage: "a JSON model table (token rules and prices) to add to or override the built-in one"},
	}
}

// planFlags are plan's own: what it needs of summarize's, and its format.
func planFlags() []cli.Flag {
	return append(append(selectFlags(), jobFlags()...),
		&cli.StringFlag{Name: "model", Value: summarize.DefaultModel, Usage: "vision model name"},
		&cli.IntFlag{Name: "max-tokens", Value: 400, Usage: "token limit of each chunk description"},
		&cli.StringFlag{Name: "format", Value: "text", Usage: "output format: text or json"},
		&cli.BoolFlag{Name: "transcribe", Usage: "include transcribing the audio"},
		&cli.StringFlag{Name: "transcribe-model", Value: "whisper-1", Usage: "transcription model"},
	)
}

func framesFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "out-dir", Usage: "write each kept frame here as a JPEG named by its timestamp"},
		&cli.StringFlag{Name: "format", Value: "text", Usage: "output format: text or json"},
	}
}

// selectOptions turns the shared flags into stage options, rejecting
// values that cannot work before anything runs.
func selectOptions(c *cli.Context) (extract.Options, dedupe.Options, chunk.Options, chunk.Detail, error) {
	var eo extract.Options
	var do dedupe.Options
	var co chunk.Options
	detail, err := chunk.ParseDetail(c.String("detail"))
	if err != nil {
		return eo, do, co, "", usageError{err}
	}
	start, err := parseTime(c.String("start"))
	if err != nil {
		return eo, do, co, "", usageError{fmt.Errorf("--start: %w", err)}
	}
	end, err := parseTime(c.String("end"))
	if err != nil {
		return eo, do, co, "", usageError{fmt.Errorf("--end: %w", err)}
	}
	if fps := c.Float64("fps"); !(fps > 0) {
		return eo, do, co, "", usageError{fmt.Errorf("--fps %g: must be more than 0 and at most %d", fps, extract.MaxFPS)}
	}
	long, short := detail.Budget()
	eo = extract.Options{FPS: c.Float64("fps"), Start: start, End: end, MaxLong: long, MaxShort: short, Keyframes: c.Bool("keyframes"), Exact: c.Bool("exact")}
	if err := eo.Validate(extract.Video{}); err != nil {
		return eo, do, co, "", usageError{err}
	}
	do = dedupe.Options{Threshold: c.Int("dedupe-threshold"), MaxGap: c.Float64("max-gap"), MaxFrames: c.Int("max-frames")}
	co = chunk.Options{FramesPerRequest: c.Int("frames-per-request")}
	switch {
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
		return eo, do, co, "", usageError{err}
	}
	return eo, do, co, detail, nil
}

// jobOptions reads the mode, the user's prompt and the model table.
func jobOptions(c *cli.Context, o *summarize.Options, do *dedupe.Options) (summarize.Models, error) {
	mode, err := summarize.ParseMode(c.String("mode"))
	if err != nil {
		return summarize.Models{}, usageError{err}
	}
	o.Mode, o.Prompt = mode, c.String("prompt")
	if mode == summarize.ModeSurveillance && !c.IsSet("max-gap") {
		do.MaxGap = 60 // "still empty at 03:10" needs a frame now and then
	}
	models, err := summarize.LoadModels(c.String("models"))
	if err != nil {
		return models, usageError{err}
	}
	if m, known := models.Lookup(o.Model); known {
		o.Pricing = &m
	}
	return models, nil
}

// modelOptions turns the model flags into summarize options.
func modelOptions(c *cli.Context, detail chunk.Detail) (summarize.Options, error) {
	o := summarize.Options{Model: c.String("model"), Detail: detail,
		MaxTokens: c.Int("max-tokens"), Concurrency: c.Int("concurrency")}
	switch {
	case o.Model == "":
		return o, usageError{errors.New("--model: must not be empty")}
	case o.MaxTokens < 16 || o.MaxTokens > 100000:
		return o, usageError{errors.New("--max-tokens: must be 16 to 100000")}
	case o.Concurrency < 1 || o.Concurrency > 64:
		return o, usageError{errors.New("--concurrency: must be 1 to 64")}
	case c.Duration("timeout") <= 0:
		return o, usageError{errors.New("--timeout: must be more than 0, e.g. 2m")}
	case c.Int("max-retries") < 0 || c.Int("max-retries") > 100:
		return o, usageError{errors.New("--max-retries: must be 0 to 100")}
	case c.Int("rpm") < 0 || c.Int("tpm") < 0:
		return o, usageError{errors.New("--rpm and --tpm: must be 0 (no pacing) or more")}
	case c.Int("max-requests") < 0:
		return o, usageError{errors.New("--max-requests: must be 0 (no limit) or more")}
	case c.Float64("max-cost") < 0 || math.IsNaN(c.Float64("max-cost")):
		return o, usageError{errors.New("--max-cost: must be 0 (no limit) or more dollars")}
	}
	o.Budget = summarize.Budget{RPM: c.Int("rpm"), TPM: c.Int("tpm")}
	if c.Bool("no-cache") {
		return o, nil
	}
	dir := c.String("cache-dir")
	if dir == "" {
		var err error
		if dir, err = summarize.DefaultCacheDir(); err != nil {
			return o, usageError{err}
		}
	}
	o.Cache = &summarize.Cache{Dir: dir}
	if err := o.Cache.Check(); err != nil {
		return o, usageError{err}
	}
	return o, nil
}
