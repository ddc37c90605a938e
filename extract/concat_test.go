package extract

import "testing"

func TestConcatScript(t *testing.T) {
	got := string(concatScript("/v/it's.mp4", []segment{{0.5, 3}, {10, 14.1234567}, {29, 30}}, true))
	want := `ffconcat version 1.0
file 'file:/v/it'\''s.mp4'
inpoint 0.500000
outpoint 3.000000
duration 9.500000
file 'file:/v/it'\''s.mp4'
option fpsprobesize 0
inpoint 10.000000
outpoint 14.123457
duration 19.000000
file 'file:/v/it'\''s.mp4'
option fpsprobesize 0
inpoint 29.000000
`
	if got != want {
		t.Errorf("script:\n%s\nwant:\n%s", got, want)
	}
}
