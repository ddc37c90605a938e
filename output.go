package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/vidskim/vidskim/outfile"
	"github.com/vidskim/vidskim/render"
)

// checkFormat refuses a --format the command does not write.
func checkFormat(f render.Format, allowed ...render.Format) error {
	for _, a := range allowed {
		if f == a {
			return nil
		}
	}
	names := ""
	for i, a := range allowed {
		switch {
		case i == 0:
		case i == len(allowed)-1:
			names += " or "
		default:
			names += ", "
		}
		names += string(a)
	}
	return usageError{fmt.Errorf("--format %q: must be %s", f, names)}
}

// checkWritable fails early, before any paid request, when --out cannot
// be written.
func checkWritable(out string) error {
	if out == "" || out == "-" {
		return nil
	}
	if st, err := os.Stat(out); err == nil && st.IsDir() {
		return fmt.Errorf("%s: is a directory", out)
	}
	f, err := os.CreateTemp(filepath.Dir(out), ".vidskim-check-*")
	if err != nil {
		return fmt.Errorf("%s: cannot write there: %w", out, outfile.Cause(err))
	}
	f.Close()
	return os.Remove(f.Name())
}

// writeDoc renders doc and writes it to out atomically, or to stdout. If
// the file cannot be written after all, the result goes to stdout instead,
// so paid work is never lost.
func writeDoc(out string, f render.Format, doc any, stdout io.Writer) error {
	if out == "" || out == "-" {
		return render.Write(stdout, f, doc)
	}
	var buf bytes.Buffer
	if err := render.Write(&buf, f, doc); err != nil {
		return err
	}
	if err := outfile.Write(out, buf.Bytes(), 0o644); err != nil {
		stdout.Write(buf.Bytes())
		return fmt.Errorf("--out %s: %w (the output was written to stdout instead)", out, outfile.Cause(err))
	}
	return nil
}
