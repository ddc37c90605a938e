package narrate

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/llm"
	"github.com/vidskim/vidskim/summarize"
	"github.com/vidskim/vidskim/textsafe"
)

// Speaker is what a voice-over needs of a speech server; *llm.Client
// satisfies it (with its cache, pacing and retries behind it).
type Speaker interface {
	Speak(ctx context.Context, r llm.SpeechRequest) (llm.Speech, error)
}

// LineError is a narration line that could not be spoken.
type LineError struct {
	N    int // from 1, in time order
	At   float64
	Text string
	Err  error
}

func (e *LineError) Error() string {
	return fmt.Sprintf("narration line %d at %s (%q) could not be spoken: %v", e.N, extract.Clock(e.At), textsafe.Brief(e.Text, 60), e.Err)
}

func (e *LineError) Unwrap() error { return e.Err }

// voicer is one voice-over being made.
type voicer struct {
	o    Options
	sp   Speaker
	chat summarize.Client
	bin  string // ffmpeg
	dir  string // private temp directory: the clips and the track

	mu  sync.Mutex
	rep Report
}

// clip is one line's speech, decoded to raw mono samples on disk; path ""
// means the line is silent.
type clip struct {
	path    string
	samples int
}

func (c clip) seconds() float64 { return float64(c.samples) / SampleRate }

// speakAll fits and speaks every line, Concurrency at a time, and decodes
// each answer. Report.Lines gets each line's text as spoken.
func (v *voicer) speakAll(ctx context.Context, lines []summarize.Cue) ([]clip, error) {
	clips := make([]clip, len(lines))
	v.rep.Lines = make([]Spoken, len(lines))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(v.o.Concurrency)
	done, last := 0, time.Now()
	progress := func() { // a line every 10 s, for long narrations
		v.mu.Lock()
		defer v.mu.Unlock()
		if done++; time.Since(last) > 10*time.Second {
			v.o.Log.Info("speaking the narration", "lines_done", done, "of", len(lines))
			last = time.Now()
		}
	}
	for i, l := range lines {
		v.rep.Lines[i] = Spoken{At: l.Start, Start: l.Start, End: l.Start, Text: l.Text}
		g.Go(func() error {
			c, err := v.speakLine(gctx, i, l.Text, summarize.WordBudget(slot(lines, i, v.o.End)))
			progress()
			if err == nil || gctx.Err() != nil {
				clips[i] = c
				return err
			}
			lerr := &LineError{N: i + 1, At: l.Start, Text: l.Text, Err: err}
			if !v.o.Partial || llm.ActionOf(err, 0) == llm.Stop {
				return lerr
			}
			v.o.Log.Warn("leaving a silence: "+lerr.Error(), "line", i+1)
			v.mu.Lock()
			v.rep.Lines[i].Silent = "not spoken: " + textsafe.Brief(err.Error(), 200)
			v.mu.Unlock()
			return nil
		})
	}
	return clips, g.Wait()
}

// speakLine fits line i to budget words, speaks it and decodes the audio.
func (v *voicer) speakLine(ctx context.Context, i int, text string, budget int) (clip, error) {
	spoken, err := v.fit(ctx, text, budget)
	if err != nil {
		return clip{}, err
	}
	spoken = cutTo(spoken, llm.MaxSpeechInput)
	v.mu.Lock()
	if spoken != text {
		v.rep.Lines[i].Written, v.rep.Lines[i].Text = text, spoken
	}
	v.mu.Unlock()
	sp, err := v.sp.Speak(ctx, llm.SpeechRequest{Model: v.o.Model, Voice: v.o.Voice, Instructions: v.o.Instructions,
		Input: spoken, Format: speechFormat})
	if err != nil {
		return clip{}, err
	}
	c := clip{path: filepath.Join(v.dir, fmt.Sprintf("line-%05d.pcm", i))}
	if err := v.decode(ctx, sp.Audio, c.path); err != nil {
		return clip{}, err
	}
	fi, err := os.Stat(c.path)
	if err != nil {
		return clip{}, err
	}
	if c.samples = int(fi.Size() / 2); c.samples == 0 {
		return clip{}, errors.New("the speech server's answer holds no audio")
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if sp.Cached {
		v.rep.Cached++
	} else {
		v.rep.Requests++
		v.rep.Characters += len([]rune(spoken))
		v.rep.AudioSeconds += c.seconds()
	}
	return c, nil
}

// cutTo keeps s within n characters, ending at a sentence or a word.
func cutTo(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	head := string(r[:n])
	if i := strings.LastIndexAny(head, ".!?"); i > n/2 {
		return head[:i+1]
	}
	if i := strings.LastIndex(head, " "); i > 0 {
		return head[:i]
	}
	return head
}
