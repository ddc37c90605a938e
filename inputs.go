package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/outfile"
)

// stdin is where `-` reads paths from; tests replace it.
var stdin io.Reader = os.Stdin

// input is one video to work on, as named and as opened.
type input struct {
	name string // as the user named it (or as found in a directory): what outputs show
	url  bool   // an http(s) URL that ffmpeg reads itself
	// walked is set for files found by walking a directory: those that
	// are not videos at all are passed over quietly.
	walked bool
	// outName, when set, is its output name, made over all inputs (a
	// shard has only its share of them).
	outName string
}

// inputs expands the command's arguments: files, directories (walked,
// every file in name order), `-` (paths on stdin, one a line) and http(s)
// URLs. single is true when there is one argument naming one file or URL:
// that run behaves exactly as a one-video run always has.
func inputs(c *cli.Context) (ins []input, single bool, err error) {
	return inputsOf(c, c.Args().Slice())
}

// inputsOf is inputs over args.
func inputsOf(c *cli.Context, args []string) (ins []input, single bool, err error) {
	if len(args) == 0 {
		return nil, false, usageError{errors.New("missing VIDEO: name a video file, a directory, a URL or - (paths on stdin)")}
	}
	include, exclude := c.StringSlice("include"), c.StringSlice("exclude")
	for _, g := range append(append([]string{}, include...), exclude...) {
		if _, err := filepath.Match(g, ""); err != nil {
			return nil, false, usageError{fmt.Errorf("glob %q: %w", g, err)}
		}
	}
	for _, a := range args {
		more, err := expand(a, include, exclude)
		if err != nil {
			return nil, false, err
		}
		ins = append(ins, more...)
	}
	if len(args) == 1 && len(ins) == 1 && !ins[0].walked && args[0] != "-" {
		return ins, true, nil
	}
	if len(ins) == 0 {
		return nil, false, inputError{fmt.Errorf("no files found in %s", strings.Join(args, ", "))}
	}
	return ins, false, nil
}

// expand turns one argument into inputs.
func expand(a string, include, exclude []string) ([]input, error) {
	switch {
	case a == "-":
		return fromStdin(include, exclude)
	case extract.IsURL(a):
		u, err := url.Parse(a)
		if err != nil || u.Host == "" {
			return nil, usageError{fmt.Errorf("%s: not a usable URL", a)}
		}
		return []input{{name: a, url: true}}, nil
	}
	st, err := os.Stat(a)
	if err != nil || !st.IsDir() {
		return []input{{name: a}}, nil // a file, or an error said when it is opened
	}
	var out []input
	err = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("%s: %w", p, outfile.Cause(err))
		}
		if d.Type().IsRegular() && wanted(p, include, exclude) {
			out = append(out, input{name: p, walked: true})
		}
		return nil
	})
	if err != nil {
		return nil, inputError{err}
	}
	return out, nil
}

// fromStdin reads one path (or URL) a line; blank lines are skipped, and
// a directory named there is walked too.
func fromStdin(include, exclude []string) ([]input, error) {
	var out []input
	sc := bufio.NewScanner(stdin)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || line == "-" {
			continue
		}
		more, err := expand(line, include, exclude)
		if err != nil {
			return nil, err
		}
		out = append(out, more...)
	}
	if err := sc.Err(); err != nil {
		return nil, usageError{fmt.Errorf("reading paths from stdin: %w", err)}
	}
	return out, nil
}

// wanted applies --include (any may match; none given: all) and
// --exclude (none may match) to a file's base name and to its path.
func wanted(p string, include, exclude []string) bool {
	match := func(globs []string) bool {
		for _, g := range globs {
			if ok, _ := filepath.Match(g, filepath.Base(p)); ok {
				return true
			}
			if ok, _ := filepath.Match(g, filepath.ToSlash(p)); ok {
				return true
			}
		}
		return false
	}
	return (len(include) == 0 || match(include)) && !match(exclude)
}

// videoExts are the names a walked file is expected to be a video by: one
// of those that ffprobe finds no video in is reported as a bad video; any
// other such file is passed over as not a video.
var videoExts = map[string]bool{".mp4": true, ".m4v": true, ".mov": true, ".mkv": true, ".webm": true, ".avi": true,
	".ts": true, ".mts": true, ".m2ts": true, ".mpg": true, ".mpeg": true, ".wmv": true, ".flv": true, ".3gp": true,
	".ogv": true, ".mxf": true, ".dv": true, ".vob": true, ".asf": true, ".h264": true, ".hevc": true, ".y4m": true}

func looksLikeVideo(name string) bool { return videoExts[strings.ToLower(filepath.Ext(name))] }
