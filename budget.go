package main

import (
	"context"
	"fmt"

	"github.com/vidskim/vidskim/cost"
	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/summarize"
)

// budget is what a run may spend at most; zero fields are no limit.
type budget struct {
	requests int
	usd      float64
	// speech prices the voice-over of a run keeping so many frames
	// (--speak; nil: none), which --max-cost covers too.
	speech func(frames int) cost.Narration
}

// checkBudget refuses, before anything is paid, a run that would exceed
// the budget. If even keeping every sampled frame stays within it, no
// count is needed; otherwise selection runs once, without a model, to
// count the frames that will be sent.
func checkBudget(ctx context.Context, b budget, v extract.Video, cfg summarize.Config, models cost.Models) error {
	if b.requests <= 0 && b.usd <= 0 { // nothing to check
		return nil
	}
	estimate := func(n int) cost.Estimate {
		m, known := models.Lookup(cfg.Model.Model)
		return cfg.Model.Job(v, n, cfg.Chunk.FramesPerRequest).Estimate(m, known)
	}
	if end := cfg.Extract.RangeEnd(v); end > 0 {
		bound := int((end-cfg.Extract.Start)*cfg.Extract.FPS) + 2
		if cfg.Dedupe.MaxFrames > 0 {
			bound = min(bound, cfg.Dedupe.MaxFrames)
		}
		if exceeds(b, estimate(bound), bound) == "" {
			return nil
		}
	}
	rep, err := selectFrames(ctx, v, selection{extract: cfg.Extract, dedupe: cfg.Dedupe}, nil)
	if err != nil {
		return classify(err)
	}
	if why := exceeds(b, estimate(len(rep.Kept)), len(rep.Kept)); why != "" {
		return usageError{fmt.Errorf("refusing to start: %s (%d frames kept; see vidskim plan): raise the limit, or lower --fps or --max-frames", why, len(rep.Kept))}
	}
	return nil
}

// exceeds says how e, and the voice-over of a run keeping frames frames,
// go over b, or "".
func exceeds(b budget, e cost.Estimate, frames int) string {
	usd, speech := e.CostUSD, ""
	if b.speech != nil {
		n := b.speech(frames)
		usd = cost.RoundUSD(usd + n.TotalUSD())
		speech = fmt.Sprintf(" and $%.4f to speak the narration on %s", n.TotalUSD(), n.Model)
	}
	switch {
	case b.requests > 0 && e.Requests > b.requests:
		return fmt.Sprintf("the run needs %d requests, more than --max-requests %d", e.Requests, b.requests)
	case b.usd > 0 && usd > b.usd:
		return fmt.Sprintf("the run may cost up to $%.4f ($%.4f on %s%s), more than --max-cost $%.4f", usd, e.CostUSD, e.Model, speech, b.usd)
	}
	return ""
}
