package render

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/summarize"
	"github.com/vidskim/vidskim/textsafe"
)

// Failed is a video of a many-video run that has no result: one line of
// JSON Lines, or one section of Markdown, says why.
type Failed struct {
	Video  summarize.VideoInfo `json:"video"` // only the path is known
	Status string              `json:"status"`
	Error  string              `json:"error"`
}

// failedProse is a Markdown section, or a line of text.
func failedProse(b *strings.Builder, f Format, d Failed) {
	if f == Text {
		fmt.Fprintf(b, "%s: %s\n", d.Status, textsafe.Line(d.Error))
		return
	}
	fmt.Fprintf(b, "# %s\n\n> Not summarized (%s): %s\n", mdEscape(baseName(d.Video.Path)), d.Status, textsafe.Line(d.Error))
}

// writeJSONLine writes doc as one line of JSON (JSON Lines: one video a
// line).
func writeJSONLine(b *strings.Builder, doc any) error {
	data, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	b.Write(data)
	b.WriteByte('\n')
	return nil
}

// PlanTotal adds up the plans of many videos on the chosen model.
type PlanTotal struct {
	Total struct {
		Videos        int     `json:"videos"`
		Duration      float64 `json:"duration_s"`
		Kept          int     `json:"frames_kept"`
		Requests      int     `json:"requests"`
		InputTokens   int     `json:"input_tokens"`
		OutputCeiling int     `json:"output_token_ceiling"`
		Model         string  `json:"model"`
		CostUSD       float64 `json:"cost_usd_at_most"`
		Batch         string  `json:"batch,omitempty"`
		LiveCostUSD   float64 `json:"live_cost_usd_at_most,omitempty"`
		Transcription float64 `json:"transcription_usd,omitempty"`
		PriceUnknown  bool    `json:"price_unknown,omitempty"` // the model is not in the table
	} `json:"total"`
}

// Add counts one more video's plan.
func (t *PlanTotal) Add(p Plan) {
	s := &t.Total
	s.Videos++
	s.Duration = roundSeconds(s.Duration + p.Video.Duration)
	s.Kept += p.Frames.Kept
	s.Requests += p.Chosen.Requests
	s.InputTokens += p.Chosen.InputTokens
	s.OutputCeiling += p.Chosen.OutputCeiling
	s.Model = p.Chosen.Model
	s.CostUSD = roundUSD(s.CostUSD + p.Chosen.CostUSD)
	s.Batch, s.LiveCostUSD = p.Chosen.Batch, roundUSD(s.LiveCostUSD+p.Chosen.LiveCostUSD)
	s.PriceUnknown = s.PriceUnknown || !p.Chosen.Known
	if p.Transcription != nil {
		s.Transcription = roundUSD(s.Transcription + p.Transcription.USD)
	}
}

func planTotalText(b *strings.Builder, t PlanTotal) {
	s := t.Total
	fmt.Fprintf(b, "==> total <==\n%s, %s: %s kept, %s; input tokens %d, output at most %d\n",
		Count(s.Videos, "video"), extract.Clock(s.Duration), Count(s.Kept, "frame"), Count(s.Requests, "request"), s.InputTokens, s.OutputCeiling)
	switch {
	case s.PriceUnknown:
		fmt.Fprintf(b, "cost on %s: price unknown\n", s.Model)
	case s.Batch != "":
		fmt.Fprintf(b, "cost on %s with the Batch API (%s): at most $%.4f\nthe same runs live: at most $%.4f; the Batch API saves $%.4f (%.0f%%)\n",
			s.Model, batchWhat(s.Batch), s.CostUSD, s.LiveCostUSD, s.LiveCostUSD-s.CostUSD, saving(s.CostUSD, s.LiveCostUSD))
	default:
		fmt.Fprintf(b, "cost on %s: at most $%.4f\n", s.Model, s.CostUSD)
	}
	if s.Transcription > 0 {
		fmt.Fprintf(b, "transcription: $%.4f\n", s.Transcription)
	}
}

func roundUSD(f float64) float64     { return math.Round(f*1e6) / 1e6 }
func roundSeconds(f float64) float64 { return math.Round(f*1e3) / 1e3 }
