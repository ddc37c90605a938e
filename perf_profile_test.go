package main

import (
	"os"
	"os/exec"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"
)

func startProfile(b *testing.B, path string) func() {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		b.Fatal(err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }
}

// profileShare is the cumulative percentage of profile samples under the
// function whose name contains fn, as `go tool pprof -top -cum` says.
func profileShare(b *testing.B, path, fn string) float64 {
	out, err := exec.Command("go", "tool", "pprof", "-top", "-cum", "-nodecount=400", path).Output()
	if err != nil {
		b.Fatalf("pprof: %v", err)
	}
	for _, l := range strings.Split(string(out), "\n") {
		f := strings.Fields(l)
		if len(f) >= 6 && strings.Contains(f[len(f)-1], fn) {
			v, _ := strconv.ParseFloat(strings.TrimSuffix(f[4], "%"), 64)
			return v
		}
	}
	return 0
}
