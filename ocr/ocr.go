package ocr

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/vidskim/vidskim/textsafe"
)

// Options say which tesseract to run and how. The zero value runs
// tesseract from PATH for English.
type Options struct {
	// Lang is tesseract's language (its -l option: eng, deu, eng+fra...);
	// "" means DefaultLang.
	Lang string
	// Path is the tesseract binary; "" means "tesseract" from PATH.
	Path string
	// Timeout bounds one picture; 0 means a minute.
	Timeout time.Duration
}

// DefaultLang is the language read unless told otherwise.
const DefaultLang = "eng"

func (o *Options) applyDefaults() {
	if o.Lang == "" {
		o.Lang = DefaultLang
	}
	if o.Path == "" {
		o.Path = "tesseract"
	}
	if o.Timeout == 0 {
		o.Timeout = time.Minute
	}
}

// ErrMissing means the tesseract command is not installed.
var ErrMissing = errors.New("tesseract not found in PATH (install it: apt-get install tesseract-ocr, brew install tesseract)")

// LangError is a language tesseract has no data for.
type LangError struct{ Lang, Have string }

func (e *LangError) Error() string {
	return fmt.Sprintf("tesseract has no data for language %q (installed: %s; Debian: apt-get install tesseract-ocr-%s)", e.Lang, e.Have, e.Lang)
}

// Check makes sure tesseract is there and knows every language of o.Lang,
// before any work that needs it.
func Check(ctx context.Context, o Options) error {
	o.applyDefaults()
	bin, err := exec.LookPath(o.Path)
	if err != nil {
		return fmt.Errorf("ocr: %w", ErrMissing)
	}
	cmd := exec.CommandContext(ctx, bin, "--list-langs")
	ownGroup(cmd)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("ocr: tesseract --list-langs: %w: %s", err, textsafe.Brief(string(out), 200))
	}
	have := map[string]bool{}
	var names []string
	for _, l := range strings.Split(string(out), "\n")[1:] {
		if l = strings.TrimSpace(l); l != "" {
			have[l] = true
			names = append(names, l)
		}
	}
	for _, l := range strings.Split(o.Lang, "+") {
		if !have[l] {
			return fmt.Errorf("ocr: %w", &LangError{Lang: l, Have: strings.Join(names, ", ")})
		}
	}
	return nil
}

// Read returns the text tesseract reads on img: one line a line of text,
// without the lines that hold no word.
func Read(ctx context.Context, img image.Image, o Options) (string, error) {
	o.applyDefaults()
	bin, err := exec.LookPath(o.Path)
	if err != nil {
		return "", fmt.Errorf("ocr: %w", ErrMissing)
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "stdin", "stdout", "-l", o.Lang)
	ownGroup(cmd)
	cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1") // one thread a picture: pictures are read side by side
	cmd.Stdin = bytes.NewReader(pgm(img))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return "", fmt.Errorf("ocr: %w", ctx.Err())
		}
		return "", fmt.Errorf("ocr: tesseract: %w: %s", err, textsafe.Brief(stderr.String(), 200))
	}
	return Clean(stdout.String()), nil
}

// pgm encodes img as a binary grey PGM, which tesseract reads from stdin
// without a temporary file and which costs nothing to write.
func pgm(img image.Image) []byte {
	b := img.Bounds()
	head := "P5\n" + strconv.Itoa(b.Dx()) + " " + strconv.Itoa(b.Dy()) + "\n255\n"
	out := make([]byte, len(head), len(head)+b.Dx()*b.Dy())
	copy(out, head)
	if rgba, ok := img.(*image.RGBA); ok {
		for y := b.Min.Y; y < b.Max.Y; y++ {
			row := rgba.Pix[(y-b.Min.Y)*rgba.Stride:]
			for x := 0; x < b.Dx(); x++ {
				p := row[4*x:]
				out = append(out, byte((299*int(p[0])+587*int(p[1])+114*int(p[2]))/1000))
			}
		}
		return out
	}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			out = append(out, byte((299*r+587*g+114*bl)/1000>>8))
		}
	}
	return out
}

// word is two letters or digits in a row: a line without one is noise
// (OCR reads specks and edges as stray marks).
var word = regexp.MustCompile(`[\p{L}\p{N}]{2}`)

// Clean keeps the lines of OCR output that hold a word, each with its
// spaces collapsed, cleaned of control characters.
func Clean(s string) string {
	var lines []string
	for _, l := range strings.Split(textsafe.Clean(s), "\n") {
		l = strings.Join(strings.Fields(l), " ")
		if word.MatchString(l) {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}
