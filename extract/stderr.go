package extract

import (
	"bufio"
	"context"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// stderrLog reads ffmpeg's stderr: showinfo lines become frame stamps,
// error lines are counted, and a bounded tail is kept for error messages.
type stderrLog struct {
	ctx    context.Context
	stamps chan stamp
	done   chan struct{}
	tail   *tail
	errors int
	tb     float64 // showinfo's input time base, seconds per pts tick
}

// stamp is what showinfo says of one frame: its time as ffmpeg counts it,
// and the byte offset of the packet it was decoded from (-1: unknown);
// with the decoder's complaints counted before it.
type stamp struct {
	t      float64
	pos    int64
	errors int
}

func newStderrLog(ctx context.Context) *stderrLog {
	return &stderrLog{ctx: ctx, stamps: make(chan stamp, 64), done: make(chan struct{}), tail: newTail(4096)}
}

var (
	reTimeBase = regexp.MustCompile(`config in time_base: (\d+)/(\d+)`)
	rePTS      = regexp.MustCompile(`\bn:\s*\d+\s+pts:\s*(-?\d+)\s+pts_time:(\S+)`)
	rePos      = regexp.MustCompile(`\bpos:\s*(-?\d+)`)
)

// scan reads r to its end. It stops handing out times once ctx is done but
// keeps draining, so ffmpeg never blocks on a full stderr pipe.
func (l *stderrLog) scan(r io.Reader) {
	defer close(l.done)
	defer close(l.stamps)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if strings.Contains(line, "Parsed_showinfo") {
			if s, ok := l.showinfo(line); ok {
				s.errors = l.errors
				select {
				case l.stamps <- s:
				case <-l.ctx.Done():
				}
			}
			continue
		}
		l.tail.Write([]byte(line + "\n"))
		if isErrorLine(line) {
			l.errors++
		}
	}
	io.Copy(io.Discard, r)
}

// showinfo returns the stamp of a showinfo frame line. It uses the integer
// pts and the link time base, because pts_time is printed with only six
// significant digits (a long video would lose its milliseconds).
func (l *stderrLog) showinfo(line string) (stamp, bool) {
	if m := reTimeBase.FindStringSubmatch(line); m != nil {
		n, _ := strconv.ParseFloat(m[1], 64)
		d, _ := strconv.ParseFloat(m[2], 64)
		if n > 0 && d > 0 {
			l.tb = n / d
		}
		return stamp{}, false
	}
	m := rePTS.FindStringSubmatch(line)
	if m == nil {
		return stamp{}, false
	}
	s := stamp{pos: -1}
	if p := rePos.FindStringSubmatch(line); p != nil {
		if pos, err := strconv.ParseInt(p[1], 10, 64); err == nil && pos >= 0 {
			s.pos = pos
		}
	}
	if pts, err := strconv.ParseInt(m[1], 10, 64); err == nil && l.tb > 0 {
		s.t = float64(pts) * l.tb
		return s, true
	}
	t, err := strconv.ParseFloat(m[2], 64)
	s.t = t
	return s, err == nil && !math.IsNaN(t) && !math.IsInf(t, 0)
}

// isErrorLine spots complaints of the demuxer or decoder ("[h264 @ 0x...]
// error while decoding MB"), which mean damaged input; ffmpeg's own
// summary lines and the filters' and muxer's messages are not counted.
func isErrorLine(line string) bool {
	name, rest, ok := strings.Cut(line, " @ 0x")
	if !ok || !strings.HasPrefix(name, "[") || strings.Contains(name, " ") {
		return false
	}
	for _, p := range []string{"[Parsed_", "[graph", "[AVFilterGraph", "[rawvideo", "[out", "[auto_"} {
		if strings.HasPrefix(name, p) {
			return false
		}
	}
	l := strings.ToLower(rest)
	for _, s := range []string{"error", "invalid", "corrupt", "missing picture", "non-existing pps"} {
		if strings.Contains(l, s) {
			return true
		}
	}
	return false
}
