package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/vidskim/vidskim/textsafe"
)

// secretFlags are never printed.
var secretFlags = map[string]bool{"api-key": true, "azure-api-key": true}

// urlFlags are printed with their user-info masked.
var urlFlags = map[string]bool{"base-url": true, "transcribe-base-url": true, "azure-endpoint": true}

// configCmd prints the effective summarize settings and where each came
// from, with keys masked.
func configCmd(c *cli.Context, stdout io.Writer, fromFile map[string]bool, argv []string) error {
	fmt.Fprintf(stdout, "# config file: %s\n", configPath())
	var names []string
	for _, f := range c.Command.Flags {
		if n := f.Names()[0]; n != "help" {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		v := fmt.Sprint(c.Value(n))
		if _, ok := c.Value(n).(cli.StringSlice); ok {
			v = strings.Join(c.StringSlice(n), ",")
		}
		switch {
		case secretFlags[n] && v != "":
			v = fmt.Sprintf("(set, %d characters, masked)", len(v))
		case (n == "temperature" || n == "seed") && !c.IsSet(n):
			v = "(unset: the server's default)"
		case urlFlags[n]:
			v = textsafe.Redact(v) // user-info in a URL is a password
		}
		fmt.Fprintf(stdout, "%-20s = %-40q # %s\n", n, v, source(c, n, fromFile, argv))
	}
	return nil
}

// source says where a setting's value came from.
func source(c *cli.Context, name string, fromFile map[string]bool, argv []string) string {
	for _, a := range argv {
		if a == "--"+name || strings.HasPrefix(a, "--"+name+"=") {
			return "flag"
		}
	}
	if fromFile[name] {
		return "config file"
	}
	for _, f := range c.Command.Flags {
		if f.Names()[0] != name {
			continue
		}
		if ev, ok := f.(interface{ GetEnvVars() []string }); ok {
			for _, e := range ev.GetEnvVars() {
				if os.Getenv(e) != "" {
					return "env " + e
				}
			}
		}
	}
	return "default"
}
