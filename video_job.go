package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/library"
	"github.com/vidskim/vidskim/llm"
	"github.com/vidskim/vidskim/summarize"
	"github.com/vidskim/vidskim/textsafe"
)

// outcome is what became of one video.
type outcome struct {
	in     input
	res    summarize.Result
	err    error // as summarize.Run or an earlier step returned it
	served int64 // the library run it was rendered from; 0 if it ran
	run    int64 // the library run it was recorded as; 0 if not recorded
	// skipped marks a file found in a directory that is not a video at
	// all: passed over quietly.
	skipped bool
	out     string // where its output went ("" for stdout)
}

// gate decides, before any request, whether the video may run: the
// budget check. It is called once a video, after preflight.
type gate func(ctx context.Context, v extract.Video) error

// summarizeVideo is the work on one video: from the library when a run
// with these settings is there (no decode, no request), else probe,
// preflight, the gate, the pipeline, and the record of the run.
func (s *session) summarizeVideo(ctx context.Context, in input, pass gate, progress func(summarize.Progress)) outcome {
	o := outcome{in: in}
	fp, known := s.fingerprint(ctx, in)
	if known && s.reuse {
		if res, id, ok := s.fromLibrary(ctx, in, fp); ok {
			o.res, o.served = res, id
			return o
		}
	}
	if known {
		if v, ok, _ := s.lib.Unusable(ctx, fp, s.tools); ok && s.tools != "" {
			o.err, o.skipped = inputError{errors.New(displayName(in) + ": " + v.Reason)}, v.Kind == library.NotVideo && quiet(in)
			return o
		}
	}
	v, err := s.open(ctx, in)
	if err != nil {
		var ie inputError
		o.err, o.skipped = err, quiet(in) && errors.As(err, &ie)
		s.judge(ctx, in, fp, known, library.NotVideo, err)
		return o
	}
	if err := pass(ctx, v); err != nil {
		o.err = err
		return o
	}
	cfg := s.cfg
	cfg.OnProgress, cfg.CheckFirst = progress, true
	if known {
		cfg.Reuse = reuseSelection(ctx, s.lib, fp, s.sel, s.tools)
	}
	if cfg.Reuse != nil {
		s.log.Info("decoding only the frames an earlier plan kept", "video", in.name, "frames", len(cfg.Reuse.Times))
	}
	var mu sync.Mutex
	var keys []string
	kctx := llm.WithCacheKeys(ctx, func(k string) { mu.Lock(); keys = append(keys, k); mu.Unlock() })
	started := time.Now()
	log := s.log
	if s.many {
		log = log.With("video", in.name)
	}
	var client summarize.Client = s.client
	if s.chat != nil {
		client = s.chat
	}
	o.res, o.err = summarize.Run(kctx, client, v, cfg, log)
	o.res.Video.Path = textsafe.Line(in.name) // names are shown cleaned, in every format
	if unusableVideo(o) {
		o.err = classify(o.err)
		s.judge(ctx, in, fp, known, library.Bad, o.err)
		return o
	}
	if known && !s.norecord {
		mu.Lock()
		o.run = s.record(ctx, library.Video{Fingerprint: fp, Probe: v, Path: where(in)}, o, keys, started)
		mu.Unlock()
	}
	return o
}

// unusableVideo says whether a run failed because the video does not
// decode (damaged, or no picture), before any request: the library keeps
// that verdict, and no run is recorded.
func unusableVideo(o outcome) bool {
	u := o.res.Usage
	return (errors.Is(o.err, extract.ErrDamaged) || errors.Is(o.err, extract.ErrNoFrames)) && u.Requests == 0 && u.Cached == 0
}

// quiet says whether a failure to probe in passes without a word: a file
// found in a directory whose name does not say it is a video.
func quiet(in input) bool { return in.walked && !looksLikeVideo(in.name) }

// open probes a file or a URL.
func (s *session) open(ctx context.Context, in input) (extract.Video, error) {
	return openInput(ctx, in, s.sel.extract)
}

// fingerprint identifies in by its content, when there is a library to
// look it up in; false when it cannot (a missing file, a server without
// range requests), and the video is then neither looked up nor recorded.
func (s *session) fingerprint(ctx context.Context, in input) (library.Fingerprint, bool) {
	if s.lib == nil {
		return library.Fingerprint{}, false
	}
	fp, err := fingerprintOf(ctx, in)
	if err != nil {
		s.log.Debug("not in the library: no fingerprint", "video", in.name, "error", err)
	}
	return fp, err == nil
}

// fromLibrary renders the stored run of in under these settings, if
// there is one: its usage then says every answer came from the cache, as
// a re-run with every answer cached would.
func (s *session) fromLibrary(ctx context.Context, in input, fp library.Fingerprint) (summarize.Result, int64, bool) {
	id, ok, err := s.lib.Find(ctx, fp, s.key)
	if err == nil && !ok && s.alsoKey != "" {
		id, ok, err = s.lib.Find(ctx, fp, s.alsoKey) // a run with a summary has the descriptions too
	}
	if err != nil || !ok {
		return summarize.Result{}, 0, false
	}
	st, err := s.lib.Load(ctx, id)
	if err != nil {
		s.log.Warn(fmt.Sprintf("run %d in the library could not be read, so the video is run again", id), "error", err)
		return summarize.Result{}, 0, false
	}
	res := st.Result
	res.Video.Path = in.name
	res.Usage = st.Result.Usage.Served()
	if s.norecord {
		return res, id, true
	}
	if err := s.lib.Served(ctx, id, library.Video{Fingerprint: fp, Probe: st.Probe, Path: where(in)}, res.Usage.SavedUSD); err != nil {
		s.log.Warn("the library could not note that a run was reused", "error", err)
	}
	s.log.Info("rendered from the library", "video", in.name, "run", id)
	return res, id, true
}

// judge keeps the verdict on a file that is not a usable video, so later
// runs over the same directory need not probe it again.
func (s *session) judge(ctx context.Context, in input, fp library.Fingerprint, known bool, kind string, err error) {
	var ie inputError
	if !known || s.tools == "" || !errors.As(err, &ie) || ctx.Err() != nil {
		return
	}
	reason := strings.TrimPrefix(err.Error(), displayName(in)+": ")
	if rerr := s.lib.RecordUnusable(ctx, fp, s.tools, library.Verdict{Kind: kind, Reason: reason}); rerr != nil {
		s.log.Warn("the library could not keep that this file is not a usable video", "video", in.name, "error", rerr)
	}
}

// record writes the run in the library, whatever its end: what a failed
// or interrupted run paid counts too, and returns its ID. A run that
// cannot be recorded is still a run: the failure is a warning.
func (s *session) record(ctx context.Context, v library.Video, o outcome, keys []string, started time.Time) int64 {
	status := library.Complete
	switch {
	case ctx.Err() != nil:
		status = library.Interrupted
	case errors.Is(o.err, summarize.ErrPartial) && o.res.Summary != "":
		status = library.Partial
	case errors.Is(o.err, summarize.ErrIncomplete):
		status = library.Incomplete
	case o.err != nil:
		status = library.Failed
	}
	saved := o.res.Usage.SavedUSD
	msg := ""
	if o.err != nil {
		msg = o.err.Error()
	}
	id, err := s.lib.Record(context.WithoutCancel(ctx), library.Run{Video: v, SettingsKey: s.key, Settings: s.settings,
		Status: status, Error: msg, Started: started, Finished: time.Now(), Result: o.res, CacheKeys: keys, SavedUSD: saved})
	if err != nil {
		s.log.Warn("the run was not recorded in the library", "video", o.in.name, "error", err)
	}
	return id
}

// where is the place the library notes: an absolute path, or the URL.
func where(in input) string {
	if in.url {
		return in.name
	}
	if abs, err := filepath.Abs(in.name); err == nil {
		return abs
	}
	return in.name
}

// displayName is how an error names the input: its base name, as
// extract's errors do.
func displayName(in input) string {
	if in.url {
		return in.name
	}
	return filepath.Base(in.name)
}
