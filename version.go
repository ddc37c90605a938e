package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/urfave/cli/v2"
)

func init() {
	cli.VersionFlag = &cli.BoolFlag{Name: "version", Usage: "print the version, the commit it was built from, and the Go it was built with"}
	cli.VersionPrinter = func(c *cli.Context) { printVersion(c.App.Writer) }
}

// buildVersion says which vidskim this is, from what the Go toolchain
// recorded in the binary: the module version (a tagged release when
// installed with go install ...@vX.Y.Z, "(devel)" for a build from a
// checkout), and, for a build from a git checkout, the commit, its time
// and whether the tree had changes. Nothing is made up: what the binary
// does not record is not said.
func buildVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(devel), build information not recorded"
	}
	return describeBuild(bi)
}

// describeBuild words a binary's build information in one line.
func describeBuild(bi *debug.BuildInfo) string {
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, at string
	modified := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if rev == "" {
		return v + ", commit unknown (the build recorded none: go build records it in a git clone)"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	v += ", commit " + rev
	if at != "" {
		v += " (" + at + ")"
	}
	if modified {
		v += " with uncommitted changes"
	}
	return v
}

// printVersion is `vidskim --version` and `vidskim version`.
func printVersion(w io.Writer) {
	fmt.Fprintf(w, "vidskim %s; %s %s/%s\n", buildVersion(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// versionCommand is `vidskim version`.
func versionCommand(stdout io.Writer) *cli.Command {
	return &cli.Command{
		Name:   "version",
		Usage:  "print the version, the commit it was built from, and the Go it was built with",
		Action: func(*cli.Context) error { printVersion(stdout); return nil },
	}
}
