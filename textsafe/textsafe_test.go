package textsafe

import "testing"

func TestClean(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ok \x1b[31mred\x1b[0m\u009b2J\r\nnext\tline\x07", "ok [31mred[0m2J\nnext\tline"},
		{"  padded \n", "padded"},
		{"bad \xff utf8", "bad \uFFFD utf8"},
	}
	for _, tt := range tests {
		if got := Clean(tt.in); got != tt.want {
			t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestLine(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a\nb\r\nc\td", "a b  c d"},
		{"two  spaces.mp4", "two  spaces.mp4"},
		{"name\x1b]0;pwned\x07.mp4", "name]0;pwned.mp4"},
	}
	for _, tt := range tests {
		if got := Line(tt.in); got != tt.want {
			t.Errorf("Line(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestBrief(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"<html>\n  <h1>Bad   gateway</h1>\n</html>", 0, "<html> <h1>Bad gateway</h1> </html>"},
		{"abcdef", 3, "abc..."},
		{"héllo", 2, "h..."}, // never cuts inside a rune
		{"short", 10, "short"},
	}
	for _, tt := range tests {
		if got := Brief(tt.in, tt.max); got != tt.want {
			t.Errorf("Brief(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
	}
}
