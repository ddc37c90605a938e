package main

import (
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
	path, err := videoArg(c)
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
	var keep func(extract.Frame) (string, error)
	if dir != "" {
		if err := prepareDir(dir); err != nil {
			return err
		}
		keep = func(f extract.Frame) (string, error) { return writeFrame(dir, f) }
	}
	v, err := openVideo(c.Context, path, sel.extract)
	if err != nil {
		return err
	}
	rep, err := selectFrames(c.Context, v, sel, keep)
	if err != nil {
		return classify(err)
	}
	rep.Video.Path = path
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
func prepareDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return usageError{fmt.Errorf("--out-dir %s: %w", dir, outfile.Cause(err))}
	}
	if err := checkWritable(filepath.Join(dir, "x")); err != nil {
		return usageError{fmt.Errorf("--out-dir %s: cannot write there", dir)}
	}
	return nil
}

// writeFrame saves one frame as DIR/HH-MM-SS.mmm.jpg, a name that sorts in
// time order.
func writeFrame(dir string, f extract.Frame) (string, error) {
	im, err := chunk.Encode(f, 90)
	if err != nil {
		return "", err
	}
	ms := int64(f.Time*1000 + 0.5)
	name := fmt.Sprintf("%s.%03d.jpg", strings.ReplaceAll(extract.Clock(float64(ms/1000)), ":", "-"), ms%1000)
	p := filepath.Join(dir, name)
	if err := outfile.Write(p, im.JPEG, 0o644); err != nil {
		return "", fmt.Errorf("write %s: %w", p, outfile.Cause(err))
	}
	return p, nil
}

// requestsFor is the chunk requests plus the merge for n kept frames
// (a long video's merge rounds add a few more).
func requestsFor(n, perRequest int) int { return (n+perRequest-1)/perRequest + 1 }
