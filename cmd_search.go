package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/vidskim/vidskim/library"
	"github.com/vidskim/vidskim/render"
	"github.com/vidskim/vidskim/textsafe"
)

// searchCommand is `vidskim search`.
func searchCommand(stdout, stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:      "search",
		Usage:     "find the moments whose notes, speech, on-screen text or summary match, in every video of the library; no model, no ffmpeg",
		ArgsUsage: `QUERY (words, prefix*, "a phrase", AND, OR, NOT, NEAR(a b))`,
		Flags:     searchFlags(),
		Action:    func(c *cli.Context) error { return searchCmd(c, stdout, stderr) },
	}
}

// searchCmd finds moments in the library: full-text search over what
// every run produced, best first, grouped by video. It reads the library
// only: no model, no ffmpeg.
func searchCmd(c *cli.Context, stdout, stderr io.Writer) error {
	format := render.Format(c.String("format"))
	if err := checkFormat(format, render.Text, render.JSON); err != nil {
		return err
	}
	query := strings.TrimSpace(strings.Join(c.Args().Slice(), " "))
	if query == "" {
		return usageError{errors.New(`missing QUERY: words to find, e.g. vidskim search "red van" or deliv*`)}
	}
	if n := c.Int("limit"); n < 1 || n > 10000 {
		return usageError{fmt.Errorf("--limit %d: must be 1 to 10000", n)}
	}
	if err := checkOutput("out", c.String("out")); err != nil {
		return err
	}
	lib, err := openLibrary(c)
	if err != nil {
		return err
	}
	defer lib.Close()
	o := library.SearchOptions{Limit: c.Int("limit")}
	for _, v := range c.StringSlice("video") {
		ref, err := lib.Resolve(c.Context, v)
		if err != nil {
			return inputError{fmt.Errorf("--video %w", err)}
		}
		if ref.Run != 0 {
			o.Runs = append(o.Runs, ref.Run)
		} else {
			o.Videos = append(o.Videos, ref.Video)
		}
	}
	hits, err := lib.Search(c.Context, query, o)
	if err != nil {
		return err
	}
	if len(hits) == 0 && !c.Bool("quiet") {
		fmt.Fprintf(stderr, "vidskim: no moment matches %s\n", textsafe.Line(query))
	}
	return writeDoc(c.Context, "out", c.String("out"), format, render.Search{Query: query, Videos: library.Group(hits)}, stdout, stdout)
}
