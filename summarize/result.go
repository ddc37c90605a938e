package summarize

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/vidskim/vidskim/dedupe"
	"github.com/vidskim/vidskim/extract"
)

// Result is everything a run produced. Its JSON form is the contract of
// `--format json`; the API key is never part of it.
type Result struct {
	Video    VideoInfo   `json:"video"`
	Frames   FrameCounts `json:"frames"`
	Model    string      `json:"model"`
	Detail   string      `json:"detail"`
	Mode     string      `json:"mode"`
	Chunks   []ChunkInfo `json:"chunks"`
	Summary  string      `json:"summary"`
	Usage    Usage       `json:"usage"`
	Warnings []string    `json:"warnings,omitempty"`
	// Partial is set when some chunks failed and --partial summarized the
	// rest; Failed lists the stretches that are missing.
	Partial bool        `json:"partial,omitempty"`
	Failed  []TimeRange `json:"failed,omitempty"`
	// Transcript is the speech, with times (--transcribe only).
	Transcript []Segment `json:"transcript,omitempty"`
	// Script is the narration, line by line (narration mode only).
	Script []Cue `json:"script,omitempty"`
	// Estimate is what the run was expected to cost, beside Usage.
	Estimate *Estimate `json:"estimate,omitempty"`
	// Images are the kept frames, kept only for --report.
	Images []ReportImage `json:"-"`
}

// ReportImage is a kept frame for the HTML report.
type ReportImage struct {
	Time float64
	JPEG []byte
}

// TimeRange is a stretch of the video, in seconds.
type TimeRange struct {
	Start float64 `json:"start_s"`
	End   float64 `json:"end_s"`
	Error string  `json:"error"`
}

// VideoInfo describes the input.
type VideoInfo struct {
	Path     string  `json:"path"`
	Duration float64 `json:"duration_s"`
	Width    int     `json:"width"`
	Height   int     `json:"height"`
	Codec    string  `json:"codec"`
}

// FrameCounts says how many frames were sampled and how many were sent.
type FrameCounts struct {
	Sampled int `json:"sampled"`
	Kept    int `json:"kept"`
	Dropped int `json:"dropped_by_cap"` // kept, then dropped by --max-frames
}

// ChunkInfo is one chunk's place in the video and its description. A chunk
// covers the time from its first frame to the next chunk's first frame
// (frames between were dropped as duplicates of those sent).
type ChunkInfo struct {
	Start        float64   `json:"start_s"`
	End          float64   `json:"end_s"`
	FrameTimes   []float64 `json:"frame_times_s"`
	Description  string    `json:"description"`
	FinishReason string    `json:"finish_reason,omitempty"`
}

func newResult(v extract.Video, cfg Config, xs extract.Stats, ds dedupe.Stats, d Described) Result {
	notes := d.Notes
	m := cfg.Model
	m.applyDefaults()
	r := Result{
		Video:    VideoInfo{Path: v.Path, Duration: round3(v.Duration), Width: v.Width, Height: v.Height, Codec: v.Codec},
		Frames:   FrameCounts{Sampled: ds.Sampled, Kept: ds.Kept, Dropped: ds.Dropped},
		Model:    m.Model,
		Detail:   string(m.Detail),
		Mode:     string(m.Mode),
		Usage:    d.Usage,
		Partial:  len(d.Failures) > 0,
		Warnings: xs.Warnings(v, cfg.Extract),
		Chunks:   []ChunkInfo{},
	}
	end := cfg.Extract.RangeEnd(v)
	for _, f := range d.Failures {
		r.Failed = append(r.Failed, TimeRange{Start: round3(f.Start), End: round3(f.End), Error: oneLine(f.Err.Error())})
	}
	for i, n := range notes {
		c := ChunkInfo{Start: round3(n.Start), End: round3(max(n.End, end)), Description: n.Description, FinishReason: n.FinishReason}
		if i+1 < len(notes) {
			c.End = round3(notes[i+1].Start)
		}
		for _, t := range n.Times {
			c.FrameTimes = append(c.FrameTimes, round3(t))
		}
		r.Chunks = append(r.Chunks, c)
	}
	return r
}

func round3(f float64) float64 { return float64(int64(f*1000+0.5)) / 1000 }

// WriteJSON writes r as indented JSON.
func (r Result) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteMarkdown writes the summary, then the timeline of chunk
// descriptions with their time ranges.
func (r Result) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# Summary of %s\n\n", mdEscape(baseName(r.Video.Path)))
	if r.Partial {
		fmt.Fprintf(&b, "> **PARTIAL SUMMARY**: %d stretches of the video failed and are not covered:", len(r.Failed))
		for _, f := range r.Failed {
			fmt.Fprintf(&b, " %s-%s", extract.Clock(f.Start), extract.Clock(f.End))
		}
		b.WriteString(".\n\n")
	}
	fmt.Fprintf(&b, "%s, %dx%d. %d frames sampled, %d sent to %s in %d requests.\n\n",
		extract.Clock(r.Video.Duration), r.Video.Width, r.Video.Height, r.Frames.Sampled, r.Frames.Kept, r.Model, r.Usage.Requests)
	if r.Frames.Dropped > 0 {
		fmt.Fprintf(&b, "> %d more frames differed enough to keep but were dropped to stay within --max-frames.\n\n", r.Frames.Dropped)
	}
	for _, w := range r.Warnings {
		fmt.Fprintf(&b, "> Warning: %s\n\n", w)
	}
	fmt.Fprintf(&b, "%s\n\n", r.Summary)
	if len(r.Script) > 0 {
		b.WriteString("## Narration script\n\n")
		for _, c := range r.Script {
			fmt.Fprintf(&b, "- **%s-%s** %s\n", stamp(c.Start, "."), stamp(c.End, "."), c.Text)
		}
		b.WriteString("\n")
	}
	if e := r.Estimate; e != nil {
		fmt.Fprintf(&b, "Estimated before the run: %d input tokens, at most %d output tokens, at most $%.4f. Actual: %d prompt and %d completion tokens", e.InputTokens, e.OutputCeiling, e.CostUSD, r.Usage.PromptTokens, r.Usage.CompletionTokens)
		if r.Usage.CostUSD > 0 {
			fmt.Fprintf(&b, ", $%.4f", r.Usage.CostUSD)
		}
		b.WriteString(".\n\n")
	}
	b.WriteString("## Timeline\n\n")
	for _, c := range r.Chunks {
		fmt.Fprintf(&b, "### %s - %s\n\n%s\n", extract.Clock(c.Start), extract.Clock(c.End), c.Description)
		switch c.FinishReason {
		case "length":
			b.WriteString("\n*(description cut off at the token limit)*\n")
		case "content_filter":
			b.WriteString("\n*(description withheld by the provider's content filter)*\n")
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "---\nUsage: %d requests, %d prompt tokens, %d completion tokens; %d answers from the cache.\n",
		r.Usage.Requests, r.Usage.PromptTokens, r.Usage.CompletionTokens, r.Usage.Cached)
	_, err := io.WriteString(w, b.String())
	return err
}

func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

// mdEscape keeps a file name from being read as Markdown markup.
func mdEscape(s string) string {
	return strings.NewReplacer("\\", "\\\\", "*", "\\*", "_", "\\_", "`", "\\`", "#", "\\#", "[", "\\[", "]", "\\]", "\n", " ", "\r", " ").Replace(CleanText(s))
}
