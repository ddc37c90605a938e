package textsafe

import (
	"strings"
	"unicode/utf8"
)

// Clean keeps text printable: invalid UTF-8 becomes U+FFFD, terminal
// escape sequences are removed whole (CSI, OSC, DCS and the rest, in their
// 7-bit and C1 forms, so no "[2J" or "]0;title" is left behind), control
// characters go (C0, DEL, C1) except newlines and tabs, and so do the
// invisible bidirectional controls that reorder what a reader sees
// (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C). Line and
// paragraph separators become newlines. The ends are trimmed.
func Clean(s string) string {
	return strings.TrimSpace(keep(s, true))
}

// Line is Clean for one line of output, such as an error message or a
// file name in a list: newlines, carriage returns and tabs become spaces,
// so the text cannot start a line of its own. Nothing else printable
// changes: a file name keeps its exact spelling.
func Line(s string) string {
	return keep(s, false)
}

// Brief squeezes a message from elsewhere (a server's error body, an
// ffmpeg line) to one short line: Line, with runs of white space folded
// to one space and at most max bytes kept (0: no limit), cut on a rune
// boundary with "..." after.
func Brief(s string, max int) string {
	s = strings.Join(strings.Fields(keep(s, false)), " ")
	if max <= 0 || len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !runeStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

func runeStart(b byte) bool { return b&0xC0 != 0x80 }

// keep drops escape sequences and control characters; multiline keeps
// newlines and tabs as they are, else they become spaces.
func keep(s string, multiline bool) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if n := escapeLen(s[i:]); n > 0 {
			i += n
			continue
		}
		i += size
		switch {
		case r == '\n' || r == '\t' || r == '\u2028' || r == '\u2029':
			if !multiline {
				r = ' '
			} else if r != '\t' {
				r = '\n'
			}
		case r == '\r':
			if multiline {
				continue
			}
			r = ' '
		case control(r):
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// control reports the characters that are never shown: C0 but for the
// white space keep handles, DEL, C1, and the bidirectional controls.
func control(r rune) bool {
	switch {
	case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	}
	return false
}
