package extract

import (
	"fmt"
	"math"

	"github.com/vidskim/vidskim/field"
)

// Options says which frames to sample and how large to make them. The zero
// value samples one frame a second of the whole video, fitted in 512x512.
type Options struct {
	// FPS is how many frames a second to sample; 0 means 1. Fractions such
	// as 0.2 (one frame every five seconds) are allowed.
	FPS float64
	// Start and End bound the sampled range in seconds from the start of the
	// video. End 0 means the end of the video.
	Start, End float64
	// MaxLong and MaxShort bound the long and short side of every frame in
	// pixels; 0 means 512. Frames are never scaled up.
	MaxLong, MaxShort int
	// Keyframes samples only keyframes (ffmpeg's -skip_frame nokey): much
	// faster on long-GOP video, coarser in time. Times stay true.
	Keyframes bool
	// Exact decodes every picture with every filter of the codec. By
	// default ffmpeg skips decoding non-reference pictures (-skip_frame
	// noref), skips quiet stretches (see DecodeAll), and, when frames are
	// scaled down at least twofold, skips the in-loop deblocking filter
	// (-skip_loop_filter all, for the codecs that have one: H.264, HEVC,
	// VP8...). Nothing refers to a non-reference picture, so each decoded
	// picture keeps its own true time, and sampling picks the first
	// decoded picture at or after each instant (a B-frame run later, at
	// most). Without deblocking, block edges show and the error carries
	// along the GOP through the pictures that refer to them; a twofold
	// reduction averages it away (38 dB PSNR or better against an exact
	// decode on every make bench clip, 1080p fitted in 512x512 included)
	// and deblocking is a fifth of H.264's decoding. At smaller reductions
	// it is not worth it: the corpus's 768x432 cameras with 5 and 8 s GOPs
	// fell to 33 dB.
	Exact bool
	// DecodeAll decodes the whole range. By default extraction first reads
	// the sizes and keyframe flags of the video packets (no decoding) and
	// does not decode the GOPs whose compressed size says nothing moved
	// (see gate.go): a static camera's quiet stretches cost almost
	// nothing. Streams that give no usable signal (noise, constant motion,
	// long GOPs, intra-only, containers without a reliable seek) are
	// decoded whole, as with DecodeAll. Exact and Keyframes imply it.
	DecodeAll bool
	// MaxSkip is the longest stretch, in seconds, that gating may leave
	// undecoded; 0 means DefaultMaxSkip. A change that leaves no trace in
	// the packet sizes (one that lands exactly on a keyframe) is seen at
	// most this late. Pass dedupe's MaxGap when it is set, so that a quiet
	// scene still yields a frame every MaxGap seconds.
	MaxSkip float64
	// TailWindow is how many seconds before the end ffmpeg also passes
	// frames, so that the very last picture of the video is considered even
	// when it falls between two sampling instants; 0 means four frame
	// durations (1 s when the frame rate is unknown). Every picture in the
	// window is scaled and piped, so it stays short.
	TailWindow float64
	// Checked, when set, is called once the first seconds of the range
	// have passed Preflight's check within this run: pictures, and few
	// enough decoder errors. A caller that holds its paid requests until
	// then needs no Preflight, a decode of its own (two thirds of a
	// second before the first request on 1080p). The verdict comes early
	// when a frame would wait on the caller (it cannot read on while it
	// holds its requests) and at the end of a shorter range. When the
	// check fails, Run stops with ErrDamaged and Checked is never called.
	Checked func()
	// FFmpegPath is the ffmpeg binary; "" means "ffmpeg" from PATH.
	FFmpegPath string
	// keysOnly decodes keyframes only, as Keyframes does, but samples as
	// usual: set by runGated when the index shows a keyframe in every
	// sampling interval (short-GOP cameras), where a picture from each
	// interval is all sampling takes, and the keyframe is one.
	keysOnly bool
	// FFprobePath is the ffprobe binary that reads the packet sizes for
	// gating; "" means "ffprobe" from PATH. Without it the range is
	// decoded whole.
	FFprobePath string
}

// DefaultMaxSkip is MaxSkip's default: long enough that an hour of empty
// static footage decodes a few percent of itself, short enough that a
// change hidden from the packet sizes is still seen within seconds.
const DefaultMaxSkip = 10

// MaxFPS bounds --fps: more than this is never a useful sample for a model
// and usually a typo.
const MaxFPS = 60

func (o *Options) applyDefaults() {
	if o.FPS == 0 {
		o.FPS = 1
	}
	if o.MaxLong == 0 {
		o.MaxLong = 512
	}
	if o.MaxShort == 0 {
		o.MaxShort = 512
	}
	if o.FFmpegPath == "" {
		o.FFmpegPath = "ffmpeg"
	}
	if o.FFprobePath == "" {
		o.FFprobePath = "ffprobe"
	}
	if o.MaxSkip == 0 {
		o.MaxSkip = DefaultMaxSkip
	}
}

// Validate reports options that cannot work for v, before any decoding,
// as a *field.Error naming the option.
func (o Options) Validate(v Video) error {
	o.applyDefaults()
	bad := func(x float64) bool { return math.IsNaN(x) || math.IsInf(x, 0) }
	switch {
	case bad(o.FPS) || o.FPS <= 0 || o.FPS > MaxFPS:
		return field.Errorf("fps", "%g: must be more than 0 and at most %d", o.FPS, MaxFPS)
	case bad(o.Start) || o.Start < 0:
		return field.Errorf("start", "%g: must be 0 or more", o.Start)
	case bad(o.End) || o.End < 0:
		return field.Errorf("end", "%g: must be 0 or more", o.End)
	case o.End > 0 && o.End <= o.Start:
		return field.Errorf("start", "%s is not before {end} %s", Clock(o.Start), Clock(o.End))
	case v.Duration > 0 && o.Start >= v.Duration:
		return field.Errorf("start", "%s is past the end of the video (%s)", Clock(o.Start), Clock(v.Duration))
	case bad(o.MaxSkip) || o.MaxSkip < 0:
		return field.Errorf("max-gap", "%g: the longest undecoded stretch must be 0 (default) or more seconds", o.MaxSkip)
	case o.MaxLong < 16 || o.MaxShort < 16:
		return fmt.Errorf("frame size bound %dx%d is too small", o.MaxLong, o.MaxShort)
	}
	return nil
}

// tailWindow is TailWindow or its default for v.
func (o Options) tailWindow(v Video) float64 {
	switch {
	case o.TailWindow > 0:
		return o.TailWindow
	case v.FrameRate > 0:
		return min(1, max(0.05, 4/v.FrameRate))
	}
	return 1
}

// RangeEnd returns the end of the sampled range in seconds: End, else the
// end of the video; 0 when neither is known.
func (o Options) RangeEnd(v Video) float64 {
	if o.End > 0 && (v.Duration == 0 || o.End < v.Duration) {
		return o.End
	}
	return v.Duration
}

// FitSize scales a w x h picture down (never up) so that its long side is at
// most maxLong and its short side at most maxShort, keeping its shape.
func FitSize(w, h, maxLong, maxShort int) (int, int) {
	long, short := max(w, h), min(w, h)
	s := math.Min(1, math.Min(float64(maxLong)/float64(long), float64(maxShort)/float64(short)))
	return max(1, int(math.Round(float64(w)*s))), max(1, int(math.Round(float64(h)*s)))
}

// Clock formats seconds as HH:MM:SS, the form used in prompts and output.
func Clock(sec float64) string {
	if sec < 0 || math.IsNaN(sec) {
		sec = 0
	}
	s := int64(sec)
	return fmt.Sprintf("%02d:%02d:%02d", s/3600, s/60%60, s%60)
}
