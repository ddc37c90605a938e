package cost

import "math"

// SpeechPrice is what a text-to-speech model costs: by the character
// (tts-1, tts-1-hd), or by text tokens in and audio tokens out
// (gpt-4o-mini-tts), the audio tokens counted from the minutes spoken.
type SpeechPrice struct {
	Name string `json:"name"`
	// CharactersUSD is the price of a million characters of input.
	CharactersUSD float64 `json:"usd_per_m_characters,omitempty"`
	// InputUSD prices a million text tokens in (four characters a token),
	// AudioUSD a million audio tokens out; AudioTokensPerMinute is how
	// many audio tokens a minute of speech is.
	InputUSD             float64 `json:"input_usd_per_m,omitempty"`
	AudioUSD             float64 `json:"audio_output_usd_per_m,omitempty"`
	AudioTokensPerMinute float64 `json:"audio_tokens_per_minute,omitempty"`
}

// Cost is the price of speaking chars characters that came out as
// seconds of audio.
func (p SpeechPrice) Cost(chars int, seconds float64) float64 {
	tokens := math.Ceil(float64(chars) / 4)
	return float64(chars)*p.CharactersUSD/1e6 + tokens*p.InputUSD/1e6 + seconds/60*p.AudioTokensPerMinute*p.AudioUSD/1e6
}

// SpeechFor finds model's price: exactly, else the longest entry that
// prefixes it (a dated snapshot). known is false for a model the table
// lacks (another server's), whose price is then zero.
func (m Models) SpeechFor(model string) (p SpeechPrice, known bool) {
	p, known = find(m.Speech, model, func(e SpeechPrice) string { return e.Name })
	if !known {
		p = SpeechPrice{Name: model}
	}
	return p, known
}

// CharactersPerWord is what a spoken word takes in text, its space and
// punctuation included: English averages under six.
const CharactersPerWord = 6

// Narration is a run's voice-over priced before it runs: the narrated
// range spoken through at the narration pace (lines are sized to fit the
// time they cover, so that is the most there is to say), plus sending
// lines back once each to be shortened.
type Narration struct {
	Model      string  `json:"model"`
	Known      bool    `json:"known_price"`
	Seconds    float64 `json:"narration_s_at_most"`
	Words      int     `json:"words"`
	Characters int     `json:"characters"`
	USD        float64 `json:"cost_usd"`
	// ShortenRequests is at most one a line; ShortenUSD their cost at most
	// on the chat model.
	ShortenRequests int     `json:"shorten_requests_at_most"`
	ShortenUSD      float64 `json:"shorten_cost_usd_at_most"`
}

// NarrationFor prices speaking seconds of narration at wordsPerSecond on
// the speech model.
func (m Models) NarrationFor(model string, seconds, wordsPerSecond float64) Narration {
	p, known := m.SpeechFor(model)
	words := int(math.Ceil(seconds * wordsPerSecond))
	chars := words * CharactersPerWord
	return Narration{Model: model, Known: known, Seconds: math.Round(seconds*10) / 10, Words: words,
		Characters: chars, USD: RoundUSD(p.Cost(chars, seconds))}
}

// AddShortening counts up to lines requests to shorten a line, of at
// most in input and out output tokens in all, on chat.
func (n *Narration) AddShortening(lines int, chat Model, in, out int) {
	n.ShortenRequests = lines
	n.ShortenUSD = RoundUSD(chat.Cost(in, out))
}

// TotalUSD is the voice-over's cost at most: speech and shortening.
func (n Narration) TotalUSD() float64 { return RoundUSD(n.USD + n.ShortenUSD) }
