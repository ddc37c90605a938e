package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"os/exec"

	"github.com/urfave/cli/v2"
	"golang.org/x/sync/semaphore"

	"github.com/vidskim/vidskim/cost"
	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/library"
	"github.com/vidskim/vidskim/llm"
	"github.com/vidskim/vidskim/render"
	"github.com/vidskim/vidskim/summarize"
)

// session is what every video of one summarize run shares: the checked
// flags, one model client (so --rpm and --tpm pace the whole run), one
// request pool (so --concurrency holds across videos), and the library.
type session struct {
	c      *cli.Context
	log    *slog.Logger
	format render.Format
	sel    selection
	mo     summarize.Options
	models cost.Models
	ccfg   llm.Config
	client *llm.Client
	// cfg is each video's pipeline configuration, less its progress.
	cfg   summarize.Config
	lib   *library.Library // nil with --no-library
	reuse bool             // a stored run may stand in for a new one
	// settings is what shapes a run's result, as JSON, and key its hash:
	// a stored run is reused only under the same key.
	settings []byte
	key      string
	// alsoKey is the key of a run with a summary when this one needs
	// only descriptions: such a run serves it too.
	alsoKey string
	tools   string               // the ffprobe and ffmpeg whose verdicts the library keeps
	many    bool                 // one video of many: its log lines name it
	ocr     *summarize.OCRConfig // --ocr; nil without
	// The Batch API's and the shards' hooks (batch_run.go, shard.go):
	// chat, when set, answers the pipeline instead of client; norecord
	// keeps a run out of the library; before runs once connected, before
	// any video, and after when the session closes; records, when set, is
	// where each video's run is written as a record file.
	chat     summarize.Client
	norecord bool
	before   func() error
	after    func()
	records  string
}

// newSession reads and checks every flag but the inputs and outputs, in
// the order a one-video run always has.
func newSession(c *cli.Context, log *slog.Logger) (*session, error) {
	s := &session{c: c, log: log, format: render.Format(c.String("format"))}
	var err error
	if s.sel, err = selectOptions(c); err != nil {
		return nil, err
	}
	if s.mo, err = modelOptions(c, s.sel.detail); err != nil {
		return nil, err
	}
	ca, err := cache(c, log)
	if err != nil {
		return nil, err
	}
	if s.models, err = jobOptions(c, &s.mo, &s.sel.dedupe); err != nil {
		return nil, err
	}
	if err := checkFormat(s.format, render.Markdown, render.JSON, render.SRT, render.VTT); err != nil && c.Command.Name != "ask" && c.Command.Name != "serve" {
		return nil, err
	}
	if s.ocr, err = ocrConfig(c); err != nil {
		return nil, err
	}
	// Subtitles of the descriptions need no summary: no merge is paid for
	// unless the report shows one.
	s.mo.DescriptionsOnly = (s.format == render.SRT || s.format == render.VTT) && c.String("report") == ""
	if s.ccfg, err = clientConfig(c, s.mo.Model, log); err != nil {
		return nil, err
	}
	s.ccfg.Cache = ca
	if max := s.ccfg.MaxImages(); max > 0 && s.sel.chunk.FramesPerRequest > max {
		return nil, usageError{fmt.Errorf("--frames-per-request %d: Azure OpenAI takes at most %d images a request", s.sel.chunk.FramesPerRequest, max)}
	}
	return s, nil
}

// connect makes the client and the pipeline configuration, and opens the
// library; pool, when above 0, is the request slots all videos share.
func (s *session) connect(pool int) error {
	c := s.c
	s.client = llm.New(s.ccfg)
	s.cfg = summarize.Config{Extract: s.sel.extract, Dedupe: s.sel.dedupe, Chunk: s.sel.chunk, Model: s.mo,
		Partial: c.Bool("partial"), KeepImages: c.String("report") != "" && c.Command.Name != "ask", OCR: s.ocr,
		OnRequest: requestLogger(s.log)}
	if pool > 0 {
		s.cfg.Slots = semaphore.NewWeighted(int64(pool))
	}
	if c.Bool("transcribe") || c.Bool("transcript-only") {
		s.cfg.Transcribe = &summarize.TranscribeConfig{
			Client: s.client.ForTranscription(c.String("transcribe-base-url")),
			Options: summarize.TranscribeOptions{Model: c.String("transcribe-model"), Translate: c.Bool("translate"),
				USDPerMinute: s.models.Transcription[c.String("transcribe-model")]},
			Audio: extract.AudioOptions{MaxBytes: pieceBytes()},
		}
	}
	var err error
	if s.settings, s.key, err = s.settingsKey(s.cfg); err != nil {
		return err
	}
	if s.cfg.Model.DescriptionsOnly {
		full := s.cfg
		full.Model.DescriptionsOnly = false
		_, s.alsoKey, _ = s.settingsKey(full)
	}
	s.tools = toolsIdentity()
	// Neither --no-cache (fresh answers asked for) nor --report (frames
	// needed) is served from stored runs; both are still recorded.
	s.reuse = !c.Bool("no-cache") && c.String("report") == ""
	if s.lib, err = openLibrary(c); err != nil || s.before == nil {
		return err
	}
	return s.before()
}

// settingsKey is cfg's settings as JSON and the hash that keys them.
func (s *session) settingsKey(cfg summarize.Config) ([]byte, string, error) {
	b, err := json.Marshal(runSettings{Settings: cfg.Settings(), TokenParam: s.ccfg.TokenParam,
		Temperature: s.ccfg.Temperature, Seed: s.ccfg.Seed})
	sum := sha256.Sum256(b)
	return b, hex.EncodeToString(sum[:]), err
}

// close closes the library.
func (s *session) close() {
	if s.after != nil {
		s.after()
	}
	if s.lib != nil {
		s.lib.Close()
	}
}

// runSettings is summarize's Settings plus the request parameters that
// change answers: what a stored run must share to stand in for a new one.
// Where the server is does not (the answer cache does not key on it
// either); the API key never appears here.
type runSettings struct {
	summarize.Settings
	TokenParam  string   `json:"token_param,omitempty"`
	Temperature *float32 `json:"temperature,omitempty"`
	Seed        *int     `json:"seed,omitempty"`
}

// openLibrary opens the library the flags name: --library, else the
// default; nil with --no-library.
func openLibrary(c *cli.Context) (*library.Library, error) {
	if c.Bool("no-library") {
		return nil, nil
	}
	path := c.String("library")
	if path == "" {
		var err error
		if path, err = library.DefaultPath(); err != nil {
			return nil, usageError{fmt.Errorf("%w (set --library or --no-library)", err)}
		}
	}
	lib, err := library.Open(c.Context, path)
	if err != nil {
		return nil, usageError{fmt.Errorf("--library %w (or run with --no-library)", err)}
	}
	return lib, nil
}

// toolsIdentity names the ffprobe and ffmpeg on PATH by place, size and
// time, without running them: a new ffmpeg is a new identity, so what an
// old one could not read is looked at again.
func toolsIdentity() string {
	id := ""
	for _, t := range []string{"ffprobe", "ffmpeg"} {
		p, err := exec.LookPath(t)
		if err != nil {
			return ""
		}
		st, err := os.Stat(p)
		if err != nil {
			return ""
		}
		id += fmt.Sprintf("%s %d %d;", p, st.Size(), st.ModTime().UnixNano())
	}
	return id
}
