package extract

import (
	"bytes"
	"fmt"
	"math"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// stillScene is a static camera: 40 s of a still picture at 640x360, 10
// fps, one-second GOPs, with a textured object that walks in at 8 s,
// stands from 11 to 20 s, walks out by 24 s, and a bright square that
// shows for a second from 31.5 s.
func stillScene(t *testing.T) string {
	return genClip(t, "still.mp4", "-f", "lavfi", "-i", "smptehdbars=s=640x360:r=10:d=40,boxblur=2",
		"-f", "lavfi", "-i", "testsrc2=s=60x90:r=10:d=40", "-f", "lavfi", "-i", "color=c=white:s=40x40:r=10:d=40",
		"-filter_complex", "[0:v][1:v]overlay=x='if(lt(t,11),-60+(t-8)*100,if(lt(t,20),240,240+(t-20)*140))':y=200:enable='between(t,8,24)'[a];"+
			"[a][2:v]overlay=x=80:y=60:enable='between(t,31.5,32.5)',format=yuv420p[v]",
		"-map", "[v]", "-c:v", "libx264", "-preset", "veryfast", "-crf", "26", "-g", "10")
}

// noisyScene is a still picture under strong sensor noise: no quiet GOPs.
func noisyScene(t *testing.T) string {
	return genClip(t, "noisy.mp4", "-f", "lavfi", "-i", "smptehdbars=s=320x240:r=10:d=20,noise=alls=20:allf=t,format=yuv420p",
		"-c:v", "libx264", "-preset", "veryfast", "-g", "10")
}

func TestGatingSkipsQuietStretches(t *testing.T) {
	path := stillScene(t)
	tests := []struct {
		name     string
		opts     Options
		gated    bool
		maxSpace float64 // longest gap between two frames
	}{
		{"default", Options{}, true, DefaultMaxSkip + 1},
		{"max skip", Options{MaxSkip: 3}, true, 3 + 1},
		{"decode all", Options{DecodeAll: true}, false, 1},
		{"exact", Options{Exact: true}, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, frames, st := collect(t, path, tt.opts)
			if gated := st.Skipped > 0; gated != tt.gated || (tt.gated && st.Skipped < 10) {
				t.Fatalf("skipped %.1f s (%s), want gated=%v", st.Skipped, st.Gate, tt.gated)
			}
			if frames[0].Time != 0 || math.Abs(frames[len(frames)-1].Time-39.9) > 1e-6 {
				t.Errorf("frames run from %.2f to %.2f s, want the first and last pictures", frames[0].Time, frames[len(frames)-1].Time)
			}
			for i := 1; i < len(frames); i++ {
				if gap := frames[i].Time - frames[i-1].Time; gap > tt.maxSpace+1e-6 {
					t.Errorf("no frame for %.1f s after %.1f s", gap, frames[i-1].Time)
				}
			}
			for _, ev := range []struct{ from, to float64 }{{8, 11}, {11, 20}, {20, 24}, {31.5, 32.5}} {
				if !anyIn(frames, ev.from, ev.to) {
					t.Errorf("no frame during the event %v-%v s (frames at %v)", ev.from, ev.to, times(frames))
				}
			}
		})
	}
}

func anyIn(frames []Frame, from, to float64) bool {
	for _, f := range frames {
		if f.Time >= from && f.Time <= to {
			return true
		}
	}
	return false
}

func TestGatingFallsBack(t *testing.T) {
	tests := []struct {
		name, path, why string
		opts            Options
	}{
		{"noise", noisyScene(t), "no still scene", Options{}},
		{"long GOP", testdata("sample.mp4"), "GOPs in the range", Options{}},
		{"short range", stillScene(t), "", Options{Start: 10, End: 13}},
		{"transport stream", testdata("offset.ts"), "", Options{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, frames, st := collect(t, tt.path, tt.opts)
			if st.Skipped != 0 || !strings.Contains(st.Gate, tt.why) || (tt.why == "") != (st.Gate == "") {
				t.Fatalf("skipped %.1f s (%q), want the whole range decoded because %q", st.Skipped, st.Gate, tt.why)
			}
			if len(frames) == 0 {
				t.Fatal("no frames")
			}
		})
	}
}

// TestGatedPicturesAreTrue: every frame of a gated run is the very picture
// at its time, as a plain ffmpeg seek to that time decodes it with the
// same decoder settings, and its time is a picture's presentation time.
func TestGatedPicturesAreTrue(t *testing.T) {
	path := stillScene(t)
	truth := map[int64]bool{}
	for _, p := range framePTSOf(t, path) {
		truth[int64(math.Round(p*1000))] = true
	}
	for name, o := range map[string]Options{
		"512 px":                     {FPS: 2},
		"320 px, without deblocking": {FPS: 2, MaxLong: 320, MaxShort: 320},
	} {
		t.Run(name, func(t *testing.T) { gatedPicturesAreTrue(t, path, o, truth) })
	}
}

func gatedPicturesAreTrue(t *testing.T, path string, o Options, truth map[int64]bool) {
	v, frames, st := collect(t, path, o)
	if st.Skipped == 0 {
		t.Fatalf("not gated: %s", st.Gate)
	}
	for _, f := range frames {
		if !truth[int64(math.Round(f.Time*1000))] {
			t.Errorf("frame at %.4f s: no picture has that time", f.Time)
		}
		want := decodeAt(t, v, f.Time, f.Image.Rect.Dx(), f.Image.Rect.Dy())
		if !bytes.Equal(want, f.Image.Pix) {
			t.Errorf("frame at %.3f s differs from the picture a seek to that time decodes", f.Time)
		}
	}
}

// decodeAt decodes the picture at t (seconds) of v as Run's default
// settings do, with a plain seek: the oracle the concat path must match.
func decodeAt(t *testing.T, v Video, at float64, w, h int) []byte {
	t.Helper()
	lf := "default" // the loop filter is skipped only for a twofold reduction
	if 2*max(w, h) <= max(v.Width, v.Height) {
		lf = "all"
	}
	cmd := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin",
		"-skip_frame", "noref", "-skip_loop_filter", lf, "-ss", strconv.FormatFloat(at, 'f', 6, 64), "-i", v.Path,
		"-map", "0:"+strconv.Itoa(v.StreamIndex), "-frames:v", "1",
		"-vf", fmt.Sprintf("scale=%d:%d:flags=area,setsar=1", w, h), "-f", "rawvideo", "-pix_fmt", "rgba", "pipe:1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("decoding %.3f s: %v", at, err)
	}
	return out
}

// framePTSOf is framePTS for any file.
func framePTSOf(t *testing.T, path string) []float64 {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-select_streams", "v:0",
		"-show_entries", "frame=pts_time", "-of", "csv=p=0", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	var pts []float64
	for _, l := range strings.Fields(string(out)) {
		if f, err := strconv.ParseFloat(strings.Trim(l, ","), 64); err == nil {
			pts = append(pts, f)
		}
	}
	return pts
}
