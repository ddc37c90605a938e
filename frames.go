package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"
	"github.com/vidskim/vidskim/chunk"
	"github.com/vidskim/vidskim/dedupe"
	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/summarize"
)

// keptFrame is one line of the frames command's output.
type keptFrame struct {
	Index int     `json:"index"`
	Time  float64 `json:"time_s"`
	File  string  `json:"file,omitempty"`
}

// framesReport is the frames command's --format json output.
type framesReport struct {
	Video    summarize.VideoInfo `json:"video"`
	Sampled  int                 `json:"sampled"`
	Kept     []keptFrame         `json:"kept"`
	Dropped  int                 `json:"dropped_by_cap"`
	Requests int                 `json:"requests"`
	Warnings []string            `json:"warnings,omitempty"`
}

func framesCmd(c *cli.Context, stdout, stderr io.Writer) error {
	path, err := videoArg(c)
	if err != nil {
		return err
	}
	eo, do, co, _, err := selectOptions(c)
	if err != nil {
		return err
	}
	format, dir := c.String("format"), c.String("out-dir")
	if format != "text" && format != "json" {
		return usageError{fmt.Errorf("--format %q: must be text or json", format)}
	}
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return usageError{fmt.Errorf("--out-dir %s: %w", dir, unwrapPath(err))}
		}
		if err := checkWritable(filepath.Join(dir, "x")); err != nil {
			return usageError{fmt.Errorf("--out-dir %s: cannot write there", dir)}
		}
	}
	v, err := openVideo(c.Context, path, eo)
	if err != nil {
		return err
	}
	rep, err := selectFrames(c.Context, v, eo, do, dir)
	if err != nil {
		return classify(err)
	}
	rep.Video.Path = path
	rep.Requests = requestsFor(len(rep.Kept), co.FramesPerRequest)
	if format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	return writeFramesText(stdout, stderr, rep, newLogger(c, stderr), c.Bool("quiet"))
}

// selectFrames runs extraction and selection and writes each kept frame.
func selectFrames(ctx context.Context, v extract.Video, eo extract.Options, do dedupe.Options, dir string) (framesReport, error) {
	rep := framesReport{Video: summarize.VideoInfo{Path: v.Path, Duration: v.Duration, Width: v.Width, Height: v.Height, Codec: v.Codec}, Kept: []keptFrame{}}
	kept := make(chan extract.Frame)
	errc := make(chan error, 1)
	go func() {
		var err error
		for f := range kept {
			if err != nil {
				continue // drain; the error is reported once
			}
			k := keptFrame{Index: f.Index, Time: f.Time}
			if dir != "" {
				k.File, err = writeFrame(dir, f)
			}
			rep.Kept = append(rep.Kept, k)
		}
		errc <- err
	}()
	xs, ds, err := dedupe.Select(ctx, v, eo, do, kept)
	close(kept)
	if werr := <-errc; err == nil {
		err = werr
	}
	rep.Sampled, rep.Dropped, rep.Warnings = ds.Sampled, ds.Dropped, xs.Warnings(v, eo)
	return rep, err
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
	if err := atomicWrite(p, im.JPEG); err != nil {
		return "", fmt.Errorf("write %s: %w", p, unwrapPath(err))
	}
	return p, nil
}

func writeFramesText(stdout, stderr io.Writer, rep framesReport, log *slog.Logger, quiet bool) error {
	for _, k := range rep.Kept {
		if _, err := fmt.Fprintf(stdout, "%s\t%.3f\t%s\n", extract.Clock(k.Time), k.Time, oneLine(k.File)); err != nil {
			return err
		}
	}
	for _, w := range rep.Warnings {
		log.Warn(w)
	}
	log.Info("frames selected", "sampled", rep.Sampled, "kept", len(rep.Kept), "dropped_by_cap", rep.Dropped, "requests", rep.Requests)
	if quiet {
		return nil
	}
	fmt.Fprintf(stderr, "Plan: %d frames sampled, %d kept, %d requests. To send them to a model: vidskim summarize; %s.\n",
		rep.Sampled, len(rep.Kept), rep.Requests, howToConnect)
	return nil
}

// requestsFor is the chunk requests plus the merge for n kept frames
// (a long video's merge rounds add a few more).
func requestsFor(n, perRequest int) int { return (n+perRequest-1)/perRequest + 1 }
