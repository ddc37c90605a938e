package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/vidskim/vidskim/library"
	"github.com/vidskim/vidskim/llm"
	"github.com/vidskim/vidskim/render"
)

// batchCommand is `vidskim batch`: the batches summarize --batch sent, as
// the library records them, looked at, waited for and cancelled without
// the run that sent them.
func batchCommand(stdout, stderr io.Writer) *cli.Command {
	sub := func(name, usage, args, formats string, action func(*cli.Context, *batchCmd) error) *cli.Command {
		return &cli.Command{Name: name, Usage: usage, ArgsUsage: args, Flags: batchCmdFlags(formats), Action: func(c *cli.Context) error {
			bc, err := openBatchCmd(c, name != "list", stdout, stderr)
			if err != nil {
				return err
			}
			defer bc.close()
			return action(c, bc)
		}}
	}
	return &cli.Command{
		Name:  "batch",
		Usage: "the Batch API batches summarize --batch sent: list, status, wait, cancel",
		Subcommands: []*cli.Command{
			sub("list", "list the batches the library records (state, provider status, requests done and failed)", "", "text json", batchList),
			sub("status", "ask the provider how the batches go (all that are not done, or those named)", "[ID...]", "text json", batchStatus),
			sub("wait", "wait for the batches to end and keep their answers in the cache (all that are not done, or those named); run the summarize command again for the outputs", "[ID...]", "text json", batchWait),
			sub("cancel", "ask the provider to stop the batches named (what they answered is kept)", "ID...", "text json", batchCancel),
		},
	}
}

// batchCmd is what the batch subcommands share.
type batchCmd struct {
	lib    *library.Library
	bt     *batcher
	format render.Format
	stdout io.Writer
}

// openBatchCmd opens the library and, when the command talks to the
// provider, the client and the cache.
func openBatchCmd(c *cli.Context, connect bool, stdout, stderr io.Writer) (*batchCmd, error) {
	bc := &batchCmd{format: render.Format(c.String("format")), stdout: stdout}
	if err := checkFormat(bc.format, render.Text, render.JSON); err != nil {
		return nil, err
	}
	if c.Duration("batch-poll") <= 0 {
		return nil, usageError{errors.New("--batch-poll: must be more than 0, e.g. 30s")}
	}
	var cfg llm.Config
	log := newLogger(c, stderr)
	if connect {
		var err error
		if cfg, err = batchConnection(c, log); err != nil {
			return nil, err
		}
		if cfg.Cache, err = cache(c, log); err != nil {
			return nil, err
		}
	}
	lib, err := openLibrary(c)
	if err != nil {
		return nil, err
	}
	bc.lib = lib
	if connect {
		w := progressOut(c, stderr, log) // with --log-format json, JSON lines too
		if c.Bool("quiet") {
			w = nil
		}
		if bc.bt, err = newBatcher(c, lib, cfg, llm.NewBatchAnswers(), w); err != nil {
			lib.Close()
			return nil, err
		}
	}
	return bc, nil
}

func (bc *batchCmd) close() {
	if bc.bt != nil {
		bc.bt.close()
	}
	bc.lib.Close()
}

// batchConnection is the server and the key, as summarize reads them.
func batchConnection(c *cli.Context, log interface{ Warn(string, ...any) }) (llm.Config, error) {
	cfg := llm.Config{BaseURL: c.String("base-url"), Timeout: c.Duration("timeout"), MaxRetries: c.Int("max-retries"),
		OnRetry: func(attempt, status int, wait time.Duration, err error) {
			log.Warn("retrying request", "attempt", attempt, "status", status, "wait", wait.Round(time.Millisecond), "error", err)
		}}
	keyFlag := "api-key"
	if ep := c.String("azure-endpoint"); ep != "" {
		cfg.Azure, keyFlag = &llm.Azure{Endpoint: ep}, "azure-api-key"
	}
	var err error
	if cfg.Key, err = apiKey(c, keyFlag); err != nil {
		return cfg, err
	}
	switch {
	case cfg.Azure != nil && cfg.BaseURL != "" && c.IsSet("base-url"):
		err = errors.New("--azure-endpoint and --base-url both set: choose one provider")
	case cfg.Azure != nil && cfg.Key == "":
		err = errors.New("no Azure key: set AZURE_OPENAI_API_KEY (or --azure-api-key)")
	case cfg.Azure == nil && cfg.Key == "" && cfg.BaseURL == "":
		err = errors.New("no API key: " + howToConnect)
	case c.Duration("timeout") <= 0 || c.Int("max-retries") < 0:
		err = errors.New("--timeout must be more than 0 and --max-retries 0 or more")
	}
	if err != nil {
		return cfg, usageError{err}
	}
	return cfg, nil
}

// rows are the batches named on the command line, or every open one.
func (bc *batchCmd) rows(c *cli.Context, need bool) ([]library.BatchRow, error) {
	if c.NArg() == 0 {
		if need {
			return nil, usageError{errors.New("name the batches (their number or the provider's ID: see vidskim batch list)")}
		}
		return bc.lib.Batches(c.Context, true)
	}
	var out []library.BatchRow
	for _, ref := range c.Args().Slice() {
		b, err := bc.lib.Batch(c.Context, ref)
		if err != nil {
			return nil, usageError{err}
		}
		out = append(out, b)
	}
	return out, nil
}

// show writes the batches as a table or as JSON.
func (bc *batchCmd) show(c *cli.Context, rows []library.BatchRow) error {
	t := render.Table{Header: []string{"#", "BATCH", "STATE", "STATUS", "REQUESTS", "DONE", "FAILED", "CREATED", "SERVER"}}
	for _, b := range rows {
		t.Rows = append(t.Rows, []string{fmt.Sprint(b.ID), orDash(b.BatchID), b.State, orDash(b.Status), fmt.Sprint(b.Requests),
			fmt.Sprint(b.Completed), fmt.Sprint(b.Failed), shortTime(b.Created), b.Server})
	}
	var doc any = t
	if bc.format == render.JSON {
		doc = nonNil(rows)
	}
	return render.Write(bc.stdout, bc.format, doc)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func batchList(c *cli.Context, bc *batchCmd) error {
	if c.NArg() > 0 {
		return usageError{errors.New("batch list takes no argument")}
	}
	rows, err := bc.lib.Batches(c.Context, false)
	if err != nil {
		return err
	}
	return bc.show(c, rows)
}

// batchStatus asks the provider and notes what it says.
func batchStatus(c *cli.Context, bc *batchCmd) error {
	rows, err := bc.rows(c, false)
	if err != nil {
		return err
	}
	for i, r := range rows {
		if r.State != library.BatchSubmitted {
			continue
		}
		b, err := bc.bt.api.Get(c.Context, r.BatchID)
		if err != nil {
			return err
		}
		p := library.BatchProgress{Status: b.Status, Completed: b.Completed, Failed: b.Failed, OutputFileID: b.OutputFileID,
			ErrorFileID: b.ErrorFileID, Errors: strings.Join(b.Errors, "; ")}
		if err := bc.lib.UpdateBatch(c.Context, r.ID, p); err != nil {
			return err
		}
		rows[i].Status, rows[i].Completed, rows[i].Failed = b.Status, b.Completed, b.Failed
	}
	return bc.show(c, rows)
}

// batchWait waits for the batches and keeps their answers in the cache.
func batchWait(c *cli.Context, bc *batchCmd) error {
	rows, err := bc.rows(c, false)
	if err != nil {
		return err
	}
	var ids []int64
	for _, r := range rows {
		if r.Open() {
			ids = append(ids, r.ID)
		}
	}
	if err := bc.bt.wait(c.Context, ids); err != nil {
		return err
	}
	for i, r := range rows {
		if rows[i], err = bc.lib.Batch(c.Context, fmt.Sprint(r.ID)); err != nil {
			return err
		}
	}
	return bc.show(c, rows)
}

// batchCancel asks the provider to stop each batch; one not yet created
// is given up here.
func batchCancel(c *cli.Context, bc *batchCmd) error {
	rows, err := bc.rows(c, true)
	if err != nil {
		return err
	}
	for i, r := range rows {
		switch {
		case !r.Open():
			continue
		case r.State != library.BatchSubmitted:
			err = bc.lib.AbandonBatch(c.Context, r.ID, "cancelled before it was created")
		default:
			var b llm.Batch
			if b, err = bc.bt.api.Cancel(c.Context, r.BatchID); err == nil {
				err = bc.lib.UpdateBatch(c.Context, r.ID, library.BatchProgress{Status: b.Status, Completed: b.Completed, Failed: b.Failed})
			}
		}
		if err != nil {
			return err
		}
		if rows[i], err = bc.lib.Batch(c.Context, fmt.Sprint(r.ID)); err != nil {
			return err
		}
	}
	return bc.show(c, rows)
}
