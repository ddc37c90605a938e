package extract

import (
	"fmt"
	"math"
	"testing"
)

// counterClip is 8 s at 25 fps showing its frame number in binary (as
// counter.mp4 does), with B-frames and a keyframe every 2 s, in the given
// container and codec.
func counterClip(t *testing.T, name string, codec ...string) string {
	args := []string{"-f", "lavfi", "-i", "color=c=black:s=320x240:r=25:d=8",
		"-vf", "geq=lum='if(lt(Y,40),255*mod(floor(N/pow(2,floor(X/32))),2),128)':cb=128:cr=128,format=yuv420p"}
	return genClip(t, name, append(append(args, codec...), "-g", "50", "-bf", "2")...)
}

// TestKeyframesTimesEveryContainer: --keyframes keeps the first picture of
// the video, and every keyframe it sends is the picture shown at its time,
// in containers that store presentation times for every picture, for none
// (AVI) or for some (MPEG program streams). Without presentation times a
// keyframe's time is its decoding time: exact for H.264's closed GOPs; in
// MPEG-2 and MPEG-4 part 2 with B-frames (open GOPs) the I-picture is
// shown after the two B-pictures decoded after it, so 80 ms late.
func TestKeyframesTimesEveryContainer(t *testing.T) {
	x264 := []string{"-c:v", "libx264", "-preset", "veryfast", "-crf", "18"}
	mpeg2 := []string{"-c:v", "mpeg2video", "-q:v", "2"}
	mpeg4 := []string{"-c:v", "mpeg4", "-q:v", "2"}
	every := []string{"0.00:0", "2.00:50", "4.00:100", "6.00:150"}
	tests := []struct {
		name string
		path string
		opts Options
		want []string // time:picture; nil: any, within tol
		tol  float64
	}{
		{"h264 in avi", counterClip(t, "h264.avi", x264...), Options{Keyframes: true}, every, 0.001},
		{"h264 in mp4", counterClip(t, "h264.mp4", x264...), Options{Keyframes: true}, every, 0.001},
		{"h264 in mkv", counterClip(t, "h264.mkv", x264...), Options{Keyframes: true}, every, 0.001},
		{"h264 in mpeg-ts", counterClip(t, "h264.ts", x264...), Options{Keyframes: true}, every, 0.001},
		{"h264 in flv", counterClip(t, "h264.flv", x264...), Options{Keyframes: true}, every, 0.001},
		{"h264 in mov", counterClip(t, "h264.mov", x264...), Options{Keyframes: true}, every, 0.001},
		{"vp8 in webm", counterClip(t, "vp8.webm", "-c:v", "libvpx", "-deadline", "realtime", "-b:v", "2M", "-auto-alt-ref", "0"), Options{Keyframes: true}, every, 0.001},
		{"avi, from 3 s to 7 s", counterClip(t, "h264.avi", x264...), Options{Keyframes: true, Start: 3, End: 7}, []string{"4.00:100", "6.00:150"}, 0.001},
		{"avi, one frame every 4 s", counterClip(t, "h264.avi", x264...), Options{Keyframes: true, FPS: 0.25}, []string{"0.00:0", "4.00:100"}, 0.001},
		{"mpeg4 in avi", counterClip(t, "mpeg4.avi", mpeg4...), Options{Keyframes: true}, nil, 0.081},
		{"mpeg2 program stream", counterClip(t, "mpeg2.mpg", mpeg2...), Options{Keyframes: true}, nil, 0.081},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, frames, _ := collect(t, tt.path, tt.opts)
			var got []string
			for _, f := range frames {
				got = append(got, fmt.Sprintf("%.2f:%d", f.Time, readCounter(f)))
			}
			if tt.want != nil && fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("got time:picture %v, want %v", got, tt.want)
			}
			if (tt.want == nil && len(frames) < 4) || (tt.opts.Start == 0 && (frames[0].Time != 0 || readCounter(frames[0]) != 0)) {
				t.Errorf("got time:picture %v: not every keyframe from the first picture on", got)
			}
			for _, f := range frames {
				if n := readCounter(f); math.Abs(f.Time-float64(n)/25) > tt.tol {
					t.Errorf("frame at %.3f s shows picture %d (%.3f s)", f.Time, n, float64(n)/25)
				}
			}
		})
	}
}
