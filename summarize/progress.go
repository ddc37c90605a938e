package summarize

import (
	"sync"
	"time"
)

// Progress is a snapshot of a run, for a progress display.
type Progress struct {
	Sampled, Kept  int     // frames so far
	Position       float64 // seconds of video decoded
	End            float64 // where the range ends, 0 if unknown
	Sent, Answered int     // chunk requests
	Tokens         int     // prompt plus completion tokens so far
	Elapsed        time.Duration
	// Chunks is how many chunks were formed so far, Described how many of
	// them have their answer in hand (from the server or the cache), and
	// Formed is set once decoding ended and every chunk is formed.
	Chunks, Described int
	Formed            bool
	Done              bool // decoding and describing finished (the merge may follow)
	Stopped           bool // the run ended early: interrupted or failed
	// Skipped is how many seconds of the range were not decoded because
	// their packet sizes showed a still scene; known once decoding ends.
	Skipped float64
}

// Remaining estimates the time left from how far decoding got, or 0 when
// it cannot tell yet.
func (p Progress) Remaining() time.Duration {
	if p.End <= 0 || p.Position <= 0 {
		return 0
	}
	frac := min(1, p.Position/p.End)
	if p.Sent > 0 {
		frac = min(frac, float64(p.Answered)/float64(p.Sent)*0.2+frac*0.8)
	}
	if frac <= 0 {
		return 0
	}
	return time.Duration(float64(p.Elapsed) * (1 - frac) / frac)
}

// tracker gathers progress from the stages' goroutines and reports it.
type tracker struct {
	mu    sync.Mutex
	p     Progress
	start time.Time
	fn    func(Progress)
}

func newTracker(fn func(Progress), end float64) *tracker {
	return &tracker{p: Progress{End: end}, start: time.Now(), fn: fn}
}

func (t *tracker) update(change func(*Progress)) {
	if t == nil || t.fn == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	change(&t.p)
	t.p.Elapsed = time.Since(t.start)
	t.fn(t.p)
}

// frame counts one sampled frame (dedupe.Options.OnFrame).
func (t *tracker) frame(at float64, kept bool) {
	t.update(func(p *Progress) {
		p.Sampled++
		p.Position = at
		if kept {
			p.Kept++
		}
	})
}
