package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"

	"github.com/urfave/cli/v2"
	"golang.org/x/sync/errgroup"

	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/llm"
	"github.com/vidskim/vidskim/render"
	"github.com/vidskim/vidskim/textsafe"
)

// summarizeMany summarizes many videos: --jobs at a time, every request
// of every video through one client and one pool of --concurrency slots,
// within one budget; a video that fails is reported and the others go on.
// It ends with one line a video on stderr and the exit code of the whole:
// 0 all done, 1 some failed, 3 none could be used.
func summarizeMany(c *cli.Context, s *session, ins []input, stdout, stderr io.Writer) error {
	if c.Bool("transcript-only") {
		return usageError{errors.New("--transcript-only takes one video at a time")}
	}
	jobs, err := jobsFlag(c)
	if err != nil {
		return err
	}
	out, err := newBatchOutput(c, s.format, ins, stdout, c.String("out-dir"))
	if err != nil {
		return err
	}
	s.many = true
	if err := s.connect(s.mo.Concurrency); err != nil {
		return err
	}
	defer s.close()
	sb := newSharedBudget(budget{c.Int("max-requests"), c.Float64("max-cost")}, len(ins))
	prog := newBatchProgress(progressOut(c, stderr, s.log), c.Bool("quiet"), len(ins))
	results := make([]outcome, len(ins))
	g, ctx := errgroup.WithContext(c.Context)
	g.SetLimit(jobs)
	for i, in := range ins {
		g.Go(func() error {
			defer sb.pass(i)
			o := s.summarizeVideo(ctx, in, sb.gate(s, i), prog.video(i))
			if o.skipped {
				s.log.Debug("passed over: not a video", "file", in.name, "error", o.err)
				out.skip(i)
			} else {
				var werr error
				o.out, werr = out.write(ctx, i, o, status(o))
				o.err = errors.Join(o.err, werr, s.writeRecord(ctx, o))
			}
			prog.finished(o)
			results[i] = o
			if stopsAll(o.err) && ctx.Err() == nil {
				return o.err
			}
			return nil
		})
	}
	err = g.Wait()
	prog.stop(c.Context.Err() != nil)
	werr := out.finish(c.Context)
	if err != nil {
		return classify(err)
	}
	if c.Context.Err() == nil { // interrupted: the one line exitCode prints says it all
		report(stderr, results, c.Bool("quiet"))
	}
	return errors.Join(werr, runEnd(c.Context, results))
}

// jobsFlag is --jobs, or enough videos at once to keep the cores busy:
// while one video waits on the model, another decodes.
func jobsFlag(c *cli.Context) (int, error) {
	n := c.Int("jobs")
	if !c.IsSet("jobs") {
		return max(2, runtime.NumCPU()), nil
	}
	if n < 1 || n > 64 {
		return 0, usageError{fmt.Errorf("--jobs %d: must be 1 to 64", n)}
	}
	return n, nil
}

// stopsAll says whether err would fail every other video the same way: a
// missing ffmpeg, or a server refusing the key or the model.
func stopsAll(err error) bool {
	return err != nil && (errors.Is(err, extract.ErrToolMissing) || llm.ActionOf(err, 1) == llm.Stop)
}

// status is one word for what became of a video.
func status(o outcome) string {
	var ob overBudget
	var ie inputError
	switch {
	case o.skipped:
		return "skipped"
	case errors.As(o.err, &ob):
		return "over-budget"
	case o.err != nil && written(o):
		return "partial"
	case errors.As(o.err, &ie):
		return "unusable"
	case o.err != nil:
		return "failed"
	case o.served != 0:
		return "library"
	}
	return "ok"
}

// report prints one line a video: status, frames, requests, cost,
// output; with --quiet only the failures.
func report(w io.Writer, results []outcome, quiet bool) {
	for _, o := range results {
		st := status(o)
		if o.skipped || o.err != nil && !written(o) || quiet && o.err == nil {
			continue
		}
		u := o.res.Usage
		line := fmt.Sprintf("%-11s %s: %s, %s, %d cached", st, textsafe.Line(o.in.name), render.Count(o.res.Frames.Kept, "frame"),
			render.Count(u.Requests, "request"), u.Cached)
		if u.CostUSD > 0 {
			line += fmt.Sprintf(", $%.4f", u.CostUSD)
		}
		if u.SavedUSD > 0 {
			line += fmt.Sprintf(", $%.4f saved", u.SavedUSD)
		}
		if o.served != 0 {
			line += fmt.Sprintf(" (run %d, from the library)", o.served)
		}
		if o.out != "" {
			line += " -> " + textsafe.Line(o.out)
		}
		fmt.Fprintln(w, line)
	}
	reportFailures(w, results, quiet)
}

// runEnd is the run's end: nil when every video was done, an input
// error (exit 3) when none could be used, else a failure (exit 1).
func runEnd(ctx context.Context, results []outcome) error {
	var used, failed, unusable int
	for _, o := range results {
		var ie inputError
		switch {
		case o.skipped:
		case o.err == nil:
			used++
		case errors.As(o.err, &ie):
			unusable++
		default:
			failed++
		}
	}
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case used+failed+unusable == 0:
		return inputError{errors.New("no videos among the files given")}
	case used+failed == 0:
		return inputError{fmt.Errorf("none of the %s could be used", render.Count(unusable, "video"))}
	case failed+unusable > 0:
		return fmt.Errorf("%d of %s failed (see above)", failed+unusable, render.Count(used+failed+unusable, "video"))
	}
	return nil
}
