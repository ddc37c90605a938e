package summarize

import (
	"context"
	"crypto/sha256"
	"encoding/hex"

	"golang.org/x/sync/errgroup"

	"github.com/vidskim/vidskim/chunk"
	"github.com/vidskim/vidskim/cost"
	"github.com/vidskim/vidskim/extract"
)

// PipelineVersion changes whenever the pipeline would turn the same
// settings and the same answers into a different Result (a new field, a
// changed merge); a stored run of another version is never reused.
const PipelineVersion = 2 // 2: the range, the whole usage, descriptions-only runs

// Settings is everything about a run that shapes its Result, and nothing
// that does not (requests at once, where the server is, --partial): two
// runs of one video with equal Settings and the same answers give the same
// Result, so a stored run may stand in for a new one. Zero values mean the
// stages' defaults, as in their Options.
type Settings struct {
	Pipeline         int                 `json:"pipeline"`
	FPS              float64             `json:"fps"`
	Start            float64             `json:"start_s"`
	End              float64             `json:"end_s"`
	Keyframes        bool                `json:"keyframes"`
	Exact            bool                `json:"exact"`
	MaxLong          int                 `json:"max_long"`
	MaxShort         int                 `json:"max_short"`
	Threshold        int                 `json:"dedupe_threshold"`
	CellThreshold    float64             `json:"cell_threshold"`
	MaxGap           float64             `json:"max_gap_s"`
	MaxFrames        int                 `json:"max_frames"`
	FramesPerRequest int                 `json:"frames_per_request"`
	Quality          int                 `json:"jpeg_quality"`
	Model            string              `json:"model"`
	Detail           string              `json:"detail"`
	MaxTokens        int                 `json:"max_tokens"`
	MergeMaxTokens   int                 `json:"merge_max_tokens"`
	MergeBudget      int                 `json:"merge_budget"`
	Mode             string              `json:"mode"`
	Prompt           string              `json:"prompt"`
	Prompts          string              `json:"prompts_sha256"` // this mode's system prompts as sent
	Pricing          *cost.Model         `json:"pricing,omitempty"`
	Batch            string              `json:"batch,omitempty"` // which requests the Batch API answered: their cost is the batch price
	Transcribe       *TranscribeSettings `json:"transcribe,omitempty"`
	OCR              *OCRSettings        `json:"ocr,omitempty"`
	Schema           string              `json:"schema_sha256,omitempty"`
	// DescriptionsOnly runs have no summary: such a run never stands in
	// for one that needs it.
	DescriptionsOnly bool `json:"descriptions_only,omitempty"`
}

// TranscribeSettings is what shapes the transcript.
type TranscribeSettings struct {
	Model    string  `json:"model"`
	Overlap  float64 `json:"overlap_s"`
	Bitrate  int     `json:"bitrate"`
	MaxBytes int     `json:"max_bytes"`
	// USDPerMinute prices the run's transcription.
	USDPerMinute float64 `json:"usd_per_minute,omitempty"`
}

// Settings is cfg's Settings.
func (cfg Config) Settings() Settings {
	m := cfg.Model
	m.applyDefaults()
	e, d, c := cfg.Extract, cfg.Dedupe, cfg.Chunk
	prompts := sha256.Sum256([]byte(m.system("chunk") + "\x00" + m.system("merge") + "\x00" + m.system("partial")))
	s := Settings{Pipeline: PipelineVersion,
		FPS: e.FPS, Start: e.Start, End: e.End, Keyframes: e.Keyframes, Exact: e.Exact, MaxLong: e.MaxLong, MaxShort: e.MaxShort,
		Threshold: d.Threshold, CellThreshold: d.CellThreshold, MaxGap: d.MaxGap, MaxFrames: d.MaxFrames,
		FramesPerRequest: c.FramesPerRequest, Quality: c.Quality,
		Model: m.Model, Detail: string(m.Detail), MaxTokens: m.MaxTokens, MergeMaxTokens: m.MergeMaxTokens,
		MergeBudget: m.MergeBudget, Mode: string(m.Mode), Prompt: m.Prompt, Prompts: hex.EncodeToString(prompts[:]),
		Pricing: m.Pricing, Batch: m.Batch.String(), DescriptionsOnly: m.DescriptionsOnly}
	if o := cfg.OCR; o != nil {
		s.OCR = &OCRSettings{Lang: o.Options.Lang}
	}
	if m.Schema != nil {
		s.Schema = m.Schema.Digest()
	}
	if t := cfg.Transcribe; t != nil {
		s.Transcribe = &TranscribeSettings{Model: t.Options.Model, Overlap: t.Options.Overlap, Bitrate: t.Audio.Bitrate, MaxBytes: t.Audio.MaxBytes,
			USDPerMinute: t.Options.USDPerMinute}
	}
	return s
}

// ExtractOptions are the sampling options the settings name.
func (s Settings) ExtractOptions() extract.Options {
	return extract.Options{FPS: s.FPS, Start: s.Start, End: s.End, Keyframes: s.Keyframes, Exact: s.Exact, MaxLong: s.MaxLong, MaxShort: s.MaxShort}
}

// ReportImages decodes v again as s says and encodes the frames at times
// (a stored run's frame times, as its ChunkInfo holds them), as the run
// sent them: for the HTML report of a run rendered from the library.
// Frames at other times are dropped before encoding.
func ReportImages(ctx context.Context, v extract.Video, s Settings, times []float64) ([]ReportImage, error) {
	want := map[float64]bool{}
	for _, t := range times {
		want[t] = true
	}
	g, ctx := errgroup.WithContext(ctx)
	frames, wanted, chunks := make(chan extract.Frame), make(chan extract.Frame), make(chan chunk.Chunk)
	g.Go(func() error {
		defer close(frames)
		_, err := extract.Run(ctx, v, s.ExtractOptions(), frames)
		return err
	})
	g.Go(func() error {
		defer close(wanted)
		for f := range frames {
			if !want[round3(f.Time)] {
				continue
			}
			select {
			case wanted <- f:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return nil
	})
	g.Go(func() error {
		defer close(chunks)
		return chunk.Run(ctx, chunk.Options{FramesPerRequest: 1, Quality: s.Quality}, wanted, chunks)
	})
	var out []ReportImage
	for c := range chunks {
		for _, im := range c.Images {
			out = append(out, ReportImage{Time: round3(im.Time), JPEG: im.JPEG})
		}
	}
	return out, g.Wait()
}
