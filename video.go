package main

import (
	"context"
	"errors"
	"math"

	"github.com/vidskim/vidskim/dedupe"
	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/render"
	"github.com/vidskim/vidskim/summarize"
	"github.com/vidskim/vidskim/textsafe"
)

// keptFrames opens in and runs selection without a model, as plan and
// frames do.
func keptFrames(ctx context.Context, in input, sel selection, keep func(extract.Frame) (string, error)) (extract.Video, render.Frames, error) {
	v, err := openInput(ctx, in, sel.extract)
	if err != nil {
		return v, render.Frames{}, err
	}
	rep, err := selectFrames(ctx, v, sel, keep)
	rep.Video.Path = textsafe.Line(in.name)
	return v, rep, classify(err)
}

// openInput probes a file, or a URL with ffprobe reading it over http(s)
// only, and checks the range options against it, before any decoding.
// Any failure is the input's fault, except a missing ffprobe.
func openInput(ctx context.Context, in input, eo extract.Options) (extract.Video, error) {
	if !in.url {
		return openVideo(ctx, in.name, eo)
	}
	v, err := extract.ProbeURL(ctx, in.name, "")
	return checkOpened(ctx, eo, v, err)
}

// openVideo probes path and checks the range options against it, before
// any decoding. Any failure is the file's fault, except a missing ffprobe.
func openVideo(ctx context.Context, path string, eo extract.Options) (extract.Video, error) {
	v, err := extract.Probe(ctx, path, "")
	return checkOpened(ctx, eo, v, err)
}

// checkOpened classifies a probe's failure and checks the range options.
func checkOpened(ctx context.Context, eo extract.Options, v extract.Video, err error) (extract.Video, error) {
	if err != nil && !errors.Is(err, extract.ErrToolMissing) && ctx.Err() == nil {
		return v, inputError{err}
	}
	if err != nil {
		return v, err
	}
	if err := eo.Validate(v); err != nil {
		return v, usage(err)
	}
	return v, nil
}

// videoInfo is v as outputs describe it.
func videoInfo(path string, v extract.Video) summarize.VideoInfo {
	return summarize.VideoInfo{Path: textsafe.Line(path), Duration: v.Duration, Width: v.Width, Height: v.Height, Codec: v.Codec}
}

// selectFrames runs extraction and selection without a model, giving each
// kept frame to keep (nil: none) as it comes.
func selectFrames(ctx context.Context, v extract.Video, sel selection, keep func(extract.Frame) (string, error)) (render.Frames, error) {
	rep := render.Frames{Video: videoInfo(v.Path, v), Kept: []render.KeptFrame{}}
	kept := make(chan extract.Frame)
	errc := make(chan error, 1)
	go func() {
		var err error
		for f := range kept {
			if err != nil {
				continue // drain; the error is reported once
			}
			k := render.KeptFrame{Index: f.Index, Time: f.Time}
			if keep != nil {
				k.File, err = keep(f)
			}
			rep.Kept = append(rep.Kept, k)
		}
		errc <- err
	}()
	xs, ds, err := dedupe.Select(ctx, v, sel.extract, sel.dedupe, kept)
	close(kept)
	if werr := <-errc; err == nil {
		err = werr
	}
	rep.Sampled, rep.Dropped, rep.Warnings = ds.Sampled, ds.Dropped, xs.Warnings(v, sel.extract)
	rep.Skipped, rep.LastTime = math.Round(xs.Skipped*10)/10, xs.LastTime
	return rep, err
}
