package extract

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	ffmpeg "github.com/u2takey/ffmpeg-go"
)

// packet is what the demuxer says of one packet of the video stream,
// without decoding it. Times are the container's own (raw) seconds, not
// counted from Video.StartTime; NaN when the container does not say.
type packet struct {
	pts, dts, dur float64
	size          int64
	pos           int64 // byte offset in the file; -1 when unknown
	key           bool
}

// errStop ends a packet scan early without being an error.
var errStop = errors.New("stop")

// readPackets streams the packets of v's video stream from raw time from
// to raw time to (0: the end) to fn, in decode order, holding none of them:
// a long video costs no more memory than a short one. It runs ffprobe, which
// only demuxes, opening v as every run does (see source).
func readPackets(ctx context.Context, bin string, v Video, from, to float64, fn func(packet) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	kw := ffmpeg.KwArgs{
		"v": "error", "select_streams": strconv.Itoa(v.StreamIndex),
		"show_entries": "packet=pts_time,dts_time,duration_time,size,pos,flags", "of": "compact=p=0",
	}
	name := v.source(kw)
	args := ffmpeg.ConvertKwargsToCmdLineArgs(kw)
	if iv := readInterval(from, to); iv != "" {
		args = append(args, "-read_intervals", iv)
	}
	cmd := exec.CommandContext(ctx, bin, append(args, name)...)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 3 * time.Second
	ownGroup(cmd)
	stderr := newTail(2048)
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start ffprobe: %w", err)
	}
	sc := bufio.NewScanner(stdout)
	var fnErr error
	for fnErr == nil && sc.Scan() {
		if p, ok := parsePacket(sc.Text()); ok {
			fnErr = fn(p)
		}
	}
	if fnErr != nil {
		cancel() // fn stopped the scan early: stop ffprobe
	}
	waitErr := cmd.Wait()
	switch {
	case fnErr != nil && !errors.Is(fnErr, errStop):
		return fnErr
	case fnErr == nil && waitErr != nil:
		return fmt.Errorf("ffprobe packets: %w%s", waitErr, stderr.Reason())
	}
	return nil
}

// readInterval is ffprobe's -read_intervals for a raw time range: it seeks
// to the keyframe at or before from, so a range costs what it holds.
func readInterval(from, to float64) string {
	switch {
	case from <= 0 && to <= 0:
		return ""
	case to <= 0:
		return num(from)
	}
	return num(from) + "%" + num(to)
}

// parsePacket reads one line of ffprobe's compact output,
// "pts_time=0.4|dts_time=0.0|duration_time=0.1|size=257|pos=48|flags=K_".
// Lines of any other shape are not packets.
func parsePacket(line string) (packet, bool) {
	p := packet{pts: math.NaN(), dts: math.NaN(), dur: math.NaN(), pos: -1}
	seen := 0
	for _, field := range strings.Split(line, "|") {
		k, val, ok := strings.Cut(field, "=")
		if !ok {
			return p, false
		}
		switch k {
		case "pts_time":
			p.pts = finite(val)
		case "dts_time":
			p.dts = finite(val)
		case "duration_time":
			p.dur = finite(val)
		case "size":
			n, err := strconv.ParseInt(val, 10, 64)
			if err != nil || n < 0 {
				return p, false
			}
			p.size, seen = n, seen+1
		case "pos":
			if n, err := strconv.ParseInt(val, 10, 64); err == nil && n >= 0 {
				p.pos = n
			}
		case "flags":
			p.key, seen = strings.HasPrefix(val, "K"), seen+1
		}
	}
	return p, seen == 2
}

// finite parses a time; "N/A", infinities and garbage are NaN.
func finite(s string) float64 {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.Abs(f) > 1e12 {
		return math.NaN()
	}
	return f
}

// gop is one group of pictures as the demuxer stores it: a keyframe and
// the packets after it in decode order, up to the next keyframe.
type gop struct {
	start  float64 // raw presentation time of the keyframe
	key    int64   // size of the keyframe
	bytes  int64   // sizes of the packets after the keyframe
	frames int     // packets, the keyframe included
	peak   int64   // the largest packet after the keyframe
	least  int64   // the smallest packet after the keyframe
}

// gopScan folds packets into GOPs. Only the GOPs are kept, a few dozen
// bytes each, so an hour of one-second GOPs is a hundred kilobytes.
type gopScan struct {
	gops      []gop
	end       float64 // raw time at which the last packet seen ends
	unordered bool    // a keyframe without a time, or out of order: no gating
}

func (s *gopScan) add(p packet) error {
	t := p.pts
	if math.IsNaN(t) {
		t = p.dts
	}
	if d := p.dur; !math.IsNaN(t) {
		if math.IsNaN(d) {
			d = 0
		}
		s.end = max(s.end, t+d)
	}
	switch {
	case p.key:
		if math.IsNaN(p.pts) || (len(s.gops) > 0 && p.pts <= s.gops[len(s.gops)-1].start) {
			s.unordered = true
			return errStop
		}
		s.gops = append(s.gops, gop{start: p.pts, key: p.size, frames: 1})
	case len(s.gops) > 0: // packets before the first keyframe cannot be decoded alone
		g := &s.gops[len(s.gops)-1]
		if g.frames == 1 || p.size < g.least {
			g.least = p.size
		}
		g.bytes += p.size
		g.peak = max(g.peak, p.size)
		g.frames++
	}
	return nil
}
