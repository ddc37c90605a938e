package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/vidskim/vidskim/library"
	"github.com/vidskim/vidskim/render"
	"github.com/vidskim/vidskim/summarize"
)

// selectionVersion changes when selection would keep other frames from
// the same video and settings, orphaning the selections kept before.
const selectionVersion = 1

// selections keeps what plan selected in the library, so that summarize
// with the same selection settings decodes only the kept frames again.
type selections struct {
	lib   *library.Library
	tools string
	log   *slog.Logger
}

// openSelections opens the library for plan: nil with --no-library, and
// nil with a warning when it cannot be opened (plan does not need it).
func openSelections(c *cli.Context, log *slog.Logger) *selections {
	lib, err := openLibrary(c)
	if err != nil {
		log.Warn("the library could not be opened, so this plan's frames are not kept for summarize", "error", err)
	}
	if lib == nil {
		return nil
	}
	return &selections{lib: lib, tools: toolsIdentity(), log: log}
}

func (s *selections) close() {
	if s != nil {
		s.lib.Close()
	}
}

// selectionKey hashes what a selection depends on: the sampling and
// selection settings and the ffmpeg that decodes (tools, as the library
// names it; "" when unknown, and then nothing is kept or reused).
func selectionKey(sel selection, tools string) string {
	e, d := sel.extract, sel.dedupe
	b, _ := json.Marshal([]any{selectionVersion, e.FPS, e.Start, e.End, e.Keyframes, e.Exact, e.MaxLong, e.MaxShort,
		d.Threshold, d.CellThreshold, d.MaxGap, d.MaxFrames, tools}) // numbers, bools and strings: cannot fail
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// record keeps rep's kept frames for in; a failure is a warning.
func (s *selections) record(ctx context.Context, in input, sel selection, rep render.Frames) {
	if s == nil || s.tools == "" {
		return
	}
	fp, err := fingerprintOf(ctx, in)
	if err == nil {
		times := make([]float64, len(rep.Kept))
		for i, k := range rep.Kept {
			times[i] = k.Time
		}
		err = s.lib.RecordSelection(context.WithoutCancel(ctx), fp, selectionKey(sel, s.tools),
			library.Selection{Times: times, Sampled: rep.Sampled, Dropped: rep.Dropped, Skipped: rep.Skipped, Last: rep.LastTime})
	}
	if err != nil {
		s.log.Warn("this plan's frames were not kept for summarize", "video", in.name, "error", err)
	}
}

// reuseSelection is the selection kept for fp under sel, for summarize.
func reuseSelection(ctx context.Context, lib *library.Library, fp library.Fingerprint, sel selection, tools string) *summarize.Reuse {
	if lib == nil || tools == "" {
		return nil
	}
	got, ok, err := lib.Selection(ctx, fp, selectionKey(sel, tools))
	if err != nil || !ok || len(got.Times) == 0 {
		return nil
	}
	return &summarize.Reuse{Times: got.Times, Sampled: got.Sampled, Dropped: got.Dropped, Skipped: got.Skipped, Last: got.Last}
}

// fingerprintOf identifies in by its content (see library.Fingerprint).
func fingerprintOf(ctx context.Context, in input) (library.Fingerprint, error) {
	if in.url {
		return library.FingerprintURL(ctx, &http.Client{Timeout: time.Minute}, in.name)
	}
	return library.FingerprintFile(in.name)
}
