package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vidskim/vidskim/llm/openaitest"
)

// drivewayClip is 12 s of a grey driveway where a red van (a box) stands
// from 6 s; catClip 8 s of a green room where a blue cat (a box) lies
// from 4 s.
func drivewayClip(t *testing.T) string {
	return ffmpegTo(t, "driveway.mp4", "-f", "lavfi", "-i", "color=c=gray:s=320x240:r=5:d=12",
		"-vf", "drawbox=x=100:y=80:w=120:h=80:color=red:t=fill:enable='gte(t,6)'", "-c:v", "libx264", "-pix_fmt", "yuv420p")
}

func catClip(t *testing.T) string {
	return ffmpegTo(t, "cat.mp4", "-f", "lavfi", "-i", "color=c=green:s=320x240:r=5:d=8",
		"-vf", "drawbox=x=40:y=40:w=80:h=60:color=blue:t=fill:enable='gte(t,4)'", "-c:v", "libx264", "-pix_fmt", "yuv420p")
}

// notesScript describes each chunk with describe(labels of its images);
// text-only requests (merges, questions) get answer, or the default.
func notesScript(describe func(labels string) string, answer func(openaitest.Request) string) func(openaitest.Request) openaitest.Reply {
	return func(r openaitest.Request) openaitest.Reply {
		if len(r.Images) == 0 {
			if answer != nil {
				return openaitest.Reply{Content: answer(r)}
			}
			return openaitest.Reply{}
		}
		var labels []string
		for _, im := range r.Images {
			labels = append(labels, im.Label)
		}
		return openaitest.Reply{Content: describe(strings.Join(labels, " "))}
	}
}

func drivewayNotes(labels string) string {
	if strings.Contains(labels, "[00:00:06]") {
		return "[00:00:06] A red delivery van arrives at the gate and stops."
	}
	return labels + " An empty grey driveway; nothing moves."
}

func catNotes(labels string) string { return labels + " A cat sleeps on the sofa." }

// searchJSON is the --format json contract of search.
type searchJSON struct {
	Query  string `json:"query"`
	Videos []struct {
		ID       string  `json:"video_id"`
		Path     string  `json:"path"`
		Duration float64 `json:"duration_s"`
		Hits     []struct {
			Kind    string  `json:"kind"`
			Start   float64 `json:"start_s"`
			End     float64 `json:"end_s"`
			Snippet string  `json:"snippet"`
			Matches []struct{ Start, End int }
			Score   float64 `json:"score"`
		} `json:"hits"`
	} `json:"videos"`
}

// summarizeWith records a run of video in the test's library.
func summarizeWith(t *testing.T, srv *openaitest.Server, video string, describe func(string) string, more ...string) {
	t.Helper()
	srv.Script = notesScript(describe, nil)
	args := append([]string{"summarize", video, "--base-url", srv.BaseURL(), "--frames-per-request", "1", "-q"}, more...)
	if code, _, stderr := vidskim(t, args...); code != 0 {
		t.Fatalf("summarize %s: exit %d: %s", video, code, stderr)
	}
}

// TestSearchFindsMoments: search finds the video and the moment a word
// was noted at (as a word, a prefix, a phrase, another form of it), with
// the match marked, and nothing for a word that appears nowhere; it runs
// with no model and no ffmpeg; bad queries are usage errors.
func TestSearchFindsMoments(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	srv := openaitest.New(t)
	driveway, cat := drivewayClip(t), catClip(t)
	summarizeWith(t, srv, driveway, drivewayNotes)
	summarizeWith(t, srv, cat, catNotes)
	t.Setenv("PATH", t.TempDir()) // no ffmpeg, and the server is never asked
	asked := len(srv.Requests())
	for _, q := range []string{"van", "deliv*", `"red delivery van"`, "arriving", "delivery-van"} {
		code, out, stderr := vidskim(t, "search", q, "--format", "json")
		var got searchJSON
		if err := json.Unmarshal([]byte(out), &got); code != 0 || err != nil {
			t.Fatalf("search %s: exit %d, %v: %s %s", q, code, err, out, stderr)
		}
		if len(got.Videos) != 1 || got.Videos[0].Path != absPath(t, driveway) || got.Videos[0].Duration != 12 {
			t.Fatalf("search %s found %+v", q, got.Videos)
		}
		h := got.Videos[0].Hits[0]
		if h.Kind != "note" || h.Start != 6 || h.End != 12 || len(h.Matches) == 0 || h.Score <= 0 {
			t.Errorf("search %s: hit %+v", q, h)
		}
		for _, m := range h.Matches {
			for _, w := range strings.Fields(strings.ToLower(string([]rune(h.Snippet)[m.Start:m.End]))) {
				if !strings.Contains(" red delivery van arrives ", " "+w+" ") {
					t.Errorf("search %s: match %q in %q", q, w, h.Snippet)
				}
			}
		}
	}
	code, out, _ := vidskim(t, "search", "delivery", "van")
	if want := absPath(t, driveway) + "  [00:00:06-00:00:12]  note: [00:00:06] A red «delivery» «van» arrives at the gate and stops.\n"; code != 0 || out != want {
		t.Errorf("text output (exit %d):\n%q\nwant\n%q", code, out, want)
	}
	if code, out, _ := vidskim(t, "search", "sofa"); code != 0 || !strings.HasPrefix(out, absPath(t, cat)+"  [00:00:00-00:00:04]  note:") {
		t.Errorf("sofa: exit %d: %s", code, out)
	}
	code, out, stderr := vidskim(t, "search", "zeppelin")
	if code != 0 || out != "" || !strings.Contains(stderr, "no moment matches zeppelin") {
		t.Errorf("a word that appears nowhere: exit %d, %q, %q", code, out, stderr)
	}
	if code, out, _ := vidskim(t, "search", "van", "--video", cat); code != 0 || out != "" {
		t.Errorf("--video filters: exit %d: %s", code, out)
	}
	for _, bad := range []string{"van AND", `"unterminated`, "NEAR(", "OR van"} {
		code, _, stderr := vidskim(t, "search", bad)
		if code != exitUsage || strings.Count(stderr, "\n") != 1 || strings.Contains(stderr, "SQL") || strings.Contains(stderr, "fts5") || strings.Contains(stderr, "SELECT") {
			t.Errorf("search %q: exit %d: %q", bad, code, stderr)
		}
	}
	if len(srv.Requests()) != asked {
		t.Error("search asked the model")
	}
	if code, _, stderr := vidskim(t, "library", "forget", driveway); code != 0 {
		t.Fatalf("forget: %d %s", code, stderr)
	}
	if code, out, _ := vidskim(t, "search", "van"); code != 0 || out != "" {
		t.Errorf("a forgotten video is still found: %s", out)
	}
}

func absPath(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
