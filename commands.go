package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
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

// howToConnect is said whenever there is no model to talk to.
const howToConnect = "set OPENAI_API_KEY (or --api-key) for OpenAI, or point --base-url at an OpenAI-compatible server, e.g. --base-url http://localhost:11434/v1 for Ollama"

func summarizeCmd(c *cli.Context, stdout, stderr io.Writer) error {
	path, err := videoArg(c)
	if err != nil {
		return err
	}
	eo, do, co, detail, err := selectOptions(c)
	if err != nil {
		return err
	}
	mo, err := modelOptions(c, detail)
	if err != nil {
		return err
	}
	format := c.String("format")
	if format != "md" && format != "json" {
		return usageError{fmt.Errorf("--format %q: must be md or json", format)}
	}
	prov, err := newProvider(c, &mo)
	if err != nil {
		return err
	}
	if max := prov.maxImages(); max > 0 && co.FramesPerRequest > max {
		return usageError{fmt.Errorf("--frames-per-request %d: Azure OpenAI takes at most %d images a request", co.FramesPerRequest, max)}
	}
	if err := checkWritable(c.String("out")); err != nil {
		return usageError{err}
	}
	v, err := probe(c.Context, path)
	if err != nil {
		return err
	}
	if err := eo.Validate(v); err != nil {
		return usageError{err}
	}
	if err := extract.Preflight(c.Context, v, eo); err != nil {
		return classify(err)
	}
	log := newLogger(c, stderr)
	if err := checkRequestBudget(c.Context, c.Int("max-requests"), v, eo, do, co); err != nil {
		return err
	}
	client := prov.client(log)
	cfg := summarize.Config{Extract: eo, Dedupe: do, Chunk: co, Model: mo, Partial: c.Bool("partial")}
	res, err := summarize.Run(c.Context, client, v, cfg, log)
	res.Video.Path = path
	if err != nil && !(errors.Is(err, summarize.ErrPartial) && res.Summary != "") {
		return classify(err)
	}
	runErr := err
	var buf bytes.Buffer
	if format == "json" {
		err = res.WriteJSON(&buf)
	} else {
		err = res.WriteMarkdown(&buf)
	}
	if err != nil {
		return err
	}
	if err := writeOutput(c.String("out"), buf.Bytes(), stdout); err != nil {
		return err
	}
	return runErr
}

// checkRequestBudget refuses, before anything is paid, a run that needs
// more than max requests. When even every sampled frame would fit, no
// count is needed; otherwise selection runs once, without a model, to
// count the chunks exactly.
func checkRequestBudget(ctx context.Context, max int, v extract.Video, eo extract.Options, do dedupe.Options, co chunk.Options) error {
	if max <= 0 {
		return nil
	}
	fps := eo.FPS
	end := v.Duration
	if eo.End > 0 && (end == 0 || eo.End < end) {
		end = eo.End
	}
	bound := int((end-eo.Start)*fps) + 2
	if end > 0 && requestsFor(bound, co.FramesPerRequest) <= max {
		return nil
	}
	rep, err := selectFrames(ctx, v, eo, do, "")
	if err != nil {
		return classify(err)
	}
	if need := requestsFor(len(rep.Kept), co.FramesPerRequest); need > max {
		return usageError{fmt.Errorf("this run needs %d model requests (%d frames kept), more than --max-requests %d: raise it, or lower --fps or --max-frames", need, len(rep.Kept), max)}
	}
	return nil
}

// requestsFor is the chunk requests plus the merge for n kept frames
// (a long video's merge rounds add a few more).
func requestsFor(n, perRequest int) int { return (n+perRequest-1)/perRequest + 1 }

// classify marks errors that are the video file's fault.
func classify(err error) error {
	for _, e := range []error{extract.ErrNoFrames, extract.ErrNoVideoStream, extract.ErrNotMedia, extract.ErrUnsupportedCodec, extract.ErrDamaged} {
		if errors.Is(err, e) {
			return inputError{err}
		}
	}
	return err
}

// checkWritable fails early, before any paid request, when --out cannot
// be written.
func checkWritable(out string) error {
	if out == "" || out == "-" {
		return nil
	}
	if st, err := os.Stat(out); err == nil && st.IsDir() {
		return fmt.Errorf("--out %s: is a directory", out)
	}
	f, err := os.CreateTemp(filepath.Dir(out), ".vidskim-check-*")
	if err != nil {
		return fmt.Errorf("--out %s: cannot write there: %w", out, unwrapPath(err))
	}
	f.Close()
	return os.Remove(f.Name())
}

// writeOutput writes data to out atomically (temp file, then rename), or to
// stdout. If the file cannot be written after all, the result goes to
// stdout instead, so paid work is never lost.
func writeOutput(out string, data []byte, stdout io.Writer) error {
	if out == "" || out == "-" {
		_, err := stdout.Write(data)
		return err
	}
	err := atomicWrite(out, data)
	if err != nil {
		stdout.Write(data)
		return fmt.Errorf("--out %s: %w (the output was written to stdout instead)", out, unwrapPath(err))
	}
	return nil
}

func atomicWrite(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".vidskim-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

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
	v, err := probe(c.Context, path)
	if err != nil {
		return err
	}
	if err := eo.Validate(v); err != nil {
		return usageError{err}
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
		if _, err := fmt.Fprintf(stdout, "%s\t%.3f\t%s\n", extract.Clock(k.Time), k.Time, k.File); err != nil {
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
