package summarize

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"golang.org/x/sync/errgroup"
	"golang.org/x/sync/semaphore"

	"github.com/vidskim/vidskim/chunk"
	"github.com/vidskim/vidskim/cost"
	"github.com/vidskim/vidskim/dedupe"
	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/llm"
)

// Config gathers each stage's options.
type Config struct {
	Extract extract.Options
	Dedupe  dedupe.Options
	Chunk   chunk.Options
	Model   Options
	// KeepImages keeps every kept frame's JPEG in the Result, for the HTML
	// report (memory then grows with the frames kept).
	KeepImages bool
	// OnProgress, when set, is told how the run goes: after each frame
	// sampled and each request sent or answered. It is called from several
	// goroutines, one at a time, and must return quickly.
	OnProgress func(Progress)
	// Transcribe, when set, transcribes the audio and gives each request
	// the speech of its stretch, and the merge the whole transcript.
	Transcribe *TranscribeConfig
	// Partial summarizes what succeeded when some chunks failed after their
	// retries (the result is marked partial and Run still returns
	// ErrPartial); without it such a run returns an error and no summary.
	Partial bool
	// Slots, when set, is a request pool shared with other runs: every
	// request (chunks, merges, transcription) holds one slot while it is
	// out, so runs of many videos at once stay within one limit.
	Slots *semaphore.Weighted
	// OCR, when set, reads the text on every kept frame (screen.go).
	OCR *OCRConfig
	// OnRequest, when set, hears of every chat request when it ends (for
	// a verbose log). It is called from several goroutines at once.
	OnRequest func(RequestInfo)
	// Reuse, when set, is an earlier selection of this video with these
	// selection settings: only its frames are decoded (see Reuse).
	Reuse *Reuse
	// CheckFirst holds every paid request (descriptions, transcription)
	// until the video's first seconds have decoded well, as
	// extract.Preflight checks them, so a file that cannot work costs
	// nothing. The main decode makes the check (extract.Options.Checked);
	// with Reuse, which decodes only some frames, Preflight runs first.
	CheckFirst bool
}

// ErrPartial marks a run whose result covers only part of the video. The
// answers received are cached (when the client caches), so running again
// resumes.
var ErrPartial = errors.New("some chunks failed")

// ErrIncomplete marks a run whose result is whole in time but where the
// model did not finish every part: a description or the summary cut at
// its token limit, or withheld by a content filter (Result.Incomplete
// lists them). Such answers are never cached, so running again asks anew.
var ErrIncomplete = errors.New("the model did not finish every part")

// Run streams the whole pipeline over v: ffmpeg decodes, dedupe selects,
// chunk batches, and requests go out as soon as a chunk is full, while
// decoding goes on. When every chunk is described, one merge pass (or a
// few rounds, for long videos) writes the summary. The Result is filled in
// as far as the run got, even on error.
func Run(ctx context.Context, c Client, v extract.Video, cfg Config, log *slog.Logger) (Result, error) {
	cfg.Model.Duration = v.Duration
	cfg.Model.applyDefaults()
	if cfg.Chunk.End == 0 {
		cfg.Chunk.End = cfg.Extract.RangeEnd(v)
	}
	checked, err := checkFirst(ctx, v, &cfg)
	if err != nil {
		return newResult(v, cfg, extract.Stats{}, dedupe.Stats{}, Described{}), err
	}
	k := &caller{c: c, progress: newTracker(cfg.OnProgress, cfg.Chunk.End), slots: cfg.Slots, onRequest: cfg.OnRequest, checked: checked}
	cfg.Dedupe.OnFrame = k.progress.frame
	st, err := runStages(ctx, k, v, cfg)
	k.progress.update(func(p *Progress) { p.Done, p.Stopped, p.Skipped = err == nil, err != nil, st.xs.Skipped })
	res := st.result(v, cfg, k.screen)
	if err != nil {
		return res, err
	}
	for _, w := range res.Warnings {
		log.Warn(w)
	}
	log.Info("described", "chunks", len(st.d.Notes), "failed", len(st.d.Failures), "frames_kept", st.ds.Kept,
		"frames_sampled", st.ds.Sampled, "not_decoded_s", st.xs.Skipped, "gating", st.xs.Gate, "requests", st.d.Usage.Requests, "cached", st.d.Usage.Cached)
	return finish(ctx, k, v, cfg, res, st)
}

// stages is what the streaming stages produced.
type stages struct {
	xs             extract.Stats
	ds             dedupe.Stats
	d              Described
	images         []ReportImage
	transcript     []llm.Segment
	transcriptNote string
	transcribed    Usage // the transcription's minutes and cost
}

// runStages starts extraction and selection, chunking, the transcript (if
// asked) and the requests, connected by channels, and waits for all of
// them; the first error stops the rest.
func runStages(ctx context.Context, k *caller, v extract.Video, cfg Config) (*stages, error) {
	st := &stages{}
	g, gctx := errgroup.WithContext(ctx)
	kept := make(chan extract.Frame, 2)
	chunks := make(chan chunk.Chunk)
	g.Go(func() error {
		defer close(kept)
		var err error
		st.xs, st.ds, err = selectFrames(gctx, v, cfg, kept)
		return err
	})
	var toChunk <-chan extract.Frame = kept
	if cfg.OCR != nil {
		k.screen = newScreenSlot()
		toChunk = readScreens(gctx, g, v, cfg, kept, k.screen)
	}
	g.Go(func() error {
		defer close(chunks)
		return chunk.Run(gctx, cfg.Chunk, toChunk, chunks)
	})
	if cfg.Transcribe != nil {
		k.transcript = newTranscriptSlot()
		g.Go(func() error {
			if err := k.wait(gctx); err != nil {
				return err
			}
			tc := *cfg.Transcribe
			tc.Client = pooled{tc.Client, cfg.Slots}
			tc.Audio.Start, tc.Audio.End = cfg.Extract.Start, cfg.Extract.End
			segs, u, note, err := transcribeRun(gctx, v, tc)
			st.transcript, st.transcriptNote, st.transcribed = segs, note, u
			k.transcript.set(segs)
			return err
		})
	}
	var toDescribe <-chan chunk.Chunk = chunks
	if cfg.KeepImages {
		toDescribe = keepImages(gctx, g, chunks, &st.images)
	}
	g.Go(func() error {
		var err error
		st.d, err = describe(gctx, k, cfg.Model, toDescribe)
		return err
	})
	return st, g.Wait()
}

func (st *stages) result(v extract.Video, cfg Config, screen *screenSlot) Result {
	res := newResult(v, cfg, st.xs, st.ds, st.d)
	res.Images, res.Transcript = st.images, st.transcript
	res.Usage.merge(st.transcribed)
	res.Range = &TimeRange{Start: round3(cfg.Extract.Start), End: round3(cfg.Extract.RangeEnd(v))}
	res.DescriptionsOnly = cfg.Model.DescriptionsOnly
	if st.transcriptNote != "" {
		res.Warnings = append(res.Warnings, st.transcriptNote)
	}
	var note string
	if res.ScreenText, note = screen.results(cfg.Chunk.End); note != "" {
		res.Warnings = append(res.Warnings, note)
	}
	return res
}

// finish decides what failed chunks mean, merges the notes, and prices
// the run beside its estimate.
func finish(ctx context.Context, k *caller, v extract.Video, cfg Config, res Result, st *stages) (Result, error) {
	d := st.d
	var partial error
	if len(d.Failures) > 0 {
		partial = failedRanges(d.Failures)
		if !cfg.Partial || len(d.Notes) == 0 {
			return res, partial
		}
	}
	var m merged
	if !cfg.Model.DescriptionsOnly {
		var err error
		m, err = merge(ctx, k, cfg.Model, d.Notes)
		res.Usage.merge(m.usage)
		if err != nil {
			return res, err
		}
	}
	res.Summary, res.Structured = m.text, m.structured
	if m.reason != "" {
		m.cut = append(m.cut, Incomplete{Start: 0, End: round3(cfg.Chunk.End), Part: PartSummary, Reason: m.reason})
	}
	res.Incomplete = append(notesIncomplete(d.Notes), m.cut...)
	if cfg.Model.Mode == ModeNarration {
		res.Script = res.Cues()
	}
	if p := cfg.Model.Pricing; p != nil {
		u := &res.Usage
		u.CostUSD = cost.RoundUSD(u.costOn(*p) + u.TranscriptionUSD)
		u.SavedUSD = cost.RoundUSD(p.Cost(u.CachedPromptTokens, u.CachedCompletionTokens) + u.SavedUSD)
		e := cfg.Model.Job(v, st.ds.Kept, cfg.Chunk.FramesPerRequest).Estimate(*p, true)
		res.Estimate = &e
	}
	if partial == nil && len(res.Incomplete) > 0 {
		partial = incompleteParts(res.Incomplete)
	}
	return res, partial
}

// keepImages passes chunks on while keeping a copy of their images.
func keepImages(ctx context.Context, g *errgroup.Group, in <-chan chunk.Chunk, images *[]ReportImage) <-chan chunk.Chunk {
	out := make(chan chunk.Chunk)
	g.Go(func() error {
		defer close(out)
		for c := range in {
			for _, im := range c.Images {
				*images = append(*images, ReportImage{Time: round3(im.Time), JPEG: im.JPEG})
			}
			select {
			case out <- c:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return nil
	})
	return out
}

// failedRanges is ErrPartial naming the failed stretches, wrapping the
// first reason.
func failedRanges(fs []Failure) error {
	var rs []string
	for _, f := range fs {
		rs = append(rs, extract.Clock(f.Start)+"-"+extract.Clock(f.End))
	}
	return fmt.Errorf("%w: %d failed (%s): %w", ErrPartial, len(fs), strings.Join(rs, ", "), fs[0].Err)
}

// notesIncomplete lists the descriptions the model did not finish.
func notesIncomplete(notes []Note) []Incomplete {
	var out []Incomplete
	for _, n := range notes {
		if n.FinishReason == reasonLength || n.FinishReason == reasonFilter {
			out = append(out, Incomplete{Start: round3(n.Start), End: round3(n.End), Part: PartDescription, Reason: n.FinishReason})
		}
	}
	return out
}

// incompleteParts is ErrIncomplete naming the parts.
func incompleteParts(parts []Incomplete) error {
	var ps []string
	for _, p := range parts {
		ps = append(ps, p.String())
	}
	return fmt.Errorf("%w: %s", ErrIncomplete, strings.Join(ps, "; "))
}
