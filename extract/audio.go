package extract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"time"

	ffmpeg "github.com/u2takey/ffmpeg-go"
)

// ErrNoAudio means the video has no audio stream to transcribe.
var ErrNoAudio = errors.New("no audio stream")

// AudioOptions says which audio to extract and how to cut it for an
// upload limit.
type AudioOptions struct {
	// Start and End bound the range in seconds, as for frames; End 0
	// means the end of the video.
	Start, End float64
	// Bitrate of the MP3 in bits a second; 0 means 32000 (plenty for
	// speech at 16 kHz mono: an hour is 14 MB).
	Bitrate int
	// MaxBytes is the largest piece; 0 means 24 MB, under the 25 MB a
	// transcription request may upload.
	MaxBytes int
	// Overlap is how many seconds consecutive pieces share, so a word on a
	// cut is heard whole in one of them; 0 means 2.
	Overlap float64
	// FFmpegPath is the ffmpeg binary; "" means "ffmpeg" from PATH.
	FFmpegPath string
}

func (o *AudioOptions) applyDefaults() {
	if o.Bitrate == 0 {
		o.Bitrate = 32000
	}
	if o.MaxBytes == 0 {
		o.MaxBytes = 24 << 20
	}
	if o.Overlap == 0 {
		o.Overlap = 2
	}
	if o.FFmpegPath == "" {
		o.FFmpegPath = "ffmpeg"
	}
}

// AudioPiece is one upload: MP3 bytes and where they start in the video.
type AudioPiece struct {
	Start, End float64 // seconds from the start of the video
	MP3        []byte
	MaxVolume  float64 // dBFS, from ffmpeg's volumedetect; -91 is digital silence
}

// Silent reports whether no piece rises above -50 dBFS.
func Silent(pieces []AudioPiece) bool {
	for _, p := range pieces {
		if p.MaxVolume > -50 {
			return false
		}
	}
	return true
}

// Audio extracts the first audio stream of v (whatever its index) as mono
// 16 kHz MP3, in pieces no larger than MaxBytes that overlap by Overlap
// seconds, each with its place in the video so transcript times can be
// shifted back. Nothing is written to disk.
func Audio(ctx context.Context, v Video, o AudioOptions) ([]AudioPiece, error) {
	o.applyDefaults()
	if !v.HasAudio {
		return nil, ErrNoAudio
	}
	bin, err := exec.LookPath(o.FFmpegPath)
	if err != nil {
		return nil, fmt.Errorf("audio: %w", ErrToolMissing)
	}
	end := Options{End: o.End}.RangeEnd(v)
	if end <= o.Start {
		end = o.Start + 24*3600 // unknown duration: let ffmpeg stop at the end
	}
	// Seconds per piece: the byte budget at the bitrate, less 5% for headers.
	span := float64(o.MaxBytes) * 8 / float64(o.Bitrate) * 0.95
	if span <= 2*o.Overlap {
		return nil, fmt.Errorf("audio: pieces of %d bytes are too small", o.MaxBytes)
	}
	var pieces []AudioPiece
	for start := o.Start; start < end; start += span - o.Overlap {
		p, err := audioPiece(ctx, bin, v, o, start, math.Min(start+span, end))
		if err != nil {
			return nil, err
		}
		if len(p.MP3) == 0 {
			break // past the real end of an audio track shorter than the video
		}
		pieces = append(pieces, p)
		if start+span >= end {
			break
		}
	}
	return pieces, nil
}

var reMaxVolume = regexp.MustCompile(`max_volume:\s*(-?[\d.]+|-inf) dB`)

// audioPiece runs ffmpeg once for [start, end).
func audioPiece(ctx context.Context, bin string, v Video, o AudioOptions, start, end float64) (AudioPiece, error) {
	in := ffmpeg.KwArgs{
		"hide_banner": "", "nostdin": "", "nostats": "", "loglevel": "info",
		"ss": num(start), "t": num(end - start),
	}
	args := ffmpeg.Input(v.source(in), in).Output("pipe:1", ffmpeg.KwArgs{
		"map": "0:a:0", "vn": "", "ac": "1", "ar": "16000", "af": "volumedetect",
		"c:a": "libmp3lame", "b:a": strconv.Itoa(o.Bitrate), "f": "mp3",
	}).GetArgs()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 3 * time.Second
	ownGroup(cmd)
	var out bytes.Buffer
	var errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return AudioPiece{}, ctx.Err()
		}
		t := newTail(2048)
		t.Write(errOut.Bytes())
		return AudioPiece{}, fmt.Errorf("%s: audio: %w%s", base(v.Path), err, t.Reason())
	}
	p := AudioPiece{Start: start, End: end, MP3: out.Bytes(), MaxVolume: -91}
	if m := reMaxVolume.FindSubmatch(errOut.Bytes()); m != nil && string(m[1]) != "-inf" {
		p.MaxVolume, _ = strconv.ParseFloat(string(m[1]), 64)
	}
	return p, nil
}
