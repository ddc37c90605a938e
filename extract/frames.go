package extract

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"math"
	"os"
	"os/exec"
	"strconv"
	"time"

	ffmpeg "github.com/u2takey/ffmpeg-go"
)

func init() { ffmpeg.LogCompiledCommand = false }

// Frame is one sampled picture.
type Frame struct {
	Index int         // position among the sampled frames, from 0
	Time  float64     // presentation time in seconds from the start of the video
	Image *image.RGBA // already fitted to the size bound
}

// Stats says what a run decoded, so callers can tell a whole video from a
// partly decodable one.
type Stats struct {
	Sampled      int     // frames sent downstream
	LastTime     float64 // time of the last frame sent
	DecodeErrors int     // error lines ffmpeg printed while decoding
	// Skipped is how many seconds of the range were not decoded because
	// their packet sizes showed nothing new (see Options.DecodeAll), so
	// outputs can say how much of the video was looked at.
	Skipped float64
	// Gate says how gating went, for a log line: the stretches skipped, or
	// why the range was decoded whole; "" when it was not tried.
	Gate string
}

// Warnings says when v decoded only in part: the frames end well before
// the range does (a truncated file, or one whose index claims more than it
// holds), or ffmpeg reported damaged data. The frames that did decode are
// still used; these lines tell the user so.
func (st Stats) Warnings(v Video, o Options) []string {
	o.applyDefaults()
	var w []string
	end := o.RangeEnd(v)
	if !o.Keyframes && end > 0 && st.Sampled > 0 && st.LastTime < end-max(2, 2/o.FPS) {
		w = append(w, fmt.Sprintf("frames end at %s but the video claims to run to %s: the file may be truncated or damaged; using what decoded",
			Clock(st.LastTime), Clock(end)))
	}
	if st.DecodeErrors > 0 {
		w = append(w, fmt.Sprintf("ffmpeg reported %d decoding errors: some frames may be damaged", st.DecodeErrors))
	}
	return w
}

// Run samples frames of v into out in time order until the range ends, ctx
// is cancelled, or ffmpeg fails. It does not close out. A run that ends with
// no frame at all is an error (ffmpeg may exit 0 on a file it cannot decode).
func Run(ctx context.Context, v Video, opts Options, out chan<- Frame) (Stats, error) {
	bin, err := ready(v, &opts)
	if err != nil {
		return Stats{}, err
	}
	w, h := FitSize(v.Width, v.Height, opts.MaxLong, opts.MaxShort)
	first := newFirstSeconds(v, opts)
	switch {
	case opts.Keyframes && keyframeTimesFromPackets(v):
		s := newSampler(v, opts)
		s.trim, s.span = true, opts.RangeEnd(v)-opts.Start
		return runKeyframes(ctx, v, opts, ffRun{bin: bin, w: w, h: h, first: first}, s.pick, out)
	case gateable(v, opts):
		return runGated(ctx, v, opts, ffRun{bin: bin, w: w, h: h, first: first}, out)
	}
	run := ffRun{bin: bin, args: buildArgs(v, opts, w, h, selectExpr(v, opts)), w: w, h: h, pick: newSampler(v, opts).pick, first: first}
	return run.run(ctx, v, out)
}

// ready applies opts' defaults, checks them against v and finds ffmpeg:
// what every decoding run does first.
func ready(v Video, opts *Options) (string, error) {
	opts.applyDefaults()
	if err := opts.Validate(v); err != nil {
		return "", err
	}
	bin, err := exec.LookPath(opts.FFmpegPath)
	if err != nil {
		return "", fmt.Errorf("extract: %w", ErrToolMissing)
	}
	return bin, nil
}

// ffRun is one ffmpeg process whose raw RGBA frames become Frames.
type ffRun struct {
	bin  string
	args []string
	w, h int
	// pick turns each frame's stamp into its time and whether to send it.
	pick func(stamp) choice
	// prepare, when set, runs once ffmpeg has started (so that ffmpeg's own
	// start overlaps it) and before any frame is read; with stdin set, what
	// it returns is ffmpeg's standard input (a concat script).
	prepare func(context.Context) []byte
	stdin   bool
	// first, when set, checks the first seconds (see Options.Checked).
	first *firstSeconds
}

// choice is what to do with one frame from ffmpeg.
type choice struct {
	time  float64 // the frame's time, seconds from the start of the video
	index int     // Frame.Index; -1: the frame's position among those sent
	send  bool    // send it now
	hold  bool    // keep it; sent at the end if no frame is sent after it
}

// run starts ffmpeg and reads its frames into out.
func (r ffRun) run(ctx context.Context, v Video, out chan<- Frame) (Stats, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cmd := exec.CommandContext(ctx, r.bin, r.args...)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 3 * time.Second
	ownGroup(cmd)
	var stdin io.WriteCloser
	var err error
	if r.stdin {
		if stdin, err = cmd.StdinPipe(); err != nil {
			return Stats{}, err
		}
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return Stats{}, err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return Stats{}, err
	}
	if err := cmd.Start(); err != nil {
		return Stats{}, fmt.Errorf("extract: start ffmpeg: %w", err)
	}
	log := newStderrLog(ctx)
	go log.scan(stderr)
	if r.prepare != nil {
		in := r.prepare(ctx)
		if stdin != nil {
			stdin.Write(in) // a failed write means ffmpeg died; its exit says why
			stdin.Close()
		}
	}
	st, readErr := readFrames(ctx, stdout, log.stamps, r, out)
	if readErr != nil {
		cancel()       // stop ffmpeg; its stderr ends and the scanner finishes
		stdout.Close() // and unblock it if it was writing a frame nobody reads
	}
	<-log.done
	waitErr := cmd.Wait()
	st.DecodeErrors = log.errors
	if err := runError(v, ctx, readErr, waitErr, st, log); err != nil {
		return st, err
	}
	return st, r.first.see(st.LastTime, log.errors, true) // a range shorter than the first seconds
}

// runError picks the error that explains a run, most specific first.
func runError(v Video, ctx context.Context, readErr, waitErr error, st Stats, log *stderrLog) error {
	name := base(v.Path)
	switch {
	case ctx.Err() != nil && (readErr == nil || errors.Is(readErr, ctx.Err())):
		return ctx.Err() // cancelled: ffmpeg's exit status says nothing more
	case errors.Is(readErr, ErrDamaged):
		return readErr // the first seconds' verdict names the file
	case readErr != nil:
		return fmt.Errorf("%s: extract: %w", name, readErr)
	case st.Sampled == 0 && log.errors > 0:
		return fmt.Errorf("%s: %w: ffmpeg reported %d decoding errors and no picture (encrypted or damaged?)", name, ErrNoFrames, log.errors)
	case st.Sampled == 0 && IsURL(v.Path) && log.tail.Has("partial file", "Stream ends prematurely"):
		return fmt.Errorf("%s: %w: the server cut the file short or could not jump within it (an MP4 whose index is at its end needs a server that answers Range requests): download it and pass the file", name, ErrNoFrames)
	case st.Sampled == 0:
		return fmt.Errorf("%s: %w: the video stream holds no pictures in the range", name, ErrNoFrames)
	case exitCode(waitErr) == ffmpegErrorRateExceeded:
		return fmt.Errorf("%s: %w: ffmpeg gave up after %d decoding errors", name, ErrDamaged, log.errors)
	case waitErr != nil:
		return fmt.Errorf("%s: extract: ffmpeg failed (frames read: %d): %w%s", name, st.Sampled, waitErr, log.tail.Reason())
	}
	return nil
}

// ffmpegErrorRateExceeded is ffmpeg's exit status when more than
// -max_error_rate (by default two thirds) of the frames failed to decode:
// its own verdict that the stream is encrypted or badly damaged.
const ffmpegErrorRateExceeded = 69

func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	return 0
}

// buildArgs builds the ffmpeg command line with ffmpeg-go. Every input
// option sits before -i; a file is named with the file: protocol, which
// is the only protocol allowed, so no name is ever read as an option or URL
// (a URL input is read with URLProtocols only: see source).
// sel is the select filter's expression; "" passes every decoded picture.
func buildArgs(v Video, o Options, w, h int, sel string) []string {
	in := ffmpeg.KwArgs{
		"hide_banner": "", "nostdin": "", "nostats": "", "loglevel": "info",
	}
	if o.Start > 0 {
		in["ss"] = num(o.Start)
	}
	if o.End > 0 {
		in["t"] = num(o.End - o.Start)
	}
	in = decoderFlags(v, o, w, h, in)
	return outputArgs(ffmpeg.Input(v.source(in), in), v, w, h, sel)
}

// decoderFlags adds to in what the decoder may skip (see Options.Exact)
// when decoding v into w x h frames.
func decoderFlags(v Video, o Options, w, h int, in ffmpeg.KwArgs) ffmpeg.KwArgs {
	switch {
	case o.Keyframes || (o.keysOnly && !o.Exact):
		in["skip_frame"] = "nokey"
	case !o.Exact:
		in["skip_frame"] = "noref"
	}
	if !o.Exact && 2*max(w, h) <= max(v.Width, v.Height) {
		in["skip_loop_filter"] = "all"
	}
	return in
}

// outputArgs is the filter graph and output shared by every run: select,
// then scale to the budget (rotation and pixel aspect applied), showinfo
// for the times, raw RGBA on stdout.
func outputArgs(in *ffmpeg.Stream, v Video, w, h int, sel string) []string {
	s := in.Get(strconv.Itoa(v.StreamIndex))
	if sel != "" {
		s = s.Filter("select", ffmpeg.Args{sel})
	}
	return s.Filter("scale", ffmpeg.Args{fmt.Sprintf("%d:%d", w, h)}, ffmpeg.KwArgs{"flags": "area"}).
		Filter("setsar", ffmpeg.Args{"1"}).
		Filter("showinfo", nil).
		Output("pipe:1", ffmpeg.KwArgs{"f": "rawvideo", "pix_fmt": "rgba", "fps_mode": "passthrough"}).
		GetArgs()
}

// selectExpr passes the first decoded picture of each sampling interval,
// plus every picture in the last TailWindow seconds of the range (the
// sampler keeps only the last of those). Times t are relative to the range
// start.
func selectExpr(v Video, o Options) string {
	f := num(o.FPS)
	e := fmt.Sprintf("isnan(prev_t)+gt(floor(t*%s),floor(prev_t*%s))", f, f)
	if end := o.RangeEnd(v); end > 0 {
		tail := max(0, end-o.Start-o.tailWindow(v))
		e += fmt.Sprintf("+gte(t,%s)", num(tail))
	}
	return e
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// sampler picks, in Go, what selectExpr picks in ffmpeg: the first picture
// of each sampling interval, and the last picture of the range.
type sampler struct {
	o        Options
	lastCell float64
	tail     float64 // pictures from here on may be the last one
	// trim drops pictures outside [0, span) (span <= 0: no end): ffmpeg
	// trims the range itself except in a keyframe run that decodes it all.
	trim bool
	span float64
}

func newSampler(v Video, o Options) *sampler {
	s := &sampler{o: o, lastCell: math.Inf(-1)}
	if end := o.RangeEnd(v); end > 0 {
		s.tail = end - o.Start - o.tailWindow(v)
	}
	return s
}

// pick takes times relative to the range start, as ffmpeg gives them.
func (s *sampler) pick(st stamp) choice {
	c := choice{time: s.o.Start + st.t, index: -1}
	if s.trim && (st.t < 0 || (s.span > 0 && st.t >= s.span)) {
		return c
	}
	if cell := math.Floor(st.t * s.o.FPS); cell > s.lastCell {
		s.lastCell, c.send = cell, true
		return c
	}
	c.hold = !s.trim || st.t >= s.tail // ffmpeg's select passed only tail pictures
	return c
}
