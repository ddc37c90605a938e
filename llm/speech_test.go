package llm

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vidskim/vidskim/llm/openaitest"
)

// TestSpeakCaches: a spoken text is paid once; the entry is the audio
// itself, private, without the key; any change that shapes the audio is a
// new request.
func TestSpeakCaches(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	srv := openaitest.New(t)
	dir := t.TempDir()
	c := New(Config{BaseURL: srv.BaseURL(), Key: "sk-secret-speech", Cache: &Cache{Dir: dir}}).ForSpeech("")
	req := SpeechRequest{Model: "tts-1", Voice: "nova", Input: "one two three four five", Format: "flac"}
	first, err := c.Speak(t.Context(), req)
	if err != nil || first.Cached || first.Format != "flac" || string(first.Audio[:4]) != "fLaC" {
		t.Fatalf("first: cached %v, format %q, %d bytes, err %v", first.Cached, first.Format, len(first.Audio), err)
	}
	again, err := c.Speak(t.Context(), req)
	if err != nil || !again.Cached || string(again.Audio) != string(first.Audio) {
		t.Fatalf("again: cached %v, err %v", again.Cached, err)
	}
	if n := len(srv.Spoken()); n != 1 {
		t.Fatalf("%d speech requests for one text spoken twice", n)
	}
	entries, _ := filepath.Glob(filepath.Join(dir, "*", "*.flac"))
	if len(entries) != 1 {
		t.Fatalf("cache entries %v", entries)
	}
	fi, _ := os.Stat(entries[0])
	data, _ := os.ReadFile(entries[0])
	if fi.Mode().Perm() != 0o600 || strings.Contains(string(data), "sk-secret") || string(data) != string(first.Audio) {
		t.Errorf("entry mode %v; want the audio alone, readable by the owner only", fi.Mode().Perm())
	}
	for _, change := range []func(*SpeechRequest){
		func(r *SpeechRequest) { r.Voice = "onyx" },
		func(r *SpeechRequest) { r.Model = "tts-1-hd" },
		func(r *SpeechRequest) { r.Speed = 1.5 },
		func(r *SpeechRequest) { r.Format = "wav" },
		func(r *SpeechRequest) { r.Model, r.Instructions = "gpt-4o-mini-tts", "calm" },
	} {
		r := req
		change(&r)
		if s, err := c.Speak(t.Context(), r); err != nil || s.Cached {
			t.Errorf("%+v: cached %v, err %v", r, s.Cached, err)
		}
	}
	if n := len(srv.Spoken()); n != 6 {
		t.Errorf("%d speech requests, want 6", n)
	}
	if h := srv.Spoken()[0].Header.Get("Authorization"); h != "Bearer sk-secret-speech" {
		t.Errorf("authorization %q", h)
	}
}

// TestSpeakRetriesAndFails: a failing speech server gets chat's retries
// and bounds, and the caller learns what to do.
func TestSpeakRetriesAndFails(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	tests := []struct {
		name   string
		fail   int // answers that fail before the server recovers
		reply  openaitest.Reply
		want   string
		action Action
	}{
		{"500 then fine", 1, openaitest.Reply{Status: 500, Body: "<html>oops</html>"}, "", 0},
		{"429 with Retry-After then fine", 2, openaitest.Reply{Status: 429, Header: map[string]string{"Retry-After": "0.01"}, Body: `{"error":{"message":"slow down"}}`}, "", 0},
		{"500 for good", 100, openaitest.Reply{Status: 500, Body: `{"error":{"message":"tts is down"}}`}, "tts is down", Fail},
		{"bad key", 100, openaitest.Reply{Status: 401, Body: `{"error":{"message":"Incorrect API key"}}`}, "Incorrect API key", Stop},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := openaitest.New(t)
			srv.SpeechScript = func(s openaitest.Spoken) openaitest.Reply {
				if s.N <= tt.fail {
					return tt.reply
				}
				return openaitest.Reply{}
			}
			_, err := quickClient(srv, 3, 10*time.Second).ForSpeech("").Speak(t.Context(), SpeechRequest{Input: "hello world"})
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("err %v after %d requests", err, len(srv.Spoken()))
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want) || ActionOf(err, 0) != tt.action):
				t.Fatalf("err %v, want %q and action %v", err, tt.want, tt.action)
			}
			want := tt.fail + 1
			if tt.action == Stop {
				want = 1
			} else if tt.want != "" {
				want = 4 // the first try and 3 retries
			}
			if n := len(srv.Spoken()); n != want {
				t.Errorf("%d requests, want %d", n, want)
			}
		})
	}
}

// TestSpeakRefusesBeforeSending: what the endpoint would refuse is never
// sent.
func TestSpeakRefusesBeforeSending(t *testing.T) {
	srv := openaitest.New(t)
	c := quickClient(srv, 0, 0)
	for _, r := range []SpeechRequest{
		{Input: strings.Repeat("é", MaxSpeechInput+1)},
		{Input: "  "},
		{Input: "hi", Speed: 4.5},
		{Input: "hi", Format: "ogg"},
		{Input: "hi", Voice: "cedar"}, // not a tts-1 voice
		{Input: "hi", Instructions: "whisper"},
	} {
		var ie *SpeechInputError
		if _, err := c.Speak(t.Context(), r); !errors.As(err, &ie) {
			t.Errorf("%+v: err %v, want a SpeechInputError", r, err)
		}
	}
	if len(srv.Spoken()) != 0 {
		t.Errorf("%d requests sent", len(srv.Spoken()))
	}
	// At the limit, and another server's model with its own voices, pass.
	for _, r := range []SpeechRequest{{Input: strings.Repeat("é", MaxSpeechInput)}, {Input: "hi", Model: "kokoro", Voice: "af_sky", Instructions: "calm"}} {
		if _, err := r.toOpenAI(); err != nil {
			t.Errorf("%.40v: %v", r, err)
		}
	}
}

// TestSpeakAzure: on Azure, speech goes to the deployment named like the
// speech model, with the key in the api-key header.
func TestSpeakAzure(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	srv := openaitest.New(t)
	srv.BaseURL()
	c := New(Config{Key: "azure-key", Azure: &Azure{Endpoint: srv.URL, Deployment: "my-gpt4o"}}).ForSpeech("")
	if _, err := c.Speak(t.Context(), SpeechRequest{Model: "tts-1-hd", Input: "hello"}); err != nil {
		t.Fatal(err)
	}
	sp := srv.Spoken()[0]
	if sp.Path != "/openai/deployments/tts-1-hd/audio/speech" || sp.Header.Get("api-key") != "azure-key" {
		t.Errorf("path %s, api-key %q", sp.Path, sp.Header.Get("api-key"))
	}
}

// TestTranslate: --translate's requests go to /audio/translations, in the
// form its schema allows, and are cached apart from transcripts.
func TestTranslate(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	srv := openaitest.New(t)
	srv.SpeechText = func(n, i int) string { return "hello in English" }
	tone, err := openaitest.Tone(2, "mp3")
	if err != nil {
		t.Fatal(err)
	}
	c := New(Config{BaseURL: srv.BaseURL(), Cache: &Cache{Dir: t.TempDir()}}).ForTranscription("")
	for range 2 {
		segs, err := c.Transcribe(t.Context(), TranscribeRequest{MP3: tone, Duration: 2, Translate: true})
		if err != nil || len(segs) != 1 || segs[0].Text != "hello in English" {
			t.Fatalf("segments %+v, err %v", segs, err)
		}
	}
	if _, err := c.Transcribe(t.Context(), TranscribeRequest{MP3: tone, Duration: 2}); err != nil {
		t.Fatal(err)
	}
	tr := srv.Transcriptions()
	if len(tr) != 2 || !tr[0].Translation || len(tr[0].Granularities) != 0 || tr[0].Format != "verbose_json" || tr[1].Translation {
		t.Errorf("uploads %+v: want one translation (cached the second time), then one transcription", tr)
	}
}
