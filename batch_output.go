package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"github.com/urfave/cli/v2"

	"github.com/vidskim/vidskim/outfile"
	"github.com/vidskim/vidskim/render"
	"github.com/vidskim/vidskim/summarize"
	"github.com/vidskim/vidskim/textsafe"
)

// batchOutput writes the outputs of a many-video run: with --out-dir one
// file a video (DIR/<name>.<ext>, names made unique); without, one
// document on stdout or --out, the videos in input order (JSON Lines for
// json, a section a video for md and text). Reports (--report DIR) go to
// DIR/<name>.html.
type batchOutput struct {
	format    render.Format
	dir       string
	reportDir string
	out       string // --out: the joined document, written at the end
	names     []string
	stdout    io.Writer

	mu    sync.Mutex
	parts [][]byte
	ready []bool
	next  int  // the first part not yet on stdout
	wrote bool // a part went out already
}

// newBatchOutput checks the output flags against many inputs and makes
// every output name, before any work; dir is where documents go, one a
// video ("": joined, on stdout or --out).
func newBatchOutput(c *cli.Context, format render.Format, ins []input, stdout io.Writer, dir string) (*batchOutput, error) {
	b := &batchOutput{format: format, dir: dir, out: c.String("out"), stdout: stdout,
		parts: make([][]byte, len(ins)), ready: make([]bool, len(ins))}
	if b.out == "-" {
		b.out = ""
	}
	if c.IsSet("report") {
		b.reportDir = c.String("report")
	}
	switch {
	case b.dir != "" && b.out != "":
		return nil, usageError{errors.New("--out and --out-dir: with several videos choose one (--out-dir writes a file a video)")}
	case b.dir == "" && (format == render.SRT || format == render.VTT):
		return nil, usageError{fmt.Errorf("--format %s with several videos needs --out-dir DIR (a subtitle file a video)", format)}
	}
	var paths []string
	for _, in := range ins {
		if !in.url {
			paths = append(paths, in.name)
		}
	}
	b.names = uniqueNames(ins)
	for _, d := range []struct{ flag, dir, ext string }{{"out-dir", b.dir, string(format)}, {"report", b.reportDir, "html"}} {
		if err := checkDir(d.flag, d.dir, d.ext, b.names, paths); err != nil {
			return nil, err
		}
	}
	if err := checkOutput("out", b.out, paths...); err != nil {
		return nil, err
	}
	return b, nil
}

// checkDir makes dir and checks that each output in it can be written
// and is none of the inputs.
func checkDir(flag, dir, ext string, names, inputs []string) error {
	if dir == "" {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return usageError{fmt.Errorf("--%s %s: %w", flag, dir, outfile.Cause(err))}
	}
	for _, n := range names {
		if err := outfile.Check(filepath.Join(dir, n+"."+ext), inputs); err != nil {
			return usageError{fmt.Errorf("--%s %w", flag, err)}
		}
	}
	return nil
}

// uniqueNames gives each input an output name: its base name without the
// extension, cleaned, with -2, -3... added where names repeat.
func uniqueNames(ins []input) []string {
	seen := map[string]bool{}
	out := make([]string, len(ins))
	for i, in := range ins {
		if in.outName != "" {
			out[i] = in.outName
			continue
		}
		base := filepath.Base(in.name)
		if u, err := url.Parse(in.name); in.url && err == nil {
			base = path.Base(u.Path)
		}
		base = strings.TrimSuffix(base, filepath.Ext(base))
		base = strings.TrimLeft(strings.Map(func(r rune) rune {
			if r == '/' || r == '\\' || r < 0x20 || r == 0x7f {
				return '_'
			}
			return r
		}, textsafe.Line(base)), ".")
		if base == "" {
			base = "video"
		}
		name := base
		for n := 2; seen[strings.ToLower(name)]; n++ {
			name = fmt.Sprintf("%s-%d", base, n)
		}
		seen[strings.ToLower(name)] = true
		out[i] = name
	}
	return out
}

// written says whether o has a result to write: a success, or a partial
// summary that --partial asked for.
func written(o outcome) bool {
	return o.err == nil || errors.Is(o.err, summarize.ErrPartial) && o.res.Summary != ""
}

// write puts video i's output where it goes and says where that is.
func (b *batchOutput) write(ctx context.Context, i int, o outcome, status string) (string, error) {
	if b.dir != "" || b.reportDir != "" {
		if !written(o) {
			return "", b.skip(i)
		}
		var err error
		where := ""
		if b.dir != "" {
			where = filepath.Join(b.dir, b.names[i]+"."+string(b.format))
			err = writeDoc(ctx, "out-dir", where, b.format, o.res, nil, nil)
		}
		if b.reportDir != "" {
			err = errors.Join(err, writeDoc(ctx, "report", filepath.Join(b.reportDir, b.names[i]+".html"), render.HTML, o.res, nil, nil))
		}
		if b.dir != "" {
			return where, err
		}
	}
	var doc any = o.res
	if !written(o) {
		doc = render.Failed{Video: summarize.VideoInfo{Path: o.in.name}, Status: status, Error: message(o.err)}
	}
	return b.part(i, o.in.name, doc)
}

// skip marks video i as having no part in the joined document.
func (b *batchOutput) skip(i int) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.ready[i] = true
	b.flush()
	return nil
}

// part renders video i's piece of the joined document (JSON Lines for
// json; a section for md; a "==> name <==" block for text) and sends on
// what is ready, in input order.
func (b *batchOutput) part(i int, name string, doc any) (string, error) {
	format := b.format
	if format == render.JSON {
		format = render.JSONLines
	}
	var buf bytes.Buffer
	if format == render.Text {
		fmt.Fprintf(&buf, "==> %s <==\n", textsafe.Line(name))
	}
	err := render.Write(&buf, format, doc)
	b.mu.Lock()
	defer b.mu.Unlock()
	b.parts[i], b.ready[i] = buf.Bytes(), true
	b.flush()
	if b.out != "" {
		return b.out, err
	}
	return "stdout", err
}

// flush sends the parts ready in order to stdout (unless they go to
// --out), a blank line between sections.
func (b *batchOutput) flush() {
	for b.out == "" && b.next < len(b.ready) && b.ready[b.next] {
		b.emit(b.stdout, b.parts[b.next])
		b.parts[b.next] = nil
		b.next++
	}
}

func (b *batchOutput) emit(w io.Writer, part []byte) {
	if len(part) == 0 {
		return
	}
	if b.wrote && b.format != render.JSON {
		io.WriteString(w, "\n")
	}
	w.Write(part)
	b.wrote = true
}

// finish writes the joined document to --out, if that is where it goes;
// stdout takes it if the file cannot be written.
func (b *batchOutput) finish(ctx context.Context) error {
	if b.out == "" {
		return nil
	}
	var all bytes.Buffer
	for _, p := range b.parts {
		b.emit(&all, p)
	}
	err := outfile.Write(ctx, b.out, all.Bytes(), 0o644)
	if err != nil {
		b.stdout.Write(all.Bytes())
		return fmt.Errorf("--out %w (not written there: the output went to stdout instead)", err)
	}
	return nil
}
