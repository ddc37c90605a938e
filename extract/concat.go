package extract

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os/exec"
	"strings"

	ffmpeg "github.com/u2takey/ffmpeg-go"
)

// Decoding only some stretches of a file in one ffmpeg process: ffmpeg's
// concat demuxer reads a script listing the same file once per stretch,
// each with an inpoint (it seeks to the keyframe at or before it) and an
// outpoint. The script comes on stdin, so for a container whose packet
// sizes need ffprobe, ffmpeg starts (a quarter of a second of loading
// libraries on a small machine) while ffprobe reads them. Each entry's
// duration is set to the gap to the next entry's inpoint, so the output
// timeline is the file's own, shifted by the first inpoint: every picture
// keeps its true time. Each entry reopens the file, and ffmpeg decodes
// its first picture to probe it (9 ms at 768x432, 40 ms for a 720p
// picture of 50 KB), so stretches are few. The concat demuxer seeks and
// times exactly on MP4/MOV and Matroska/WebM (checked against a plain
// seek, picture by picture); on MPEG-TS, FLV and program streams it does
// not, so those are decoded whole.

// concatFormat reports whether v's container is one the concat demuxer
// seeks and times exactly.
func concatFormat(v Video) bool {
	return (strings.HasPrefix(v.Format, "mov,") || v.Format == "matroska,webm") &&
		!IsURL(v.Path) && // each entry reopens the input: a URL would download again
		!strings.ContainsAny(v.Path, "\r\n") // the script is read line by line
}

// gateable reports whether Run should try to skip quiet stretches of v.
func gateable(v Video, o Options) bool {
	if o.Exact || o.Keyframes || o.DecodeAll || !concatFormat(v) {
		return false
	}
	end := o.RangeEnd(v)
	return end == 0 || end-o.Start >= minGateSpan
}

// runGated decodes the stretches of v that the packet sizes call active.
// An MP4's index is read before ffmpeg starts, and a plan that decodes
// everything runs the plain decode, so a busy MP4 costs a few
// milliseconds more than DecodeAll. Other containers need ffprobe: ffmpeg
// starts on a concat script while ffprobe reads the packets, and the plan
// becomes the script.
func runGated(ctx context.Context, v Video, o Options, r ffRun, out chan<- Frame) (Stats, error) {
	r.pick = newSampler(v, o).pick
	rg := gateRangeFor(v, o)
	var p gatePlan
	if s, err := mp4Scan(v); !errors.Is(err, errNotPlainMP4) {
		if p = planScan(s, err, rg); p.why != "" && err == nil && s.keyEvery(1/o.FPS) {
			o.keysOnly, p.why = true, p.why+"; keyframes only"
			return withLastPicture(ctx, v, o, r, out, func() (Stats, error) { return runPlan(ctx, v, o, r, p, out) })
		}
		return runPlan(ctx, v, o, r, p, out)
	}
	r.prepare = func(ctx context.Context) []byte {
		var s gopScan
		bin, err := exec.LookPath(o.FFprobePath)
		if err == nil {
			err = readPackets(ctx, bin, v, rg.from, rg.to, s.add)
		}
		p = planScan(s, err, rg)
		return concatScript(v.Path, p.segs, o.End == 0)
	}
	r.args, r.stdin = concatArgs(v, o, r.w, r.h, concatSelect(v, o)), true
	st, err := r.run(ctx, v, out)
	return gatedStats(st, p), err
}

// runPlan decodes what p says: the whole range in a plain run when p says
// why, else p's segments through a concat script.
func runPlan(ctx context.Context, v Video, o Options, r ffRun, p gatePlan, out chan<- Frame) (Stats, error) {
	if p.why != "" {
		r.args = buildArgs(v, o, r.w, r.h, selectExpr(v, o))
		st, err := r.run(ctx, v, out)
		st.Gate = p.why
		return st, err
	}
	r.prepare = func(context.Context) []byte { return concatScript(v.Path, p.segs, o.End == 0) }
	r.args, r.stdin = concatArgs(v, o, r.w, r.h, concatSelect(v, o)), true
	st, err := r.run(ctx, v, out)
	return gatedStats(st, p), err
}

// gatedStats adds to st what p skipped, and how.
func gatedStats(st Stats, p gatePlan) Stats {
	st.Skipped, st.Gate = p.skipped, p.why
	if p.why == "" {
		st.Gate = fmt.Sprintf("skipped %.1f s in %d stretches", p.skipped, len(p.segs)-1)
	}
	return st
}

// gateRangeFor is o's range in v's raw time; to is 0 when the range runs
// to the end of the video, until a scan says where that is.
func gateRangeFor(v Video, o Options) gateRange {
	r := gateRange{from: o.Start + v.StartTime, tail: o.tailWindow(v), maxSkip: o.MaxSkip, pixels: float64(v.Width * v.Height)}
	if o.End > 0 {
		r.to = o.End + v.StartTime
	}
	return r
}

// mp4Scan reads the GOPs of an MP4 from its index; errNotPlainMP4 when
// v is not an MP4 the index reader handles.
func mp4Scan(v Video) (gopScan, error) {
	var s gopScan
	if !strings.HasPrefix(v.Format, "mov,") {
		return s, errNotPlainMP4
	}
	err := mp4Packets(v.Path, v.StreamIndex, s.add)
	if errors.Is(err, errStop) {
		err = nil // s says why it stopped
	}
	return s, err
}

// planScan plans r from a scan; a scan that failed plans the whole range.
func planScan(s gopScan, err error, r gateRange) gatePlan {
	if r.to == 0 {
		r.to = s.end
	}
	switch {
	case err != nil:
		return r.whole("packet sizes unreadable: %v", err)
	case s.unordered:
		return r.whole("keyframes without times, or out of order")
	}
	return planGates(s.gops, r)
}

// concatArgs is buildArgs for a concat script on stdin. -copyts keeps the
// script's timeline, which starts at 0 at the range start.
func concatArgs(v Video, o Options, w, h int, sel string) []string {
	in := ffmpeg.KwArgs{
		"hide_banner": "", "nostdin": "", "nostats": "", "loglevel": "info", "copyts": "",
		"protocol_whitelist": "file,pipe", "f": "concat", "safe": "0",
	}
	return outputArgs(ffmpeg.Input("pipe:0", decoderFlags(v, o, w, h, in)), v, w, h, sel)
}

// concatSelect is selectExpr restricted to the range: the concat demuxer
// starts at the keyframe before the range (times below 0) and ends a few
// pictures after it.
func concatSelect(v Video, o Options) string {
	e := "gte(t,0)"
	if o.End > 0 {
		e += "*lt(t," + num(o.RangeEnd(v)-o.Start) + ")"
	}
	return e + "*(" + selectExpr(v, o) + ")"
}

// concatScript lists path once per segment (raw seconds). The last
// segment has no outpoint when the range runs to the end of the video.
func concatScript(path string, segs []segment, open bool) []byte {
	var b strings.Builder
	b.WriteString("ffconcat version 1.0\n")
	name := concatQuote("file:" + path)
	for i, s := range segs {
		fmt.Fprintf(&b, "file %s\n", name)
		if i > 0 {
			// The first entry's stream properties are the output's; the
			// others need no frame rate estimate, which costs a decode.
			b.WriteString("option fpsprobesize 0\n")
		}
		fmt.Fprintf(&b, "inpoint %s\n", micros(us(s.from)))
		if i+1 < len(segs) || !open {
			fmt.Fprintf(&b, "outpoint %s\n", micros(us(s.to)))
		}
		if i+1 < len(segs) {
			fmt.Fprintf(&b, "duration %s\n", micros(us(segs[i+1].from)-us(s.from)))
		}
	}
	return []byte(b.String())
}

// concatQuote quotes s for the concat script: inside single quotes
// everything is literal, and a quote is closed, escaped and reopened.
func concatQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// us rounds seconds to the microseconds the concat demuxer counts in, so
// that durations are exact differences of inpoints.
func us(sec float64) int64 { return int64(math.Round(sec * 1e6)) }

func micros(us int64) string { return fmt.Sprintf("%.6f", float64(us)/1e6) }
