package narrate

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/llm"
	"github.com/vidskim/vidskim/llm/openaitest"
	"github.com/vidskim/vidskim/summarize"
)

// The original sound of the test videos is a 3 kHz tone, far from the fake
// narrator's 440 Hz, so each can be heard apart through a filter.
const (
	narratorBand = "lowpass=f=900,lowpass=f=900,lowpass=f=900"
	originalBand = "highpass=f=2000,highpass=f=2000,highpass=f=2000"
)

// testVideo makes a 12 s H.264 video (with B-frames) whose sound, when
// asked, is a steady 3 kHz tone.
func testVideo(t *testing.T, audio bool) extract.Video {
	t.Helper()
	openaitest.NeedFFmpeg(t)
	path := filepath.Join(t.TempDir(), "in.mp4")
	args := []string{"-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=s=160x120:r=25:d=12"}
	if audio {
		args = append(args, "-f", "lavfi", "-i", "sine=f=3000:d=12:sample_rate=48000", "-c:a", "aac", "-ac", "2")
	}
	args = append(args, "-c:v", "libx264", "-pix_fmt", "yuv420p", "-bf", "2", "-g", "50", "-y", path)
	if out, err := exec.Command("ffmpeg", args...).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, out)
	}
	v, err := extract.Probe(t.Context(), path, "")
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// script is four lines: one that fits, one too long for its slot (the
// fake model shortens it to six words, still too long: sped up 1.25x,
// and the next line moves), one that starts late because of it, and one
// that ends just before the video does.
var script = []summarize.Cue{
	{Start: 1, Text: "one two three four five"},
	{Start: 4, Text: "this line has far too many words for the two seconds it covers"},
	{Start: 6, Text: "four words right here"},
	{Start: 9, Text: "the last line ends in time"},
}

// fake is the fake server, shortening a line to its first six words.
func fake(t *testing.T) (*openaitest.Server, *llm.Client) {
	srv := openaitest.New(t)
	srv.Script = func(r openaitest.Request) openaitest.Reply {
		w := strings.Fields(r.Texts[len(r.Texts)-1])
		return openaitest.Reply{Content: "[00:00:04] " + strings.Join(w[:min(6, len(w))], " ")}
	}
	c := llm.New(llm.Config{BaseURL: srv.BaseURL(), Cache: &llm.Cache{Dir: t.TempDir()}, MaxRetries: 2,
		MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond})
	return srv, c
}

func voice(t *testing.T, c *llm.Client, v extract.Video, o Options) (*Track, error) {
	o.End, o.Length = v.Duration, v.Duration
	tr, err := Voice(t.Context(), c.ForSpeech(""), c, script, o)
	if tr != nil {
		t.Cleanup(func() { tr.Close() })
	}
	return tr, err
}

// TestFitting: the long line is shortened once, then sped up as far as
// allowed, and the next line moves; every line ends before the next
// starts and before the video ends.
func TestFitting(t *testing.T) {
	v := testVideo(t, false)
	srv, c := fake(t)
	tr, err := voice(t, c, v, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := tr.Report
	if len(srv.Requests()) != 1 || r.ShortenRequests != 1 || len(srv.Spoken()) != 4 || r.Requests != 4 {
		t.Fatalf("%d chat and %d speech requests; report %+v", len(srv.Requests()), len(srv.Spoken()), r)
	}
	if !strings.Contains(srv.Requests()[0].Texts[0], "at most 5 words") {
		t.Errorf("shortening request %q", srv.Requests()[0].Texts[0])
	}
	l := r.Lines
	if l[1].Written != script[1].Text || l[1].Text != "this line has far too many" || l[1].Tempo != MaxTempo {
		t.Errorf("the long line: %+v", l[1])
	}
	if l[2].Moved() < 0.1 || l[0].Moved() != 0 || l[1].Moved() != 0 || l[3].Moved() != 0 {
		t.Errorf("moves: %+v", l)
	}
	for i, s := range l {
		if !s.Heard() || s.End > v.Duration || i > 0 && s.Start < l[i-1].End+Gap-0.001 {
			t.Errorf("line %d: %+v", i+1, s)
		}
	}
	if math.Abs(l[1].End-l[1].Start-2.4/MaxTempo) > 0.02 {
		t.Errorf("the sped-up line lasts %.3f s, want %.3f", l[1].End-l[1].Start, 2.4/MaxTempo)
	}
	if want := len([]rune(strings.Join([]string{script[0].Text, l[1].Text, script[2].Text, script[3].Text}, ""))); r.Characters != want {
		t.Errorf("%d characters billed, want %d", r.Characters, want)
	}
	// Again: nothing is sent.
	tr2, err := voice(t, c, v, Options{})
	if err != nil || tr2.Report.Requests != 0 || tr2.Report.Cached != 4 || tr2.Report.ShortenCached != 1 || len(srv.Spoken()) != 4 {
		t.Errorf("again: %+v, err %v", tr2.Report, err)
	}
}

// TestMixHearsEachLine: in the narrated file the narrator starts at each
// line's time, the original sound drops about 12 dB under it (duck), stays
// (keep) or is gone (drop), and the whole is at the loudness target.
func TestMixHearsEachLine(t *testing.T) {
	v := testVideo(t, true)
	_, c := fake(t)
	tr, err := voice(t, c, v, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, orig := range []Original{Duck, Keep, Drop} {
		t.Run(string(orig), func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out.mkv")
			if err := tr.Mix(t.Context(), v, out, Mix{Original: orig}); err != nil {
				t.Fatal(err)
			}
			heard, _, err := openaitest.Hear(out, narratorBand, -40, 0.15)
			if err != nil {
				t.Fatal(err)
			}
			if len(heard) != len(script) {
				t.Fatalf("heard %+v, want %d lines", heard, len(script))
			}
			for i, h := range heard {
				if l := tr.Report.Lines[i]; math.Abs(h.Start-l.Start) > 0.1 || math.Abs(h.End-l.End) > 0.15 {
					t.Errorf("line %d heard %.2f-%.2f s, placed %.2f-%.2f", i+1, h.Start, h.End, l.Start, l.End)
				}
			}
			under, between := volume(t, out, originalBand, 1.5, 1), volume(t, out, originalBand, 0.1, 0.6) // line 1 is 1-3 s
			want := map[Original]float64{Duck: DuckDB, Keep: 0}[orig]
			switch {
			case orig == Drop && between > -60:
				t.Errorf("dropped original still at %.1f dB", between)
			case orig != Drop && math.Abs(under-between-want) > 1.5:
				t.Errorf("the original is %.1f dB under the narrator against %.1f dB between lines: %.1f dB, want %g", under, between, under-between, want)
			}
			if i := integratedLoudness(t, out); math.Abs(i-TargetLUFS) > 1 {
				t.Errorf("integrated loudness %.1f LUFS, want %g", i, TargetLUFS)
			}
		})
	}
}

var reMeanVolume = regexp.MustCompile(`mean_volume: (-?[\d.]+|-inf) dB`)

// volume is the mean volume of out's audio from at for dur seconds,
// through filter.
func volume(t *testing.T, out, filter string, at, dur float64) float64 {
	t.Helper()
	b, err := exec.Command("ffmpeg", "-hide_banner", "-nostdin", "-ss", fmt.Sprint(at), "-t", fmt.Sprint(dur), "-i", out,
		"-map", "0:a:0", "-af", filter+",volumedetect", "-f", "null", "-").CombinedOutput()
	m := reMeanVolume.FindSubmatch(b)
	if err != nil || m == nil {
		t.Fatalf("volumedetect: %v\n%s", err, b)
	}
	if string(m[1]) == "-inf" {
		return -120
	}
	f, _ := strconv.ParseFloat(string(m[1]), 64)
	return f
}

// integratedLoudness measures out with ffmpeg's ebur128 filter.
func integratedLoudness(t *testing.T, out string) float64 {
	t.Helper()
	b, err := exec.Command("ffmpeg", "-hide_banner", "-nostdin", "-i", out, "-map", "0:a:0", "-af", "ebur128", "-f", "null", "-").CombinedOutput()
	all := reIntegrated.FindAllSubmatch(b, -1)
	if err != nil || all == nil {
		t.Fatalf("ebur128: %v\n%s", err, b)
	}
	f, _ := strconv.ParseFloat(string(all[len(all)-1][1]), 64)
	return f
}

// TestAudioOut: the voice-over alone, in each format, as long as the
// video, each line at its place.
func TestAudioOut(t *testing.T) {
	v := testVideo(t, true)
	_, c := fake(t)
	tr, err := voice(t, c, v, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, ext := range []string{".m4a", ".mp3", ".wav"} {
		out := filepath.Join(t.TempDir(), "voice"+ext)
		if err := tr.WriteAudio(t.Context(), out); err != nil {
			t.Fatal(err)
		}
		heard, dur, err := openaitest.Hear(out, "", -40, 0.15)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(dur-v.Duration) > 0.1 || len(heard) != len(script) {
			t.Fatalf("%s: %.2f s long, heard %+v", ext, dur, heard)
		}
		for i, h := range heard {
			if math.Abs(h.Start-tr.Report.Lines[i].Start) > 0.1 {
				t.Errorf("%s: line %d heard at %.2f s, placed at %.2f", ext, i+1, h.Start, tr.Report.Lines[i].Start)
			}
		}
	}
}

// TestLineThatCannotBeSpoken: a line the speech server keeps refusing
// fails the voice-over, named; with Partial it is a silence, said so.
func TestLineThatCannotBeSpoken(t *testing.T) {
	v := testVideo(t, false)
	srv, c := fake(t)
	srv.SpeechScript = func(s openaitest.Spoken) openaitest.Reply {
		if strings.HasPrefix(s.Input, "four words") {
			return openaitest.Reply{Status: 503, Body: `{"error":{"message":"overloaded"}}`}
		}
		return openaitest.Reply{}
	}
	_, err := voice(t, c, v, Options{})
	var le *LineError
	if !errors.As(err, &le) || le.N != 3 || le.At != 6 || !strings.Contains(err.Error(), "narration line 3 at 00:00:06") || !strings.Contains(err.Error(), "overloaded") {
		t.Fatalf("err %v, want line 3 named", err)
	}
	tr, err := voice(t, c, v, Options{Partial: true})
	if err != nil {
		t.Fatal(err)
	}
	if s := tr.Report.Lines[2]; !strings.Contains(s.Silent, "overloaded") || tr.Report.Silent() != 1 {
		t.Errorf("report %+v", tr.Report.Lines)
	}
	out := filepath.Join(t.TempDir(), "out.mp4")
	if err := tr.Mix(t.Context(), v, out, Mix{}); err != nil {
		t.Fatal(err)
	}
	if heard, _, _ := openaitest.Hear(out, "", -40, 0.15); len(heard) != 3 {
		t.Errorf("heard %+v, want the three lines spoken", heard)
	}
}

// TestCanceled: Ctrl-C stops the voice-over at once.
func TestCanceled(t *testing.T) {
	v := testVideo(t, false)
	_, c := fake(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	o := Options{End: v.Duration}
	if _, err := Voice(ctx, c.ForSpeech(""), c, script, o); !errors.Is(err, context.Canceled) {
		t.Errorf("err %v", err)
	}
}
