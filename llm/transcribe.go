package llm

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	openai "github.com/sashabaranov/go-openai"

	"github.com/vidskim/vidskim/textsafe"
)

// DefaultTranscribeModel is the transcription model when none is named.
const DefaultTranscribeModel = "whisper-1"

// TranscribeRequest is one audio upload to /audio/transcriptions.
type TranscribeRequest struct {
	Model string // "" means DefaultTranscribeModel
	MP3   []byte
	// Duration of the audio in seconds: the one segment's end when a
	// server answers with text but no segments.
	Duration float64
	// Translate asks /audio/translations instead: the speech, whatever its
	// language, as English text (with segment times, as verbose_json has).
	Translate bool
	// Hooks, when set, hear of the upload reaching the server (never of a
	// transcript from the cache), so a caller can tell paid audio apart.
	Hooks *Hooks
}

// Segment is one timed stretch of speech. Times are seconds from the start
// of the uploaded audio; the caller shifts them to video time.
type Segment struct {
	Start float64 `json:"start_s"`
	End   float64 `json:"end_s"`
	Text  string  `json:"text"`
}

// Transcribe asks for a transcript with segment times (verbose_json), or
// its English translation, from the cache when it can.
func (c *Client) Transcribe(ctx context.Context, r TranscribeRequest) ([]Segment, error) {
	if r.Model == "" {
		r.Model = DefaultTranscribeModel
	}
	h := sha256.New()
	kind := "transcript"
	if r.Translate {
		kind = "translation"
	}
	fmt.Fprintf(h, "vidskim-%s-v1\n%s\nverbose_json\n", kind, r.Model)
	h.Write(r.MP3)
	key := hex.EncodeToString(h.Sum(nil))
	var segs []Segment
	if c.cfg.Cache != nil {
		noteKey(ctx, key)
	}
	if c.cfg.Cache != nil && c.cfg.Cache.get(key, &segs) {
		return segs, nil
	}
	r.Hooks.sent()
	req := openai.AudioRequest{Model: r.Model, FilePath: "audio.mp3", Reader: bytes.NewReader(r.MP3),
		Format: openai.AudioResponseFormatVerboseJSON}
	send := c.oa.CreateTranslation // the translations endpoint takes no timestamp granularities
	if !r.Translate {
		send = c.oa.CreateTranscription
		req.TimestampGranularities = []openai.TranscriptionTimestampGranularity{openai.TranscriptionTimestampGranularitySegment}
	}
	n := &attempts{}
	resp, err := send(withAttempts(ctx, n), req)
	if err != nil {
		return nil, c.failure(err, n.n)
	}
	clean := func(s string) string { return textsafe.Clean(textsafe.Redact(s, c.cfg.secrets()...)) }
	for _, s := range resp.Segments {
		if text := clean(s.Text); text != "" {
			segs = append(segs, Segment{Start: s.Start, End: s.End, Text: text})
		}
	}
	if len(resp.Segments) == 0 && strings.TrimSpace(resp.Text) != "" {
		segs = []Segment{{Start: 0, End: r.Duration, Text: clean(resp.Text)}} // a server without segments
	}
	if c.cfg.Cache != nil {
		c.cfg.Cache.put(key, segs) // a failure is said once; the transcript is used all the same
	}
	return segs, nil
}
