package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
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
// they name and the voice, before the session connects (--speak makes it
// a narration run); nil without --speak. The video itself is checked by
// the gate, before any request.
func newSpeech(c *cli.Context, s *session, ins []input, single bool) (*speech, error) {
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
	if err := speakMode(c, &s.mo); err != nil {
		return nil, err
	}
	switch {
	case c.Bool("transcript-only"):
		return nil, usageError{errors.New("--speak with --transcript-only: there is no narration to speak")}
	case !single:
		return nil, usageError{errors.New("--speak narrates one video at a time: name one file or URL")}
	}
	sp := &speech{video: c.String("out"), audio: c.String("audio-out"), baseURL: c.String("tts-base-url"), subtitles: c.Bool("subtitles")}
	if err := sp.checkVoice(c, s.ccfg); err != nil {
		return nil, err
	}
	return sp, sp.checkOutputs(ins[0])
}

// checkOutputs refuses outputs that cannot be written.
func (sp *speech) checkOutputs(in input) error {
	switch {
	case sp.video == "" && sp.audio == "":
		return usageError{errors.New("--speak: name the narrated video with -o (.mp4, .mkv or .mov), or the voice-over alone with --audio-out")}
	case sp.video == "-":
		return usageError{errors.New("-o -: with --speak, -o names the narrated video file (the text output goes to stdout)")}
	case sp.subtitles && sp.video == "":
		return usageError{errors.New("--subtitles puts the narration in the narrated video: name it with -o")}
	}
	if sp.video != "" {
		if err := narrate.VideoContainer("out", sp.video); err != nil {
			return usage(err)
		}
	}
	if sp.audio == "" {
		return nil
	}
	if err := narrate.AudioContainer("audio-out", sp.audio); err != nil {
		return usage(err)
	}
	return checkOutput("audio-out", sp.audio, in.name, sp.video)
}

// checkVideo refuses, before any request, a video that cannot be narrated:
// no length to time lines to, or a video stream the container -o names
// cannot hold as it is.
func (sp *speech) checkVideo(ctx context.Context, in input, v extract.Video) error {
	if v.Duration <= 0 {
		return inputError{fmt.Errorf("%s: the file does not say how long the video is, so no voice-over can be timed to it", displayName(in))}
	}
	if sp.video == "" {
		return nil
	}
	err := narrate.CheckContainer(ctx, v, "out", sp.video, "")
	var ce *narrate.ContainerError
	if errors.As(err, &ce) {
		return usageError{fmt.Errorf("--out %w", err)}
	}
	return err
}

// gate is the one video's check before any request: the video, then the
// budget with the voice-over's cost; the session's budget gate without
// --speak.
func (sp *speech) gate(s *session, in input, b budget) gate {
	if sp == nil {
		return s.budgetGate(b)
	}
	return func(ctx context.Context, v extract.Video) error {
		if err := sp.checkVideo(ctx, in, v); err != nil {
			return err
		}
		return checkBudgetAnd(ctx, b, v, s.cfg, s.models, func(frames int) cost.Narration {
			return narration(s.models, sp.opts.Model, s.cfg.Model, s.cfg.Extract, v, frames)
		})
	}
}

// checkVoice checks the speech model, the voice and its instructions: on
// OpenAI or Azure against the API's own lists; another server (a
// --tts-base-url or --base-url) may have models and voices of its own.
func (sp *speech) checkVoice(c *cli.Context, client llm.Config) error {
	model, voice, instr := c.String("tts-model"), c.String("voice"), c.String("voice-instructions")
	openAI := sp.baseURL == "" && (client.Azure != nil || client.BaseURL == "")
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
	sp.opts = narrate.Options{Model: model, Voice: voice, Instructions: instr, Partial: c.Bool("partial")}
	sp.mix.Original = orig
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

// speak makes the voice-over of the run's narration and writes the
// narrated video and the voice-over alone, as asked; it returns the
// document to write (the run with its voice-over), or res as it is
// without --speak. The video is probed again (a run the library served
// never opened it) and checked before any speech is paid for.
func (sp *speech) speak(ctx context.Context, s *session, in input, res summarize.Result) (any, error) {
	if sp == nil {
		return res, nil
	}
	if len(res.Script) == 0 {
		return res, errors.New("--speak: the model wrote no narration line to speak")
	}
	v, err := s.open(ctx, in)
	if err == nil {
		err = sp.checkVideo(ctx, in, v)
	}
	if err != nil {
		return res, err
	}
	o := sp.opts
	o.End, o.Length = s.cfg.Extract.RangeEnd(v), v.Duration
	o.ChatModel, o.Concurrency, o.Log, o.ChatPrice = s.mo.Model, s.mo.Concurrency, s.log, s.mo.Pricing
	if p, known := s.models.SpeechFor(o.Model); known {
		o.SpeechPrice = &p
	}
	tr, err := narrate.Voice(ctx, s.client.ForSpeech(sp.baseURL), s.client, res.Script, o)
	if err != nil {
		return res, err
	}
	defer tr.Close()
	doc := render.Narrated{Result: res, Speech: tr.Report}
	doc.Usage.SpeechUSD = tr.Report.CostUSD // the reported cost is the whole run's
	doc.Usage.CostUSD = cost.RoundUSD(doc.Usage.CostUSD + tr.Report.CostUSD)
	if err := sp.write(ctx, tr, v, &doc); err != nil {
		return doc, err
	}
	r := doc.Speech
	s.log.Info("narrated", "to", strings.TrimSpace(sp.video+" "+sp.audio), "lines", len(r.Lines), "speech_requests", r.Requests,
		"cached", r.Cached, "characters", r.Characters, "cost_usd", r.CostUSD)
	if n := r.Silent(); n > 0 {
		return doc, partialWritten{fmt.Errorf("%d of %d narration lines could not be spoken and are silences (see the voice-over section); run again to retry them, the rest is cached", n, len(r.Lines))}
	}
	return doc, nil
}

// write mixes the narrated video and writes the voice-over alone, as
// asked. What was spoken is cached, so a failure here costs nothing to
// retry.
func (sp *speech) write(ctx context.Context, tr *narrate.Track, v extract.Video, doc *render.Narrated) error {
	if sp.video != "" {
		m := sp.mix
		if sp.subtitles {
			var b bytes.Buffer
			if err := render.Write(&b, render.SRT, *doc); err != nil {
				return err
			}
			m.Subtitles = b.Bytes()
		}
		if err := tr.Mix(ctx, v, sp.video, m); err != nil {
			return fmt.Errorf("--out %w (the speech is cached: running again costs nothing)", err)
		}
		doc.Speech.Video = sp.video
	}
	if sp.audio != "" {
		if err := tr.WriteAudio(ctx, sp.audio); err != nil {
			return fmt.Errorf("--audio-out %w (the speech is cached: running again costs nothing)", err)
		}
		doc.Speech.Audio = sp.audio
	}
	return nil
}
