package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

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
		return fmt.Errorf("%s: cannot write there: %w", out, unwrapPath(err))
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
