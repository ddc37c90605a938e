package main

import (
	"os"
	"testing"
)

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
	os.RemoveAll(dir)
	if built.dir != "" {
		os.RemoveAll(built.dir) // the binary buildBinary made once for the run
	}
	os.Exit(code)
}
