package serve

import (
	"context"
	"sync"
	"time"

	"github.com/vidskim/vidskim/summarize"
)

// frameCache keeps the decoded kept frames of the last few runs shown,
// and the posters, and lets one decode run at a time: the machine is
// also someone's workstation.
type frameCache struct {
	mu      sync.Mutex
	max     int
	order   []int64
	runs    map[int64]*frameEntry
	posters map[string][]byte
	sem     chan struct{}
}

type frameEntry struct {
	done   chan struct{}
	frames map[float64][]byte
	err    error
}

// decodeTimeout bounds one run's decode, which no request waits on alone.
const decodeTimeout = 10 * time.Minute

func newFrameCache(max int) *frameCache {
	return &frameCache{max: max, runs: map[int64]*frameEntry{}, posters: map[string][]byte{}, sem: make(chan struct{}, 1)}
}

// get returns run's frames by time, decoding them once: requests that
// come while a decode runs wait for it; a failed decode is tried again
// by the next request.
func (c *frameCache) get(ctx context.Context, run int64, decode func(context.Context) ([]summarize.ReportImage, error)) (map[float64][]byte, error) {
	c.mu.Lock()
	e, ok := c.runs[run]
	if !ok {
		e = &frameEntry{done: make(chan struct{})}
		c.runs[run] = e
		c.order = append(c.order, run)
		if len(c.order) > c.max {
			delete(c.runs, c.order[0])
			c.order = c.order[1:]
		}
	}
	c.mu.Unlock()
	if !ok {
		go c.fill(run, e, decode)
	}
	select {
	case <-e.done:
		return e.frames, e.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (c *frameCache) fill(run int64, e *frameEntry, decode func(context.Context) ([]summarize.ReportImage, error)) {
	ctx, cancel := context.WithTimeout(context.Background(), decodeTimeout)
	defer cancel()
	defer close(e.done)
	release, err := c.slot(ctx)
	if err != nil {
		e.err = err
		return
	}
	ims, err := decode(ctx)
	release()
	e.frames, e.err = map[float64][]byte{}, err
	for _, im := range ims {
		e.frames[im.Time] = im.JPEG
	}
	if err != nil {
		c.mu.Lock()
		if c.runs[run] == e {
			delete(c.runs, run)
		}
		c.mu.Unlock()
	}
}

// slot waits for the one decode slot; release gives it back.
func (c *frameCache) slot(ctx context.Context) (release func(), err error) {
	select {
	case c.sem <- struct{}{}:
		return func() { <-c.sem }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (c *frameCache) poster(id string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b, ok := c.posters[id]
	return b, ok
}

func (c *frameCache) keepPoster(id string, b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.posters) > 1000 {
		clear(c.posters)
	}
	c.posters[id] = b
}
