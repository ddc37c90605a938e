package main

import (
	"bytes"
	"context"
	"fmt"
	"io"

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

// checkOutput fails early, before any paid request, when the output path
// named by flag cannot be written or is one of the inputs.
func checkOutput(flag, out string, inputs ...string) error {
	if out == "" || out == "-" {
		return nil
	}
	if err := outfile.Check(out, inputs); err != nil {
		return usageError{fmt.Errorf("--%s %w", flag, err)}
	}
	return nil
}

// writeDoc renders doc and writes it to out (the value of --flag), or to
// stdout when out is "" or "-". A file is written as outfile says (atomic
// for a regular file, in place for a device or pipe). If it cannot be
// written after all and a fallback is given, the result goes there
// instead, so paid work is never lost; the error says which file was not
// written.
func writeDoc(ctx context.Context, flag, out string, f render.Format, doc any, stdout, fallback io.Writer) error {
	if out == "" || out == "-" {
		return render.Write(stdout, f, doc)
	}
	var buf bytes.Buffer
	if err := render.Write(&buf, f, doc); err != nil {
		return err
	}
	err := outfile.Write(ctx, out, buf.Bytes(), 0o644)
	switch {
	case err == nil:
		return nil
	case fallback != nil:
		fallback.Write(buf.Bytes())
		return fmt.Errorf("--%s %w (not written there: the output went to stdout instead)", flag, err)
	}
	return fmt.Errorf("--%s %w (not written)", flag, err)
}
