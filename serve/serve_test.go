package serve

import (
	"fmt"
	"testing"

	"github.com/vidskim/vidskim/ask"
	"github.com/vidskim/vidskim/extract"
)

func show(ps []piece) string {
	s := ""
	for _, p := range ps {
		if p.Link {
			s += fmt.Sprintf("<%s %s%s>", p.Text, p.Href, map[bool]string{true: " bad", false: ""}[p.Bad != ""])
		} else {
			s += p.Text
		}
	}
	return s
}

func TestLinkify(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"nothing timed", "nothing timed"},
		{"[00:00:06] A van arrives.", "<[00:00:06] #t=6> A van arrives."},
		{"from [00:01:05-00:01:10] then [1:02:03.5]", "from <[00:01:05-00:01:10] #t=65> then <[1:02:03.5] #t=3723.5>"},
		{"[video 2 00:00:09] and [not a time] and [12:34]", "<[video 2 00:00:09] #t=9> and [not a time] and <[12:34] #t=754>"},
		{"<script>[00:00:01]</script>", "<script><[00:00:01] #t=1></script>"},
	} {
		if got := show(linkify(c.in, here)); got != c.want {
			t.Errorf("linkify(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestAnswerPieces(t *testing.T) {
	answer := "At [00:00:06] and [00:00:09], not [00:00:40]."
	cs := []ask.Citation{
		{Text: "[00:00:40]", At: 34, Start: 40, Video: 1, Reason: "after the end"},
		{Text: "[00:00:06]", At: 3, Start: 6, Video: 1, Supported: true},
		{Text: "[00:00:09]", At: 18, Start: 9, Video: 1, Supported: true},
		{Text: "[00:00:09]", At: 99, Start: 9, Video: 1, Supported: true}, // not where it says: ignored
	}
	got := show(answerPieces(answer, cs, func(v int, t float64) string { return fmt.Sprintf("/v/%d%s", v, here(t)) }))
	if want := "At <[00:00:06] /v/1#t=6> and <[00:00:09] /v/1#t=9>, not <[00:00:40] /v/1#t=40 bad>."; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

func TestUnplayable(t *testing.T) {
	for _, c := range []struct {
		format, codec string
		plays         bool
	}{
		{"mov,mp4,m4a,3gp,3g2,mj2", "h264", true},
		{"matroska,webm", "vp9", true},
		{"ogg", "theora", true},
		{"mpegts", "mpeg2video", false},
		{"mov,mp4,m4a,3gp,3g2,mj2", "hevc", false},
		{"avi", "h264", false},
	} {
		if got := unplayable(extract.Video{Format: c.format, Codec: c.codec}) == ""; got != c.plays {
			t.Errorf("%s in %s: plays %v, want %v", c.codec, c.format, got, c.plays)
		}
	}
}

func TestCheckAddr(t *testing.T) {
	for _, c := range []struct {
		addr, token string
		ok          bool
	}{
		{"127.0.0.1:8765", "", true},
		{"[::1]:0", "", true},
		{"localhost:8080", "", true},
		{"0.0.0.0:8765", "", false},
		{":8765", "", false},
		{"192.168.1.5:80", "", false},
		{"192.168.1.5:80", "0123456789abcdef", true},
		{"192.168.1.5:80", "short", false},
		{"192.168.1.5:80", "0123456789abcdef; Path=/x", false},
		{"nonsense", "", false},
	} {
		if err := CheckAddr(c.addr, c.token); (err == nil) != c.ok {
			t.Errorf("CheckAddr(%q, %q) = %v", c.addr, c.token, err)
		}
	}
	for h, want := range map[string]bool{"127.0.0.1:8765": true, "localhost": true, "[::1]:80": true, "LOCALHOST:1": true,
		"evil.example": false, "127.0.0.1.evil.example:80": false, "10.0.0.1:80": false} {
		if loopbackHost(h) != want {
			t.Errorf("loopbackHost(%q) != %v", h, want)
		}
	}
}
