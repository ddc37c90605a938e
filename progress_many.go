package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/vidskim/vidskim/summarize"
)

// batchProgress shows how a many-video run goes: videos done of all,
// requests, tokens and the cost of the videos done so far. A live bar when
// stderr is a terminal, a line every few seconds otherwise, none with
// --quiet.
type batchProgress struct {
	mu       sync.Mutex
	w        io.Writer
	bar      *progressbar.ProgressBar
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
		p.bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(f), progressbar.OptionSetWidth(30),
			progressbar.OptionSetElapsedTime(true), progressbar.OptionThrottle(150*time.Millisecond), progressbar.OptionClearOnFinish())
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
		p.bar.Describe(p.describe())
		p.bar.Set(p.done)
		return
	}
	since := time.Since(p.lastLine)
	if since < progressEvery && !(videoDone && since >= time.Second) && p.done < p.total {
		return
	}
	p.lastLine = time.Now()
	fmt.Fprintf(p.w, "progress: %s, elapsed %s\n", p.describe(), time.Since(p.start).Round(time.Second))
}

func (p *batchProgress) describe() string {
	var sent, answered, tokens int
	for _, s := range p.videos {
		sent, answered, tokens = sent+s.Sent, answered+s.Answered, tokens+s.Tokens
	}
	return fmt.Sprintf("videos %d/%d done, requests %d/%d, %d tokens, $%.4f so far", p.done, p.total, answered, sent, tokens, p.costUSD)
}

// stop ends the display.
func (p *batchProgress) stop() {
	if p.bar != nil {
		p.bar.Finish()
	}
}
