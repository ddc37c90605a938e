package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/vidskim/vidskim/library"
	"github.com/vidskim/vidskim/llm"
	"github.com/vidskim/vidskim/textsafe"
)

// secretFlags are never printed.
var secretFlags = map[string]bool{"api-key": true, "azure-api-key": true}

// urlFlags are printed with their user-info masked.
var urlFlags = map[string]bool{"base-url": true, "transcribe-base-url": true, "azure-endpoint": true}

// configCmd prints the effective summarize settings as a config file
// that can be saved and used as it is (TOML, one `flag-name = value` a
// line), each with where it came from in a comment. What cannot go in as
// it is stays commented out: keys (masked: never printed), settings left
// empty or unset. The cache and library directories are shown resolved.
func configCmd(c *cli.Context, stdout io.Writer, fromFile map[string]bool, argv []string) error {
	path := configPath()
	state := "not there: nothing read"
	if _, err := os.Stat(path); err == nil {
		state = "read"
	}
	fmt.Fprintf(stdout, "# vidskim config: the settings summarize would use, and where each came from.\n")
	fmt.Fprintf(stdout, "# The config file is %s (%s; VIDSKIM_CONFIG names another).\n", path, state)
	fmt.Fprintf(stdout, "# This output is such a file: save it there and edit it. Settings left at their\n")
	fmt.Fprintf(stdout, "# default, empty ones and keys are comments (# ...). Flags win over environment\n")
	fmt.Fprintf(stdout, "# variables, which win over the file.\n\n")
	var names []string
	for _, f := range c.Command.Flags {
		if n := f.Names()[0]; n != "help" {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintln(stdout, configLine(c, n, source(c, n, fromFile, argv)))
	}
	return nil
}

// configLine is one setting as a line of the config file.
func configLine(c *cli.Context, n, src string) string {
	v, empty := tomlValue(c.Value(n))
	comment := src
	switch {
	case secretFlags[n] && !empty:
		return fmt.Sprintf("# %-19s = %-40s # %s; set, %d characters, masked: keep keys out of this file (api-key-file)",
			n, `"(masked)"`, src, len(c.String(n)))
	case (n == "temperature" || n == "seed") && !c.IsSet(n):
		return fmt.Sprintf("# %-19s = %-40s # unset: the server's default", n, "")
	case urlFlags[n]:
		v, _ = tomlValue(textsafe.Redact(c.String(n))) // user-info in a URL is a password
	case n == "cache-dir" && empty:
		if d, err := llm.DefaultCacheDir(); err == nil {
			v, empty, comment = tomlString(d), false, src+" (the user cache directory)"
		}
	case n == "library" && empty:
		if p, err := library.DefaultPath(); err == nil {
			v, empty, comment = tomlString(p), false, src+" ($XDG_DATA_HOME/vidskim, else ~/.local/share/vidskim)"
		}
	}
	switch {
	case empty:
		return fmt.Sprintf("# %-19s = %-40s # %s: empty", n, v, comment)
	case src == "default":
		// A default stays a comment, so the file pins only what was
		// chosen (a pinned default would, say, keep surveillance mode
		// from its own --max-gap); some defaults are worked out later.
		if dt := defaultText(c, n); dt != "" {
			comment += ": " + dt
		}
		return fmt.Sprintf("# %-19s = %-40s # %s", n, v, comment)
	}
	return fmt.Sprintf("%-21s = %-40s # %s", n, v, comment)
}

// defaultText is what a flag's help says its default is, when its value
// alone does not ("the CPU cores, at least 2" for --jobs 0).
func defaultText(c *cli.Context, name string) string {
	for _, f := range c.Command.Flags {
		if f.Names()[0] != name {
			continue
		}
		switch x := f.(type) {
		case *cli.IntFlag:
			return x.DefaultText
		case *cli.Float64Flag:
			return x.DefaultText
		}
	}
	return ""
}

// tomlValue writes a flag's value as TOML; empty is a string or list
// with nothing in it.
func tomlValue(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return tomlString(x), x == ""
	case bool, int, int64:
		return fmt.Sprint(x), false
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), false
	case time.Duration:
		return tomlString(x.String()), false
	case cli.StringSlice:
		var parts []string
		for _, s := range x.Value() {
			parts = append(parts, tomlString(s))
		}
		return "[" + strings.Join(parts, ", ") + "]", len(parts) == 0
	case *cli.StringSlice:
		return tomlValue(*x)
	}
	return tomlString(fmt.Sprint(v)), false
}

// tomlString quotes s as a TOML basic string.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, "\\u%04X", r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
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
