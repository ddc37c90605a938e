// Command vidskim lets a vision language model understand a video: it
// samples frames with ffmpeg, drops near-duplicates, and sends the rest in
// timestamped batches to an OpenAI-compatible model, which writes a summary.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/vidskim/vidskim/extract"
)

// Exit codes, documented in the README.
const (
	exitOK      = 0
	exitFailed  = 1 // the model or server failed, or the output could not be written
	exitUsage   = 2 // bad flags or flag values
	exitBadFile = 3 // the video cannot be read or decoded
	exitSignal  = 130
)

// usageError marks errors in what the user typed.
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

// inputError marks errors in the video file itself.
type inputError struct{ error }

func (e inputError) Unwrap() error { return e.error }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is the whole CLI, callable from tests: it returns the exit code and
// prints any error as one line on stderr.
func run(ctx context.Context, argv []string, stdout, stderr io.Writer) int {
	app := newApp(argv, stdout, stderr)
	err := app.RunContext(ctx, reorderArgs(app.Commands, argv))
	if err == nil {
		return exitOK
	}
	if ctx.Err() != nil && errors.Is(err, context.Canceled) {
		fmt.Fprintln(stderr, "vidskim: interrupted; the answers received so far are cached: run the same command again to resume")
		return exitSignal
	}
	fmt.Fprintf(stderr, "vidskim: %s\n", oneLine(err.Error()))
	var ue usageError
	var ie inputError
	switch {
	case errors.As(err, &ue):
		return exitUsage
	case errors.As(err, &ie):
		return exitBadFile
	}
	return exitFailed
}

func newApp(argv []string, stdout, stderr io.Writer) *cli.App {
	onUsage := func(_ *cli.Context, err error, _ bool) error { return usageError{err} }
	var fromFile map[string]bool
	app := &cli.App{
		Name:            "vidskim",
		Usage:           "let a vision language model understand a video",
		Writer:          stdout,
		ErrWriter:       stderr,
		HideHelpCommand: true,
		OnUsageError:    onUsage,
		ExitErrHandler:  func(*cli.Context, error) {},
		Commands: []*cli.Command{
			{
				Name:         "summarize",
				Usage:        "summarize a video with a vision model",
				ArgsUsage:    "VIDEO",
				Flags:        summarizeFlags(),
				OnUsageError: onUsage,
				Action:       func(c *cli.Context) error { return summarizeCmd(c, stdout, stderr) },
			},
			{
				Name:         "frames",
				Usage:        "sample and select frames without a model; write the kept frames as JPEGs",
				ArgsUsage:    "VIDEO",
				Flags:        append(selectFlags(), framesFlags()...),
				OnUsageError: onUsage,
				Action:       func(c *cli.Context) error { return framesCmd(c, stdout, stderr) },
			},
			{
				Name:         "plan",
				Usage:        "sample and select frames, then print the requests, tokens and cost the run would take, on several models; no model is called",
				ArgsUsage:    "VIDEO",
				Flags:        planFlags(),
				OnUsageError: onUsage,
				Action:       func(c *cli.Context) error { return planCmd(c, stdout, stderr) },
			},
			{
				Name:         "config",
				Usage:        "print the effective settings of summarize (flags, env, config file, defaults), keys masked",
				Flags:        summarizeFlags(),
				OnUsageError: onUsage,
				Action:       func(c *cli.Context) error { return configCmd(c, stdout, fromFile, argv) },
			},
		},
	}
	known := allFlagNames(app.Commands)
	for _, cmd := range app.Commands {
		cmd.Before = func(c *cli.Context) (err error) {
			fromFile, err = applyConfig(c, known)
			return err
		}
	}
	return app
}

// newLogger sets up the one slog handler: diagnostics go to stderr, never
// stdout, which carries results.
func newLogger(c *cli.Context, stderr io.Writer) *slog.Logger {
	level := slog.LevelInfo
	switch {
	case c.Bool("quiet"):
		level = slog.LevelWarn
	case c.Bool("verbose"):
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
}

// videoArg returns the one positional argument, the video path.
func videoArg(c *cli.Context) (string, error) {
	switch c.NArg() {
	case 0:
		return "", usageError{errors.New("missing VIDEO: name a video file")}
	case 1:
		return c.Args().First(), nil
	}
	return "", usageError{fmt.Errorf("one VIDEO at a time, got %d arguments: %q", c.NArg(), c.Args().Slice())}
}

// probe reads the video's header; any failure is the file's fault, except
// a missing ffprobe.
func probe(ctx context.Context, path string) (extract.Video, error) {
	v, err := extract.Probe(ctx, path, "")
	if err != nil && !errors.Is(err, extract.ErrToolMissing) && ctx.Err() == nil {
		return v, inputError{err}
	}
	return v, err
}

// openVideo probes path and checks the range options against it, before
// any decoding.
func openVideo(ctx context.Context, path string, eo extract.Options) (extract.Video, error) {
	v, err := probe(ctx, path)
	if err != nil {
		return v, err
	}
	if err := eo.Validate(v); err != nil {
		return v, usageError{err}
	}
	return v, nil
}

// oneLine keeps an error to one line of printable text.
func oneLine(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			out = append(out, ' ')
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
		default:
			out = append(out, r)
		}
	}
	return string(out)
}
