package narrate

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/vidskim/vidskim/cost"
	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/summarize"
)

// Track is a voice-over ready to mix: a WAV file of Options.Length
// seconds in a private temp directory, and the Report of how each line was
// fitted. Close removes it.
type Track struct {
	Report Report
	o      Options
	bin    string
	dir    string
	wav    string
}

// Close removes the track and its clips.
func (t *Track) Close() error { return os.RemoveAll(t.dir) }

// Voice speaks lines (the narration script, in video time) into a
// voice-over track: each line fitted to its slot, spoken through sp
// (shortened through chat when too long), placed at its time without
// overlapping the next, within o.End. A line that cannot be spoken fails
// with a *LineError naming it, or, with o.Partial, is left silent and
// said so in the Report.
func Voice(ctx context.Context, sp Speaker, chat summarize.Client, lines []summarize.Cue, o Options) (*Track, error) {
	o.applyDefaults()
	bin, err := ffmpegBin(o.FFmpegPath)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "vidskim-voice-")
	if err != nil {
		return nil, fmt.Errorf("narrate: %w", err)
	}
	v := &voicer{o: o, sp: sp, chat: chat, bin: bin, dir: dir, rep: Report{Model: o.Model, Voice: o.Voice}}
	t, err := v.track(ctx, usable(lines, o.End))
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return t, nil
}

func (v *voicer) track(ctx context.Context, lines []summarize.Cue) (*Track, error) {
	v.o.Log.Info("speaking the narration", "lines", len(lines), "model", v.o.Model, "voice", v.o.Voice)
	clips, err := v.speakAll(ctx, lines)
	if err != nil {
		return nil, err
	}
	at, length := make([]float64, len(lines)), make([]float64, len(lines))
	for i, c := range clips {
		at[i], length[i] = lines[i].Start, c.seconds()
	}
	pl := place(at, length, v.o.End)
	if err := v.speedUp(ctx, clips, pl); err != nil {
		return nil, fmt.Errorf("narrate: %w", err)
	}
	wav, err := v.writeTrack(clips, pl)
	if err != nil {
		return nil, fmt.Errorf("narrate: the voice-over track: %w", err)
	}
	v.price()
	v.logChanges()
	return &Track{Report: v.rep, o: v.o, bin: v.bin, dir: v.dir, wav: wav}, nil
}

// usable keeps the lines with something to say that start before end, in
// time order (the script's cues are).
func usable(lines []summarize.Cue, end float64) []summarize.Cue {
	var out []summarize.Cue
	for _, l := range lines {
		if strings.TrimSpace(l.Text) != "" && l.Start < end {
			out = append(out, l)
		}
	}
	return out
}

// price fills in what the requests sent cost, when the prices are known.
func (v *voicer) price() {
	usd := 0.0
	if p := v.o.SpeechPrice; p != nil {
		usd += p.Cost(v.rep.Characters, v.rep.AudioSeconds)
	}
	if m := v.o.ChatPrice; m != nil {
		usd += m.Cost(v.rep.Shorten.Prompt, v.rep.Shorten.Completion)
	}
	v.rep.CostUSD = cost.RoundUSD(usd)
}

// logChanges says which lines were shortened, sped up, moved or left out.
func (v *voicer) logChanges() {
	for i, l := range v.rep.Lines {
		at := fmt.Sprintf("narration line %d at %s", i+1, extract.Clock(l.At))
		switch {
		case l.Silent != "":
			v.o.Log.Warn(at + ": " + l.Silent)
			continue
		case l.LeftOut != "":
			v.o.Log.Warn(at + " left out: " + l.LeftOut)
			continue
		case l.Written != "":
			v.o.Log.Info(fmt.Sprintf("%s shortened to fit: %d words, was %d", at, words(l.Text), words(l.Written)))
		}
		if l.Tempo > 0 {
			v.o.Log.Info(fmt.Sprintf("%s sped up %.2fx to fit", at, l.Tempo))
		}
		if d := l.Moved(); d > 0 {
			v.o.Log.Warn(fmt.Sprintf("%s moved %.2f s later, to %.2f s: the line before ran long", at, d, l.Start))
		}
	}
}
