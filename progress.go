package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/render"
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
		return barProgress(newTermBar(f))
	}
	return lineProgress(stderr)
}

func barProgress(bar *termBar) (func(summarize.Progress), func(bool)) {
	update := func(p summarize.Progress) { bar.set(fraction(p), progressFacts(p)...) }
	return update, func(stopped bool) { bar.end(stopped, "stopped") }
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
		facts := progressFacts(p)
		if p.Stopped {
			facts = append(facts, "stopped")
		}
		fmt.Fprintf(w, "progress: %3.0f%% %s, elapsed %s\n", 100*fraction(p), strings.Join(facts, ", "), p.Elapsed.Round(time.Second))
	}
	return update, func(bool) {}
}

// fraction is how far the run got, 0 to 1: half decoding, half the
// answers, whose number is the chunks formed so far scaled up by how much
// of the video is still to decode.
func fraction(p summarize.Progress) float64 {
	if p.Done {
		return 1
	}
	decoded := 0.0
	switch {
	case p.Formed:
		decoded = 1
	case p.End > 0:
		decoded = min(1, p.Position/p.End)
	}
	answered := 0.0
	if p.Chunks > 0 && decoded > 0 {
		answered = min(1, float64(p.Described)/(float64(p.Chunks)/decoded))
	}
	return (decoded + answered) / 2
}

// eta is the time left, once there is a rate to tell it by (two seconds
// and 2% in); "" before, and once the chunks are done (the summary is
// one request more).
func eta(p summarize.Progress) string {
	f := fraction(p)
	if p.Done || p.Stopped || p.Elapsed < 2*time.Second || f < 0.02 || f >= 1 {
		return ""
	}
	left := time.Duration(float64(p.Elapsed) * (1 - f) / f)
	return "about " + left.Round(time.Second).String() + " left"
}

// notDecoded says how much of a range of end seconds gating left out.
func notDecoded(skipped, end float64) string {
	if end > 0 {
		return fmt.Sprintf("%.0f%% not decoded (still scene)", 100*skipped/end)
	}
	return fmt.Sprintf("%.0f s not decoded (still scene)", skipped)
}

// progressFacts are what the display says, most important first: where
// decoding is, the answers, the time left, the frames, the tokens.
func progressFacts(p summarize.Progress) []string {
	facts := []string{fmt.Sprintf("decoded %s of %s", extract.Clock(p.Position), extract.Clock(p.End)),
		fmt.Sprintf("answers %d/%d", p.Described, p.Chunks)}
	if p.Done {
		facts[0] = "decoded " + extract.Clock(p.End)
		facts = append(facts, "writing the summary")
	}
	if e := eta(p); e != "" {
		facts = append(facts, e)
	}
	if p.Skipped > 0 {
		facts = append(facts, notDecoded(p.Skipped, p.End))
	}
	return append(facts, fmt.Sprintf("%s sampled, %d kept", render.Count(p.Sampled, "frame"), p.Kept),
		fmt.Sprintf("requests %d/%d", p.Answered, p.Sent), render.Count(p.Tokens, "token"))
}
