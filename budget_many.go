package main

import (
	"context"
	"fmt"
	"sync"

	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/render"
)

// sharedBudget caps a run of many videos as a whole (--max-requests,
// --max-cost). Each video's estimate (an upper bound, counted from its
// kept frames) is added in input order, whatever order the videos finish
// their counting in, so the same command always skips the same videos: a
// video whose estimate would take the total past a cap is skipped, and
// later, smaller ones may still fit.
type sharedBudget struct {
	b        budget
	mu       sync.Mutex
	requests int
	usd      float64
	decided  []chan struct{} // closed once video i is decided
	once     []sync.Once
}

func newSharedBudget(b budget, n int) *sharedBudget {
	sb := &sharedBudget{b: b, decided: make([]chan struct{}, n), once: make([]sync.Once, n)}
	for i := range sb.decided {
		sb.decided[i] = make(chan struct{})
	}
	return sb
}

// pass marks video i decided. Every video passes once it ends, whatever
// happened to it (served from the library, failed, skipped), so the next
// never waits for it in vain; passing twice is harmless.
func (sb *sharedBudget) pass(i int) { sb.once[i].Do(func() { close(sb.decided[i]) }) }

// gate is video i's check: count its frames, wait for the videos before
// it to be decided, then take its estimate from what is left or refuse.
func (sb *sharedBudget) gate(s *session, i int) gate {
	return func(ctx context.Context, v extract.Video) error {
		defer sb.pass(i)
		if sb.b.requests <= 0 && sb.b.usd <= 0 {
			return nil
		}
		rep, err := selectFrames(ctx, v, selection{extract: s.cfg.Extract, dedupe: s.cfg.Dedupe}, nil)
		if err != nil {
			return classify(err)
		}
		e := estimateFor(v, s.cfg, s.models, len(rep.Kept))
		for j := range i { // every video before it decided first
			select {
			case <-sb.decided[j]:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		sb.mu.Lock()
		defer sb.mu.Unlock()
		switch {
		case sb.b.requests > 0 && sb.requests+e.Requests > sb.b.requests:
			return overBudget{fmt.Errorf("over budget: its %s would take the run to %d, past --max-requests %d", render.Count(e.Requests, "request"), sb.requests+e.Requests, sb.b.requests)}
		case sb.b.usd > 0 && sb.usd+e.CostUSD > sb.b.usd:
			return overBudget{fmt.Errorf("over budget: up to $%.4f more would take the run to $%.4f, past --max-cost $%.4f", e.CostUSD, sb.usd+e.CostUSD, sb.b.usd)}
		}
		sb.requests += e.Requests
		sb.usd += e.CostUSD
		return nil
	}
}

// overBudget marks a video skipped to stay within the run's caps.
type overBudget struct{ error }

func (e overBudget) Unwrap() error { return e.error }
