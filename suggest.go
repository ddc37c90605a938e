package main

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/urfave/cli/v2"
)

// unknownCommand is the action of the app and of every command with
// subcommands: reached with an argument, it is a command that does not
// exist (exit 2, with the nearest names); with none, the help, and exit 2
// too, since nothing was asked.
func unknownCommand(cmds []*cli.Command) cli.ActionFunc {
	return func(c *cli.Context) error {
		if !c.Args().Present() {
			c.App.Writer = c.App.ErrWriter // the help is the error's explanation
			if !isRoot(c) {
				cli.ShowSubcommandHelp(c)
			} else {
				cli.ShowAppHelp(c)
			}
			return usageError{fmt.Errorf("name a command (see above)")}
		}
		name := c.Args().First()
		var names []string
		for _, cmd := range cmds {
			if !cmd.Hidden {
				names = append(names, cmd.Names()...)
			}
		}
		where := "vidskim"
		if !isRoot(c) {
			where += " " + c.Command.Name
		}
		msg := fmt.Sprintf("unknown command %q", strings.TrimPrefix(where+" ", "vidskim ")+name)
		if s := nearest(name, names); len(s) > 0 {
			msg += "; did you mean " + orList(quoteAll(s, where+" ")) + "?"
		}
		return usageError{fmt.Errorf("%s (commands: %s; %s --help)", msg, strings.Join(names, ", "), where)}
	}
}

// helpAsFlag turns `vidskim help CMD...` into `vidskim CMD... --help`, so
// that an unknown CMD is told apart like any other (urfave/cli's help
// command would say "No help topic" and exit 3).
func helpAsFlag(argv []string) []string {
	if len(argv) > 2 && (argv[1] == "help" || argv[1] == "h") {
		return append(append([]string{argv[0]}, argv[2:]...), "--help")
	}
	return argv
}

// flagUsage rewords a flag parsing error of urfave/cli ("flag provided
// but not defined: -fsp") in the CLI's words, with the nearest flag names
// of the command and, for a flag of another command, which.
func flagUsage(all []*cli.Command) cli.OnUsageErrorFunc {
	return func(c *cli.Context, err error, _ bool) error {
		msg := err.Error()
		const undefined = "flag provided but not defined: -"
		i := strings.Index(msg, undefined)
		if i < 0 {
			return usageError{fmt.Errorf("%s", strings.Replace(msg, " -", " --", 1))}
		}
		name := strings.TrimLeft(msg[i+len(undefined):], "-")
		cmd, flags := "vidskim", c.App.Flags
		if !isRoot(c) {
			cmd, flags = "vidskim "+c.Command.Name, c.Command.Flags
		}
		out := "unknown flag " + dashed(name)
		if s := nearest(name, flagNames(flags)); len(s) > 0 {
			out += "; did you mean " + orList(dashedAll(s)) + "?"
		} else if others := commandsWithFlag(all, name); len(others) > 0 && isRoot(c) {
			out += fmt.Sprintf("; it is a flag of %s: put it after the command", orList(others))
		}
		return usageError{fmt.Errorf("%s (%s --help lists them)", out, cmd)}
	}
}

// isRoot says whether c is the app's own context, before any command.
func isRoot(c *cli.Context) bool {
	return c.Command == nil || c.Command.Name == "" || c.Command.Name == c.App.Name
}

// flagNames is every name of flags, help aside.
func flagNames(flags []cli.Flag) []string {
	var out []string
	for _, f := range flags {
		for _, n := range f.Names() {
			if n != "help" && n != "h" {
				out = append(out, n)
			}
		}
	}
	return out
}

// commandsWithFlag names the commands (subcommands too) that have a flag
// called name.
func commandsWithFlag(cmds []*cli.Command, name string) []string {
	var out []string
	for _, c := range cmds {
		if slices.Contains(flagNames(c.Flags), name) {
			out = append(out, c.Name)
		}
		subs := commandsWithFlag(c.Subcommands, name)
		if len(subs) > 0 && len(subs) == len(c.Subcommands) {
			out = append(out, c.Name) // every subcommand has it: "batch", not "batch list, batch status..."
			continue
		}
		for _, sub := range subs {
			out = append(out, c.Name+" "+sub)
		}
	}
	return out
}

// nearest is the names closest to typed: within an edit distance that
// grows with the length (one edit for short names, a third of the name
// for long ones; a swap of two neighbours counts once), or those that
// typed begins, when it is at least three letters. Best first, at most
// three.
func nearest(typed string, names []string) []string {
	typed = strings.ToLower(typed)
	type cand struct {
		name string
		d    int
	}
	var cs []cand
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			continue
		}
		seen[n] = true
		d := editDistance(typed, strings.ToLower(n))
		switch {
		case d <= max(1, len(n)/3):
			cs = append(cs, cand{n, d})
		case len(typed) >= 3 && strings.HasPrefix(n, typed):
			cs = append(cs, cand{n, len(n) - len(typed)})
		}
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].d < cs[j].d })
	var out []string
	for i, c := range cs {
		if i == 3 {
			break
		}
		out = append(out, c.name)
	}
	return out
}

// editDistance is the optimal string alignment distance between a and b:
// insertions, deletions, substitutions and swaps of adjacent letters.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

func dashed(n string) string {
	if len(n) == 1 {
		return "-" + n
	}
	return "--" + n
}

func dashedAll(ns []string) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = dashed(n)
	}
	return out
}

func quoteAll(ns []string, prefix string) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = "'" + prefix + n + "'"
	}
	return out
}

// orList is "a", "a or b", "a, b or c".
func orList(s []string) string {
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}
