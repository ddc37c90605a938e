package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/vidskim/vidskim/summarize"
	"github.com/vidskim/vidskim/textsafe"
)

// newLogger sets up the one slog handler. Diagnostics go to stderr, never
// stdout, which carries results, and never hold a key or a URL's
// user-info, whatever a library passed them.
//
// By default stderr speaks in sentences: warnings as "vidskim: warning:
// ...", nothing else. --verbose adds the details as key=value lines (one
// a request among them), --log-format json makes every line a JSON
// object, and --quiet keeps only the warnings.
func newLogger(c *cli.Context, stderr io.Writer) *slog.Logger {
	level := slog.LevelWarn
	switch {
	case c.Bool("quiet"):
	case c.Bool("verbose"):
		level = slog.LevelDebug
	case c.String("log-format") == "json":
		level = slog.LevelInfo
	}
	secrets := []string{c.String("api-key"), c.String("azure-api-key")}
	if c.String("log-format") == "json" {
		redact := func(_ []string, a slog.Attr) slog.Attr {
			if v := a.Value.Resolve(); v.Kind() == slog.KindString || v.Kind() == slog.KindAny {
				a.Value = slog.StringValue(textsafe.Redact(v.String(), secrets...))
			}
			return a
		}
		return slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level, ReplaceAttr: redact}))
	}
	return slog.New(&sentences{w: stderr, level: level, secrets: secrets, mu: &sync.Mutex{}})
}

// checkLogFormat refuses a --log-format other than text or json.
func checkLogFormat(c *cli.Context) error {
	if f := c.String("log-format"); f != "text" && f != "json" {
		return usageError{fmt.Errorf("--log-format %q: must be text or json", f)}
	}
	return nil
}

// sentences is the text handler: a warning is one sentence a person
// reads ("vidskim: warning: the answer cache cannot be written: ..."),
// with a video's name first when there is one; lower levels (only with
// --verbose) are the message and its details as key=value. Every line is
// redacted and cleaned of control characters.
type sentences struct {
	w       io.Writer
	level   slog.Level
	secrets []string
	attrs   []slog.Attr
	mu      *sync.Mutex
}

func (h *sentences) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level }

func (h *sentences) WithAttrs(as []slog.Attr) slog.Handler {
	n := *h
	n.attrs = append(append([]slog.Attr{}, h.attrs...), as...)
	return &n
}

func (h *sentences) WithGroup(string) slog.Handler { return h }

func (h *sentences) Handle(_ context.Context, r slog.Record) error {
	var video, errText string
	var rest []string
	add := func(a slog.Attr) bool {
		v := a.Value.Resolve().String()
		switch {
		case a.Key == "video" && r.Level >= slog.LevelWarn:
			video = v
		case a.Key == "error" && r.Level >= slog.LevelWarn:
			errText = v
		default:
			if strings.ContainsAny(v, " \"=") {
				v = fmt.Sprintf("%q", v)
			}
			rest = append(rest, a.Key+"="+v)
		}
		return true
	}
	for _, a := range h.attrs {
		add(a)
	}
	r.Attrs(add)
	line := r.Message
	if video != "" {
		line = video + ": " + line
	}
	if errText != "" {
		line += ": " + errText
	}
	switch {
	case r.Level >= slog.LevelWarn:
		line = "warning: " + line
		if len(rest) > 0 {
			line += " (" + strings.Join(rest, ", ") + ")"
		}
	case len(rest) > 0:
		line += " " + strings.Join(rest, " ")
	}
	line = textsafe.Line(textsafe.Redact(line, h.secrets...))
	h.mu.Lock()
	defer h.mu.Unlock()
	var err error
	aboveBar(func() { _, err = fmt.Fprintf(h.w, "vidskim: %s\n", line) })
	return err
}

// requestLogger is the pipeline's OnRequest with --verbose: one line a
// request, saying what it was for, its images, tokens, time, whether the
// cache answered it and how many retries it took.
func requestLogger(log *slog.Logger) func(summarize.RequestInfo) {
	if !log.Enabled(context.Background(), slog.LevelDebug) {
		return nil
	}
	return func(r summarize.RequestInfo) {
		args := []any{"part", r.Part, "images", r.Images, "prompt_tokens", r.PromptTokens, "completion_tokens", r.CompletionTokens,
			"latency", r.Latency.Round(time.Millisecond), "cached", r.Cached, "retries", r.Retries}
		if r.Err != nil {
			args = append(args, "failed", r.Err.Error())
		}
		log.Debug("request", args...)
	}
}

// retryWarning words one retry of a request as a sentence.
func retryWarning(attempt, status int, wait time.Duration, err error) string {
	why := "no answer"
	if status != 0 {
		why = fmt.Sprintf("status %d", status)
	}
	if err != nil {
		why += " (" + textsafe.Brief(err.Error(), 200) + ")"
	}
	return fmt.Sprintf("a request failed with %s; trying again in %s (retry %d)", why, wait.Round(100*time.Millisecond), attempt)
}

// progressOut is where the progress display goes: stderr, or with
// --log-format json the log, one record a line (msg "progress"), so that
// every line on stderr is JSON.
func progressOut(c *cli.Context, stderr io.Writer, log *slog.Logger) io.Writer {
	if c.String("log-format") != "json" {
		return stderr
	}
	return logLines{log}
}

// logLines writes each line it is given as an info record.
type logLines struct{ log *slog.Logger }

func (l logLines) Write(p []byte) (int, error) {
	for _, line := range strings.Split(strings.TrimRight(string(p), "\n"), "\n") {
		l.log.Info("progress", "status", strings.TrimPrefix(line, "progress: "))
	}
	return len(p), nil
}
