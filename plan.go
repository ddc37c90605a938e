package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/vidskim/vidskim/chunk"
	"github.com/vidskim/vidskim/dedupe"
	"github.com/vidskim/vidskim/extract"
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
func checkBudget(ctx context.Context, b budget, v extract.Video, eo extract.Options, do dedupe.Options, co chunk.Options, mo summarize.Options, models summarize.Models) error {
	if b.requests <= 0 && b.usd <= 0 {
		return nil
	}
	if end := eo.RangeEnd(v); end > 0 {
		bound := int((end-eo.Start)*eo.FPS) + 2
		if do.MaxFrames > 0 {
			bound = min(bound, do.MaxFrames)
		}
		if exceeds(b, estimateFor(v, bound, co, mo, models)) == "" {
			return nil
		}
	}
	rep, err := selectFrames(ctx, v, eo, do, "")
	if err != nil {
		return classify(err)
	}
	if why := exceeds(b, estimateFor(v, len(rep.Kept), co, mo, models)); why != "" {
		return usageError{fmt.Errorf("refusing to start: %s (%d frames kept; see vidskim plan): raise the limit, or lower --fps or --max-frames", why, len(rep.Kept))}
	}
	return nil
}

// exceeds says how e goes over b, or "".
func exceeds(b budget, e summarize.Estimate) string {
	switch {
	case b.requests > 0 && e.Requests > b.requests:
		return fmt.Sprintf("the run needs %d requests, more than --max-requests %d", e.Requests, b.requests)
	case b.usd > 0 && e.CostUSD > b.usd:
		return fmt.Sprintf("the run may cost up to $%.4f on %s, more than --max-cost $%.4f", e.CostUSD, e.Model, b.usd)
	}
	return ""
}

// estimateFor prices n kept frames of v on the chosen model.
func estimateFor(v extract.Video, n int, co chunk.Options, mo summarize.Options, models summarize.Models) summarize.Estimate {
	m, known := models.Lookup(mo.Model)
	return mo.Estimate(m, known, sizes(v, mo.Detail, n), perRequest(co))
}

func sizes(v extract.Video, d chunk.Detail, n int) []summarize.Size {
	if d == "" {
		d = chunk.Low
	}
	long, short := d.Budget()
	w, h := extract.FitSize(v.Width, v.Height, long, short)
	out := make([]summarize.Size, n)
	for i := range out {
		out[i] = summarize.Size{W: w, H: h}
	}
	return out
}

func perRequest(co chunk.Options) int {
	if co.FramesPerRequest > 0 {
		return co.FramesPerRequest
	}
	return 10
}

// planCmd runs extraction and selection without a model and prints what
// the run would send and cost, on the chosen model and on others.
func planCmd(c *cli.Context, stdout, stderr io.Writer) error {
	path, err := videoArg(c)
	if err != nil {
		return err
	}
	eo, do, co, detail, err := selectOptions(c)
	if err != nil {
		return err
	}
	mo := summarize.Options{Model: c.String("model"), Detail: detail, MaxTokens: c.Int("max-tokens")}
	models, err := jobOptions(c, &mo, &do)
	if err != nil {
		return err
	}
	format := c.String("format")
	if format != "text" && format != "json" {
		return usageError{fmt.Errorf("--format %q: must be text or json", format)}
	}
	v, err := openVideo(c.Context, path, eo)
	if err != nil {
		return err
	}
	rep, err := selectFrames(c.Context, v, eo, do, "")
	if err != nil {
		return classify(err)
	}
	p := summarize.NewPlan(models, mo, sizes(v, detail, len(rep.Kept)), perRequest(co))
	p.Video = summarize.VideoInfo{Path: path, Duration: v.Duration, Width: v.Width, Height: v.Height, Codec: v.Codec}
	p.Frames = summarize.FrameCounts{Sampled: rep.Sampled, Kept: len(rep.Kept), Dropped: rep.Dropped}
	p.Warnings = append(rep.Warnings, p.Warnings...)
	if c.Bool("transcribe") {
		if v.HasAudio {
			p.Transcription = models.TranscriptionFor(c.String("transcribe-model"), (eo.RangeEnd(v)-eo.Start)/60)
		} else {
			p.Warnings = append(p.Warnings, "no audio stream: nothing to transcribe")
		}
	}
	if format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(p)
	}
	return writePlan(stdout, p)
}

func writePlan(w io.Writer, p summarize.Plan) error {
	e := p.Chosen
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s, %dx%d\n", oneLine(p.Video.Path), extract.Clock(p.Video.Duration), p.Video.Width, p.Video.Height)
	fmt.Fprintf(&b, "frames: %d sampled, %d kept", p.Frames.Sampled, p.Frames.Kept)
	if p.Frames.Dropped > 0 {
		fmt.Fprintf(&b, " (%d more dropped by --max-frames)", p.Frames.Dropped)
	}
	fmt.Fprintf(&b, "\nrequests: %d (%d frames a request, detail %s, plus merging)\n", e.Requests, p.PerReq, p.Detail)
	fmt.Fprintf(&b, "input tokens: %d (images %d, text %d); output at most %d\n", e.InputTokens, e.ImageTokens, e.TextTokens, e.OutputCeiling)
	fmt.Fprintf(&b, "cost on %s: at most $%.4f (input $%.4f, output at most $%.4f)\n", e.Model, e.CostUSD, e.InputCostUSD, e.OutputCostUSD)
	if t := p.Transcription; t != nil {
		price := fmt.Sprintf("$%.4f", t.USD)
		if !t.Known {
			price = "unknown price"
		}
		fmt.Fprintf(&b, "transcription: %.1f minutes of audio on %s: %s\n", t.Minutes, t.Model, price)
	}
	for _, warn := range p.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", warn)
	}
	fmt.Fprintf(&b, "\nthe same run on other models (prices checked %s):\n", p.Checked)
	tw := tabwriter.NewWriter(&b, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "model\timage tokens\tinput tokens\tcost at most")
	for _, o := range append([]summarize.Estimate{e}, p.Others...) {
		fmt.Fprintf(tw, "%s\t%d\t%d\t$%.4f\n", o.Model, o.ImageTokens, o.InputTokens, o.CostUSD)
	}
	tw.Flush()
	_, err := io.WriteString(w, b.String())
	return err
}
