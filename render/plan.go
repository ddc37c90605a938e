package render

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/vidskim/vidskim/cost"
	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/summarize"
	"github.com/vidskim/vidskim/textsafe"
)

// Plan is what `vidskim plan` prints: the run on the chosen model and on
// others beside it.
type Plan struct {
	Video  summarize.VideoInfo   `json:"video"`
	Frames summarize.FrameCounts `json:"frames"`
	cost.Plan
	Warnings []string `json:"warnings,omitempty"`
	Checked  string   `json:"prices_checked"`
	// Transcription is set when the run transcribes the audio.
	Transcription *cost.TranscriptionCost `json:"transcription,omitempty"`
	// Narration is set when the run speaks its narration (--speak).
	Narration *cost.Narration `json:"narration,omitempty"`
	// OCR is set when the run reads the text on the kept frames.
	OCR *OCRPlan `json:"ocr,omitempty"`
}

// OCRPlan is what reading the text on the kept frames (--ocr) will take,
// from the time one frame took here.
type OCRPlan struct {
	Frames   int     `json:"frames"`            // kept frames with pixels of their own: the ones read
	PerFrame float64 `json:"seconds_per_frame"` // measured: decoding at full resolution and reading
	Measured int     `json:"measured_on"`       // frames timed
	Workers  int     `json:"workers"`           // read at once
	Seconds  float64 `json:"seconds"`           // all of them, beside decoding
}

func planText(b *strings.Builder, p Plan) {
	e := p.Chosen
	fmt.Fprintf(b, "%s: %s, %dx%d\n", textsafe.Line(p.Video.Path), extract.Clock(p.Video.Duration), p.Video.Width, p.Video.Height)
	fmt.Fprintf(b, "frames: %d sampled, %d kept", p.Frames.Sampled, p.Frames.Kept)
	if p.Frames.Dropped > 0 {
		fmt.Fprintf(b, " (%d more dropped by --max-frames)", p.Frames.Dropped)
	}
	if s := p.Frames.Skipped; s > 0 {
		fmt.Fprintf(b, "; %.0f s not decoded (a still scene in the packet sizes; --exact decodes all)", s)
	}
	fmt.Fprintf(b, "\nrequests: %d (%s a request, detail %s, plus merging)\n", e.Requests, Count(p.PerReq, "frame"), p.Detail)
	fmt.Fprintf(b, "input tokens: %d (images %d, text %d); output at most %d\n", e.InputTokens, e.ImageTokens, e.TextTokens, e.OutputCeiling)
	switch {
	case !e.Known:
		fmt.Fprintf(b, "cost on %s: price unknown\n", e.Model)
	case e.Batch != "":
		fmt.Fprintf(b, "cost on %s with the Batch API (%s): at most $%.4f (input $%.4f, output at most $%.4f)\n", e.Model, batchWhat(e.Batch), e.CostUSD, e.InputCostUSD, e.OutputCostUSD)
		fmt.Fprintf(b, "the same run live: at most $%.4f; the Batch API saves $%.4f (%.0f%%)\n", e.LiveCostUSD, e.LiveCostUSD-e.CostUSD, saving(e.CostUSD, e.LiveCostUSD))
	default:
		fmt.Fprintf(b, "cost on %s: at most $%.4f (input $%.4f, output at most $%.4f)\n", e.Model, e.CostUSD, e.InputCostUSD, e.OutputCostUSD)
	}
	if t := p.Transcription; t != nil {
		fmt.Fprintf(b, "transcription: %.1f minutes of audio on %s: %s\n", t.Minutes, t.Model, Price(t.USD, t.Known))
	}
	if n := p.Narration; n != nil {
		narrationText(b, *n)
	}
	if o := p.OCR; o != nil {
		fmt.Fprintf(b, "ocr: %d frames to read, %.2f s each (measured on %d), %d at once: about %.1f s, beside decoding\n",
			o.Frames, o.PerFrame, o.Measured, o.Workers, o.Seconds)
	}
	for _, warn := range p.Warnings {
		fmt.Fprintf(b, "warning: %s\n", warn)
	}
	fmt.Fprintf(b, "\nthe same run on other models (prices checked %s):\n", p.Checked)
	tw := tabwriter.NewWriter(b, 2, 4, 2, ' ', 0)
	if e.Batch != "" {
		fmt.Fprintln(tw, "model\timage tokens\tinput tokens\tBatch API cost at most\tlive cost at most")
	} else {
		fmt.Fprintln(tw, "model\timage tokens\tinput tokens\tcost at most")
	}
	for _, o := range append([]cost.Estimate{e}, p.Others...) {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s", o.Model, o.ImageTokens, o.InputTokens, Price(o.CostUSD, o.Known))
		if e.Batch != "" {
			fmt.Fprintf(tw, "\t%s", Price(o.LiveCostUSD, o.Known))
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
}

// batchWhat says which requests a plan prices as batched.
func batchWhat(batch string) string {
	if batch == "all" {
		return "every request batched"
	}
	return "chunks batched, the merge live"
}

// saving is how much less cost is than live, in percent.
func saving(cost, live float64) float64 {
	if live <= 0 {
		return 0
	}
	return 100 * (live - cost) / live
}

// narrationText says how long the spoken narration can be and what it
// costs.
func narrationText(b *strings.Builder, n cost.Narration) {
	price := fmt.Sprintf("$%.4f", n.USD)
	if !n.Known {
		price = "unknown price"
	}
	fmt.Fprintf(b, "narration: at most %s spoken, about %d words (%d characters) on %s: %s\n",
		extract.Clock(n.Seconds), n.Words, n.Characters, n.Model, price)
	if n.ShortenRequests > 0 {
		fmt.Fprintf(b, "shortening lines that run long: at most %d requests, $%.4f\n", n.ShortenRequests, n.ShortenUSD)
	}
}
