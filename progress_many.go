package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/vidskim/vidskim/render"
	"github.com/vidskim/vidskim/summarize"
)

// batchProgress shows how a many-video run goes: videos done of all,
// requests, tokens and the cost of the videos done so far. A live bar when
// stderr is a terminal, a line every few seconds otherwise, none with
// --quiet.
type batchProgress struct {
	mu       sync.Mutex
	w        io.Writer
	bar      *termBar
	off      bool
	total    int
	done     int
	videos   map[int]summarize.Progress // the latest snapshot of each video
	costUSD  float64
	start    time.Time
	lastLine time.Time
}

func newBatchProgress(stderr io.Writer, quiet bool, total int) *batchProgress {
	p := &batchProgress{w: stderr, off: quiet, total: total, videos: map[int]summarize.Progress{}, start: time.Now(), lastLine: time.Now()}
	if f, ok := stderr.(*os.File); ok && !quiet && term.IsTerminal(int(f.Fd())) {
		p.bar = newTermBar(f)
	}
	return p
}

// video is the progress callback of video i.
func (p *batchProgress) video(i int) func(summarize.Progress) {
	if p.off {
		return nil
	}
	return func(s summarize.Progress) {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.videos[i] = s
		p.show(false)
	}
}

// finished counts video i done, with what it cost.
func (p *batchProgress) finished(o outcome) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	p.costUSD += o.res.Usage.CostUSD
	p.show(true)
}

// show prints the state: the bar at once, a line at most every
// progressEvery (or on a video done, at most every second).
func (p *batchProgress) show(videoDone bool) {
	if p.off {
		return
	}
	if p.bar != nil {
		p.bar.set(p.fraction(), p.facts()...)
		return
	}
	since := time.Since(p.lastLine)
	if since < progressEvery && !(videoDone && since >= time.Second) && p.done < p.total {
		return
	}
	p.lastLine = time.Now()
	fmt.Fprintf(p.w, "progress: %s, elapsed %s\n", strings.Join(p.facts(), ", "), time.Since(p.start).Round(time.Second))
}

// fraction is the videos done, and how far those under way got.
func (p *batchProgress) fraction() float64 {
	if p.total == 0 {
		return 0
	}
	f := float64(p.done)
	for _, s := range p.videos {
		if !s.Done && !s.Stopped {
			f += fraction(s)
		}
	}
	return min(1, f/float64(p.total))
}

func (p *batchProgress) facts() []string {
	var sent, answered, tokens int
	for _, s := range p.videos {
		sent, answered, tokens = sent+s.Sent, answered+s.Answered, tokens+s.Tokens
	}
	return []string{fmt.Sprintf("videos %d/%d done", p.done, p.total), fmt.Sprintf("requests %d/%d", answered, sent),
		fmt.Sprintf("$%.4f so far", p.costUSD), render.Count(tokens, "token")}
}

// stop ends the display; stopped, it stays where the run stopped.
func (p *batchProgress) stop(stopped bool) {
	if p.bar != nil {
		p.bar.end(stopped, "stopped")
	}
}
