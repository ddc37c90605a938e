package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"
)

// hoistFlags moves a command's flags in front of its positional arguments.
// urfave/cli stops at the first positional argument, so without this
// `vidskim summarize a.mp4 --fps 2` would silently drop --fps. Everything
// after "--" stays positional; a flag's value is the next token unless the
// flag is boolean or written as --name=value.
func hoistFlags(flags []cli.Flag, args []string) []string {
	for _, a := range args {
		if a == "-h" || a == "--help" {
			return []string{"--help"} // help wins, whatever else was typed
		}
		if a == "--" {
			break
		}
	}
	isBool := map[string]bool{}
	for _, f := range flags {
		_, b := f.(*cli.BoolFlag)
		for _, n := range f.Names() {
			isBool[n] = b
		}
	}
	var opts, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			pos = append(pos, args[i+1:]...)
			i = len(args)
		case len(a) > 1 && a[0] == '-':
			opts = append(opts, a)
			name := strings.TrimLeft(a, "-")
			if !strings.Contains(name, "=") && !isBool[name] && i+1 < len(args) {
				if _, known := isBool[name]; known {
					i++
					opts = append(opts, args[i])
				}
			}
		default:
			pos = append(pos, a)
		}
	}
	return append(append(opts, "--"), pos...)
}

// reorderArgs applies hoistFlags to the arguments of the named command in a
// full argv (program name, command, then its arguments).
func reorderArgs(cmds []*cli.Command, argv []string) []string {
	if len(argv) < 2 {
		return argv
	}
	for _, c := range cmds {
		if c.HasName(argv[1]) && len(c.Subcommands) > 0 {
			return append([]string{argv[0]}, reorderArgs(c.Subcommands, argv[1:])...)
		}
		if c.HasName(argv[1]) {
			out := append([]string{argv[0], argv[1]}, hoistFlags(c.Flags, argv[2:])...)
			return out
		}
	}
	return argv
}

// parseTime reads a time as seconds ("90", "12.5") or clock time
// ("1:30", "00:01:30.250"). Empty means 0.
func parseTime(s string) (float64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	parts := strings.Split(s, ":")
	if len(parts) > 3 {
		return 0, fmt.Errorf("time %q: use seconds (90) or [HH:]MM:SS[.ms]", s)
	}
	total := 0.0
	for i, p := range parts {
		v, err := strconv.ParseFloat(p, 64)
		last := i == len(parts)-1
		if err != nil || v < 0 || math.IsNaN(v) || math.IsInf(v, 0) || strings.ContainsAny(p, "eExXpP_+") ||
			(!last && (v != math.Trunc(v) || strings.Contains(p, "."))) ||
			(i > 0 && v >= 60) {
			return 0, fmt.Errorf("time %q: use seconds (90) or [HH:]MM:SS[.ms]", s)
		}
		total = total*60 + v
	}
	if total > 1e7 {
		return 0, fmt.Errorf("time %q: too large", s)
	}
	return total, nil
}
