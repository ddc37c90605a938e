package main

import (
	"math"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

func TestParseTime(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"", 0, true},
		{"90", 90, true},
		{"12.5", 12.5, true},
		{"1:30", 90, true},
		{"01:02:03.250", 3723.25, true},
		{"1:75", 0, false},
		{"1.5:00", 0, false},
		{"-5", 0, false},
		{"1e3", 0, false},
		{"NaN", 0, false},
		{"1:2:3:4", 0, false},
		{"abc", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseTime(tt.in)
			if (err == nil) != tt.ok || (tt.ok && got != tt.want) {
				t.Errorf("parseTime(%q) = %v, %v; want %v ok=%v", tt.in, got, err, tt.want, tt.ok)
			}
		})
	}
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"90", "1:30", "00:01:30.250", "1:75", "-0", "+1", "0x10", "1_0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := parseTime(s)
		if err == nil && (v < 0 || math.IsNaN(v) || math.IsInf(v, 0) || v > 1e7) {
			t.Fatalf("parseTime(%q) = %v", s, v)
		}
	})
}

func TestHoistFlags(t *testing.T) {
	flags := []cli.Flag{&cli.Float64Flag{Name: "fps"}, &cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}}, &cli.StringFlag{Name: "out", Aliases: []string{"o"}}}
	tests := []struct {
		in, want string
	}{
		{"a.mp4 --fps 2", "--fps 2 -- a.mp4"},
		{"--fps 2 a.mp4", "--fps 2 -- a.mp4"},
		{"a.mp4 -q --out x.md", "-q --out x.md -- a.mp4"},
		{"a.mp4 --fps=2 -o -", "--fps=2 -o - -- a.mp4"},
		{"--fps 2 -- -y.mp4 --fps", "--fps 2 -- -y.mp4 --fps"},
		{"a.mp4 --unknown 3", "--unknown -- a.mp4 3"},
		{"a.mp4 --fps -5", "--fps -5 -- a.mp4"},
		{"a.mp4 -h", "--help"},
		{"-- -h", "-- -h"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := strings.Join(hoistFlags(flags, strings.Fields(tt.in)), " ")
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// FuzzHoistFlags: reordering never loses or invents an argument, and
// everything after "--" stays positional.
func FuzzHoistFlags(f *testing.F) {
	f.Add("a.mp4 --fps 2 -q")
	f.Add("--fps=2 -- -y.mp4 --fps")
	f.Add("-o - a b -- c")
	flags := []cli.Flag{&cli.Float64Flag{Name: "fps"}, &cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}}, &cli.StringFlag{Name: "out", Aliases: []string{"o"}}}
	f.Fuzz(func(t *testing.T, line string) {
		in := strings.Fields(line)
		out := hoistFlags(flags, in)
		if len(out) == 1 && out[0] == "--help" {
			return // asking for help drops the rest
		}
		sep := 0
		for _, a := range out {
			if a == "--" {
				sep++
			}
		}
		// One "--" is added unless the input's own "--" ended the flags (a
		// flag may also take "--" as its value, as Go's flag package does).
		if len(out) < len(in) || len(out) > len(in)+1 || sep < 1 {
			t.Fatalf("%q -> %q", in, out)
		}
	})
}
