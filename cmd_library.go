package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/library"
	"github.com/vidskim/vidskim/llm"
	"github.com/vidskim/vidskim/outfile"
	"github.com/vidskim/vidskim/render"
	"github.com/vidskim/vidskim/serve"
	"github.com/vidskim/vidskim/summarize"
)

// libraryCommand is `vidskim library`: what the library remembers, shown
// again in any format without ffmpeg or a model, forgotten, added up.
func libraryCommand(stdout, stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:  "library",
		Usage: "the runs vidskim remembers: list, show, forget, stats, import",
		Subcommands: []*cli.Command{
			{Name: "list", Usage: "list the videos (with duration, runs, last run, total cost), or one video's runs",
				ArgsUsage: "[VIDEO|ID]", Flags: libraryCmdFlags("text json"), Action: func(c *cli.Context) error { return libraryList(c, stdout) }},
			{Name: "show", Usage: "render a stored run again in any format, without ffmpeg or a model (html needs the video for its frames)",
				ArgsUsage: "VIDEO|ID", Flags: libraryCmdFlags("md json srt vtt html"), Action: func(c *cli.Context) error { return libraryShow(c, stdout) }},
			{Name: "forget", Usage: "remove a video (all its runs) or one run, and the cached answers only it used",
				ArgsUsage: "VIDEO|ID", Flags: append(libraryFlags()[:1], cacheDirFlag()), Action: func(c *cli.Context) error { return libraryForget(c, stdout) }},
			{Name: "stats", Usage: "videos, hours, requests, tokens, money spent, money the cache and the library saved",
				Flags: libraryCmdFlags("text json"), Action: func(c *cli.Context) error { return libraryStats(c, stdout) }},
			{Name: "import", Usage: "add the runs that sharded runs recorded beside their outputs (DIR/.vidskim/runs/) to the library, each once",
				ArgsUsage: "DIR...", Flags: libraryFlags()[:1], Action: func(c *cli.Context) error { return libraryImport(c, stdout, stderr) }},
		},
	}
}

// libraryRef opens the library and resolves the one argument, if asked.
func libraryRef(c *cli.Context, need bool) (*library.Library, library.Ref, error) {
	switch n := c.NArg(); {
	case need && n == 0:
		return nil, library.Ref{}, usageError{errors.New("name a video (a file, a path or URL it was seen at, or its ID) or a run ID: see vidskim library list")}
	case n > 1 || !need && n > 0 && c.Command.Name != "list":
		return nil, library.Ref{}, usageError{fmt.Errorf("one VIDEO or ID at a time, got %d arguments", n)}
	}
	lib, err := openLibrary(c)
	if err != nil || c.NArg() == 0 {
		return lib, library.Ref{}, err
	}
	ref, err := lib.Resolve(c.Context, c.Args().First())
	if err != nil {
		lib.Close()
		return nil, ref, inputError{err}
	}
	return lib, ref, nil
}

func libraryList(c *cli.Context, stdout io.Writer) error {
	format := render.Format(c.String("format"))
	if err := checkFormat(format, render.Text, render.JSON); err != nil {
		return err
	}
	lib, ref, err := libraryRef(c, false)
	if err != nil {
		return err
	}
	defer lib.Close()
	if ref.Video != 0 || ref.Run != 0 {
		return listRuns(c, lib, ref, format, stdout)
	}
	vs, err := lib.Videos(c.Context)
	if err != nil {
		return err
	}
	t := render.Table{Header: []string{"ID", "DURATION", "SIZE", "RUNS", "LAST RUN", "COST", "SEEN AT"}}
	for _, v := range vs {
		t.Rows = append(t.Rows, []string{v.ID, extract.Clock(v.Duration), fmt.Sprintf("%dx%d", v.Width, v.Height),
			fmt.Sprint(v.Runs), shortTime(v.LastRun), fmt.Sprintf("$%.4f", v.CostUSD), v.Path})
	}
	return writeListing(c, format, t, nonNil(vs), stdout)
}

func listRuns(c *cli.Context, lib *library.Library, ref library.Ref, format render.Format, stdout io.Writer) error {
	video := ref.Video
	if ref.Run != 0 {
		st, err := lib.Load(c.Context, ref.Run)
		if err != nil {
			return err
		}
		video = st.VideoID
	}
	rs, err := lib.Runs(c.Context, video)
	if err != nil {
		return err
	}
	t := render.Table{Header: []string{"RUN", "FINISHED", "STATUS", "MODE", "MODEL", "FRAMES", "REQUESTS", "CACHED", "COST", "REUSED", "AS"}}
	for _, r := range rs {
		t.Rows = append(t.Rows, []string{fmt.Sprint(r.ID), shortTime(r.Finished), string(r.Status), r.Mode, r.Model, fmt.Sprint(r.Kept),
			fmt.Sprint(r.Requests), fmt.Sprint(r.Cached), fmt.Sprintf("$%.4f", r.CostUSD), fmt.Sprint(r.Served), r.Path})
	}
	return writeListing(c, format, t, nonNil(rs), stdout)
}

// writeListing writes a listing: the table as text, the rows as JSON.
func writeListing(c *cli.Context, format render.Format, t render.Table, rows any, stdout io.Writer) error {
	var doc any = t
	if format == render.JSON {
		doc = rows
	}
	return writeDoc(c.Context, "out", c.String("out"), format, doc, stdout, stdout)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func shortTime(t string) string {
	if p, err := time.Parse(time.RFC3339Nano, t); err == nil {
		return p.Local().Format("2006-01-02 15:04")
	}
	return t
}

// libraryShow renders a stored run (a run ID, or a video's latest run)
// in any format; no model is asked, and ffmpeg only for html's frames.
func libraryShow(c *cli.Context, stdout io.Writer) error {
	format := render.Format(c.String("format"))
	if err := checkFormat(format, render.Markdown, render.JSON, render.SRT, render.VTT, render.HTML); err != nil {
		return err
	}
	if err := checkOutput("out", c.String("out")); err != nil {
		return err
	}
	lib, ref, err := libraryRef(c, true)
	if err != nil {
		return err
	}
	defer lib.Close()
	id := ref.Run
	if id == 0 {
		if id, err = lib.LatestRun(c.Context, ref.Video); err != nil {
			return err
		}
	}
	st, err := lib.Load(c.Context, id)
	if err != nil {
		return err
	}
	if format == render.HTML {
		return exportPage(c, lib, st, stdout)
	}
	return writeDoc(c.Context, "out", c.String("out"), format, st.Result, stdout, stdout)
}

// exportPage writes the video page of vidskim serve as one file: its
// frames inline, its player reading the video where it is now.
func exportPage(c *cli.Context, lib *library.Library, st library.Stored, stdout io.Writer) error {
	frames, err := reportFrames(c.Context, st)
	if err != nil {
		return err
	}
	runs, err := lib.Runs(c.Context, st.VideoID)
	if err != nil {
		return err
	}
	v, _ := locateVideo(c.Context, st)
	page, err := serve.Export(st, len(runs), v, frames)
	if err != nil {
		return err
	}
	if out := c.String("out"); out != "" && out != "-" {
		if err := outfile.Write(c.Context, out, page, 0o644); err != nil {
			return fmt.Errorf("--out %w (not written)", err)
		}
		return nil
	}
	_, err = stdout.Write(page)
	return err
}

// reportFrames decodes the run's frames again from wherever the video
// still is (the same content, checked by fingerprint).
func reportFrames(ctx context.Context, st library.Stored) ([]summarize.ReportImage, error) {
	var rs runSettings
	if err := json.Unmarshal(st.Settings, &rs); err != nil {
		return nil, fmt.Errorf("run %d: settings: %w", st.ID, err)
	}
	var times []float64
	for _, ch := range st.Result.Chunks {
		times = append(times, ch.FrameTimes...)
	}
	if v, ok := locateVideo(ctx, st); ok {
		ims, err := summarize.ReportImages(ctx, v, rs.Settings, times)
		return ims, classify(err)
	}
	return nil, inputError{fmt.Errorf("run %d: the HTML report needs the video's frames, and the video is no longer where it was seen (%s): name it again with vidskim summarize, or show md, json, srt or vtt, which need nothing",
		st.ID, strings.Join(st.Paths, ", "))}
}

// libraryForget removes a video or a run, and the cached answers that
// only it used.
func libraryForget(c *cli.Context, stdout io.Writer) error {
	ca, err := cache(c, newLogger(c, c.App.ErrWriter))
	if err != nil || ca == nil {
		return err
	}
	lib, ref, err := libraryRef(c, true)
	if err != nil {
		return err
	}
	defer lib.Close()
	said, err := forget(c.Context, lib, ca, ref)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, said)
	return nil
}

// forget removes ref from the library and deletes the cached answers only
// it used (none without a cache); it says what it did.
func forget(ctx context.Context, lib *library.Library, ca *llm.Cache, ref library.Ref) (string, error) {
	deleted := 0
	f, err := lib.Forget(ctx, ref, func(keys []string) error {
		if ca == nil {
			return nil
		}
		var err error
		deleted, err = ca.Forget(keys)
		return err
	})
	return fmt.Sprintf("forgot %s: %s; %s deleted", ref.Name, render.Count(f.Runs, "run"), render.Count(deleted, "cached answer")), err
}

func libraryStats(c *cli.Context, stdout io.Writer) error {
	format := render.Format(c.String("format"))
	if err := checkFormat(format, render.Text, render.JSON); err != nil {
		return err
	}
	lib, _, err := libraryRef(c, false)
	if err != nil {
		return err
	}
	defer lib.Close()
	s, err := lib.Stats(c.Context)
	if err != nil {
		return err
	}
	t := render.Table{Rows: [][]string{
		{"videos", fmt.Sprintf("%d (%.2f hours)", s.Videos, s.Hours)},
		{"runs", fmt.Sprintf("%d, and %d more rendered from the library", s.Runs, s.Served)},
		{"requests", fmt.Sprint(s.Requests)},
		{"tokens", fmt.Sprintf("%d (%d prompt, %d completion)", s.PromptTokens+s.CompletionTokens, s.PromptTokens, s.CompletionTokens)},
		{"spent", fmt.Sprintf("$%.4f", s.SpentUSD)},
		{"saved", fmt.Sprintf("$%.4f (answers from the cache, runs from the library)", s.SavedUSD)},
		{"library", lib.Path()},
	}}
	if format == render.JSON {
		return writeListing(c, format, t, struct {
			library.Stats
			Path string `json:"library"`
		}{s, lib.Path()}, stdout)
	}
	return writeListing(c, format, t, nil, stdout)
}
