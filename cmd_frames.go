package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/vidskim/vidskim/chunk"
	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/outfile"
	"github.com/vidskim/vidskim/render"
)

func framesCmd(c *cli.Context, stdout, stderr io.Writer) error {
	ins, single, err := inputs(c)
	if err != nil {
		return err
	}
	sel, err := selectOptions(c)
	if err != nil {
		return err
	}
	format, dir := render.Format(c.String("format")), c.String("out-dir")
	if err := checkFormat(format, render.Text, render.JSON); err != nil {
		return err
	}
	if !single {
		return framesMany(c, ins, sel, stdout, stderr)
	}
	path := ins[0].name
	var keep func(extract.Frame) (string, error)
	if dir != "" {
		if err := prepareDir(dir, path); err != nil {
			return err
		}
		keep = func(f extract.Frame) (string, error) { return writeFrame(c.Context, dir, f, path) }
	}
	rep, err := framesOf(c.Context, ins[0], sel, keep)
	if err != nil {
		return err
	}
	if err := render.Write(stdout, format, rep); err != nil || format == render.JSON {
		return err
	}
	log := newLogger(c, stderr)
	for _, w := range rep.Warnings {
		log.Warn(w)
	}
	log.Info("frames selected", "sampled", rep.Sampled, "kept", len(rep.Kept), "dropped_by_cap", rep.Dropped, "requests", rep.Requests)
	if !c.Bool("quiet") {
		skipped := ""
		if rep.Skipped > 0 {
			skipped = ", " + notDecoded(rep.Skipped, rep.Video.Duration)
		}
		fmt.Fprintf(stderr, "Plan: %s sampled, %d kept%s, %s. To send them to a model: vidskim summarize; %s.\n",
			render.Count(rep.Sampled, "frame"), len(rep.Kept), skipped, render.Count(rep.Requests, "request"), howToConnect)
	}
	return nil
}

// framesOf opens in (a file or a URL) and selects its frames.
func framesOf(ctx context.Context, in input, sel selection, keep func(extract.Frame) (string, error)) (render.Frames, error) {
	_, rep, err := keptFrames(ctx, in, sel, keep)
	rep.Requests = requestsFor(len(rep.Kept), sel.chunk.FramesPerRequest)
	return rep, err
}

// framesMany selects the frames of every input; with --out-dir each
// video's go to a subdirectory of their own, DIR/<name>/.
func framesMany(c *cli.Context, ins []input, sel selection, stdout, stderr io.Writer) error {
	dir := c.String("out-dir")
	results, err := eachInput(c, ins, render.Format(c.String("format")), stdout, func(ctx context.Context, i int, in input, name string) (any, error) {
		var keep func(extract.Frame) (string, error)
		if dir != "" {
			sub := filepath.Join(dir, name)
			if err := prepareDir(sub, in.name); err != nil {
				return nil, err
			}
			keep = func(f extract.Frame) (string, error) { return writeFrame(ctx, sub, f, in.name) }
		}
		return framesOf(ctx, in, sel, keep)
	})
	if err != nil {
		return err
	}
	reportFailures(stderr, results, c.Bool("quiet"))
	return runEnd(c.Context, results)
}

// prepareDir makes --out-dir and checks it can be written, before decoding.
func prepareDir(dir, input string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return usageError{fmt.Errorf("--out-dir %s: %w", dir, outfile.Cause(err))}
	}
	if err := outfile.Check(filepath.Join(dir, ".vidskim-probe.jpg"), []string{input}); err != nil {
		return usageError{fmt.Errorf("--out-dir %s: cannot write there", dir)}
	}
	return nil
}

// writeFrame saves one frame as DIR/HH-MM-SS.mmm.jpg, a name that sorts in
// time order, never over the input.
func writeFrame(ctx context.Context, dir string, f extract.Frame, input string) (string, error) {
	im, err := chunk.Encode(f, 90)
	if err != nil {
		return "", err
	}
	ms := int64(f.Time*1000 + 0.5)
	name := fmt.Sprintf("%s.%03d.jpg", strings.ReplaceAll(extract.Clock(float64(ms/1000)), ":", "-"), ms%1000)
	p := filepath.Join(dir, name)
	if err := outfile.Check(p, []string{input}); err != nil {
		return "", usageError{fmt.Errorf("--out-dir %w", err)}
	}
	if err := outfile.Write(ctx, p, im.JPEG, 0o644); err != nil {
		return "", fmt.Errorf("--out-dir %w", err)
	}
	return p, nil
}

// requestsFor is the chunk requests plus the merge for n kept frames
// (a long video's merge rounds add a few more).
func requestsFor(n, perRequest int) int { return (n+perRequest-1)/perRequest + 1 }
