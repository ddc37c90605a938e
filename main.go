// Command vidskim lets a vision language model understand a video: it
// samples frames with ffmpeg, drops near-duplicates, and sends the rest in
// timestamped batches to an OpenAI-compatible model, which writes a summary.
//
// This package is the command line only: one file a command (cmd_*.go),
// every flag and its default in flags.go, and errors.go, the one place
// where errors become flag names, hints and exit codes.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"
)

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
	return exitCode(ctx, err, stderr)
}
