package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/vidskim/vidskim/ask"
	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/field"
	"github.com/vidskim/vidskim/library"
	"github.com/vidskim/vidskim/llm"
	"github.com/vidskim/vidskim/narrate"
	"github.com/vidskim/vidskim/ocr"
	"github.com/vidskim/vidskim/render"
	"github.com/vidskim/vidskim/summarize"
	"github.com/vidskim/vidskim/textsafe"
)

// Exit codes, documented in the README.
const (
	exitOK      = 0
	exitFailed  = 1 // the model or server failed, or the output could not be written
	exitUsage   = 2 // bad flags or flag values
	exitBadFile = 3 // the video cannot be read or decoded
	// exitUnsupported: ask answered, in full, but cites moments the notes
	// it was given do not support (marked in the output). Not 1: nothing
	// failed, and a script can tell a claim to check from a failure.
	exitUnsupported = 4
	exitSignal      = 130 // SIGINT (Ctrl-C); SIGTERM is 143, 128 + the signal
)

// usageError marks errors in what the user typed.
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

// inputError marks errors in the video file itself.
type inputError struct{ error }

func (e inputError) Unwrap() error { return e.error }

// exitCode prints err as one line, in the CLI's words, and returns the
// exit code it calls for. A run a signal cancelled exits as the shell
// expects (130 for SIGINT, 143 for SIGTERM), saying how far it got,
// whatever error the cancellation caused on the way out.
func exitCode(ctx context.Context, err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	var sc signalCause
	if ctx.Err() != nil && errors.As(context.Cause(ctx), &sc) {
		fmt.Fprintf(stderr, "vidskim: %s\n", interruptMessage(err))
		return signalExit(sc.sig)
	}
	if ctx.Err() != nil && errors.Is(err, context.Canceled) {
		fmt.Fprintf(stderr, "vidskim: %s\n", interruptMessage(err))
		return exitSignal
	}
	fmt.Fprintf(stderr, "vidskim: %s\n", textsafe.Line(message(err)))
	var ue usageError
	var ie inputError
	var qe *library.QueryError
	var le *ocr.LangError
	var uc unsupportedCitations
	switch {
	case errors.As(err, &ue), errors.As(err, &qe), errors.As(err, &le):
		return exitUsage
	case errors.As(err, &ie):
		return exitBadFile
	case errors.As(err, &uc):
		return exitUnsupported
	}
	return exitFailed
}

// unsupportedCitations is an answer delivered whole whose citations the
// notes do not all support.
type unsupportedCitations struct{ n, of int }

func (e unsupportedCitations) Error() string {
	return fmt.Sprintf("%d of the answer's %s %s not supported by the notes it was given: each is marked unsupported in the output", e.n, render.Count(e.of, "citation"), render.IsAre(e.n))
}

// flagName is how the CLI names a library's option: as its flag.
func flagName(option string) string { return "--" + option }

// usage marks err as the user's, naming a library's option as its flag.
func usage(err error) error {
	var fe *field.Error
	if errors.As(err, &fe) {
		return usageError{errors.New(fe.Render(flagName))}
	}
	return usageError{err}
}

// message is err's text with the hints only the CLI can give: which flag
// or variable to change.
func message(err error) string {
	s := err.Error()
	var te *llm.TimeoutError
	if errors.As(err, &te) {
		s += " (--timeout)"
	}
	var api *llm.APIError
	if errors.As(err, &api) {
		switch api.Status {
		case http.StatusUnauthorized:
			s += " (check the API key: OPENAI_API_KEY, --api-key-file or --api-key)"
		case http.StatusNotFound:
			s += " (check the model name and --base-url)"
		}
	}
	var pw partialWritten
	if errors.Is(err, summarize.ErrPartial) && !errors.As(err, &pw) {
		s += "; run again to resume (answers so far are cached), or add --partial"
	}
	var sd *llm.ServerDownError
	if errors.As(err, &sd) {
		s += "; stopped: the answers received are cached, so the same command resumes once the server is back (--max-retries, --timeout)"
	}
	if errors.Is(err, summarize.ErrIncomplete) && strings.Contains(s, "description cut off") {
		s += " (raise --max-tokens)"
	}
	if errors.Is(err, ask.ErrIncomplete) && strings.Contains(s, "token limit") {
		s += " (raise --answer-tokens)"
	}
	var le *ocr.LangError
	if errors.As(err, &le) {
		s += " (--ocr-lang)"
	}
	var line *narrate.LineError
	if errors.As(err, &line) {
		s += "; run again to resume (the speech so far is cached), or add --partial to leave a silence there"
	}
	return s
}

// partialWritten marks a partial run whose partial summary was written
// (--partial): the exit code still says so, without the advice to add it.
type partialWritten struct{ error }

func (e partialWritten) Unwrap() error { return e.error }

// classify marks errors that are the video file's fault.
func classify(err error) error {
	for _, e := range []error{extract.ErrEncrypted, extract.ErrNoFrames, extract.ErrNoVideoStream, extract.ErrNotMedia, extract.ErrUnsupportedCodec, extract.ErrDamaged} {
		if errors.Is(err, e) {
			return inputError{err}
		}
	}
	return err
}
