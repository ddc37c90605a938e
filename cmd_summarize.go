package main

import (
	"errors"
	"io"
	"os"
	"strconv"

	"github.com/urfave/cli/v2"

	"github.com/vidskim/vidskim/render"
	"github.com/vidskim/vidskim/summarize"
)

// summarizeCmd summarizes one video, or many (run_many.go). One input
// behaves exactly as a one-video run always has.
func summarizeCmd(c *cli.Context, stdout, stderr io.Writer) error {
	log := newLogger(c, stderr)
	ins, single, err := inputs(c)
	if err != nil {
		return err
	}
	s, err := newSession(c, log)
	if err != nil {
		return err
	}
	if err := summarySchema(c, s); err != nil {
		return err
	}
	if ins, single, err = s.scaleOut(c, ins, single, stderr); err != nil || len(ins) == 0 {
		return err
	}
	sp, err := newSpeech(c, s, ins, single) // --speak: its flags and outputs checked before anything is paid
	if err != nil {
		return err
	}
	if !single {
		return summarizeMany(c, s, ins, stdout, stderr)
	}
	return summarizeOne(c, s, sp, ins[0], stdout, stderr)
}

// summarizeOne is a one-video run, once the session and its checks are
// done: it connects, runs, and writes what it got.
func summarizeOne(c *cli.Context, s *session, sp *speech, in input, stdout, stderr io.Writer) error {
	for _, f := range []string{"out", "report"} {
		if err := checkOutput(f, c.String(f), in.name); err != nil {
			return err
		}
	}
	if err := s.connect(0); err != nil {
		return err
	}
	defer s.close()
	if c.Bool("transcript-only") {
		return transcriptOnly(c, s, in, stdout)
	}
	b := budget{c.Int("max-requests"), c.Float64("max-cost")}
	var last summarize.Progress
	show, done := newProgress(progressOut(c, stderr, s.log), c.Bool("quiet"))
	o := s.summarizeVideo(c.Context, in, sp.gate(s, in, b), func(p summarize.Progress) {
		last = p // calls come one at a time; the last is read after the run
		if show != nil {
			show(p)
		}
	})
	done(o.err != nil)
	res, err := o.res, o.err
	if c.Context.Err() != nil {
		return interrupted{err: errors.Join(err, c.Context.Err()), p: last, cached: s.ccfg.Cache != nil}
	}
	delivered := errors.Is(err, summarize.ErrPartial) && res.Summary != "" || errors.Is(err, summarize.ErrIncomplete)
	if err != nil && !delivered {
		return classify(err)
	}
	doc, serr := sp.speak(c.Context, s, in, res) // --speak: the voice-over; else res
	if werr := writeResults(c, doc, s.format, stdout); werr != nil {
		return errors.Join(werr, serr)
	}
	if err != nil {
		return errors.Join(partialWritten{err}, serr) // the partial summary is written; the exit code still says so
	}
	return serr
}

// writeResults writes the output in its format and the report, if asked,
// each on its own: one that cannot be written never costs the other.
func writeResults(c *cli.Context, doc any, format render.Format, stdout io.Writer) error {
	err := writeDoc(c.Context, "out", textOut(c), format, doc, stdout, stdout)
	if report := c.String("report"); report != "" {
		err = errors.Join(err, writeDoc(c.Context, "report", report, render.HTML, doc, nil, nil))
	}
	return err
}

// pieceBytes is the upload limit for audio pieces; tests lower it with
// VIDSKIM_AUDIO_PIECE_BYTES to exercise splitting on short audio.
func pieceBytes() int {
	n, _ := strconv.Atoi(os.Getenv("VIDSKIM_AUDIO_PIECE_BYTES"))
	return max(n, 0)
}
