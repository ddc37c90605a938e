package extract

import (
	"bytes"
	"context"
	"math"
	"os"
	"strings"
	"testing"
)

// FuzzParseProbe: any ffprobe output gives a usable Video or an error,
// never a panic or a zero-sized picture.
func FuzzParseProbe(f *testing.F) {
	f.Add([]byte(`{"streams":[{"index":0,"codec_type":"video","codec_name":"h264","width":320,"height":240,"sample_aspect_ratio":"1:1","avg_frame_rate":"25/1","side_data_list":[{"rotation":-90}]}],"format":{"duration":"12.0"}}`))
	f.Add([]byte(`{"streams":[{"codec_type":"audio"}],"format":{"duration":"N/A"}}`))
	f.Add([]byte(`{"streams":[{"codec_type":"video","width":160,"height":240,"sample_aspect_ratio":"2:0","avg_frame_rate":"0/0","tags":{"rotate":"270"},"disposition":{"attached_pic":0}}]}`))
	f.Add([]byte(`not json`))
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := parseProbe(data)
		if err != nil {
			return
		}
		if v.Width <= 0 || v.Height <= 0 || v.Duration < 0 || v.Rotation%90 != 0 || v.Rotation < 0 || v.Rotation >= 360 {
			t.Fatalf("bad video %+v from %q", v, data)
		}
	})
}

// FuzzShowinfo: the stderr line parser never panics and only yields
// finite times.
func FuzzShowinfo(f *testing.F) {
	f.Add("[Parsed_showinfo_3 @ 0x5] config in time_base: 1/12800, frame_rate: 25/1")
	f.Add("[Parsed_showinfo_3 @ 0x5] n:   1 pts:  13056 pts_time:1.02    pos: 5 fmt:rgba")
	f.Add("[Parsed_showinfo_3 @ 0x5] n:1 pts:-9223372036854775808 pts_time:nan")
	f.Fuzz(func(t *testing.T, line string) {
		l := newStderrLog(context.Background())
		for _, part := range strings.Split(line, "\n") {
			if s, ok := l.showinfo(part); ok && (s.t != s.t || s.t > 1e300 || s.t < -1e300 || s.pos < -1) {
				t.Fatalf("stamp %+v from %q", s, part)
			}
		}
	})
}

// FuzzReadFrames: the frame stream splitter cuts any byte stream into
// whole frames, pairs each with a time, and never panics or invents a frame.
func FuzzReadFrames(f *testing.F) {
	f.Add([]byte{}, uint8(2), uint8(2), uint8(3))
	f.Add(make([]byte, 2*2*4*3), uint8(2), uint8(2), uint8(3))
	f.Add(make([]byte, 2*2*4*3+5), uint8(2), uint8(2), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, w, h, ntimes uint8) {
		if w == 0 || h == 0 {
			return
		}
		stamps := make(chan stamp, int(ntimes))
		for i := range int(ntimes) {
			stamps <- stamp{t: float64(i) * 0.5, pos: -1}
		}
		close(stamps)
		out := make(chan Frame, len(data)+1)
		r := ffRun{w: int(w), h: int(h), pick: newSampler(Video{}, Options{FPS: 1}).pick}
		st, err := readFrames(context.Background(), bytes.NewReader(data), stamps, r, out)
		close(out)
		size := int(w) * int(h) * 4
		whole := len(data) / size
		if err == nil && (len(data)%size != 0 || whole > int(ntimes)) {
			t.Fatalf("no error for %d bytes of %d-byte frames with %d times", len(data), size, ntimes)
		}
		n := 0
		prev := -1.0
		for fr := range out {
			if fr.Time <= prev || fr.Index != n || len(fr.Image.Pix) != size {
				t.Fatalf("frame %d: %+v after %v", n, fr.Time, prev)
			}
			prev = fr.Time
			n++
		}
		if n != st.Sampled || n > whole {
			t.Fatalf("%d frames out, stats %d, %d whole frames in", n, st.Sampled, whole)
		}
	})
}

// FuzzParsePacket: any line gives a packet with a non-negative size, or
// none.
func FuzzParsePacket(f *testing.F) {
	f.Add("pts_time=0.400000|dts_time=0.000000|duration_time=0.100000|size=257|pos=48|flags=K_")
	f.Add("pts_time=N/A|dts_time=N/A|size=0|pos=N/A|flags=__")
	f.Fuzz(func(t *testing.T, line string) {
		if p, ok := parsePacket(line); ok && (p.size < 0 || p.pos < -1) {
			t.Fatalf("packet %+v from %q", p, line)
		}
	})
}

// FuzzMP4Index: the moov reader, which reads untrusted files, never
// panics or runs away on any bytes: it reads samples or declines.
func FuzzMP4Index(f *testing.F) {
	for _, name := range []string{"vfr.mp4", "rotated.mp4"} { // small, with a moov
		if data, err := os.ReadFile(testdata(name)); err == nil {
			f.Add(data, 0)
		}
	}
	f.Add([]byte("\x00\x00\x00\x08moov"), 0)
	f.Fuzz(func(t *testing.T, data []byte, index int) {
		n := 0
		mp4Samples(bytes.NewReader(data), index, func(p packet) error {
			if n++; p.size < 0 || n > maxSamples {
				t.Fatalf("sample %d: %+v", n, p)
			}
			return nil
		})
	})
}

// FuzzMP4Probe: the moov reader's probe never panics on any bytes, and
// what it accepts is a usable video: a size, a duration, a stream.
func FuzzMP4Probe(f *testing.F) {
	for _, name := range []string{"vfr.mp4", "rotated.mp4", "sample.mp4"} {
		if data, err := os.ReadFile(testdata(name)); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("\x00\x00\x00\x08ftyp\x00\x00\x00\x08moov"))
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := mp4ProbeFrom(bytes.NewReader(data))
		if err != nil {
			return
		}
		if v.Width <= 0 || v.Height <= 0 || !(v.Duration > 0) || math.IsInf(v.Duration, 0) || v.StreamIndex < 0 ||
			math.IsNaN(v.FrameRate) || math.IsInf(v.FrameRate, 0) || math.IsNaN(v.StartTime) || math.IsInf(v.StartTime, 0) {
			t.Fatalf("accepted %+v", v)
		}
	})
}
