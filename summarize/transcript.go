package summarize

import (
	"context"
	"fmt"
	"strings"

	"github.com/vidskim/vidskim/cost"
	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/llm"
)

// TranscribeOptions configures transcription.
type TranscribeOptions struct {
	// Model is the transcription model; "" means llm.DefaultTranscribeModel.
	Model string
	// Overlap is the seconds pieces share (extract.AudioOptions.Overlap).
	Overlap float64
	// Translate asks for the speech in English, whatever its language
	// (the translations endpoint).
	Translate bool
	// USDPerMinute is the model's price of a minute of audio, for the
	// run's cost; 0 when unknown.
	USDPerMinute float64
}

// Transcribe sends each audio piece for a transcript with segment times
// and joins them: times are shifted back to video time, and where two
// pieces overlap, each keeps the segments starting on its side of the
// middle of the overlap, so nothing is said twice.
func Transcribe(ctx context.Context, t Transcriber, pieces []extract.AudioPiece, o TranscribeOptions) ([]llm.Segment, error) {
	segs, _, err := transcribe(ctx, t, pieces, o)
	return segs, err
}

// transcribe is Transcribe, with the minutes of audio sent and those
// answered from the cache, priced.
func transcribe(ctx context.Context, t Transcriber, pieces []extract.AudioPiece, o TranscribeOptions) ([]llm.Segment, Usage, error) {
	var all []llm.Segment
	var u Usage
	for i, p := range pieces {
		sent := false
		segs, err := t.Transcribe(ctx, llm.TranscribeRequest{Model: o.Model, MP3: p.MP3, Duration: p.End - p.Start, Translate: o.Translate,
			Hooks: &llm.Hooks{Sent: func() { sent = true }}})
		if sent {
			u.TranscribedMinutes += (p.End - p.Start) / 60
		}
		if err != nil {
			return nil, u.priced(o.USDPerMinute), fmt.Errorf("transcribe %s-%s: %w", extract.Clock(p.Start), extract.Clock(p.End), err)
		}
		if !sent {
			u.CachedMinutes += (p.End - p.Start) / 60
		}
		lo, hi := p.Start, p.End+1
		if i > 0 {
			lo = pieces[i].Start + o.Overlap/2
		}
		if i+1 < len(pieces) {
			hi = pieces[i+1].Start + o.Overlap/2
		}
		for _, s := range shift(segs, p.Start) {
			if s.Start >= lo && s.Start < hi {
				all = append(all, s)
			}
		}
	}
	return all, u.priced(o.USDPerMinute), nil
}

// priced rounds the minutes and prices them: what was sent is paid, what
// the cache answered is saved.
func (u Usage) priced(perMinute float64) Usage {
	u.TranscriptionUSD = cost.RoundUSD(u.TranscribedMinutes * perMinute)
	u.CostUSD = u.TranscriptionUSD
	u.SavedUSD = cost.RoundUSD(u.CachedMinutes * perMinute)
	u.TranscribedMinutes, u.CachedMinutes = round3(u.TranscribedMinutes), round3(u.CachedMinutes)
	return u
}

func shift(segs []llm.Segment, by float64) []llm.Segment {
	out := make([]llm.Segment, len(segs))
	for i, s := range segs {
		out[i] = llm.Segment{Start: s.Start + by, End: s.End + by, Text: s.Text}
	}
	return out
}

// linesIn renders the segments that start in [from, to) as timestamped
// lines for a prompt.
func linesIn(segs []llm.Segment, from, to float64) string {
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
	segs  []llm.Segment
}

func newTranscriptSlot() *transcriptSlot { return &transcriptSlot{ready: make(chan struct{})} }

func (s *transcriptSlot) set(segs []llm.Segment) {
	s.segs = segs
	close(s.ready)
}

// wait returns the transcript once there is one; nil slot: none.
func (s *transcriptSlot) wait(ctx context.Context) ([]llm.Segment, error) {
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
func transcribeRun(ctx context.Context, v extract.Video, tc TranscribeConfig) ([]llm.Segment, Usage, string, error) {
	pieces, err := extract.Audio(ctx, v, tc.Audio)
	switch {
	case err == extract.ErrNoAudio:
		return nil, Usage{}, "the video has no audio stream: summarizing the frames only", nil
	case err != nil:
		return nil, Usage{}, "", err
	case len(pieces) == 0 || extract.Silent(pieces):
		return nil, Usage{}, "the audio is silent: summarizing the frames only", nil
	}
	if tc.Options.Overlap == 0 {
		tc.Options.Overlap = max(tc.Audio.Overlap, 2)
	}
	segs, u, err := transcribe(ctx, tc.Client, pieces, tc.Options)
	return segs, u, "", err
}

// TranscriptOf transcribes v alone (for --transcript-only), with what it
// cost; note says why there is none.
func TranscriptOf(ctx context.Context, v extract.Video, tc TranscribeConfig) ([]llm.Segment, Usage, string, error) {
	return transcribeRun(ctx, v, tc)
}
