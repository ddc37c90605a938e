package main

import (
	"errors"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/vidskim/vidskim/cost"
	"github.com/vidskim/vidskim/render"
	"github.com/vidskim/vidskim/summarize"
)

// planCmd runs extraction and selection without a model and prints what
// the run would send and cost, on the chosen model and on others.
func planCmd(c *cli.Context, stdout io.Writer) error {
	path, sel, err := videoAndSelection(c)
	if err != nil {
		return err
	}
	mo := summarize.Options{Model: c.String("model"), Detail: sel.detail, MaxTokens: c.Int("max-tokens")}
	models, err := jobOptions(c, &mo, &sel.dedupe)
	if err != nil {
		return err
	}
	if err := errors.Join(speakMode(c, &mo), checkTranslate(c)); err != nil {
		return err
	}
	format := render.Format(c.String("format"))
	if err := checkFormat(format, render.Text, render.JSON); err != nil {
		return err
	}
	v, rep, err := keptFrames(c.Context, path, sel, nil)
	if err != nil {
		return err
	}
	p := render.Plan{Video: rep.Video, Checked: models.Checked,
		Frames: summarize.FrameCounts{Sampled: rep.Sampled, Kept: len(rep.Kept), Dropped: rep.Dropped},
		Plan:   cost.NewPlan(models, mo.Model, mo.Job(v, len(rep.Kept), sel.chunk.FramesPerRequest))}
	p.Warnings = rep.Warnings
	if !p.Chosen.Known {
		p.Warnings = append(p.Warnings, "unknown model "+mo.Model+": tokens estimated with GPT-4o's rule and no price (add it with --models FILE)")
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
	return render.Write(stdout, format, p)
}
