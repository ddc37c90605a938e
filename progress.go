package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/summarize"
)

// progressEvery is how often the line-based display prints, when stderr is
// not a terminal (a log file, CI).
const progressEvery = 5 * time.Second

// newProgress returns the run's progress callback and a function to call
// when the run ends (stopped: it ended early, so the display stays where
// the run really stopped): a live bar when stderr is a terminal, a line
// every few seconds otherwise, and nothing with --quiet.
func newProgress(stderr io.Writer, quiet bool) (func(summarize.Progress), func(stopped bool)) {
	if quiet {
		return nil, func(bool) {}
	}
	if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return barProgress(f)
	}
	return lineProgress(stderr)
}

func barProgress(w io.Writer) (func(summarize.Progress), func(bool)) {
	bar := progressbar.NewOptions(1000,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetWidth(30),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionThrottle(150*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
	update := func(p summarize.Progress) {
		bar.Describe(describeProgress(p))
		bar.Set(int(1000 * fraction(p)))
	}
	return update, func(stopped bool) {
		if stopped {
			bar.Exit() // keep the bar where the run stopped, not at 100%
			fmt.Fprintln(w)
			return
		}
		bar.Finish()
	}
}

func lineProgress(w io.Writer) (func(summarize.Progress), func(bool)) {
	var mu sync.Mutex
	var last time.Time
	update := func(p summarize.Progress) {
		mu.Lock()
		defer mu.Unlock()
		if !p.Done && !p.Stopped && time.Since(last) < progressEvery {
			return
		}
		last = time.Now()
		left := ""
		if r := p.Remaining(); r > 0 && !p.Done {
			left = fmt.Sprintf(", about %s left", r.Round(time.Second))
		}
		if p.Stopped {
			left = ", stopped"
		}
		fmt.Fprintf(w, "progress: %3.0f%% %s, elapsed %s%s\n", 100*fraction(p), describeProgress(p), p.Elapsed.Round(time.Second), left)
	}
	return update, func(bool) {}
}

// fraction is how far decoding got, 0 to 1.
func fraction(p summarize.Progress) float64 {
	if p.Done {
		return 1
	}
	if p.End <= 0 {
		return 0
	}
	return min(1, p.Position/p.End)
}

func describeProgress(p summarize.Progress) string {
	return fmt.Sprintf("decoded %s of %s, frames %d sampled / %d kept, requests %d/%d, %d tokens",
		extract.Clock(p.Position), extract.Clock(p.End), p.Sampled, p.Kept, p.Answered, p.Sent, p.Tokens)
}
