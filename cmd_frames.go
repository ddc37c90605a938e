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
	path, sel, err := videoAndSelection(c)
	if err != nil {
		return err
	}
	format, dir := render.Format(c.String("format")), c.String("out-dir")
	if err := checkFormat(format, render.Text, render.JSON); err != nil {
		return err
	}
	var keep func(extract.Frame) (string, error)
	if dir != "" {
		if err := prepareDir(dir, path); err != nil {
			return err
		}
		keep = func(f extract.Frame) (string, error) { return writeFrame(c.Context, dir, f, path) }
	}
	_, rep, err := keptFrames(c.Context, path, sel, keep)
	if err != nil {
		return err
	}
	rep.Requests = requestsFor(len(rep.Kept), sel.chunk.FramesPerRequest)
	if err := render.Write(stdout, format, rep); err != nil || format == render.JSON {
		return err
	}
	log := newLogger(c, stderr)
	for _, w := range rep.Warnings {
		log.Warn(w)
	}
	log.Info("frames selected", "sampled", rep.Sampled, "kept", len(rep.Kept), "dropped_by_cap", rep.Dropped, "requests", rep.Requests)
	if !c.Bool("quiet") {
		fmt.Fprintf(stderr, "Plan: %d frames sampled, %d kept, %d requests. To send them to a model: vidskim summarize; %s.\n",
			rep.Sampled, len(rep.Kept), rep.Requests, howToConnect)
	}
	return nil
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
