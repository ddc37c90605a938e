package narrate

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	ffmpeg "github.com/u2takey/ffmpeg-go"

	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/field"
	"github.com/vidskim/vidskim/outfile"
)

// container is how an output is written, by its extension.
type container struct {
	format, codec, bitrate string // ffmpeg muxer, audio codec and bitrate
	subtitle               string // subtitle codec (videos)
	faststart              bool
}

var videoContainers = map[string]container{
	".mp4": {format: "mp4", codec: "aac", bitrate: "192k", subtitle: "mov_text", faststart: true},
	".mov": {format: "mov", codec: "aac", bitrate: "192k", subtitle: "mov_text", faststart: true},
	".mkv": {format: "matroska", codec: "aac", bitrate: "192k", subtitle: "srt"},
}

var audioContainers = map[string]container{
	".m4a": {format: "ipod", codec: "aac", bitrate: "160k", faststart: true},
	".mp3": {format: "mp3", codec: "libmp3lame", bitrate: "160k"},
	".wav": {format: "wav", codec: "pcm_s16le"},
}

// VideoContainer checks that path names a video vidskim can write: .mp4,
// .mkv or .mov. option is the option that named it, for the error.
func VideoContainer(option, path string) error {
	if _, ok := videoContainers[strings.ToLower(filepath.Ext(path))]; !ok {
		return field.Errorf(option, "%s: the narrated video must end in .mp4, .mkv or .mov", path)
	}
	return nil
}

// AudioContainer checks that path names a voice-over file vidskim can
// write: .m4a, .mp3 or .wav.
func AudioContainer(option, path string) error {
	if _, ok := audioContainers[strings.ToLower(filepath.Ext(path))]; !ok {
		return field.Errorf(option, "%s: the voice-over must end in .m4a, .mp3 or .wav", path)
	}
	return nil
}

// Mix says how the voice-over goes into the video.
type Mix struct {
	// Original is what becomes of the video's own sound; "" means Duck.
	Original Original
	// Subtitles, when set, is the narration as SubRip, muxed as a text track.
	Subtitles []byte
}

// Mix writes the narrated video to out (through outfile: atomic for a
// file, in place for a device or pipe): v's video stream copied packet for
// packet, one audio stream (the voice-over over the original sound, ducked,
// kept or dropped) loudness-normalized (EBU R128), and the subtitles when
// given.
func (t *Track) Mix(ctx context.Context, v extract.Video, out string, m Mix) error {
	c := videoContainers[strings.ToLower(filepath.Ext(out))]
	inputs := append(v.InputArgs(), input(t.wav)...)
	graph := t.mixGraph(v, m.Original)
	norm, err := t.normalize(ctx, inputs, graph)
	if err != nil {
		return err
	}
	outArgs := ffmpeg.KwArgs{"map": []string{"0:" + strconv.Itoa(v.StreamIndex), "[a]"}, "c:v": "copy"}
	if m.Subtitles != nil {
		subs := filepath.Join(t.dir, "narration.srt")
		if err := os.WriteFile(subs, m.Subtitles, 0o600); err != nil {
			return err
		}
		inputs = append(inputs, append([]string{"-f", "srt"}, input(subs)...)...)
		outArgs["map"] = append(outArgs["map"].([]string), "2:0")
		outArgs["c:s"], outArgs["metadata:s:s:0"] = c.subtitle, "title=Narration"
	}
	return t.write(ctx, out, c, inputs, graph+";[m]"+norm+"[a]", outArgs)
}

// WriteAudio writes the voice-over alone to out (.m4a, .mp3 or .wav),
// loudness-normalized, as long as the video, each line at its time.
func (t *Track) WriteAudio(ctx context.Context, out string) error {
	c := audioContainers[strings.ToLower(filepath.Ext(out))]
	inputs, graph := input(t.wav), "[0:a]anull[m]"
	norm, err := t.normalize(ctx, inputs, graph)
	if err != nil {
		return err
	}
	return t.write(ctx, out, c, inputs, graph+";[m]"+norm+"[a]", ffmpeg.KwArgs{"map": "[a]"})
}

// write runs ffmpeg into a temp file for out and makes it the output.
func (t *Track) write(ctx context.Context, out string, c container, inputs []string, graph string, kw ffmpeg.KwArgs) error {
	tmp, err := outfile.NewTemp(out, 0o644)
	if err != nil {
		return err
	}
	defer tmp.Close()
	kw["c:a"], kw["ar"], kw["f"] = c.codec, "48000", c.format
	if c.bitrate != "" {
		kw["b:a"] = c.bitrate
	}
	if c.faststart {
		kw["movflags"] = "+faststart"
	}
	args := append(append(quiet(), inputs...), "-filter_complex", graph)
	args = append(append(args, ffmpeg.ConvertKwargsToCmdLineArgs(kw)...), "-y", "file:"+tmp.Name())
	if _, err := run(ctx, t.bin, args, nil, nil); err != nil {
		return fmt.Errorf("writing %s: %w", out, err)
	}
	return tmp.Commit(ctx)
}

// mixGraph is the filter graph up to [m]: the voice-over, over the
// original sound as asked. The original's first sample is put at time 0
// of the file, as the lines' times are.
func (t *Track) mixGraph(v extract.Video, orig Original) string {
	voice := "[1:a]aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo[v]"
	if orig == Drop || !v.HasAudio {
		return voice + ";[v]anull[m]"
	}
	o := "[0:a:0]aresample=48000:async=1:first_pts=0,aformat=sample_fmts=fltp:channel_layouts=stereo"
	if expr := duckExpr(t.Report.Lines); orig != Keep && expr != "" {
		o += ",volume='" + expr + "':eval=frame"
	}
	return voice + ";" + o + "[o];[v][o]amix=inputs=2:duration=first:normalize=0[m]"
}

// Duck ramps: down in attack before a line, up in release after it.
const attack, release = 0.15, 0.35

// duckExpr is the gain of the original sound at time t: DuckDB under each
// line heard (lines close together count as one stretch), ramping.
func duckExpr(lines []Spoken) string {
	type span struct{ a, b float64 }
	var spans []span
	for _, l := range lines {
		switch {
		case l.Silent != "" || l.End <= l.Start:
		case len(spans) > 0 && l.Start-spans[len(spans)-1].b < attack+release:
			spans[len(spans)-1].b = l.End
		default:
			spans = append(spans, span{l.Start, l.End})
		}
	}
	if len(spans) == 0 {
		return ""
	}
	terms := make([]string, len(spans))
	for i, s := range spans {
		terms[i] = fmt.Sprintf("clip(min((t-%.3f)/%g,(%.3f-t)/%g),0,1)", s.a-attack, attack, s.b+release, release)
	}
	return fmt.Sprintf("1-%.4f*(%s)", 1-math.Pow(10, DuckDB/20.0), strings.Join(terms, "+"))
}

// input is the arguments that read path as a local file, never anything else.
func input(path string) []string {
	return []string{"-protocol_whitelist", "file", "-i", "file:" + path}
}

func quiet() []string {
	return []string{"-hide_banner", "-nostdin", "-nostats", "-loglevel", "info"}
}
