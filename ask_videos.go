package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/urfave/cli/v2"
	"golang.org/x/sync/errgroup"

	"github.com/vidskim/vidskim/ask"
	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/library"
	"github.com/vidskim/vidskim/summarize"
)

// askVideos gathers the videos of a question, numbered from 1: from the
// library those it knows (a video's latest complete run, whatever its
// settings), the others summarized first with the flags given (same
// pipeline, cache and budget as summarize, --jobs at a time), within what
// the answer leaves of the budget. A video that cannot be used is said on
// stderr and left out; failed counts them.
func askVideos(c *cli.Context, s *session, ins []input, lim, reserved budget, stderr io.Writer) ([]ask.Video, int, error) {
	if c.Bool("all") {
		vs, err := libraryVideos(c, s)
		return vs, 0, err
	}
	jobs, err := jobsFlag(c)
	if err != nil {
		return nil, 0, err
	}
	sb := newSharedBudget(lim, len(ins))
	sb.requests, sb.usd = reserved.requests, reserved.usd
	progress, finished, stop := askProgress(stderr, c.Bool("quiet"), len(ins))
	got, results := make([]ask.Video, len(ins)), make([]outcome, len(ins))
	g, ctx := errgroup.WithContext(c.Context)
	g.SetLimit(jobs)
	for i, in := range ins {
		g.Go(func() error {
			defer sb.pass(i)
			got[i], results[i] = askVideo(ctx, s, in, sb.gate(s, i), progress(i), c.Bool("look"))
			finished(results[i])
			if stopsAll(results[i].err) && ctx.Err() == nil {
				return results[i].err
			}
			return nil
		})
	}
	err = g.Wait()
	stop(err != nil)
	if err != nil {
		return nil, 0, classify(err)
	}
	if c.Context.Err() != nil {
		return nil, 0, c.Context.Err()
	}
	if len(ins) == 1 && results[0].err != nil && !delivered(results[0]) {
		return nil, 0, oneVideo(results[0].err) // its own one line, as summarize says it
	}
	reportFailures(stderr, results, c.Bool("quiet"))
	var vs []ask.Video
	for i, v := range got {
		if results[i].err == nil || v.Result.Summary != "" {
			v.N = len(vs) + 1
			vs = append(vs, v)
		}
	}
	if len(vs) == 0 {
		return nil, 0, classify(runEnd(c.Context, results))
	}
	return vs, len(ins) - len(vs), nil
}

// askProgress shows the summarizing of the videos the library does not
// know: one video as summarize shows it (nothing when it comes from the
// library), several as a many-video run does.
func askProgress(stderr io.Writer, quiet bool, n int) (func(int) func(summarize.Progress), func(outcome), func(stopped bool)) {
	if n == 1 {
		show, done := newProgress(stderr, quiet)
		return func(int) func(summarize.Progress) { return show }, func(outcome) {}, done
	}
	p := newBatchProgress(stderr, quiet, n)
	return p.video, p.finished, p.stop
}

// oneVideo is the error of the one video of a question: a budget it does
// not fit is the user's to change, as with summarize.
func oneVideo(err error) error {
	var ob overBudget
	if errors.As(err, &ob) {
		return usageError{fmt.Errorf("refusing to start: %w", err)}
	}
	return classify(err)
}

// askVideo is one video of a question: its usable run in the library, or
// a new run. The outcome says what became of it.
func askVideo(ctx context.Context, s *session, in input, pass gate, progress func(summarize.Progress), look bool) (ask.Video, outcome) {
	v := ask.Video{Name: in.name, From: "library"}
	fp, known := s.fingerprint(ctx, in)
	o := outcome{in: in}
	if id, ok, _ := usable(ctx, s.lib, fp, known); ok {
		if st, err := s.lib.Load(ctx, id); err == nil {
			v.Run, v.Result, o.served = id, st.Result, id
		}
	}
	if v.Run == 0 {
		if o = s.summarizeVideo(ctx, in, pass, progress); o.err != nil && !delivered(o) {
			return ask.Video{}, o
		}
		v.Result, v.From = o.res, "summarized"
		v.Run, _, _ = usable(ctx, s.lib, fp, known) // the run just recorded
	}
	if look {
		v.Source, _ = s.open(ctx, in)
	}
	return v, o
}

func usable(ctx context.Context, lib *library.Library, fp library.Fingerprint, known bool) (int64, bool, error) {
	if !known {
		return 0, false, nil
	}
	return lib.Usable(ctx, fp)
}

// delivered says whether a run that returned an error still has notes
// and a summary to answer from: partial (--partial) or incomplete.
func delivered(o outcome) bool {
	return errors.Is(o.err, summarize.ErrPartial) && o.res.Summary != "" || errors.Is(o.err, summarize.ErrIncomplete)
}

// libraryVideos is every video of the library with a usable run (--all).
func libraryVideos(c *cli.Context, s *session) ([]ask.Video, error) {
	runs, err := s.lib.UsableRuns(c.Context)
	if err != nil {
		return nil, err
	}
	var vs []ask.Video
	for _, id := range runs {
		st, err := s.lib.Load(c.Context, id)
		if err != nil {
			return nil, err
		}
		vs = append(vs, storedVideo(c.Context, len(vs)+1, st, c.Bool("look")))
	}
	if len(vs) == 0 {
		return nil, inputError{errors.New("the library holds no video with notes to ask about: summarize some first")}
	}
	return vs, nil
}

// storedVideo is stored run st as video n of a question; look finds the
// video for the second look.
func storedVideo(ctx context.Context, n int, st library.Stored, look bool) ask.Video {
	v := ask.Video{N: n, Name: st.Result.Video.Path, Run: st.ID, Result: st.Result, From: "library"}
	if len(st.Paths) > 0 {
		v.Name = st.Paths[0]
	}
	if look {
		v.Source, _ = locateVideo(ctx, st)
	}
	return v
}

// locateVideo finds a stored run's video where it was seen, checked by
// fingerprint: the same content, wherever it is now.
func locateVideo(ctx context.Context, st library.Stored) (extract.Video, bool) {
	for _, p := range st.Paths {
		var fp library.Fingerprint
		var err error
		if extract.IsURL(p) {
			fp, err = library.FingerprintURL(ctx, &http.Client{Timeout: time.Minute}, p)
		} else {
			fp, err = library.FingerprintFile(p)
		}
		if err == nil && fp.Key == st.Fingerprint {
			v := st.Probe
			v.Path = p
			return v, true
		}
	}
	return extract.Video{}, false
}

// summarizing adds up what summarizing the videos first took; nil when
// every video came from the library.
func summarizing(vs []ask.Video) *summarize.Usage {
	var u *summarize.Usage
	for _, v := range vs {
		if v.From == "summarized" {
			if u == nil {
				u = &summarize.Usage{}
			}
			u.Merge(v.Result.Usage)
		}
	}
	return u
}

// names are the inputs' names, for checkOutput.
func names(ins []input) []string {
	var out []string
	for _, in := range ins {
		if !in.url {
			out = append(out, in.name)
		}
	}
	return out
}
