package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/vidskim/vidskim/library"
	"github.com/vidskim/vidskim/outfile"
	"github.com/vidskim/vidskim/textsafe"
)

// libraryImport reads the run records that sharded runs write beside
// their outputs (DIR/.vidskim/runs/*.json) into the library, so one
// machine holds, lists, shows and serves what a cluster summarized: each
// run once, however often it is imported. A record file may be named
// directly too.
func libraryImport(c *cli.Context, stdout, stderr io.Writer) error {
	if c.NArg() == 0 {
		return usageError{errors.New("name the directories the shards wrote their outputs in (their --out-dir), or run record files")}
	}
	var files []string
	for _, a := range c.Args().Slice() {
		found, err := recordFiles(a)
		if err != nil {
			return inputError{err}
		}
		files = append(files, found...)
	}
	if len(files) == 0 {
		return inputError{fmt.Errorf("no run records in %s (sharded runs write them under DIR/.vidskim/runs/)", strings.Join(c.Args().Slice(), ", "))}
	}
	lib, err := openLibrary(c)
	if err != nil {
		return err
	}
	defer lib.Close()
	added, known, bad := 0, 0, 0
	for _, f := range files {
		ok, err := importRecord(c, lib, f)
		switch {
		case err != nil:
			bad++
			fmt.Fprintf(stderr, "vidskim: %s: %s\n", textsafe.Line(f), textsafe.Line(err.Error()))
		case ok:
			added++
		default:
			known++
		}
	}
	fmt.Fprintf(stdout, "imported %d runs from %d record files (%d were in the library already) into %s\n", added, len(files), known, lib.Path())
	if bad > 0 {
		return fmt.Errorf("%d of %d record files could not be imported (see above)", bad, len(files))
	}
	return nil
}

// recordFiles are the record files under path (a directory a shard wrote
// in), or path itself.
func recordFiles(path string) ([]string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, outfile.Cause(err))
	}
	if !st.IsDir() {
		return []string{path}, nil
	}
	var out []string
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("%s: %w", p, outfile.Cause(err))
		}
		dir := filepath.Dir(p)
		if d.Type().IsRegular() && strings.HasSuffix(p, ".json") && filepath.Base(dir) == "runs" && filepath.Base(filepath.Dir(dir)) == ".vidskim" {
			out = append(out, p)
		}
		return nil
	})
	return out, err
}

// importRecord reads one record file into the library; false when the
// library had the run already.
func importRecord(c *cli.Context, lib *library.Library, path string) (bool, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return false, outfile.Cause(err)
	}
	var rec library.RunRecord
	if err := json.Unmarshal(data, &rec); err != nil {
		return false, fmt.Errorf("not a vidskim run record: %v", err)
	}
	_, added, err := lib.Import(c.Context, rec)
	return added, err
}
