package openaitest

import (
	"bytes"
	"io"
	"math"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// TestSpeechChecks: the fake takes what the API takes and refuses, with a
// 400 and a complaint, what the API refuses, including what the schema
// lets through (a voice the model lacks, instructions to tts-1).
func TestSpeechChecks(t *testing.T) {
	NeedFFmpeg(t)
	long := strings.Repeat("a", 4097)
	tests := []struct {
		name, body string
		want       string // "" means accepted
	}{
		{"minimal", `{"model":"tts-1","input":"hello there","voice":"alloy"}`, ""},
		{"every field", `{"model":"gpt-4o-mini-tts","input":"hi","voice":"marin","instructions":"calm","response_format":"wav","speed":1.25}`, ""},
		{"unknown voice", `{"model":"tts-1","input":"hi","voice":"bogus"}`, "not one of"},
		{"voice of another model", `{"model":"tts-1","input":"hi","voice":"cedar"}`, "not one of"},
		{"speed too high", `{"model":"tts-1","input":"hi","voice":"alloy","speed":5}`, "OpenAI schema"},
		{"speed too low", `{"model":"tts-1","input":"hi","voice":"alloy","speed":0.2}`, "OpenAI schema"},
		{"input too long", `{"model":"tts-1","input":"` + long + `","voice":"alloy"}`, "OpenAI schema"},
		{"unknown field", `{"model":"tts-1","input":"hi","voice":"alloy","temperature":0}`, "OpenAI schema"},
		{"bad format", `{"model":"tts-1","input":"hi","voice":"alloy","response_format":"ogg"}`, "OpenAI schema"},
		{"instructions to tts-1", `{"model":"tts-1-hd","input":"hi","voice":"alloy","instructions":"calm"}`, "instructions do not work"},
		{"not a speech model", `{"model":"gpt-4o","input":"hi","voice":"alloy"}`, "not a text-to-speech model"},
		{"empty input", `{"model":"tts-1","input":" ","voice":"alloy"}`, "empty input"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, status := postChecked(t, "/audio/speech", tt.body, tt.want)
			if want := map[bool]int{true: 200, false: 400}[tt.want == ""]; status != want {
				t.Errorf("status %d, want %d", status, want)
			}
			if sp := s.Spoken(); len(sp) != 1 || (tt.want == "") != (len(sp[0].Problem) == 0) {
				t.Errorf("recorded %+v", sp)
			}
		})
	}
}

// TestSpeechTone: the answer is audio in the format asked for, as long as
// the words take at 2.5 a second, divided by the speed.
func TestSpeechTone(t *testing.T) {
	NeedFFmpeg(t)
	s := New(t)
	for _, format := range []string{"mp3", "opus", "aac", "flac", "wav", "pcm"} {
		t.Run(format, func(t *testing.T) {
			body := `{"model":"tts-1","input":"one two three four five","voice":"nova","response_format":"` + format + `","speed":0.5}`
			resp, err := http.Post(s.BaseURL()+"/audio/speech", "application/json", strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			audio, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != speechContentType[format] {
				t.Fatalf("status %d, type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			in := []string{"-i", "pipe:0"}
			if format == "pcm" {
				in = []string{"-f", "s16le", "-ar", "24000", "-ac", "1", "-i", "pipe:0"}
			}
			if got := decodedSeconds(t, audio, in); math.Abs(got-4) > 0.1 { // 5 words at 2.5/s, half speed
				t.Errorf("%.3f s of audio, want 4", got)
			}
		})
	}
}

// decodedSeconds decodes audio fully and counts its samples.
func decodedSeconds(t *testing.T, audio []byte, in []string) float64 {
	t.Helper()
	cmd := exec.Command("ffmpeg", append(append([]string{"-hide_banner", "-loglevel", "error"}, in...), "-f", "s16le", "-ac", "1", "-ar", "24000", "pipe:1")...)
	cmd.Stdin = bytes.NewReader(audio)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	return float64(len(out)) / 2 / 24000
}

// TestTranslationForm: a translation upload is checked against the
// schema, which has no timestamp granularities.
func TestTranslationForm(t *testing.T) {
	rec := &recorder{TB: t}
	s := New(rec)
	if err := s.checkTranslationForm(map[string][]string{"model": {"whisper-1"}, "response_format": {"verbose_json"}, "temperature": {strconv.Itoa(0)}}); err != nil {
		t.Errorf("valid form refused: %v", err)
	}
	if err := s.checkTranslationForm(map[string][]string{"model": {"whisper-1"}, "timestamp_granularities[]": {"segment"}}); err == nil {
		t.Error("a form with timestamp granularities passed")
	}
}
