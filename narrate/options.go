package narrate

import (
	"log/slog"

	"github.com/vidskim/vidskim/cost"
	"github.com/vidskim/vidskim/field"
	"github.com/vidskim/vidskim/llm"
)

// Original is what becomes of the video's own sound.
type Original string

const (
	// Duck lowers the original sound by DuckDB while the narrator speaks.
	Duck Original = "duck"
	// Keep leaves the original sound as it is, under the narration.
	Keep Original = "keep"
	// Drop leaves the narration alone on the sound track.
	Drop Original = "drop"
)

// ParseOriginal accepts duck, keep or drop.
func ParseOriginal(s string) (Original, error) {
	switch o := Original(s); o {
	case Duck, Keep, Drop:
		return o, nil
	}
	return "", field.Errorf("original-audio", "%q: must be duck, keep or drop", s)
}

// Fitting and mixing constants.
const (
	// MaxTempo is the most a clip is sped up to fit its slot.
	MaxTempo = 1.25
	// Gap is the least silence between two lines.
	Gap = 0.25
	// DuckDB is how much the original sound drops under the narrator.
	DuckDB = -12
	// Loudness targets of the result, by EBU R128 measurement: the level
	// online video plays at, true peaks under -1.5 dBTP.
	TargetLUFS, TargetTruePeak = -16.0, -1.5
	// SampleRate of the voice-over track: what the speech endpoint speaks.
	SampleRate = 24000
	// speechFormat is asked of the speech endpoint: lossless, exact in
	// length, and read without a decoder.
	speechFormat = "wav"
)

// Options configures a voice-over. The zero value speaks with
// llm.DefaultSpeechModel in llm.DefaultVoice, four lines at a time, and
// fails on the first line that cannot be spoken.
type Options struct {
	// Model, Voice and Instructions go to the speech endpoint.
	Model, Voice, Instructions string
	// ChatModel shortens lines too long for their slot; "" means
	// summarize's default.
	ChatModel string
	// Concurrency is how many lines are spoken at once; 0 means 4.
	Concurrency int
	// Partial leaves a silence where a line cannot be spoken (saying so in
	// the Report) instead of failing.
	Partial bool
	// End is where the narration must have ended, in seconds of video time
	// (the end of the narrated range).
	End float64
	// Length is the voice-over track's length: the whole video.
	Length float64
	// SpeechPrice and ChatPrice, when set, price the Report.
	SpeechPrice *cost.SpeechPrice
	ChatPrice   *cost.Model
	// FFmpegPath is the ffmpeg binary; "" means "ffmpeg" from PATH.
	FFmpegPath string
	// Log hears which lines were shortened, sped up, moved or left silent.
	Log *slog.Logger
}

func (o *Options) applyDefaults() {
	if o.Model == "" {
		o.Model = llm.DefaultSpeechModel
	}
	if o.Voice == "" {
		o.Voice = llm.DefaultVoice
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	if o.FFmpegPath == "" {
		o.FFmpegPath = "ffmpeg"
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Length < o.End {
		o.Length = o.End
	}
}

// Report is what the voice-over became.
type Report struct {
	Model string   `json:"model"`
	Voice string   `json:"voice"`
	Lines []Spoken `json:"lines"`
	// Requests were sent to the speech endpoint; Cached lines came from
	// the cache, paying nothing.
	Requests int `json:"requests"`
	Cached   int `json:"cached"`
	// Characters and AudioSeconds are what the requests sent were billed
	// for: the text, and the speech it came out as.
	Characters   int     `json:"characters"`
	AudioSeconds float64 `json:"audio_s"`
	// Shorten is the tokens of the requests that shortened lines.
	Shorten Tokens `json:"shorten_tokens"`
	// ShortenRequests were sent; ShortenCached came from the cache.
	ShortenRequests int `json:"shorten_requests"`
	ShortenCached   int `json:"shorten_cached"`
	// CostUSD prices what was sent (speech and shortening), when known.
	CostUSD float64 `json:"cost_usd,omitempty"`
	// Video and Audio are the files written.
	Video string `json:"video,omitempty"`
	Audio string `json:"audio,omitempty"`
}

// Tokens is what the server reported using.
type Tokens struct {
	Prompt     int `json:"prompt"`
	Completion int `json:"completion"`
}

// Spoken is one narration line as heard.
type Spoken struct {
	At    float64 `json:"at_s"`    // the line's time in the script
	Start float64 `json:"start_s"` // when it is heard
	End   float64 `json:"end_s"`
	Text  string  `json:"text"` // as spoken
	// Written is the model's line when it was shortened.
	Written string `json:"written,omitempty"`
	// Tempo is the speed-up applied to fit, when there was one.
	Tempo float64 `json:"tempo,omitempty"`
	// Silent says why the line could not be spoken (Options.Partial).
	Silent string `json:"silent,omitempty"`
	// LeftOut says why a spoken line was left out: no room before the end.
	LeftOut string `json:"left_out,omitempty"`
}

// Heard says whether the line is in the voice-over.
func (s Spoken) Heard() bool { return s.Silent == "" && s.LeftOut == "" }

// Moved is how much later than its time the line starts.
func (s Spoken) Moved() float64 {
	if !s.Heard() || s.Start-s.At < 0.01 {
		return 0
	}
	return s.Start - s.At
}

// Silent counts the lines that could not be spoken.
func (r Report) Silent() int {
	n := 0
	for _, l := range r.Lines {
		if l.Silent != "" {
			n++
		}
	}
	return n
}

// Heard counts the lines in the voice-over.
func (r Report) Heard() int {
	n := 0
	for _, l := range r.Lines {
		if l.Heard() {
			n++
		}
	}
	return n
}
