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

// stderrLog reads ffmpeg's stderr: showinfo lines become frame times, error
// lines are counted, and a bounded tail is kept for error messages.
type stderrLog struct {
	ctx    context.Context
	times  chan float64
	done   chan struct{}
	tail   *tail
	errors int
	tb     float64 // showinfo's input time base, seconds per pts tick
}

func newStderrLog(ctx context.Context) *stderrLog {
	return &stderrLog{ctx: ctx, times: make(chan float64, 64), done: make(chan struct{}), tail: newTail(4096)}
}

var (
	reTimeBase = regexp.MustCompile(`config in time_base: (\d+)/(\d+)`)
	rePTS      = regexp.MustCompile(`\bn:\s*\d+\s+pts:\s*(-?\d+)\s+pts_time:(\S+)`)
)

// scan reads r to its end. It stops handing out times once ctx is done but
// keeps draining, so ffmpeg never blocks on a full stderr pipe.
func (l *stderrLog) scan(r io.Reader) {
	defer close(l.done)
	defer close(l.times)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if strings.Contains(line, "Parsed_showinfo") {
			if t, ok := l.showinfo(line); ok {
				select {
				case l.times <- t:
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

// showinfo returns the time of a showinfo frame line. It uses the integer
// pts and the link time base, because pts_time is printed with only six
// significant digits (a long video would lose its milliseconds).
func (l *stderrLog) showinfo(line string) (float64, bool) {
	if m := reTimeBase.FindStringSubmatch(line); m != nil {
		n, _ := strconv.ParseFloat(m[1], 64)
		d, _ := strconv.ParseFloat(m[2], 64)
		if n > 0 && d > 0 {
			l.tb = n / d
		}
		return 0, false
	}
	m := rePTS.FindStringSubmatch(line)
	if m == nil {
		return 0, false
	}
	if pts, err := strconv.ParseInt(m[1], 10, 64); err == nil && l.tb > 0 {
		return float64(pts) * l.tb, true
	}
	t, err := strconv.ParseFloat(m[2], 64)
	return t, err == nil && !math.IsNaN(t) && !math.IsInf(t, 0)
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
