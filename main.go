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
	ctx, stop := signalContext()
	code := run(ctx, os.Args, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// signalCause is why the run was cancelled: a signal.
type signalCause struct{ sig os.Signal }

func (s signalCause) Error() string { return "interrupted by " + s.sig.String() }

// signalContext is cancelled, with the signal as its cause, by the first
// SIGINT or SIGTERM; the run then stops within moments, saying how far it
// got. A second signal exits at once.
func signalContext() (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		first, ok := <-sigs
		if !ok {
			return
		}
		cancel(signalCause{first})
		if second, ok := <-sigs; ok {
			os.Exit(signalExit(second))
		}
	}()
	return ctx, func() { signal.Stop(sigs); close(sigs); cancel(nil) }
}

// signalExit is the shell's exit code for a process a signal ended.
func signalExit(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return exitSignal
}

// run is the whole CLI, callable from tests: it returns the exit code and
// prints any error as one line on stderr.
func run(ctx context.Context, argv []string, stdout, stderr io.Writer) int {
	argv = helpAsFlag(argv)
	app := newApp(argv, stdout, stderr)
	err := app.RunContext(ctx, reorderArgs(app.Commands, argv))
	return exitCode(ctx, err, stderr)
}
