package extract

import (
	"math"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// TestKeysOnly: on a busy clip with a keyframe every 0.7 s, sampled once
// a second, only keyframes are decoded (every frame but the last is one),
// each second still has its frame, the last picture of the video is still
// the last frame, and every frame an exact decode keeps has one within a
// second. At two frames a second, or with Exact or DecodeAll, the first
// picture of each interval is decoded as before.
func TestKeysOnly(t *testing.T) {
	path := genClip(t, "keys07.mp4", "-f", "lavfi", "-i", "testsrc2=s=320x240:r=10:d=12",
		"-c:v", "libx264", "-preset", "veryfast", "-g", "7", "-sc_threshold", "0", "-pix_fmt", "yuv420p")
	keys := keyframesOf(t, path)
	_, frames, _ := collect(t, path, Options{})
	for i, f := range frames[:len(frames)-1] {
		if !keys[round3(f.Time)] {
			t.Errorf("frame %d at %.3f s is not a keyframe", i, f.Time)
		}
		if math.Floor(f.Time) != float64(i) {
			t.Errorf("frame %d at %.3f s: not in the %d-th second", i, f.Time, i)
		}
	}
	if last := frames[len(frames)-1].Time; math.Abs(last-11.9) > 1e-6 {
		t.Errorf("last frame at %.3f s, want the last picture, 11.9 s", last)
	}
	_, exact, _ := collect(t, path, Options{Exact: true})
	if lost := farFrom(exact, frames, 1); len(lost) > 0 {
		t.Errorf("frames of an exact decode with no keyframes-only frame within 1 s: %v", lost)
	}
	for _, o := range []Options{{FPS: 2}, {Exact: true}, {DecodeAll: true}} {
		_, fs, _ := collect(t, path, o)
		between := 0
		for _, f := range fs {
			if !keys[round3(f.Time)] {
				between++
			}
		}
		if between < len(fs)/3 {
			t.Errorf("%+v: %d of %d frames between keyframes: keyframes only where it should not be", o, between, len(fs))
		}
	}
}

// keyframesOf are the presentation times (ms) of path's video keyframes.
func keyframesOf(t *testing.T, path string) map[float64]bool {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts_time,flags", "-of", "csv=p=0", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	keys := map[float64]bool{}
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		ts, flags, _ := strings.Cut(l, ",")
		if v, err := strconv.ParseFloat(ts, 64); err == nil && strings.Contains(flags, "K") {
			keys[round3(v)] = true
		}
	}
	return keys
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

// farFrom lists the times of want with no frame of got within tol seconds.
func farFrom(want, got []Frame, tol float64) []float64 {
	var lost []float64
	for _, w := range want {
		near := false
		for _, g := range got {
			near = near || math.Abs(g.Time-w.Time) <= tol
		}
		if !near {
			lost = append(lost, w.Time)
		}
	}
	return lost
}

// TestKeyEvery: a keyframe at least every cell seconds up to the stream's
// end, and nothing else, allows keyframes only.
func TestKeyEvery(t *testing.T) {
	scan := func(end float64, starts ...float64) *gopScan {
		s := &gopScan{end: end}
		for _, x := range starts {
			s.gops = append(s.gops, gop{start: x, frames: 10})
		}
		return s
	}
	tests := []struct {
		name string
		s    *gopScan
		cell float64
		want bool
	}{
		{"every second", scan(4, 0, 1, 2, 3), 1, true},
		{"a scene cut adds one", scan(4, 0, 0.4, 1.4, 2.4, 3.4), 1, true},
		{"one gap too long", scan(4, 0, 1, 2.5, 3), 1, false},
		{"the last GOP too long", scan(5, 0, 1, 2, 3), 1, false},
		{"sampled faster", scan(4, 0, 1, 2, 3), 0.5, false},
		{"one GOP", scan(1, 0), 1, false},
		{"out of order", &gopScan{gops: []gop{{start: 0}, {start: 1}}, end: 2, unordered: true}, 1, false},
	}
	for _, tt := range tests {
		if got := tt.s.keyEvery(tt.cell); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}
