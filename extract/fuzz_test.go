package extract

import (
	"context"
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
			if tm, ok := l.showinfo(part); ok && (tm != tm || tm > 1e300 || tm < -1e300) {
				t.Fatalf("time %v from %q", tm, part)
			}
		}
	})
}
