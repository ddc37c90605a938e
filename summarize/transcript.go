package summarize

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	openai "github.com/sashabaranov/go-openai"

	"github.com/vidskim/vidskim/extract"
)

// Transcriber is what transcription needs of a server; *openai.Client
// satisfies it, talking to /v1/audio/transcriptions.
type Transcriber interface {
	CreateTranscription(ctx context.Context, req openai.AudioRequest) (openai.AudioResponse, error)
}

// Segment is one timed stretch of speech, in video time.
type Segment struct {
	Start float64 `json:"start_s"`
	End   float64 `json:"end_s"`
	Text  string  `json:"text"`
}

// TranscribeOptions configures transcription.
type TranscribeOptions struct {
	// Model is the transcription model; "" means whisper-1.
	Model string
	// Cache keeps transcripts so none is paid for twice; nil: no cache.
	Cache *Cache
	// Overlap is the seconds pieces share (extract.AudioOptions.Overlap).
	Overlap float64
}

// Transcribe sends each audio piece for a transcript with segment times
// (verbose_json) and joins them: times are shifted back to video time,
// and where two pieces overlap, each keeps the segments starting on its
// side of the middle of the overlap, so nothing is said twice.
func Transcribe(ctx context.Context, t Transcriber, pieces []extract.AudioPiece, o TranscribeOptions) ([]Segment, error) {
	if o.Model == "" {
		o.Model = "whisper-1"
	}
	var all []Segment
	for i, p := range pieces {
		segs, err := transcribePiece(ctx, t, p, o)
		if err != nil {
			return nil, fmt.Errorf("transcribe %s-%s: %w", extract.Clock(p.Start), extract.Clock(p.End), err)
		}
		lo, hi := p.Start, p.End+1
		if i > 0 {
			lo = pieces[i].Start + o.Overlap/2
		}
		if i+1 < len(pieces) {
			hi = pieces[i+1].Start + o.Overlap/2
		}
		for _, s := range segs {
			if s.Start >= lo && s.Start < hi {
				all = append(all, s)
			}
		}
	}
	return all, nil
}

// transcribePiece transcribes one piece, from the cache when it can.
func transcribePiece(ctx context.Context, t Transcriber, p extract.AudioPiece, o TranscribeOptions) ([]Segment, error) {
	h := sha256.New()
	fmt.Fprintf(h, "vidskim-transcript-v1\n%s\nverbose_json\n", o.Model)
	h.Write(p.MP3)
	key := hex.EncodeToString(h.Sum(nil))
	var segs []Segment
	if o.Cache != nil {
		if data, err := os.ReadFile(o.Cache.path(key)); err == nil && json.Unmarshal(data, &segs) == nil {
			return shift(segs, p.Start), nil
		}
	}
	resp, err := t.CreateTranscription(ctx, openai.AudioRequest{
		Model:                  o.Model,
		FilePath:               "audio.mp3",
		Reader:                 bytes.NewReader(p.MP3),
		Format:                 openai.AudioResponseFormatVerboseJSON,
		TimestampGranularities: []openai.TranscriptionTimestampGranularity{openai.TranscriptionTimestampGranularitySegment},
	})
	if err != nil {
		return nil, describeError(err)
	}
	for _, s := range resp.Segments {
		if text := strings.TrimSpace(CleanText(s.Text)); text != "" {
			segs = append(segs, Segment{Start: s.Start, End: s.End, Text: text})
		}
	}
	if len(resp.Segments) == 0 && strings.TrimSpace(resp.Text) != "" {
		segs = []Segment{{Start: 0, End: p.End - p.Start, Text: CleanText(resp.Text)}} // a server without segments
	}
	if o.Cache != nil {
		data, _ := json.Marshal(segs)
		if err := o.Cache.putRaw(key, data); err != nil {
			return nil, err
		}
	}
	return shift(segs, p.Start), nil
}

func shift(segs []Segment, by float64) []Segment {
	out := make([]Segment, len(segs))
	for i, s := range segs {
		out[i] = Segment{Start: s.Start + by, End: s.End + by, Text: s.Text}
	}
	return out
}

// linesIn renders the segments that start in [from, to) as timestamped
// lines for a prompt.
func linesIn(segs []Segment, from, to float64) string {
	var b strings.Builder
	for _, s := range segs {
		if s.Start >= from && s.Start < to {
			fmt.Fprintf(&b, "[%s] %s\n", extract.Clock(s.Start), s.Text)
		}
	}
	return strings.TrimSpace(b.String())
}

// transcriptSlot hands the transcript from the goroutine that makes it to
// the requests that need it: they wait for ready.
type transcriptSlot struct {
	ready chan struct{}
	segs  []Segment
}

func newTranscriptSlot() *transcriptSlot { return &transcriptSlot{ready: make(chan struct{})} }

func (s *transcriptSlot) set(segs []Segment) {
	s.segs = segs
	close(s.ready)
}

// wait returns the transcript once there is one; nil slot: none.
func (s *transcriptSlot) wait(ctx context.Context) ([]Segment, error) {
	if s == nil {
		return nil, nil
	}
	select {
	case <-s.ready:
		return s.segs, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// TranscribeConfig turns transcription on for a run.
type TranscribeConfig struct {
	Client  Transcriber
	Options TranscribeOptions
	Audio   extract.AudioOptions
}

// transcribeRun makes the run's transcript: none, with a warning, for a
// video without audio or with silent audio.
func transcribeRun(ctx context.Context, v extract.Video, tc TranscribeConfig) ([]Segment, string, error) {
	pieces, err := extract.Audio(ctx, v, tc.Audio)
	switch {
	case err == extract.ErrNoAudio:
		return nil, "the video has no audio stream: summarizing the frames only", nil
	case err != nil:
		return nil, "", err
	case len(pieces) == 0 || extract.Silent(pieces):
		return nil, "the audio is silent: summarizing the frames only", nil
	}
	if tc.Options.Overlap == 0 {
		tc.Options.Overlap = max(tc.Audio.Overlap, 2)
	}
	segs, err := Transcribe(ctx, tc.Client, pieces, tc.Options)
	return segs, "", err
}

// TranscriptOf transcribes v alone (for --transcript-only); note says why
// there is none.
func TranscriptOf(ctx context.Context, v extract.Video, tc TranscribeConfig) ([]Segment, string, error) {
	return transcribeRun(ctx, v, tc)
}
