package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"

	"github.com/urfave/cli/v2"
	"golang.org/x/sync/errgroup"

	"github.com/vidskim/vidskim/cost"
	"github.com/vidskim/vidskim/llm"
	"github.com/vidskim/vidskim/textsafe"
)

// batchRun is a summarize run through the Batch API (--batch). Once the
// session is connected, and before any video is summarized, it runs the
// pipeline over every video with a client that answers from the cache and
// from the batches, and collects every other request instead of sending
// it (no merge follows); sends what it collected as batches, recorded in
// the library before anything is uploaded; waits for them; and puts every
// answer in the cache. Then the run goes on as usual: every chunk is
// answered from there, the merge is sent live (or batched too, a round a
// merge level, with --batch-merge), and the outputs are written. Each
// round decodes the videos again: the price of never holding a run's
// frames between rounds that may be a day apart.
type batchRun struct {
	c       *cli.Context
	s       *session
	ins     []input
	single  bool
	merge   bool
	retry   string
	answers *llm.BatchAnswers
	w       io.Writer // progress lines; nil with --quiet
}

// maxBatchRounds bounds the rounds of --batch-merge: the chunks, then a
// round a level of merging.
const maxBatchRounds = 12

// setupBatch checks the batch flags and, with --batch, arranges the run:
// batch prices for the estimate and the cost, and the rounds before the
// videos are summarized.
func setupBatch(c *cli.Context, s *session, ins []input, single bool, stderr io.Writer) error {
	if !c.Bool("batch") {
		for _, f := range []string{"batch-merge", "batch-retry", "batch-poll", "azure-batch-deployment"} {
			if c.IsSet(f) {
				return usageError{fmt.Errorf("--%s needs --batch", f)}
			}
		}
		return nil
	}
	var err error
	switch retry := c.String("batch-retry"); {
	case s.ccfg.Cache == nil:
		err = errors.New("--batch keeps the answers of its batches in the answer cache: drop --no-cache")
	case c.Bool("no-library"):
		err = errors.New("--batch records its batches in the library, so that a run stopped or killed never pays twice: drop --no-library")
	case c.Bool("transcript-only"):
		err = errors.New("--transcript-only sends no request to batch: drop --batch")
	case retry != "live" && retry != "batch":
		err = fmt.Errorf("--batch-retry %q: must be live or batch", retry)
	case c.Duration("batch-poll") <= 0:
		err = errors.New("--batch-poll: must be more than 0, e.g. 30s")
	case c.String("azure-batch-deployment") != "" && s.ccfg.Azure == nil:
		err = errors.New("--azure-batch-deployment needs --azure-endpoint")
	}
	if err != nil {
		return usageError{err}
	}
	if s.ccfg.Azure != nil {
		s.ccfg.Azure.BatchDeployment = c.String("azure-batch-deployment")
	}
	s.mo.Batch = cost.Batching{Chunks: true, Merges: c.Bool("batch-merge")}
	b := &batchRun{c: c, s: s, ins: ins, single: single, merge: c.Bool("batch-merge"), retry: c.String("batch-retry"),
		answers: llm.NewBatchAnswers()}
	if !c.Bool("quiet") {
		b.w = progressOut(c, stderr, s.log) // with --log-format json, JSON lines too
	}
	s.ccfg.Batched = b.answers
	s.before, s.after = b.run, b.count
	return nil
}

// planBatchMerge refuses plan's --batch-merge without --batch.
func planBatchMerge(c *cli.Context) error {
	if c.Bool("batch-merge") && !c.Bool("batch") {
		return usageError{errors.New("--batch-merge needs --batch")}
	}
	return nil
}

// run is the rounds of collecting and batching, before the videos are
// summarized.
func (b *batchRun) run() error {
	ctx := b.c.Context
	prior, err := b.s.lib.RequestsAnswered(ctx)
	if err != nil {
		return err
	}
	for _, k := range prior { // answered for a run that never got to count them
		b.answers.Add(k, llm.Answer{}, true)
	}
	bt, err := newBatcher(b.c, b.s.lib, b.s.ccfg, b.answers, b.w)
	if err != nil {
		return err
	}
	defer bt.close()
	ins := b.ins
	for round := 1; len(ins) > 0 && round <= maxBatchRounds; round++ {
		d, more, err := b.collect(ctx, bt.dir, ins)
		if err != nil {
			return err
		}
		err = bt.send(ctx, d, d.Keys(), b.retry)
		d.Close()
		if err != nil || !b.merge || bt.sent == 0 {
			return err
		}
		ins, bt.sent = more, 0
	}
	return nil
}

// collect runs the pipeline over ins with a client that answers from the
// cache and the batches and defers everything else (spooling what is to
// be batched), --jobs videos at a time, each within the budget as the run
// will be. It returns the videos that deferred something.
func (b *batchRun) collect(ctx context.Context, dir string, ins []input) (*llm.Deferral, []input, error) {
	d, err := llm.NewDeferral(filepath.Join(dir, "spool-"+strconv.Itoa(os.Getpid())+"-"+randomHex(4)+".jsonl"),
		func(r llm.ChatRequest) bool { return b.merge || r.HasImages() })
	if err != nil {
		return nil, nil, err
	}
	cfg := b.s.ccfg
	cfg.Defer = d
	client := llm.New(cfg)
	defer client.Close()
	p := *b.s
	p.chat, p.norecord, p.log = client, true, slog.New(slog.DiscardHandler)
	p.cfg.Partial, p.cfg.KeepImages = false, false // no merge of part of the notes, no frames kept: nothing is written yet
	jobs, err := jobsFlag(b.c)
	if err != nil || b.single {
		jobs = 1
	}
	lim := budget{b.c.Int("max-requests"), b.c.Float64("max-cost")}
	sb := newSharedBudget(lim, len(ins))
	deferred := make([]bool, len(ins))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(jobs)
	for i, in := range ins {
		g.Go(func() error {
			defer sb.pass(i)
			pass := sb.gate(&p, i)
			if b.single {
				pass = p.budgetGate(lim)
			}
			o := p.summarizeVideo(gctx, in, pass, nil)
			deferred[i] = errors.Is(o.err, llm.ErrDeferred)
			if stopsAll(o.err) && gctx.Err() == nil {
				return o.err
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil || ctx.Err() != nil {
		d.Close()
		return nil, nil, classify(errors.Join(err, ctx.Err()))
	}
	var more []input
	for i, in := range ins {
		if deferred[i] {
			more = append(more, in)
		}
	}
	return d, more, nil
}

// count marks the batch answers the run used as counted, once its runs
// are recorded: no later run counts them as paid again.
func (b *batchRun) count() {
	if used := b.answers.Used(); len(used) > 0 && b.s.lib != nil {
		if err := b.s.lib.CountRequests(context.WithoutCancel(b.c.Context), used); err != nil {
			b.s.log.Warn("library: the batch answers used were not noted", "error", err)
		}
	}
}

// batchWaiting is a run stopped while its batches run at the provider.
type batchWaiting struct{ ids []string }

func (e batchWaiting) Error() string {
	return fmt.Sprintf("interrupted: %d batches still run at the provider (%s), recorded in the library: run the same command, or vidskim batch wait, to pick them up",
		len(e.ids), textsafe.Line(fmt.Sprint(e.ids)))
}

func (e batchWaiting) Unwrap() error { return context.Canceled }

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// batchDir is where batch input files and spools wait: beside the answer
// cache, owner only.
func batchDir(ca *llm.Cache) (string, error) {
	dir := filepath.Join(ca.Dir, "batches")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("%s: %w", dir, err)
	}
	return dir, nil
}
