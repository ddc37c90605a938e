package extract

import (
	"strings"
	"sync"

	"github.com/vidskim/vidskim/textsafe"
)

// tail keeps only the last max bytes written to it, so a chatty ffmpeg
// cannot grow memory, while the last lines (where ffmpeg puts the reason it
// failed) are kept for the error message.
type tail struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func newTail(max int) *tail { return &tail{max: max} }

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

// Has says whether what is kept mentions any of phrases.
func (t *tail) Has(phrases ...string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, p := range phrases {
		if strings.Contains(string(t.buf), p) {
			return true
		}
	}
	return false
}

// Reason returns the last meaningful line as ": line", or "" when there is
// none, ready to append to an error message.
func (t *tail) Reason() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	lines := strings.Split(strings.TrimSpace(string(t.buf)), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if l := cleanLine(lines[i]); l != "" && !generic[l] {
			return ": " + stripFileURL(l)
		}
	}
	return ""
}

// generic lines say only that ffmpeg failed, not why.
var generic = map[string]bool{"Conversion failed!": true, "Exiting normally, received signal 2.": true}

// stripFileURL drops the "file:/abs/path: " that ffmpeg puts before a
// reason: the error already names the file, by the name the user gave.
func stripFileURL(l string) string {
	if strings.HasPrefix(l, "file:") {
		if i := strings.LastIndex(l, ": "); i > 0 {
			return l[i+2:]
		}
	}
	return l
}

// cleanLine strips ffmpeg's "[h264 @ 0x...] " context and any control
// characters (a file name can carry escape sequences).
func cleanLine(l string) string {
	if strings.HasPrefix(l, "[") {
		if i := strings.Index(l, "] "); i > 0 {
			l = l[i+2:]
		}
	}
	return textsafe.Brief(l, 200)
}

// Tail is the bounded stderr keeper, for packages that run ffmpeg
// themselves: its Reason goes into their errors as it does here.
type Tail = tail

// NewTail keeps the last max bytes written to it.
func NewTail(max int) *Tail { return newTail(max) }

// String is everything kept, for parsing what ffmpeg printed last (a
// filter's report).
func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}
