package main

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// loadAverage is the machine's 1, 5 and 15 minute load averages.
func loadAverage() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// sharedDataHome keeps every library the tests and benchmarks make (the
// processes they start included) out of the user's data directory; a
// test that runs vidskim in-process gets a library of its own (vidskim).
// It also removes the binary the tests built.
var sharedDataHome string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "vidskim-data-")
	if err != nil {
		panic(err)
	}
	sharedDataHome = dir
	os.Setenv("XDG_DATA_HOME", dir)
	code := m.Run()
	if len(verdicts) > 0 { // a benchmark run: every goal it measured, at one place
		fmt.Printf("\nevery goal measured in this run (load average now %s):\n", loadAverage())
		for _, v := range verdicts {
			fmt.Println(v)
		}
	}
	os.RemoveAll(dir)
	if built.dir != "" {
		os.RemoveAll(built.dir) // the binary buildBinary made once for the run
	}
	os.Exit(code)
}
