package textsafe

import "strings"

// escapeLen is the length in bytes of the terminal escape sequence that s
// starts with, 0 when it starts with none. It follows ECMA-48 as terminals
// parse it:
//
//   - CSI (ESC [ or U+009B): parameter and intermediate bytes up to a final
//     byte in 0x40-0x7E ("ESC[2J", "ESC[31m");
//   - OSC, DCS, SOS, PM, APC (ESC ] P X ^ _, or U+009D U+0090 U+0098 U+009E
//     U+009F): a string up to BEL or ST (ESC \ or U+009C), as
//     "ESC]0;title BEL" retitles a window;
//   - any other ESC: ESC, intermediates 0x20-0x2F, one final byte.
//
// An unterminated control string ends at the next newline, which is kept:
// the terminal would have swallowed the rest, but a file keeps what follows.
func escapeLen(s string) int {
	switch {
	case strings.HasPrefix(s, "\x1b["):
		return 2 + csiLen(s[2:])
	case strings.HasPrefix(s, "\u009b"):
		return 2 + csiLen(s[2:])
	case len(s) >= 2 && s[0] == 0x1b && strings.IndexByte("]PX^_", s[1]) >= 0:
		return 2 + stringLen(s[2:])
	case len(s) >= 2 && s[0] == 0xc2 && isC1String(s[1]):
		return 2 + stringLen(s[2:])
	case len(s) >= 1 && s[0] == 0x1b:
		n := 1
		for n < len(s) && s[n] >= 0x20 && s[n] <= 0x2f {
			n++
		}
		if n < len(s) && s[n] >= 0x30 && s[n] <= 0x7e {
			n++
		}
		return n
	}
	return 0
}

// isC1String is the second byte of the UTF-8 form of DCS, SOS, OSC, PM or
// APC (U+0090, U+0098, U+009D, U+009E, U+009F).
func isC1String(b byte) bool {
	return b == 0x90 || b == 0x98 || b == 0x9d || b == 0x9e || b == 0x9f
}

// csiLen is the length of a CSI's parameters, intermediates and final byte.
func csiLen(s string) int {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 0x30 && c <= 0x3f, c >= 0x20 && c <= 0x2f:
			continue
		case c >= 0x40 && c <= 0x7e:
			return i + 1
		}
		return i // malformed: drop what was read, keep the rest
	}
	return len(s)
}

// stringLen is the length of a control string up to and including its
// terminator: BEL, ESC \ or U+009C.
func stringLen(s string) int {
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == 0x07:
			return i + 1
		case s[i] == 0x1b && i+1 < len(s) && s[i+1] == '\\':
			return i + 2
		case s[i] == 0xc2 && i+1 < len(s) && s[i+1] == 0x9c:
			return i + 2
		case s[i] == '\n':
			return i
		}
	}
	return len(s)
}
