package openaitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Transcription is what the fake transcription (or translation) endpoint
// received.
type Transcription struct {
	// Translation: the upload went to /audio/translations (English text).
	Translation   bool
	Model, Format string
	Granularities []string
	Bytes         int
	Duration      float64 // of the uploaded audio, by ffprobe
}

// Speech is a stretch the fake "heard": where the uploaded audio is not
// silent, found with ffmpeg's silencedetect.
type Speech struct{ Start, End float64 }

// handleTranscription serves /audio/transcriptions and /audio/translations
// like the real endpoints with response_format verbose_json: it checks the
// upload is audio ffmpeg can read and under 25 MB (and a translation's form
// against the OpenAPI schema, which has no timestamp granularities), finds
// the non-silent stretches in it, and answers one segment for each, with
// the text SpeechText gives.
func (s *Server) handleTranscription(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		s.t.Errorf("fake server: transcription: not multipart: %v", err)
		http.Error(w, err.Error(), 400)
		return
	}
	f, _, err := r.FormFile("file")
	if err != nil {
		s.t.Errorf("fake server: transcription without a file: %v", err)
		http.Error(w, err.Error(), 400)
		return
	}
	audio, _ := io.ReadAll(f)
	tr := Transcription{Model: r.FormValue("model"), Format: r.FormValue("response_format"),
		Granularities: r.MultipartForm.Value["timestamp_granularities[]"], Bytes: len(audio),
		Translation: strings.HasSuffix(r.URL.Path, "/audio/translations")}
	if tr.Translation {
		if err := s.checkTranslationForm(r.MultipartForm.Value); err != nil {
			s.t.Errorf("fake server: translation: %v", err)
			http.Error(w, err.Error(), 400)
			return
		}
	}
	if len(audio) > 25<<20 {
		s.t.Errorf("fake server: %d bytes of audio, over the 25 MB limit", len(audio))
	}
	speech, dur, err := listen(audio)
	if err != nil {
		s.t.Errorf("fake server: the upload is not audio ffmpeg can read: %v", err)
		http.Error(w, err.Error(), 400)
		return
	}
	tr.Duration = dur
	s.mu.Lock()
	s.transcriptions = append(s.transcriptions, tr)
	n := len(s.transcriptions)
	s.mu.Unlock()
	var segs []map[string]any
	text := ""
	for i, sp := range speech {
		t := fmt.Sprintf("speech %d of upload %d", i, n)
		if s.SpeechText != nil {
			t = s.SpeechText(n, i)
		}
		text += " " + t
		segs = append(segs, map[string]any{"id": i, "seek": 0, "start": sp.Start, "end": sp.End, "text": " " + t,
			"tokens": []int{1}, "temperature": 0, "avg_logprob": -0.2, "compression_ratio": 1.1, "no_speech_prob": 0.01})
	}
	w.Header().Set("Content-Type", "application/json")
	task, lang := "transcribe", "english"
	if tr.Translation {
		task = "translate"
	}
	json.NewEncoder(w).Encode(map[string]any{"task": task, "language": lang, "duration": dur, "text": text, "segments": segs})
}

// checkTranslationForm validates a translation's form fields, as the JSON
// object they stand for, against the OpenAPI schema.
func (s *Server) checkTranslationForm(form map[string][]string) error {
	obj := map[string]any{"file": "(binary)"}
	for k, vs := range form {
		if len(vs) != 1 {
			return fmt.Errorf("form field %s sent %d times", k, len(vs))
		}
		obj[k] = vs[0]
		if k == "temperature" {
			f, err := strconv.ParseFloat(vs[0], 64)
			if err != nil {
				return fmt.Errorf("temperature %q", vs[0])
			}
			obj[k] = f
		}
	}
	raw, _ := json.Marshal(obj)
	return validateJSON(s.translationSchema, raw)
}

// Transcriptions returns what the transcription endpoint received.
func (s *Server) Transcriptions() []Transcription {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Transcription(nil), s.transcriptions...)
}

var (
	reSilenceStart = regexp.MustCompile(`silence_start: (-?[\d.]+)`)
	reSilenceEnd   = regexp.MustCompile(`silence_end: (-?[\d.]+)`)
	reDuration     = regexp.MustCompile(`time=(\d+):(\d+):([\d.]+)`)
)

// listen finds the stretches of audio louder than -35 dB.
func listen(audio []byte) ([]Speech, float64, error) {
	return hear([]string{"-i", "pipe:0"}, audio, "silencedetect=noise=-35dB:d=0.3")
}

// Hear finds the stretches of sound in the first audio stream of the file
// at path: louder than noise dBFS, apart by silences of at least minSilence
// seconds, after filter (a frequency band, say; "" for none). It returns
// them with the audio's decoded length.
func Hear(path, filter string, noise, minSilence float64) ([]Speech, float64, error) {
	detect := fmt.Sprintf("silencedetect=noise=%gdB:d=%g", noise, minSilence)
	if filter != "" {
		detect = filter + "," + detect
	}
	return hear([]string{"-i", "file:" + path, "-map", "0:a:0"}, nil, detect)
}

// hear runs silencedetect over the input and turns its report into the
// stretches between silences.
func hear(in []string, stdin []byte, filter string) ([]Speech, float64, error) {
	args := append(append([]string{"-hide_banner", "-nostdin"}, in...), "-af", filter, "-f", "null", "-")
	cmd := exec.Command("ffmpeg", args...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, 0, fmt.Errorf("%v: %s", err, out)
	}
	all := reDuration.FindAllSubmatch(out, -1) // the last progress line is the decoded duration
	if all == nil {
		return nil, 0, fmt.Errorf("no duration in %s", out)
	}
	m := all[len(all)-1]
	h, _ := strconv.ParseFloat(string(m[1]), 64)
	mi, _ := strconv.ParseFloat(string(m[2]), 64)
	sec, _ := strconv.ParseFloat(string(m[3]), 64)
	dur := h*3600 + mi*60 + sec
	var starts, ends []float64
	for _, x := range reSilenceStart.FindAllSubmatch(out, -1) {
		v, _ := strconv.ParseFloat(string(x[1]), 64)
		starts = append(starts, v)
	}
	for _, x := range reSilenceEnd.FindAllSubmatch(out, -1) {
		v, _ := strconv.ParseFloat(string(x[1]), 64)
		ends = append(ends, v)
	}
	// Sound lies between a silence's end (or the start) and the next
	// silence's start (or the end).
	type ev struct {
		t     float64
		start bool
	}
	var evs []ev
	for _, v := range starts {
		evs = append(evs, ev{v, true})
	}
	for _, v := range ends {
		evs = append(evs, ev{v, false})
	}
	sort.Slice(evs, func(i, j int) bool { return evs[i].t < evs[j].t })
	var speech []Speech
	cur, inSound := 0.0, true
	for _, e := range evs {
		switch {
		case e.start && inSound:
			if e.t-cur > 0.1 {
				speech = append(speech, Speech{Start: cur, End: e.t})
			}
			inSound = false
		case !e.start:
			cur, inSound = e.t, true
		}
	}
	if inSound && dur-cur > 0.1 {
		speech = append(speech, Speech{Start: cur, End: dur})
	}
	return speech, dur, nil
}
