package narrate

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/field"
	"github.com/vidskim/vidskim/llm/openaitest"
)

func TestPlace(t *testing.T) {
	tests := []struct {
		name        string
		at, length  []float64
		end         float64
		wantStart   []float64
		wantTempo   []float64
		wantDropped []bool
	}{
		{"all fit", []float64{0, 3, 6}, []float64{2, 2, 2}, 10, []float64{0, 3, 6}, []float64{1, 1, 1}, nil},
		{"sped up to fit", []float64{0, 3}, []float64{3.3, 1}, 10, []float64{0, 3}, []float64{3.3 / 2.75, 1}, nil},
		{"too long even at 1.25x: the next moves", []float64{0, 2, 6}, []float64{5, 1, 1}, 10, []float64{0, 4.25, 6}, []float64{1.25, 1, 1}, nil},
		{"a moved line is itself pressed", []float64{0, 2, 3}, []float64{5, 1.5, 1}, 10, []float64{0, 4.25, 5.7}, []float64{1.25, 1.25, 1}, nil},
		{"the last line runs to the end", []float64{0, 8}, []float64{1, 2.4}, 10, []float64{0, 8}, []float64{1, 1.2}, nil},
		{"no room before the end", []float64{0, 9}, []float64{1, 2}, 10, []float64{0, 9}, []float64{1, 1}, []bool{false, true}},
		{"a silent line gives its slot away", []float64{0, 2, 6}, []float64{3, 0, 1}, 10, []float64{0, 2, 6}, []float64{1, 1, 1}, []bool{false, true, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := place(tt.at, tt.length, tt.end)
			for i, p := range got {
				dropped := tt.wantDropped != nil && tt.wantDropped[i]
				if math.Abs(p.start-tt.wantStart[i]) > 1e-9 || math.Abs(p.tempo-tt.wantTempo[i]) > 1e-9 || p.dropped != dropped {
					t.Errorf("clip %d: %+v, want start %g tempo %g dropped %v", i, p, tt.wantStart[i], tt.wantTempo[i], dropped)
				}
			}
		})
	}
}

// TestPlaceNeverOverlaps: whatever the lines, placed clips keep Gap
// between them, start no earlier than their time, end by the end, and are
// sped up no more than MaxTempo.
func TestPlaceNeverOverlaps(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		n := 1 + r.IntN(12)
		at, length := make([]float64, n), make([]float64, n)
		for i := range at {
			if i > 0 {
				at[i] = at[i-1] + r.Float64()*4
			}
			length[i] = r.Float64() * 6
		}
		end := at[n-1] + r.Float64()*5
		last := math.Inf(-1)
		for i, p := range place(at, length, end) {
			if p.dropped {
				continue
			}
			stop := p.start + length[i]/p.tempo
			if p.start < at[i] || p.start < last+Gap-1e-9 || stop > end+1e-9 || p.tempo < 1 || p.tempo > MaxTempo {
				t.Fatalf("at %v length %v end %g: clip %d placed %+v after %g", at, length, end, i, p, last)
			}
			last = stop
		}
	}
}

func TestCleanAnswer(t *testing.T) {
	for in, want := range map[string]string{
		"[00:00:04] A short line.":      "A short line.",
		"\"Quoted line\"\n\nmore":       "Quoted line",
		"  \n«Guillemets»  ":            "Guillemets",
		"\x07bell \x1b[31mwords\x1b[0m": "bell words",
		"":                              "",
		"[00:01:02.5]   spaced   it":    "spaced   it",
	} {
		if got := cleanAnswer(in); got != want {
			t.Errorf("cleanAnswer(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCutTo(t *testing.T) {
	s := strings.Repeat("word ", 900) + "end." // 4504 characters
	if got := cutTo(s, 4096); len([]rune(got)) > 4096 || strings.HasSuffix(got, " ") || !strings.HasPrefix(s, got) {
		t.Errorf("cut to %d characters ending %q", len(got), got[len(got)-10:])
	}
	if got := cutTo("Short. Fine.", 4096); got != "Short. Fine." {
		t.Errorf("%q", got)
	}
	if got := cutTo(strings.Repeat("é", 10)+". "+strings.Repeat("é", 10), 15); got != strings.Repeat("é", 10)+"." {
		t.Errorf("%q", got)
	}
}

func TestDuckExpr(t *testing.T) {
	lines := []Spoken{{Start: 1, End: 2}, {Start: 2.3, End: 3}, {Start: 5, End: 6}, {Start: 7, End: 8, Silent: "not spoken"}}
	got := duckExpr(lines)
	want := "1-0.7488*(clip(min((t-0.850)/0.15,(3.350-t)/0.35),0,1)+clip(min((t-4.850)/0.15,(6.350-t)/0.35),0,1))"
	if got != want {
		t.Errorf("duckExpr = %s\nwant      %s", got, want)
	}
	if duckExpr(nil) != "" {
		t.Error("an expression with no line")
	}
}

func TestLoudness(t *testing.T) {
	stderr := "[Parsed_ebur128_0 @ 0x1] t: 1.2 M: -20 S: -20 I: -30.0 LUFS\n[Parsed_ebur128_0 @ 0x1] Summary:\n\n" +
		"  Integrated loudness:\n    I:         -27.6 LUFS\n    Threshold: -38.0 LUFS\n\n  Loudness range:\n    LRA:         0.2 LU\n\n" +
		"  True peak:\n    Peak:      -18.0 dBFS\n"
	i, peak, err := parseEBUR128(stderr)
	if err != nil || i != -27.6 || peak != -18 {
		t.Errorf("%g LUFS, %g dBFS, %v", i, peak, err)
	}
	if _, _, err := parseEBUR128("Conversion failed!"); err == nil {
		t.Error("no summary parsed")
	}
	for _, tt := range []struct {
		i, peak float64
		want    string
	}{
		{-27.6, -18, "volume=11.60dB"},
		{-20, -2, "volume=4.00dB,alimiter=limit=0.7943:level=false:attack=5:release=50"},
		{-70, math.Inf(-1), "anull"},
	} {
		if got := gainFilter(tt.i, tt.peak); got != tt.want {
			t.Errorf("gainFilter(%g, %g) = %s, want %s", tt.i, tt.peak, got, tt.want)
		}
	}
}

func TestContainers(t *testing.T) {
	var fe *field.Error
	for _, p := range []string{"a.mp4", "b.MKV", "c.mov"} {
		if err := VideoContainer("out", p); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	if err := VideoContainer("out", "a.avi"); !errors.As(err, &fe) || fe.Name != "out" {
		t.Errorf("a.avi: %v", err)
	}
	for _, p := range []string{"a.m4a", "b.mp3", "c.WAV"} {
		if err := AudioContainer("audio-out", p); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	if err := AudioContainer("audio-out", "a.ogg"); !errors.As(err, &fe) || fe.Name != "audio-out" {
		t.Errorf("a.ogg: %v", err)
	}
	if _, err := ParseOriginal("mute"); !errors.As(err, &fe) || fe.Name != "original-audio" {
		t.Errorf("mute: %v", err)
	}
}

// TestCheckContainer: a container that cannot hold the video stream as it
// is, is refused before anything is paid.
func TestCheckContainer(t *testing.T) {
	v, err := extract.Probe(t.Context(), "../testdata/anamorphic.webm", "")
	if err != nil {
		t.Skip(err)
	}
	var ce *ContainerError
	if err := CheckContainer(t.Context(), v, "out", "x.mov", ""); !errors.As(err, &ce) || !strings.Contains(err.Error(), "vp9") {
		t.Errorf("vp9 into .mov: %v", err)
	}
	for _, ok := range []string{"x.mkv", "x.mp4"} {
		if err := CheckContainer(t.Context(), v, "out", ok, ""); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
}

// TestPCMFromWAV: OpenAI's WAV (24 kHz mono 16-bit, streamed) is read
// without ffmpeg; any other shape is left to ffmpeg.
func TestPCMFromWAV(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	wav, err := openaitest.Tone(1, "wav")
	if err != nil {
		t.Fatal(err)
	}
	pcm, ok := pcmFromWAV(wav)
	if !ok || len(pcm) != 2*SampleRate {
		t.Fatalf("ok %v, %d bytes, want %d", ok, len(pcm), 2*SampleRate)
	}
	streamed := append([]byte(nil), wav...)
	binary.LittleEndian.PutUint32(streamed[4:], 0xFFFFFFFF)
	i := bytes.Index(streamed, []byte("data"))
	binary.LittleEndian.PutUint32(streamed[i+4:], 0xFFFFFFFF)
	if pcm, ok := pcmFromWAV(streamed); !ok || len(pcm) != 2*SampleRate {
		t.Errorf("streamed: ok %v, %d bytes", ok, len(pcm))
	}
	other := append([]byte(nil), wav...)
	binary.LittleEndian.PutUint32(other[bytes.Index(other, []byte("fmt "))+12:], 22050)
	for name, b := range map[string][]byte{"22050 Hz": other, "mp3": []byte("ID3\x04..."), "short": wav[:20]} {
		if _, ok := pcmFromWAV(b); ok {
			t.Errorf("%s taken for 24 kHz PCM", name)
		}
	}
}
