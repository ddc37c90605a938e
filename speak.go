package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/vidskim/vidskim/cost"
	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/llm"
	"github.com/vidskim/vidskim/narrate"
	"github.com/vidskim/vidskim/render"
	"github.com/vidskim/vidskim/summarize"
	"github.com/vidskim/vidskim/textsafe"
)

// fromConfigKey keeps, in the app's metadata, the settings the config
// file set (applyConfig), so a default from the file is not taken for a
// flag the user typed.
const fromConfigKey = "vidskim-from-config"

// speechOnly are the flags only --speak reads: typed without it, they
// would be ignored, so they are refused.
var speechOnly = []string{"voice", "tts-model", "voice-instructions", "tts-base-url", "original-audio", "subtitles", "audio-out"}

// speech is a checked --speak: everything that can be refused is refused
// before any request.
type speech struct {
	opts      narrate.Options
	mix       narrate.Mix
	video     string // -o: the narrated video, "" for none
	audio     string // --audio-out, "" for none
	baseURL   string // --tts-base-url
	subtitles bool
}

// newSpeech reads and checks the speech flags of summarize, the outputs
// they name and the voice; nil without --speak.
func newSpeech(c *cli.Context, j *job) (*speech, error) {
	if err := checkTranslate(c); err != nil {
		return nil, err
	}
	if !c.Bool("speak") {
		for _, f := range speechOnly {
			if typed(c, f) {
				return nil, usageError{fmt.Errorf("--%s needs --speak", f)}
			}
		}
		return nil, nil
	}
	if err := speakMode(c, &j.cfg.Model); err != nil {
		return nil, err
	}
	if c.Bool("transcript-only") {
		return nil, usageError{errors.New("--speak with --transcript-only: there is no narration to speak")}
	}
	s := &speech{video: c.String("out"), audio: c.String("audio-out"), baseURL: c.String("tts-base-url"), subtitles: c.Bool("subtitles")}
	if err := s.checkVoice(c, j.client); err != nil {
		return nil, err
	}
	if j.v.Duration <= 0 {
		return nil, inputError{fmt.Errorf("%s: the file does not say how long the video is, so no voice-over can be timed to it", j.path)}
	}
	return s, s.checkOutputs(c.Context, j)
}

// checkOutputs refuses outputs that cannot be written, or a container
// that cannot hold the video stream as it is.
func (s *speech) checkOutputs(ctx context.Context, j *job) error {
	switch {
	case s.video == "" && s.audio == "":
		return usageError{errors.New("--speak: name the narrated video with -o (.mp4, .mkv or .mov), or the voice-over alone with --audio-out")}
	case s.video == "-":
		return usageError{errors.New("-o -: with --speak, -o names the narrated video file (the text output goes to stdout)")}
	case s.subtitles && s.video == "":
		return usageError{errors.New("--subtitles puts the narration in the narrated video: name it with -o")}
	}
	if s.audio != "" {
		if err := narrate.AudioContainer("audio-out", s.audio); err != nil {
			return usage(err)
		}
		if err := checkOutput("audio-out", s.audio, j.path, s.video); err != nil {
			return err
		}
	}
	if s.video == "" {
		return nil
	}
	err := narrate.CheckContainer(ctx, j.v, "out", s.video, "")
	var ce *narrate.ContainerError
	if errors.As(err, &ce) {
		return usageError{fmt.Errorf("--out %w", err)}
	}
	if err != nil && !errors.Is(err, extract.ErrToolMissing) && ctx.Err() == nil {
		return usage(err)
	}
	return err
}

// checkVoice checks the speech model, the voice and its instructions: on
// OpenAI or Azure against the API's own lists; another server (a
// --tts-base-url or --base-url) may have models and voices of its own.
func (s *speech) checkVoice(c *cli.Context, client llm.Config) error {
	model, voice, instr := c.String("tts-model"), c.String("voice"), c.String("voice-instructions")
	openAI := s.baseURL == "" && (client.Azure != nil || client.BaseURL == "")
	voices, known := llm.Voices(model)
	var err error
	switch {
	case model == "" || openAI && !known:
		err = fmt.Errorf("--tts-model %q: must be %s", model, strings.Join(llm.SpeechModels, ", "))
	case voice == "" || known && !slices.Contains(voices, voice):
		err = fmt.Errorf("--voice %q: %s speaks as %s", voice, model, strings.Join(voices, ", "))
	case instr != "" && !llm.TakesInstructions(model):
		err = fmt.Errorf("--voice-instructions: %s takes none; use --tts-model gpt-4o-mini-tts", model)
	case len([]rune(instr)) > llm.MaxSpeechInput:
		err = fmt.Errorf("--voice-instructions: at most %d characters", llm.MaxSpeechInput)
	}
	if err != nil {
		return usageError{err}
	}
	orig, err := narrate.ParseOriginal(c.String("original-audio"))
	if err != nil {
		return usage(err)
	}
	s.opts = narrate.Options{Model: model, Voice: voice, Instructions: instr, Partial: c.Bool("partial")}
	s.mix.Original = orig
	return nil
}

// speakMode makes --speak's run a narration; another --mode typed with it
// is refused.
func speakMode(c *cli.Context, o *summarize.Options) error {
	if !c.Bool("speak") {
		return nil
	}
	if typed(c, "mode") && o.Mode != summarize.ModeNarration {
		return usageError{fmt.Errorf("--speak speaks a narration: --mode %s cannot be spoken (use --mode narration, or leave --mode out)", o.Mode)}
	}
	o.Mode = summarize.ModeNarration
	return nil
}

// checkTranslate refuses --translate without a transcript to translate.
func checkTranslate(c *cli.Context) error {
	if c.Bool("translate") && !c.Bool("transcribe") && !c.Bool("transcript-only") {
		return usageError{errors.New("--translate translates the transcript: add --transcribe")}
	}
	return nil
}

// language is --language, checked to be a language's name.
func language(c *cli.Context) (string, error) {
	l := strings.TrimSpace(c.String("language"))
	if len(l) > 40 || textsafe.Line(l) != l {
		return "", usageError{fmt.Errorf("--language %q: name a language, e.g. French or pt-BR", textsafe.Brief(l, 40))}
	}
	return l, nil
}

// typed says whether the user set the flag, on the command line or in the
// environment, rather than the config file.
func typed(c *cli.Context, name string) bool {
	fromFile, _ := c.App.Metadata[fromConfigKey].(map[string]bool)
	return c.IsSet(name) && !fromFile[name]
}

// textOut is where the text output goes: -o, unless -o names the
// narrated video.
func textOut(c *cli.Context) string {
	if c.Bool("speak") {
		return ""
	}
	return c.String("out")
}

// narration prices the voice-over of a run keeping frames frames: the
// range spoken through, and each line (one a frame at most) shortened once.
func narration(models cost.Models, tts string, mo summarize.Options, eo extract.Options, v extract.Video, frames int) cost.Narration {
	seconds := eo.RangeEnd(v) - eo.Start
	n := models.NarrationFor(tts, seconds, summarize.WordsPerSecond)
	chat, _ := models.Lookup(mo.Model)
	in, out := narrate.ShortenTokens(frames, seconds)
	n.AddShortening(frames, chat, in, out)
	return n
}

// costs prices the voice-over for the budget check; nil without --speak.
func (s *speech) costs(j job) func(frames int) cost.Narration {
	if s == nil {
		return nil
	}
	return func(frames int) cost.Narration {
		return narration(j.models, s.opts.Model, j.cfg.Model, j.cfg.Extract, j.v, frames)
	}
}

// speak makes the voice-over of the run's narration and writes the
// narrated video and the voice-over alone, as asked; it returns the
// document to write (the run with its voice-over), or res as it is
// without --speak.
func (s *speech) speak(ctx context.Context, client *llm.Client, j job, res summarize.Result, log *slog.Logger) (any, error) {
	if s == nil {
		return res, nil
	}
	if len(res.Script) == 0 {
		return res, errors.New("--speak: the model wrote no narration line to speak")
	}
	o := s.opts
	o.End, o.Length = j.cfg.Extract.RangeEnd(j.v), j.v.Duration
	o.ChatModel, o.Concurrency, o.Log, o.ChatPrice = j.cfg.Model.Model, j.cfg.Model.Concurrency, log, j.cfg.Model.Pricing
	if p, known := j.models.SpeechFor(o.Model); known {
		o.SpeechPrice = &p
	}
	tr, err := narrate.Voice(ctx, client.ForSpeech(s.baseURL), client, res.Script, o)
	if err != nil {
		return res, err
	}
	defer tr.Close()
	doc := render.Narrated{Result: res, Speech: tr.Report}
	if err := s.write(ctx, tr, j, &doc); err != nil {
		return doc, err
	}
	r := doc.Speech
	log.Info("narrated", "to", strings.TrimSpace(s.video+" "+s.audio), "lines", len(r.Lines), "speech_requests", r.Requests,
		"cached", r.Cached, "characters", r.Characters, "cost_usd", r.CostUSD)
	if n := r.Silent(); n > 0 {
		return doc, partialWritten{fmt.Errorf("%d of %d narration lines could not be spoken and are silences (see the voice-over section); run again to retry them, the rest is cached", n, len(r.Lines))}
	}
	return doc, nil
}

// write mixes the narrated video and writes the voice-over alone, as
// asked. What was spoken is cached, so a failure here costs nothing to
// retry.
func (s *speech) write(ctx context.Context, tr *narrate.Track, j job, doc *render.Narrated) error {
	if s.video != "" {
		m := s.mix
		if s.subtitles {
			var b bytes.Buffer
			if err := render.Write(&b, render.SRT, *doc); err != nil {
				return err
			}
			m.Subtitles = b.Bytes()
		}
		if err := tr.Mix(ctx, j.v, s.video, m); err != nil {
			return fmt.Errorf("--out %w (the speech is cached: running again costs nothing)", err)
		}
		doc.Speech.Video = s.video
	}
	if s.audio != "" {
		if err := tr.WriteAudio(ctx, s.audio); err != nil {
			return fmt.Errorf("--audio-out %w (the speech is cached: running again costs nothing)", err)
		}
		doc.Speech.Audio = s.audio
	}
	return nil
}
