package textsafe

import "strings"

// Clean keeps text printable: invalid UTF-8 becomes U+FFFD, control
// characters go (C0, DEL and C1, which terminal escape sequences start
// with) except newlines and tabs, and the ends are trimmed.
func Clean(s string) string {
	return strings.TrimSpace(keep(s, true))
}

// Line is Clean for one line of output, such as an error message or a
// file name in a list: newlines, carriage returns and tabs become spaces,
// so the text cannot start a line of its own. Nothing else changes: a
// file name keeps its exact spelling.
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

// keep drops control characters; multiline keeps newlines and tabs as
// they are, else they become spaces.
func keep(s string, multiline bool) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t' || r == '\r':
			if multiline && r != '\r' {
				return r
			}
			if multiline {
				return -1
			}
			return ' '
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return -1
		}
		return r
	}, s)
}
