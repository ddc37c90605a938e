package llm

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	openai "github.com/sashabaranov/go-openai"

	"github.com/vidskim/vidskim/textsafe"
)

// Text-to-speech limits and defaults (OpenAI's /audio/speech).
const (
	DefaultSpeechModel = "tts-1"
	DefaultVoice       = "alloy"
	// MaxSpeechInput is the most characters one request may speak.
	MaxSpeechInput = 4096
	// MinSpeechSpeed and MaxSpeechSpeed bound the speed parameter.
	MinSpeechSpeed, MaxSpeechSpeed = 0.25, 4.0
)

// SpeechModels are OpenAI's text-to-speech models.
var SpeechModels = []string{"tts-1", "tts-1-hd", "gpt-4o-mini-tts"}

// SpeechFormats are the audio formats the endpoint answers in.
var SpeechFormats = []string{"mp3", "opus", "aac", "flac", "wav", "pcm"}

// The built-in voices (OpenAI's text-to-speech guide): tts-1 and tts-1-hd
// take the first nine; gpt-4o-mini-tts takes them all.
var (
	classicVoices = []string{"alloy", "ash", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer"}
	allVoices     = append(slices.Clone(classicVoices), "ballad", "verse", "marin", "cedar")
)

// miniTTS matches gpt-4o-mini-tts and its dated snapshots.
var miniTTS = regexp.MustCompile(`^gpt-4o-mini-tts(-\d{4}-\d{2}-\d{2})?$`)

// Voices returns the built-in voices model takes; known is false for a
// model that is not one of OpenAI's (another server's, with voices of its
// own).
func Voices(model string) (voices []string, known bool) {
	switch {
	case model == "tts-1" || model == "tts-1-hd":
		return classicVoices, true
	case miniTTS.MatchString(model):
		return allVoices, true
	}
	return nil, false
}

// knownVoice is false only for a voice one of OpenAI's models lacks.
func knownVoice(model, voice string) bool {
	voices, known := Voices(model)
	return !known || slices.Contains(voices, voice)
}

// TakesInstructions says whether model follows voice instructions
// (gpt-4o-mini-tts does; tts-1 and tts-1-hd do not). An unknown model
// is given the benefit of the doubt.
func TakesInstructions(model string) bool {
	_, known := Voices(model)
	return !known || miniTTS.MatchString(model)
}

// SpeechRequest is one text to speak.
type SpeechRequest struct {
	Model string // "" means DefaultSpeechModel
	Voice string // "" means DefaultVoice
	Input string // at most MaxSpeechInput characters
	// Instructions steer the voice (gpt-4o-mini-tts only).
	Instructions string
	// Format is one of SpeechFormats; "" means mp3, the API's default.
	Format string
	// Speed is 0.25 to 4; 0 means the server's default (1).
	Speed float64
	// Hooks hear of the request reaching the server (never of a cache hit).
	Hooks *Hooks
}

// Speech is the audio of one request, in the format asked for.
type Speech struct {
	Audio  []byte
	Format string
	Cached bool // from the cache: no request was made
}

// SpeechInputError is a request the endpoint would refuse: nothing is sent.
type SpeechInputError struct{ Reason string }

func (e *SpeechInputError) Error() string { return "speech: " + e.Reason }

// ForSpeech is the client for /audio/speech: the same provider and cache
// as c, at baseURL when given (a separate OpenAI-compatible speech server,
// then never Azure). On Azure the deployment is the one named like the
// speech model, as for transcription.
func (c *Client) ForSpeech(baseURL string) *Client { return c.ForTranscription(baseURL) }

// Speak turns r's text into audio, from the cache when the same text was
// spoken before with the same model, voice, instructions, format and
// speed, else from the server (paced, retried and bounded as chat is),
// holding the request's lock in the cache as Chat does, so that processes
// sharing the cache pay once.
func (c *Client) Speak(ctx context.Context, r SpeechRequest) (Speech, error) {
	req, err := r.toOpenAI()
	if err != nil {
		return Speech{}, err
	}
	key, err := speechKey(req)
	if err != nil {
		return Speech{}, err
	}
	ca, ext, format := c.cfg.Cache, "."+string(req.ResponseFormat), string(req.ResponseFormat)
	if ca == nil {
		audio, err := c.speak(ctx, r, req)
		return Speech{Audio: audio, Format: format}, err
	}
	if audio, ok := ca.getBytes(key, ext); ok {
		return Speech{Audio: audio, Format: format, Cached: true}, nil
	}
	lk, err := ca.lock(ctx, key)
	if err != nil {
		return Speech{}, err
	}
	if audio, ok := ca.getBytes(key, ext); ok { // spoken by another process while we waited
		lk.release(true)
		return Speech{Audio: audio, Format: format, Cached: true}, nil
	}
	audio, err := c.speak(ctx, r, req)
	stored := err == nil && ca.putBytes(key, ext, audio) == nil // a failure to store is said once, the audio used all the same
	lk.release(stored)
	return Speech{Audio: audio, Format: format}, err
}

// speak sends one request (paced, with the transport's retries) and reads
// the audio, refusing an answer that is not audio (a server that says 200
// with a JSON error) or none.
func (c *Client) speak(ctx context.Context, r SpeechRequest, req openai.CreateSpeechRequest) ([]byte, error) {
	if err := c.lim.wait(ctx, len(req.Input)/4+1); err != nil {
		return nil, err
	}
	r.Hooks.sent()
	defer r.Hooks.answered(0)
	n := &attempts{}
	raw, err := c.oa.CreateSpeech(withAudioAnswer(withAttempts(ctx, n)), req)
	if err != nil {
		return nil, c.failure(err, n.n)
	}
	defer raw.Close()
	audio, err := io.ReadAll(raw) // the transport read it whole, within MaxAudioBytes
	switch {
	case err != nil:
		return nil, &BadAnswerError{What: "the audio could not be read: " + err.Error()}
	case len(audio) == 0:
		return nil, &BadAnswerError{What: "no audio in it"}
	case strings.HasPrefix(raw.Header().Get("Content-Type"), "application/json") || req.ResponseFormat != "pcm" && audio[0] == '{':
		return nil, &BadAnswerError{What: "text, not audio: " + textsafe.Foreign(string(audio), 200, c.cfg.secrets()...)}
	}
	return audio, nil
}

// toOpenAI checks r against the endpoint's limits and builds the request.
func (r SpeechRequest) toOpenAI() (openai.CreateSpeechRequest, error) {
	if r.Model == "" {
		r.Model = DefaultSpeechModel
	}
	if r.Voice == "" {
		r.Voice = DefaultVoice
	}
	if r.Format == "" {
		r.Format = "mp3"
	}
	req := openai.CreateSpeechRequest{Model: openai.SpeechModel(r.Model), Voice: openai.SpeechVoice(r.Voice),
		Input: r.Input, Instructions: r.Instructions, ResponseFormat: openai.SpeechResponseFormat(r.Format), Speed: r.Speed}
	var why string
	switch n := utf8.RuneCountInString(r.Input); {
	case strings.TrimSpace(r.Input) == "":
		why = "nothing to say"
	case n > MaxSpeechInput:
		why = fmt.Sprintf("%d characters, more than the %d one request takes", n, MaxSpeechInput)
	case r.Speed != 0 && !(r.Speed >= MinSpeechSpeed && r.Speed <= MaxSpeechSpeed):
		why = fmt.Sprintf("speed %g: must be %g to %g", r.Speed, MinSpeechSpeed, MaxSpeechSpeed)
	case !slices.Contains(SpeechFormats, r.Format):
		why = fmt.Sprintf("format %q: must be one of %v", r.Format, SpeechFormats)
	case !knownVoice(r.Model, r.Voice):
		why = fmt.Sprintf("voice %q: %s has no such voice", r.Voice, r.Model)
	case r.Instructions != "" && !TakesInstructions(r.Model):
		why = r.Model + " takes no voice instructions"
	}
	if why != "" {
		return req, &SpeechInputError{Reason: why}
	}
	return req, nil
}

// speechKey hashes everything that shapes the audio: the whole request.
func speechKey(req openai.CreateSpeechRequest) (string, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	h.Write([]byte("vidskim-speech-v1\n"))
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil)), nil
}
