package dedupe

import (
	"context"
	"math"

	"github.com/vidskim/vidskim/extract"
)

// held is a kept frame waiting in the cap, with what the cap needs to judge
// it.
type held struct {
	f     extract.Frame
	sig   Signature
	scene bool // starts a scene: differs from the frame before by a cut
}

// capper enforces Options.MaxFrames. It holds at most max+1 frames; each
// time it holds more than max, it drops the one that adds least. So memory
// is bounded by max frames, but no frame leaves before the input ends.
type capper struct {
	max, threshold int
	cellThreshold  float64
	buf            []held
	dropped        int
}

// distance is how different two frames are, in pHash bits, with the cell
// signal scaled so that its threshold counts as much as the hash threshold.
func (c *capper) distance(a, b Signature) float64 {
	t := float64(max(c.threshold, 1))
	return float64(a.HashDistance(b)) + a.CellChange(b)/c.cellThreshold*t
}

// add takes the next kept frame and drops one if the cap is exceeded.
func (c *capper) add(f extract.Frame, sig Signature) {
	h := held{f: f, sig: sig, scene: true}
	if n := len(c.buf); n > 0 {
		// A cut changes the whole picture, so only the whole-frame hash
		// tells one (moving content can change many cells within a scene).
		h.scene = c.buf[n-1].sig.HashDistance(sig) > 2*max(c.threshold, DefaultThreshold)
	}
	c.buf = append(c.buf, h)
	if len(c.buf) > c.max {
		c.dropLeast()
	}
}

// dropLeast removes the frame that adds least: the one most similar to a
// neighbour, in whole multiples of the threshold (differences below it are
// noise); among equals, the one whose neighbours are closest in time, so
// what stays is evenly spread. The first frame is never dropped, nor a
// scene's first frame while any other frame can go.
func (c *capper) dropLeast() {
	best, bestScore, bestSpan, bestScene := -1, 0.0, 0.0, true
	unit := float64(max(c.threshold, 1))
	for i := 1; i < len(c.buf); i++ {
		score := c.distance(c.buf[i-1].sig, c.buf[i].sig)
		span := 2 * (c.buf[i].f.Time - c.buf[i-1].f.Time) // the last frame: as if its next were as far
		if i+1 < len(c.buf) {
			score = min(score, c.distance(c.buf[i].sig, c.buf[i+1].sig))
			span = c.buf[i+1].f.Time - c.buf[i-1].f.Time
		}
		score = math.Floor(score / unit)
		scene := c.buf[i].scene
		better := best < 0 ||
			(bestScene && !scene) ||
			(bestScene == scene && (score < bestScore || (score == bestScore && span < bestSpan)))
		if better {
			best, bestScore, bestSpan, bestScene = i, score, span, scene
		}
	}
	if best < 0 {
		return
	}
	c.buf = append(c.buf[:best], c.buf[best+1:]...)
	c.dropped++
}

// flush sends what the cap kept, in time order.
func (c *capper) flush(ctx context.Context, out chan<- extract.Frame) error {
	for _, h := range c.buf {
		select {
		case out <- h.f:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}
