package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/vidskim/vidskim/ask"
	"github.com/vidskim/vidskim/cost"
	"github.com/vidskim/vidskim/library"
	"github.com/vidskim/vidskim/llm"
	"github.com/vidskim/vidskim/render"
	"github.com/vidskim/vidskim/summarize"
)

// askCommand is `vidskim ask`.
func askCommand(stdout, stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:      "ask",
		Usage:     "answer a question from what the library knows of the videos, citing moments as [HH:MM:SS], each checked (exit code 4: some are not supported)",
		ArgsUsage: `VIDEO... "QUESTION" (or --all "QUESTION"); videos not in the library are summarized first`,
		Flags:     askFlags(),
		Action:    func(c *cli.Context) error { return askCmd(c, stdout, stderr) },
	}
}

// askCmd answers a question from what the library knows of the videos,
// summarizing first those it does not know; every citation is checked,
// and an answer with unsupported ones exits 4.
func askCmd(c *cli.Context, stdout, stderr io.Writer) error {
	log := newLogger(c, stderr)
	q, ins, err := askInputs(c)
	if err != nil {
		return err
	}
	s, err := newSession(c, log)
	if err != nil {
		return err
	}
	if err := checkFormat(s.format, render.Markdown, render.JSON); err != nil {
		return err
	}
	o, err := askOptions(c, s, q)
	if err != nil {
		return err
	}
	for _, f := range []string{"out", "report"} {
		if err := checkOutput(f, c.String(f), names(ins)...); err != nil {
			return err
		}
	}
	s.many = len(ins) > 1
	if err := s.connect(s.mo.Concurrency); err != nil {
		return err
	}
	defer s.close()
	s.reuse = !c.Bool("no-cache") // --report is the answer's: stored runs still serve
	lim, reserved, err := askReserve(c, s, o)
	if err != nil {
		return err
	}
	vs, failed, err := askVideos(c, s, ins, lim, reserved, stderr)
	if err != nil {
		return err
	}
	o.Search = searcher(s.lib, vs)
	res, err := ask.Run(c.Context, summarize.Told(s.client, requestLogger(s.log), askPart), vs, o)
	res.Summarizing = summarizing(vs)
	if err != nil && !errors.Is(err, ask.ErrIncomplete) || c.Context.Err() != nil {
		return errors.Join(err, c.Context.Err())
	}
	recordAnswer(c.Context, s, &res)
	if werr := writeResults(c, res, s.format, stdout); werr != nil {
		return werr
	}
	switch {
	case err != nil:
		return partialWritten{err}
	case failed > 0:
		return fmt.Errorf("%d of %d videos could not be used (see above): the answer is from the others", failed, failed+len(vs))
	case res.Unsupported > 0:
		return unsupportedCitations{n: res.Unsupported, of: len(res.Citations)}
	}
	return nil
}

// askInputs splits the arguments: the videos, then the question, last;
// with --all, the question alone.
func askInputs(c *cli.Context) (string, []input, error) {
	args, all := c.Args().Slice(), c.Bool("all")
	const how = `vidskim ask VIDEO... "QUESTION", or vidskim ask --all "QUESTION"`
	switch {
	case len(args) == 0:
		return "", nil, usageError{errors.New("missing QUESTION: " + how)}
	case all && len(args) > 1:
		return "", nil, usageError{fmt.Errorf("--all takes the QUESTION alone, got %d arguments (quote the question): %s", len(args), how)}
	case !all && len(args) == 1:
		return "", nil, usageError{errors.New("name the videos to ask about, or --all for every video in the library: " + how)}
	}
	q := strings.TrimSpace(args[len(args)-1])
	if st, err := os.Stat(q); q == "" || err == nil && !st.IsDir() {
		return "", nil, usageError{errors.New("the QUESTION comes last, and must not be empty: " + how)}
	}
	if all {
		return q, nil, nil
	}
	ins, _, err := inputsOf(c, args[:len(args)-1])
	return q, ins, err
}

// askOptions reads ask's own flags (serve's too).
func askOptions(c *cli.Context, s *session, q string) (ask.Options, error) {
	sch, err := loadSchema(c)
	if err != nil {
		return ask.Options{}, err
	}
	switch w, t, b := c.Float64("look-window"), c.Int("answer-tokens"), c.Int("context-tokens"); {
	case !(w >= 0.5 && w <= 60):
		err = fmt.Errorf("--look-window %g: must be 0.5 to 60 seconds", w)
	case t < 16 || t > 100000:
		err = fmt.Errorf("--answer-tokens %d: must be 16 to 100000", t)
	case b < 500 || b > 2000000:
		err = fmt.Errorf("--context-tokens %d: must be 500 to 2000000", b)
	}
	if err != nil {
		return ask.Options{}, usageError{err}
	}
	frames := ask.DefaultLookFrames
	if m := s.ccfg.MaxImages(); m > 0 {
		frames = min(frames, m)
	}
	return ask.Options{Question: q, Model: s.mo.Model, MaxTokens: c.Int("answer-tokens"), Budget: c.Int("context-tokens"),
		Schema: sch, Look: c.Bool("look"), LookWindow: c.Float64("look-window"), LookFrames: frames,
		Pricing: s.mo.Pricing, Prompt: s.mo.Prompt}, nil
}

// askReserve refuses, before anything is paid, an answer whose ceiling
// alone goes past --max-requests or --max-cost; it returns the budget and
// the answer's part of it: the rest is for summarizing the videos not
// yet known.
func askReserve(c *cli.Context, s *session, o ask.Options) (budget, budget, error) {
	return reserveAnswer(budget{c.Int("max-requests"), c.Float64("max-cost")}, s, o)
}

// reserveAnswer is askReserve within budget b.
func reserveAnswer(b budget, s *session, o ask.Options) (budget, budget, error) {
	if b.requests <= 0 && b.usd <= 0 {
		return b, budget{}, nil
	}
	m, known := s.models.Lookup(o.Model)
	if !known {
		m = cost.Fallback(o.Model)
	}
	n, usd := o.Ceiling(m, 1920, 1080)
	e := cost.Estimate{Model: o.Model, Requests: n, CostUSD: usd}
	if why := exceeds(b, e, nil, 0); why != "" {
		return b, budget{}, usageError{fmt.Errorf("refusing to start: the answer alone: %s (lower --context-tokens or --answer-tokens)", strings.TrimPrefix(why, "the run "))}
	}
	return b, budget{requests: n, usd: usd}, nil
}

// searcher ranks the moments of the videos' runs, for questions whose
// notes do not all fit.
func searcher(lib *library.Library, vs []ask.Video) func(context.Context, string) ([]library.Hit, error) {
	var runs []int64
	for _, v := range vs {
		if v.Run != 0 {
			runs = append(runs, v.Run)
		}
	}
	if lib == nil || len(runs) == 0 {
		return nil
	}
	return func(ctx context.Context, q string) ([]library.Hit, error) {
		return lib.Search(ctx, q, library.SearchOptions{Runs: runs, Limit: 200})
	}
}

// recordAnswer keeps the answer in the library; a failure is a warning.
func recordAnswer(ctx context.Context, s *session, res *ask.Result) {
	cites, _ := json.Marshal(res.Citations)
	looked, _ := json.Marshal(res.Looked)
	a := library.Answer{Question: res.Question, Model: res.Model, Text: res.Answer, FirstText: res.FirstAnswer, Structured: res.Structured,
		Citations: cites, Looked: looked, Unsupported: res.Unsupported, Usage: res.Usage}
	for _, v := range res.Videos {
		if v.Run != 0 {
			a.Runs = append(a.Runs, v.Run)
		}
	}
	id, err := s.lib.RecordAnswer(context.WithoutCancel(ctx), a)
	if err != nil {
		s.log.Warn("library: the answer was not recorded", "error", err)
		return
	}
	res.ID = id
}

// askPart names a request of a question in the --verbose log: the second
// look is the one with frames.
func askPart(req llm.ChatRequest) string {
	for _, p := range req.User {
		if p.Image != nil {
			return "second look"
		}
	}
	return "answer"
}
