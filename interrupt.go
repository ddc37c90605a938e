package main

import (
	"errors"
	"fmt"

	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/render"
	"github.com/vidskim/vidskim/summarize"
)

// interrupted is a summarize run a signal stopped, with how far it got.
type interrupted struct {
	err    error
	p      summarize.Progress
	cached bool // answers were being saved
}

func (e interrupted) Error() string { return e.err.Error() }
func (e interrupted) Unwrap() error { return e.err }

// interruptMessage says, in one line, what an interrupted run leaves: how
// many answers are saved of how many chunks, and how to resume.
func interruptMessage(err error) string {
	var in interrupted
	var bw batchWaiting
	if errors.As(err, &bw) {
		return bw.Error()
	}
	if !errors.As(err, &in) {
		return "interrupted; answers received so far are saved: run the same command to resume"
	}
	p := in.p
	of := fmt.Sprintf("%d of %s", p.Described, render.Count(p.Chunks, "answer"))
	if !p.Formed && p.End > 0 {
		of = fmt.Sprintf("%d of %s so far (decoding had reached %s of %s)", p.Described, render.Count(p.Chunks, "answer"), extract.Clock(p.Position), extract.Clock(p.End))
	}
	if !in.cached {
		return "interrupted: " + of + " received, none saved (--no-cache)"
	}
	return "interrupted: " + of + " saved; run the same command to resume"
}
