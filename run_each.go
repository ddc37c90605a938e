package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"
	"golang.org/x/sync/errgroup"

	"github.com/vidskim/vidskim/render"
	"github.com/vidskim/vidskim/summarize"
	"github.com/vidskim/vidskim/textsafe"
)

// eachInput runs work on every input of plan or frames, --jobs at a time,
// and writes each document (or why there is none) through a batchOutput
// in input order. A file found in a directory that is not a video is
// passed over quietly. It returns every outcome, for runEnd.
func eachInput(c *cli.Context, ins []input, format render.Format, stdout io.Writer,
	work func(ctx context.Context, i int, in input, name string) (any, error)) ([]outcome, error) {
	jobs, err := jobsFlag(c)
	if err != nil {
		return nil, err
	}
	out, err := newBatchOutput(c, format, ins, stdout, "")
	if err != nil {
		return nil, err
	}
	results := make([]outcome, len(ins))
	g, ctx := errgroup.WithContext(c.Context)
	g.SetLimit(jobs)
	for i, in := range ins {
		g.Go(func() error {
			o := outcome{in: in}
			var doc any
			doc, o.err = work(ctx, i, in, out.names[i])
			var ie inputError
			o.skipped = o.err != nil && quiet(in) && errors.As(o.err, &ie)
			switch {
			case o.skipped:
				out.skip(i)
			case o.err != nil:
				out.part(i, in.name, render.Failed{Video: summarize.VideoInfo{Path: in.name}, Status: status(o), Error: message(o.err)})
			default:
				out.part(i, in.name, doc)
			}
			results[i] = o
			if stopsAll(o.err) {
				return o.err
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return results, classify(err)
	}
	return results, out.finish(c.Context)
}

// reportFailures prints one line a video that failed, and how many
// files were passed over as not videos.
func reportFailures(w io.Writer, results []outcome, quiet bool) {
	passed := 0
	for _, o := range results {
		switch {
		case o.skipped:
			passed++
		case o.err != nil:
			fmt.Fprintf(w, "%-11s %s: %s\n", status(o), textsafe.Line(o.in.name), textsafe.Line(message(o.err)))
		}
	}
	if passed > 0 && !quiet {
		what := "files that are not videos"
		if passed == 1 {
			what = "file that is not a video"
		}
		fmt.Fprintf(w, "%-11s %d %s (--verbose names them)\n", "passed-over", passed, what)
	}
}
