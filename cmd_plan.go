package main

import (
	"context"
	"errors"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/vidskim/vidskim/cost"
	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/render"
	"github.com/vidskim/vidskim/summarize"
)

// planCmd runs extraction and selection without a model and prints what
// the run would send and cost, on the chosen model and on others; for
// several videos, each plan and then the total.
func planCmd(c *cli.Context, stdout, stderr io.Writer) error {
	ins, single, err := inputs(c)
	if err != nil {
		return err
	}
	sel, err := selectOptions(c)
	if err != nil {
		return err
	}
	mo := summarize.Options{Model: c.String("model"), Detail: sel.detail, MaxTokens: c.Int("max-tokens"),
		Batch: cost.Batching{Chunks: c.Bool("batch"), Merges: c.Bool("batch") && c.Bool("batch-merge")}}
	models, err := jobOptions(c, &mo, &sel.dedupe)
	if err != nil {
		return err
	}
	if err := errors.Join(speakMode(c, &mo), checkTranslate(c), planBatchMerge(c)); err != nil {
		return err
	}
	format := render.Format(c.String("format"))
	if err := checkFormat(format, render.Text, render.JSON); err != nil {
		return err
	}
	oc, err := ocrConfig(c)
	if err != nil {
		return err
	}
	store := openSelections(c, newLogger(c, stderr))
	defer store.close()
	plan := func(ctx context.Context, in input) (render.Plan, error) {
		return store.plan(c, ctx, in, sel, mo, models, oc)
	}
	if single {
		p, err := plan(c.Context, ins[0])
		if err != nil {
			return err
		}
		return render.Write(stdout, format, p)
	}
	plans := make([]*render.Plan, len(ins))
	results, err := eachInput(c, ins, format, stdout, func(ctx context.Context, i int, in input, _ string) (any, error) {
		p, err := plan(ctx, in)
		plans[i] = &p
		return p, err
	})
	if err != nil {
		return err
	}
	if err := writePlanTotal(stdout, format, mo.Model, plans, results); err != nil {
		return err
	}
	reportFailures(stderr, results, c.Bool("quiet"))
	return runEnd(c.Context, results)
}

// writePlanTotal writes the total of the videos planned, after their
// plans: JSON as the last JSON line.
func writePlanTotal(stdout io.Writer, format render.Format, model string, plans []*render.Plan, results []outcome) error {
	var total render.PlanTotal
	total.Total.Model = model
	for i, p := range plans {
		if results[i].err == nil && p != nil {
			total.Add(*p)
		}
	}
	if format == render.Text {
		io.WriteString(stdout, "\n")
	}
	if format == render.JSON {
		format = render.JSONLines
	}
	return render.Write(stdout, format, total)
}

// plan is one video's plan; the frames it keeps are kept in the library.
func (s *selections) plan(c *cli.Context, ctx context.Context, in input, sel selection, mo summarize.Options, models cost.Models, oc *summarize.OCRConfig) (render.Plan, error) {
	p, rep, err := planOf(c, ctx, in, sel, mo, models, oc)
	if err == nil {
		s.record(ctx, in, sel, rep)
	}
	return p, err
}

// planOf is one video's plan, and the frames it keeps.
func planOf(c *cli.Context, ctx context.Context, in input, sel selection, mo summarize.Options, models cost.Models, oc *summarize.OCRConfig) (render.Plan, render.Frames, error) {
	var ocrs *ocrSample
	var keep func(extract.Frame) (string, error)
	if oc != nil {
		ocrs = &ocrSample{}
		keep = ocrs.keep
	}
	v, rep, err := keptFrames(ctx, in, sel, keep)
	if err != nil {
		return render.Plan{}, rep, err
	}
	p := render.Plan{Video: rep.Video, Checked: models.Checked,
		Frames: summarize.FrameCounts{Sampled: rep.Sampled, Kept: len(rep.Kept), Dropped: rep.Dropped, Skipped: rep.Skipped},
		Plan:   cost.NewPlan(models, mo.Model, mo.Job(v, len(rep.Kept), sel.chunk.FramesPerRequest))}
	p.Warnings = rep.Warnings
	if !p.Chosen.Known {
		p.Warnings = append(p.Warnings, "unknown model "+mo.Model+": tokens estimated with GPT-4o's rule and no price (add it with --models FILE)")
	}
	if oc != nil {
		if p.OCR, err = ocrs.measure(ctx, v, sel.extract, *oc); err != nil {
			return p, rep, err
		}
	}
	if c.Bool("transcribe") {
		if v.HasAudio {
			p.Transcription = models.TranscriptionFor(c.String("transcribe-model"), (sel.extract.RangeEnd(v)-sel.extract.Start)/60)
		} else {
			p.Warnings = append(p.Warnings, "no audio stream: nothing to transcribe")
		}
	}
	if c.Bool("speak") {
		n := narration(models, c.String("tts-model"), mo, sel.extract, v, len(rep.Kept))
		p.Narration = &n
	}
	return p, rep, nil
}
