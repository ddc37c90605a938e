package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/vidskim/vidskim/llm/openaitest"
)

// readmeBlock is one fenced block of the README: its language, the test
// marker on the line before it (<!-- test: run --> or <!-- test:
// output -->), and its lines.
type readmeBlock struct {
	lang, marker string
	line         int // where it starts in the README
	lines        []string
}

func readmeBlocks(t *testing.T) []readmeBlock {
	t.Helper()
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	var blocks []readmeBlock
	var cur *readmeBlock
	prev := ""
	for i, l := range strings.Split(string(b), "\n") {
		trimmed := strings.TrimSpace(l)
		switch {
		case cur == nil && strings.HasPrefix(trimmed, "```"):
			cur = &readmeBlock{lang: strings.TrimPrefix(trimmed, "```"), line: i + 1}
			if m := regexp.MustCompile(`<!-- test: (\w+) -->`).FindStringSubmatch(prev); m != nil {
				cur.marker = m[1]
			}
		case cur != nil && trimmed == "```":
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil:
			cur.lines = append(cur.lines, l)
		}
		if trimmed != "" {
			prev = trimmed
		}
	}
	return blocks
}

// readmeCommand is one command of a README block, with what its comment
// says it does: "# exit 2: unknown flag --fsp" is exit code 2 and that
// text on stderr; no such comment is exit 0.
type readmeCommand struct {
	cmd, says string
	code      int
}

// commandLines joins continued lines and drops comments: one shell
// command a string, with the comment's exit code and message.
func commandLines(lines []string) (out []readmeCommand) {
	joined := ""
	for _, l := range lines {
		if strings.HasSuffix(strings.TrimSpace(l), "\\") {
			joined += strings.TrimSuffix(strings.TrimSpace(l), "\\") + " "
			continue
		}
		l, joined = joined+l, ""
		cmd, comment := splitComment(l)
		if strings.TrimSpace(cmd) == "" {
			continue
		}
		rc := readmeCommand{cmd: strings.TrimSpace(cmd)}
		if m := regexp.MustCompile(`^exit (\d+)(?:: (.*))?`).FindStringSubmatch(strings.TrimSpace(comment)); m != nil {
			rc.code, _ = strconv.Atoi(m[1])
			rc.says = m[2]
		}
		out = append(out, rc)
	}
	return out
}

// splitComment cuts a shell line at a # that starts a word outside quotes.
func splitComment(l string) (string, string) {
	var quote rune
	for i, r := range l {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '\'' || r == '"':
			quote = r
		case r == '#' && (i == 0 || l[i-1] == ' ' || l[i-1] == '\t'):
			return l[:i], l[i+1:]
		}
	}
	return l, ""
}

// shellWords splits the vidskim part of a command line into words as the
// shell would (quotes, no expansion), without the variables set before
// it, anything piped into it, and redirections.
func shellWords(cmd string) []string {
	if i := strings.LastIndex(cmd, "| vidskim"); i >= 0 {
		cmd = cmd[i+2:]
	}
	var words []string
	var w strings.Builder
	var quote rune
	inWord := false
	for _, r := range cmd + " " {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			w.WriteRune(r)
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				words = append(words, w.String())
			}
			w.Reset()
			inWord = false
		default:
			w.WriteRune(r)
			inWord = true
		}
	}
	for len(words) > 0 && strings.Contains(words[0], "=") && !strings.HasPrefix(words[0], "-") {
		words = words[1:]
	}
	for i, w := range words {
		if w == ">" || strings.HasPrefix(w, ">") || w == "2>" {
			return words[:i]
		}
	}
	return words
}

// TestReadmeCommandsParse: every vidskim command in the README's sh
// blocks names commands and flags that exist, with values they accept as
// typed: parsed by the real app with the actions left out.
func TestReadmeCommandsParse(t *testing.T) {
	n := 0
	for _, b := range readmeBlocks(t) {
		if b.lang != "sh" {
			continue
		}
		for _, rc := range commandLines(b.lines) {
			c := rc.cmd
			words := shellWords(c)
			if len(words) == 0 || words[0] != "vidskim" {
				continue
			}
			n++
			var errb bytes.Buffer
			app := newApp(words, io.Discard, &errb)
			for _, cmd := range everyCommand(app.Commands) {
				cmd.Before = nil
				if len(cmd.Subcommands) == 0 {
					cmd.Action = func(*cli.Context) error { return nil }
				}
			}
			err := app.RunContext(context.Background(), reorderArgs(app.Commands, helpAsFlag(words)))
			var ue usageError
			switch {
			case rc.code == exitUsage && (!errors.As(err, &ue) || !strings.Contains(err.Error(), rc.says)):
				t.Errorf("README line %d: %s: %v, want the usage error %q", b.line, c, err, rc.says)
			case rc.code != exitUsage && err != nil:
				t.Errorf("README line %d: %s: %v", b.line, c, err)
			}
		}
	}
	if n < 20 {
		t.Errorf("only %d vidskim commands found in the README", n)
	}
}

// TestReadmeExamplesRun runs the README's runnable examples with the real
// binary against the fake server, in a directory where testdata/ is the
// repository's: each block marked <!-- test: run --> command by command,
// with the exit code its comment says (0 when none), and each block
// marked <!-- test: output --> comparing what each "$ " command prints
// with the lines under it.
func TestReadmeExamplesRun(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	bin := buildBinary(t)
	repo, _ := os.Getwd()
	ran := 0
	for _, b := range readmeBlocks(t) {
		if b.marker == "" {
			continue
		}
		srv := openaitest.New(t)
		dir := t.TempDir()
		os.Symlink(filepath.Join(repo, "testdata"), filepath.Join(dir, "testdata"))
		env := append(os.Environ(), "PATH="+filepath.Dir(bin)+":"+os.Getenv("PATH"), "OPENAI_BASE_URL="+srv.BaseURL(),
			"OPENAI_API_KEY=", "HOME="+dir, "XDG_CACHE_HOME="+filepath.Join(dir, ".cache"), "XDG_DATA_HOME="+filepath.Join(dir, ".data"),
			"XDG_CONFIG_HOME="+filepath.Join(dir, ".config"), "VIDSKIM_CONFIG=")
		sh := func(c string) (string, string, int) {
			cmd := exec.Command("bash", "-c", c)
			cmd.Dir, cmd.Env = dir, env
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				return string(out), stderr.String(), ee.ExitCode()
			}
			if err != nil {
				t.Fatal(err)
			}
			return string(out), stderr.String(), 0
		}
		switch b.marker {
		case "run":
			for _, rc := range commandLines(b.lines) {
				if _, stderr, code := sh(rc.cmd); code != rc.code || !strings.Contains(stderr, rc.says) {
					t.Errorf("README line %d: %s: exit %d, want %d and %q on stderr: %s", b.line, rc.cmd, code, rc.code, rc.says, stderr)
				}
				ran++
			}
		case "output":
			for i := 0; i < len(b.lines); i++ {
				c, ok := strings.CutPrefix(b.lines[i], "$ ")
				if !ok {
					continue
				}
				var want []string
				for i+1 < len(b.lines) && !strings.HasPrefix(b.lines[i+1], "$ ") {
					i++
					want = append(want, b.lines[i])
				}
				got, _, code := sh(c)
				if code != 0 || strings.TrimRight(got, "\n") != strings.Join(want, "\n") {
					t.Errorf("README line %d: %s: exit %d, printed\n%s\nREADME says\n%s", b.line, c, code, got, strings.Join(want, "\n"))
				}
				ran++
			}
		default:
			t.Errorf("README line %d: unknown test marker %q", b.line, b.marker)
		}
	}
	if ran < 8 {
		t.Errorf("only %d README examples ran", ran)
	}
}
