package main

import (
	"context"
	"fmt"

	"github.com/vidskim/vidskim/cost"
	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/render"
	"github.com/vidskim/vidskim/summarize"
)

// budget is what a run may spend at most; zero fields are no limit.
type budget struct {
	requests int
	usd      float64
}

// checkBudget refuses, before anything is paid, a run that would exceed
// the budget. If even keeping every sampled frame stays within it, no
// count is needed; otherwise selection runs once, without a model, to
// count the frames that will be sent.
func checkBudget(ctx context.Context, b budget, v extract.Video, cfg summarize.Config, models cost.Models) error {
	return checkBudgetAnd(ctx, b, v, cfg, models, nil)
}

// checkBudgetAnd is checkBudget with more to pay for a run keeping n
// frames (nil: nothing more): the voice-over of --speak.
func checkBudgetAnd(ctx context.Context, b budget, v extract.Video, cfg summarize.Config, models cost.Models, more func(frames int) cost.Narration) error {
	if b.requests <= 0 && b.usd <= 0 {
		return nil
	}
	estimate := func(n int) cost.Estimate { return estimateFor(v, cfg, models, n) }
	if end := cfg.Extract.RangeEnd(v); end > 0 {
		bound := int((end-cfg.Extract.Start)*cfg.Extract.FPS) + 2
		if cfg.Dedupe.MaxFrames > 0 {
			bound = min(bound, cfg.Dedupe.MaxFrames)
		}
		if exceeds(b, estimate(bound), more, bound) == "" {
			return nil
		}
	}
	rep, err := selectFrames(ctx, v, selection{extract: cfg.Extract, dedupe: cfg.Dedupe}, nil)
	if err != nil {
		return classify(err)
	}
	if why := exceeds(b, estimate(len(rep.Kept)), more, len(rep.Kept)); why != "" {
		return usageError{fmt.Errorf("refusing to start: %s (%s kept; see vidskim plan): raise the limit, or lower --fps or --max-frames", why, render.Count(len(rep.Kept), "frame"))}
	}
	return nil
}

// estimateFor prices a run of v that sends n frames, its transcription
// included (the voice-over of --speak is added by exceeds, from the
// script's estimate).
func estimateFor(v extract.Video, cfg summarize.Config, models cost.Models, n int) cost.Estimate {
	m, known := models.Lookup(cfg.Model.Model)
	e := cfg.Model.Job(v, n, cfg.Chunk.FramesPerRequest).Estimate(m, known)
	if t := transcriptionFor(v, cfg, models); t != nil {
		e.CostUSD = cost.RoundUSD(e.CostUSD + t.USD)
	}
	return e
}

// transcriptionFor prices the transcription of v's range; nil when the
// run does not transcribe or v has no audio.
func transcriptionFor(v extract.Video, cfg summarize.Config, models cost.Models) *cost.TranscriptionCost {
	if cfg.Transcribe == nil || !v.HasAudio {
		return nil
	}
	return models.TranscriptionFor(cfg.Transcribe.Options.Model, (cfg.Extract.RangeEnd(v)-cfg.Extract.Start)/60)
}

// exceeds says how e, and more for a run keeping frames frames, go over
// b, or "".
func exceeds(b budget, e cost.Estimate, more func(frames int) cost.Narration, frames int) string {
	usd, what := e.CostUSD, fmt.Sprintf("$%.4f on %s", e.CostUSD, e.Model)
	if more != nil {
		n := more(frames)
		usd = cost.RoundUSD(usd + n.TotalUSD())
		what = fmt.Sprintf("$%.4f ($%.4f on %s and $%.4f to speak the narration on %s)", usd, e.CostUSD, e.Model, n.TotalUSD(), n.Model)
	}
	switch {
	case b.requests > 0 && e.Requests > b.requests:
		return fmt.Sprintf("the run needs %s, more than --max-requests %d", render.Count(e.Requests, "request"), b.requests)
	case b.usd > 0 && usd > b.usd:
		return fmt.Sprintf("the run may cost up to %s, more than --max-cost $%.4f", what, b.usd)
	}
	return ""
}

// budgetGate is a one-video run's budget check: a run over the budget is
// refused before anything is paid.
func (s *session) budgetGate(b budget) gate {
	return func(ctx context.Context, v extract.Video) error { return checkBudget(ctx, b, v, s.cfg, s.models) }
}
