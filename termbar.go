package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/term"
)

// termBar is a one-line live progress display on a terminal: a bar and
// the fraction, then as many of the facts as fit, most important first.
// It fits the terminal's width, measured again when the terminal is
// resized (SIGWINCH), so the line never wraps and the bar itself always
// shows (at least minBar cells); it draws at most every barEvery, and at
// once on a resize or at the end.
type termBar struct {
	mu     sync.Mutex
	w      io.Writer
	fd     int
	width  int
	frac   float64
	facts  []string
	last   time.Time
	drawn  bool
	ended  bool
	resize chan os.Signal
}

// activeBar is the bar on screen, if any: a line logged meanwhile is
// written above it (the bar cleared, the line, the bar again), never into
// it.
var activeBar atomic.Pointer[termBar]

// aboveBar writes through write: above the bar when one is on screen.
func aboveBar(write func()) {
	b := activeBar.Load()
	if b == nil {
		write()
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ended || !b.drawn {
		write()
		return
	}
	io.WriteString(b.w, "\r\x1b[K")
	write()
	b.draw()
}

const (
	barEvery = 100 * time.Millisecond
	minBar   = 10 // cells of the bar itself, whatever the width
	maxBar   = 30
)

// newTermBar starts a bar on the terminal f.
func newTermBar(f *os.File) *termBar {
	b := &termBar{w: f, fd: int(f.Fd()), resize: make(chan os.Signal, 1)}
	b.measure()
	activeBar.Store(b)
	notifyResize(b.resize)
	go func() {
		for range b.resize {
			b.mu.Lock()
			if !b.ended {
				b.measure()
				b.draw()
			}
			b.mu.Unlock()
		}
	}()
	return b
}

// measure reads the terminal's width (80 when it cannot tell).
func (b *termBar) measure() {
	b.width = 80
	if w, _, err := term.GetSize(b.fd); err == nil && w > 0 {
		b.width = w
	}
}

// set shows frac (0 to 1) and facts, most important first.
func (b *termBar) set(frac float64, facts ...string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ended {
		return
	}
	b.frac, b.facts = frac, facts
	if time.Since(b.last) >= barEvery {
		b.draw()
	}
}

// end stops the bar: stopped, it stays on screen as it last was (where
// the run stopped), with why; otherwise the line is cleared.
func (b *termBar) end(stopped bool, why string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ended {
		return
	}
	b.ended = true
	activeBar.CompareAndSwap(b, nil)
	stopResize(b.resize)
	close(b.resize)
	if stopped {
		b.facts = append([]string{why}, b.facts...)
		b.draw()
		io.WriteString(b.w, "\n")
		return
	}
	if b.drawn {
		io.WriteString(b.w, "\r\x1b[K")
	}
}

// draw writes the line: the bar, the percentage, and the facts that fit
// in the width less one column (a line that fills the last column wraps
// on some terminals).
func (b *termBar) draw() {
	b.last, b.drawn = time.Now(), true
	io.WriteString(b.w, "\r"+barLine(b.width, b.frac, b.facts)+"\x1b[K")
}

// barLine lays out one line of at most width-1 columns: "[=====>    ]
// 42% fact, fact". The bar is a quarter of the width, between minBar and
// maxBar cells, so it keeps its size as the facts change; facts that do
// not fit after it are left out.
func barLine(width int, frac float64, facts []string) string {
	frac = min(max(frac, 0), 1)
	room := width - 1
	pct := fmt.Sprintf(" %3.0f%%", 100*frac)
	cells := min(maxBar, max(minBar, width/4))
	if room < cells+2+len(pct) { // too narrow even for the bar alone: what fits of it
		cells = max(1, room-2-len(pct))
	}
	text := ""
	for _, f := range facts {
		next := f
		if text != "" {
			next = text + ", " + f
		}
		if len([]rune(next))+1 > room-len(pct)-cells-2 {
			break
		}
		text = next
	}
	done := int(frac * float64(cells))
	bar := strings.Repeat("=", done)
	if done < cells {
		bar += ">" + strings.Repeat(" ", cells-done-1)
	}
	line := "[" + bar + "]" + pct
	if text != "" {
		line += " " + text
	}
	if r := []rune(line); len(r) > room && room > 0 {
		line = string(r[:room])
	}
	return line
}
