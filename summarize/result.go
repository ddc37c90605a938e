package summarize

import (
	"encoding/json"
	"math"

	"github.com/vidskim/vidskim/cost"
	"github.com/vidskim/vidskim/dedupe"
	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/llm"
	"github.com/vidskim/vidskim/textsafe"
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
	// Incomplete lists the parts the model did not finish (cut at the
	// token limit, or withheld by a content filter).
	Incomplete []Incomplete `json:"incomplete,omitempty"`
	// Transcript is the speech, with times (--transcribe only).
	Transcript []llm.Segment `json:"transcript,omitempty"`
	// Script is the narration, line by line (narration mode only).
	Script []Cue `json:"script,omitempty"`
	// Estimate is what the run was expected to cost, beside Usage.
	Estimate *cost.Estimate `json:"estimate,omitempty"`
	// Structured is the summary as JSON in the user's schema (--schema);
	// Summary then holds the same text.
	Structured json.RawMessage `json:"structured,omitempty"`
	// ScreenText is the text read on kept frames (--ocr), in time order.
	ScreenText []FrameText `json:"screen_text,omitempty"`
	// Range is the stretch of the video the run covered (--start and
	// --end; the whole video when neither is given).
	Range *TimeRange `json:"range,omitempty"`
	// DescriptionsOnly is a run that described the chunks and made no
	// summary (subtitles need none).
	DescriptionsOnly bool `json:"descriptions_only,omitempty"`
	// Images are the kept frames, kept only for --report.
	Images []ReportImage `json:"-"`
}

// Incomplete is a part of the result the model did not finish.
type Incomplete struct {
	Start  float64 `json:"start_s"`
	End    float64 `json:"end_s"`
	Part   string  `json:"part"`   // PartDescription, PartMergedNotes or PartSummary
	Reason string  `json:"reason"` // "length" (cut at the token limit) or "content_filter"
}

// The parts a result can miss.
const (
	PartDescription = "description"  // one chunk's
	PartMergedNotes = "merged notes" // a round of merging, for a long video
	PartSummary     = "summary"
)

// The finish reasons that leave a part unfinished.
const (
	reasonLength = "length"
	reasonFilter = "content_filter"
)

// String says what is missing, in words: "00:00:04-00:00:08 description
// cut off at the token limit".
func (p Incomplete) String() string {
	why := "cut off at the token limit"
	if p.Reason == reasonFilter {
		why = "withheld by the provider's content filter"
	}
	if p.Part == PartSummary {
		return "summary " + why
	}
	return extract.Clock(p.Start) + "-" + extract.Clock(p.End) + " " + p.Part + " " + why
}

// FrameText is the text read on a kept frame, and how long it stayed on
// screen: until the next kept frame that shows something else (or the
// end of the range).
type FrameText struct {
	Time float64 `json:"time_s"`
	End  float64 `json:"end_s"`
	Text string  `json:"text"`
}

// ReportImage is a kept frame for the HTML report.
type ReportImage struct {
	Time float64 // rounded as ChunkInfo.FrameTimes are, to find it there
	JPEG []byte
}

// TimeRange is a stretch of the video, in seconds.
type TimeRange struct {
	Start float64 `json:"start_s"`
	End   float64 `json:"end_s"`
	Error string  `json:"error,omitempty"`
}

// Whole says whether the range is the whole of a video of duration d.
func (r *TimeRange) Whole(d float64) bool {
	return r == nil || r.Start <= 0 && (r.End <= 0 || d <= 0 || r.End >= d-0.001)
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
	// Skipped is how many seconds of the range were not decoded, because
	// their packet sizes showed a still scene (extract.Stats.Skipped).
	Skipped float64 `json:"not_decoded_s,omitempty"`
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
		Frames:   FrameCounts{Sampled: ds.Sampled, Kept: ds.Kept, Dropped: ds.Dropped, Skipped: math.Round(xs.Skipped*10) / 10},
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
		r.Failed = append(r.Failed, TimeRange{Start: round3(f.Start), End: round3(f.End), Error: textsafe.Brief(f.Err.Error(), 300)})
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

// round3 keeps times to the millisecond in outputs.
func round3(f float64) float64 { return float64(int64(f*1000+0.5)) / 1000 }
