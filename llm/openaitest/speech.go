package openaitest

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"os/exec"
	"slices"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Spoken is one request to the fake /audio/speech, as received, checked,
// and answered.
type Spoken struct {
	N            int // order of arrival among speech requests, from 1
	Path         string
	Header       http.Header
	Model        string
	Voice        string
	Input        string
	Instructions string
	Format       string  // response_format; "mp3" when not sent, as the API defaults
	Speed        float64 // 1 when not sent
	Seconds      float64 // length of the tone answered
	Bytes        int     // of the audio answered
	Problem      []string
}

// WordsPerSecond is the fake narrator's pace at speed 1: a tone lasts
// the input's words at this rate, divided by the speed.
const WordsPerSecond = 2.5

// Tone frequency of the fake narrator, apart from any test video's own sound.
const ToneHz = 440

// speechModels are the text-to-speech models and the built-in voices each
// takes (OpenAI's text-to-speech guide: tts-1 and tts-1-hd have the
// smaller set; the OpenAPI schema lets any string through, the API does not).
var speechModels = func() map[string][]string {
	small := []string{"alloy", "ash", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer"}
	all := append(slices.Clone(small), "ballad", "verse", "marin", "cedar")
	return map[string][]string{"tts-1": small, "tts-1-hd": small,
		"gpt-4o-mini-tts": all, "gpt-4o-mini-tts-2025-03-20": all, "gpt-4o-mini-tts-2025-12-15": all}
}()

// handleSpeech serves /audio/speech like the real endpoint: the JSON body
// must match the OpenAPI schema and what the API enforces beyond it (a
// known model, one of its voices, instructions only where they work), and
// the answer is audio in the requested format: a tone as long as the text
// would take to say. A request that fails a check is answered 400, as the
// API would, and fails the test.
func (s *Server) handleSpeech(w http.ResponseWriter, r *http.Request) {
	sp := Spoken{Path: r.URL.Path, Header: r.Header.Clone(), Format: "mp3", Speed: 1}
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		sp.Problem = append(sp.Problem, "read body: "+err.Error())
	}
	s.checkSpeech(&sp, r, raw)
	s.mu.Lock()
	sp.N = len(s.spoken) + 1
	s.spoken = append(s.spoken, sp)
	s.mu.Unlock()
	var reply Reply
	if s.SpeechScript != nil && len(sp.Problem) == 0 {
		reply = s.SpeechScript(sp)
	}
	failing := reply.Status != 0 && reply.Status != http.StatusOK
	var audio []byte
	if len(sp.Problem) == 0 && !failing {
		sp.Seconds = max(0.2, float64(len(strings.Fields(sp.Input)))/WordsPerSecond/sp.Speed)
		if audio, err = Tone(sp.Seconds, sp.Format); err != nil {
			sp.Problem = append(sp.Problem, "making the tone: "+err.Error())
		}
		sp.Bytes = len(audio)
		s.mu.Lock()
		s.spoken[sp.N-1] = sp
		s.mu.Unlock()
	}
	for _, p := range sp.Problem {
		s.t.Errorf("fake server: speech request %d: %s", sp.N, p)
	}
	if len(sp.Problem) > 0 {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{
			"message": strings.Join(sp.Problem, "; "), "type": "invalid_request_error", "param": nil, "code": nil}})
		return
	}
	if failing {
		s.answer(w, Request{}, reply)
		return
	}
	w.Header().Set("Content-Type", speechContentType[sp.Format])
	w.Write(audio)
}

var speechContentType = map[string]string{"mp3": "audio/mpeg", "opus": "audio/ogg", "aac": "audio/aac",
	"flac": "audio/flac", "wav": "audio/wav", "pcm": "application/octet-stream"}

// checkSpeech validates one speech request and fills sp in.
func (s *Server) checkSpeech(sp *Spoken, r *http.Request, raw []byte) {
	bad := func(format string, a ...any) { sp.Problem = append(sp.Problem, fmt.Sprintf(format, a...)) }
	if r.Method != http.MethodPost {
		bad("%s %s: want POST", r.Method, r.URL.Path)
		return
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		bad("Content-Type %q", ct)
	}
	if err := validateJSON(s.speechSchema, raw); err != nil {
		bad("%v", err)
		return
	}
	var body struct {
		Model, Input, Instructions string
		Voice                      any
		Format                     string   `json:"response_format"`
		Speed                      *float64 `json:"speed"`
		Stream                     string   `json:"stream_format"`
	}
	json.Unmarshal(raw, &body)
	sp.Model, sp.Input, sp.Instructions = body.Model, body.Input, body.Instructions
	if body.Format != "" {
		sp.Format = body.Format
	}
	if body.Speed != nil {
		sp.Speed = *body.Speed
	}
	voices, known := speechModels[sp.Model]
	sp.Voice, _ = body.Voice.(string)
	switch {
	case !known:
		bad("model %q is not a text-to-speech model", sp.Model)
	case !slices.Contains(voices, sp.Voice):
		bad("voice %v is not one of %s's voices %v", body.Voice, sp.Model, voices)
	case sp.Instructions != "" && strings.HasPrefix(sp.Model, "tts-1"):
		bad("instructions do not work with %s", sp.Model)
	}
	if strings.TrimSpace(sp.Input) == "" {
		bad("empty input")
	}
	if body.Stream == "sse" {
		bad("stream_format sse: vidskim wants the audio itself")
	}
}

// validateJSON checks raw against sch.
func validateJSON(sch *jsonschema.Schema, raw []byte) error {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return fmt.Errorf("body is not JSON: %v", err)
	}
	if err := sch.Validate(inst); err != nil {
		return fmt.Errorf("body does not match the OpenAI schema: %v", err)
	}
	return nil
}

// Spoken returns what the speech endpoint received so far.
func (s *Server) Spoken() []Spoken {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Spoken(nil), s.spoken...)
}

// SpokenCharacters is what the speech requests so far would be billed
// for on a per-character model: the characters of their inputs.
func (s *Server) SpokenCharacters() int {
	n := 0
	for _, sp := range s.Spoken() {
		n += len([]rune(sp.Input))
	}
	return n
}

// toneCodec is each response format as ffmpeg writes it: OpenAI's pcm is
// raw 16-bit little-endian samples at 24 kHz, opus comes in Ogg, aac in ADTS.
var toneCodec = map[string][2]string{"mp3": {"libmp3lame", "mp3"}, "opus": {"libopus", "ogg"}, "aac": {"aac", "adts"},
	"flac": {"flac", "flac"}, "wav": {"pcm_s16le", "wav"}, "pcm": {"pcm_s16le", "s16le"}}

// Tone is seconds of a ToneHz sine at 24 kHz mono, as the speech endpoint
// would answer in format: written here for wav and pcm, encoded by ffmpeg
// (lavfi's sine) for the others.
func Tone(seconds float64, format string) ([]byte, error) {
	c, ok := toneCodec[format]
	if !ok {
		return nil, fmt.Errorf("unknown format %q", format)
	}
	if format == "wav" || format == "pcm" {
		return sineWAV(seconds, format == "wav"), nil
	}
	cmd := exec.Command("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-f", "lavfi",
		"-i", "sine=frequency="+strconv.Itoa(ToneHz)+":sample_rate=24000:duration="+strconv.FormatFloat(seconds, 'f', 3, 64),
		"-ac", "1", "-c:a", c[0], "-f", c[1], "pipe:1")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("ffmpeg: %v: %s", err, errb.String())
	}
	return out.Bytes(), nil
}

// sineWAV is seconds of a ToneHz sine at 24 kHz, 16-bit mono, at lavfi's
// amplitude (1/8), raw or in a WAV file.
func sineWAV(seconds float64, header bool) []byte {
	const rate = 24000
	n := int(math.Round(seconds * rate))
	b := make([]byte, 0, 44+2*n)
	if header {
		le := binary.LittleEndian
		b = append(b, "RIFF"...)
		b = le.AppendUint32(b, uint32(36+2*n))
		b = append(b, "WAVEfmt "...)
		b = le.AppendUint32(b, 16)
		b = le.AppendUint16(b, 1) // PCM
		b = le.AppendUint16(b, 1) // mono
		b = le.AppendUint32(b, rate)
		b = le.AppendUint32(b, 2*rate)
		b = le.AppendUint16(b, 2)
		b = le.AppendUint16(b, 16)
		b = append(b, "data"...)
		b = le.AppendUint32(b, uint32(2*n))
	}
	for i := range n {
		v := int16(math.Round(32767.0 / 8 * math.Sin(2*math.Pi*ToneHz*float64(i)/rate)))
		b = binary.LittleEndian.AppendUint16(b, uint16(v))
	}
	return b
}
