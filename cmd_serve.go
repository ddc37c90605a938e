package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/vidskim/vidskim/ask"
	"github.com/vidskim/vidskim/library"
	"github.com/vidskim/vidskim/serve"
)

// serveCommand is `vidskim serve`.
func serveCommand(stdout, stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:   "serve",
		Usage:  "a local web app over the library: every video with its frames, notes, transcript and summary, search, and questions whose cited moments play in the browser",
		Flags:  serveFlags(),
		Action: func(c *cli.Context) error { return serveCmd(c, stdout, stderr) },
	}
}

// serveCmd serves the library until interrupted. The model settings are
// read and checked now, for the questions its pages ask; the API key
// stays in this process and never reaches a page.
func serveCmd(c *cli.Context, stdout, stderr io.Writer) error {
	if c.NArg() > 0 {
		return usageError{fmt.Errorf("serve takes no arguments, got %q: it serves the whole library (--library to choose one)", c.Args().First())}
	}
	addr, token := c.String("addr"), c.String("token")
	if err := serve.CheckAddr(addr, token); err != nil {
		return usageError{fmt.Errorf("--addr %w", err)}
	}
	log := newLogger(c, stderr)
	lib, asker, stop, err := serveBackends(c, log, stderr)
	if err != nil {
		return err
	}
	defer stop()
	ca, err := cache(c, log)
	if err != nil {
		return err
	}
	o := serve.Options{Library: lib, Token: token, Locate: locateVideo, Frames: reportFrames, Ask: asker, Log: log,
		Forget: func(ctx context.Context, ref library.Ref) (string, error) { return forget(ctx, lib, ca, ref) }}
	if ca != nil { // MP4 copies of what a browser plays only in MP4, beside the answers
		o.RemuxDir = filepath.Join(ca.Dir, "remux")
	}
	srv, err := serve.New(o)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return usageError{fmt.Errorf("--addr %w", err)}
	}
	at := "http://" + ln.Addr().String() + "/"
	if token != "" {
		at += "?token=" + url.QueryEscape(token)
	}
	fmt.Fprintf(stdout, "vidskim: serving %s at %s (Ctrl-C stops)\n", lib.Path(), at)
	return serveUntilDone(c.Context, srv, ln)
}

// serveBackends opens the library and, when a model is set, the session
// the pages' questions are asked through; without one (no key, no
// --base-url) the library is still served, without the ask form.
func serveBackends(c *cli.Context, log *slog.Logger, stderr io.Writer) (*library.Library, func(context.Context, serve.Question) (ask.Result, error), func(), error) {
	key, err := apiKey(c, "api-key")
	if err != nil {
		return nil, nil, nil, err
	}
	if key == "" && c.String("base-url") == "" && c.String("azure-endpoint") == "" {
		lib, err := openLibrary(c)
		if err != nil {
			return nil, nil, nil, err
		}
		if !c.Bool("quiet") {
			fmt.Fprintln(stderr, "vidskim: no model is set (OPENAI_API_KEY, --api-key-file or --base-url): the pages ask no questions")
		}
		return lib, nil, func() { lib.Close() }, nil
	}
	s, err := newSession(c, log)
	if err != nil {
		return nil, nil, nil, err
	}
	base, err := askOptions(c, s, "")
	if err != nil {
		return nil, nil, nil, err
	}
	if err := s.connect(s.mo.Concurrency); err != nil {
		return nil, nil, nil, err
	}
	return s.lib, serveAsk(c, s, base), s.close, nil
}

// serveUntilDone serves on ln until ctx ends, then lets the requests in
// flight finish for a few seconds.
func serveUntilDone(ctx context.Context, h http.Handler, ln net.Listener) error {
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute,
		BaseContext: func(net.Listener) context.Context { return ctx }}
	done := make(chan error, 1)
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		done <- hs.Shutdown(sctx)
	}()
	if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return <-done
}

// serveAsk answers a page's question from the stored runs it names, as
// ask does (same checks, cache and library record), within --max-cost
// and --max-requests, lowered by the page's own cap.
func serveAsk(c *cli.Context, s *session, base ask.Options) func(context.Context, serve.Question) (ask.Result, error) {
	return func(ctx context.Context, q serve.Question) (ask.Result, error) {
		o := base
		o.Question, o.Look = q.Text, q.Look
		b := budget{c.Int("max-requests"), c.Float64("max-cost")}
		if q.MaxCostUSD > 0 && (b.usd <= 0 || q.MaxCostUSD < b.usd) {
			b.usd = q.MaxCostUSD
		}
		if _, _, err := reserveAnswer(b, s, o); err != nil {
			return ask.Result{}, err
		}
		var vs []ask.Video
		for _, st := range q.Runs {
			vs = append(vs, storedVideo(ctx, len(vs)+1, st, q.Look))
		}
		o.Search = searcher(s.lib, vs)
		res, err := ask.Run(ctx, s.client, vs, o)
		if err == nil || errors.Is(err, ask.ErrIncomplete) {
			recordAnswer(ctx, s, &res)
		}
		return res, err
	}
}
