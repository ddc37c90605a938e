package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vidskim/vidskim/llm/openaitest"
)

// askJSON is the --format json contract of ask.
type askJSON struct {
	Question string `json:"question"`
	Videos   []struct {
		N    int    `json:"n"`
		Path string `json:"path"`
		Run  int64  `json:"run"`
		From string `json:"from"`
	} `json:"videos"`
	Answer      string `json:"answer"`
	FirstAnswer string `json:"first_answer"`
	Structured  json.RawMessage
	Citations   []struct {
		Text      string  `json:"text"`
		Video     int     `json:"video"`
		Time      float64 `json:"time_s"`
		Supported bool    `json:"supported"`
		Reason    string  `json:"reason"`
	} `json:"citations"`
	Unsupported int `json:"unsupported"`
	Looked      []struct {
		Video int     `json:"video"`
		Time  float64 `json:"time_s"`
		Cited string  `json:"cited"`
	} `json:"looked"`
	Notes struct {
		Given, Total int
		Selected     bool
	} `json:"notes"`
	Usage struct {
		Requests int     `json:"requests"`
		Cached   int     `json:"cached_answers"`
		CostUSD  float64 `json:"cost_usd"`
	} `json:"usage"`
	Summarizing *struct{ Requests int } `json:"summarizing"`
	ID          int64                   `json:"answer_id"`
}

// isQuestion tells ask's requests from a summary's: they answer a question.
func isQuestion(r openaitest.Request) bool {
	return strings.Contains(strings.Join(r.Texts, "\n"), "Question: ")
}

// answerScript describes chunks as describe says and answers questions
// with answer; merges get the default summary.
func answerScript(describe func(string) string, answer string) func(openaitest.Request) openaitest.Reply {
	return notesScript(describe, func(r openaitest.Request) string {
		if isQuestion(r) {
			return answer
		}
		return openaitest.Describe(r)
	})
}

func decodeAsk(t *testing.T, out string) askJSON {
	t.Helper()
	var a askJSON
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	return a
}

// TestAskCitesAndChecks: a video not in the library is summarized first
// (same pipeline and cache), then one text-only request holds its notes
// and their times; a cited time past the end of the video is marked
// unsupported and the exit code is 4; asking again costs nothing.
func TestAskCitesAndChecks(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	srv := openaitest.New(t)
	driveway := drivewayClip(t)
	srv.Script = answerScript(drivewayNotes, "The red van arrives at [00:00:06] and is still there at [00:00:10]; it leaves at [00:01:30].")
	args := []string{"ask", driveway, "When does the van arrive?", "--base-url", srv.BaseURL(), "--frames-per-request", "1", "--format", "json", "-q"}
	code, out, stderr := vidskim(t, args...)
	if code != exitUnsupported || !strings.Contains(stderr, "1 of the answer's 3 citations is not supported by the notes") || strings.Count(stderr, "\n") != 1 {
		t.Fatalf("exit %d, want %d: %s", code, exitUnsupported, stderr)
	}
	a := decodeAsk(t, out)
	reqs := srv.Requests()
	var asks []openaitest.Request
	for _, r := range reqs {
		if isQuestion(r) {
			asks = append(asks, r)
		}
	}
	if len(asks) != 1 || len(asks[0].Images) != 0 || len(reqs) != 4 { // two chunks, the merge, the question
		t.Fatalf("%d requests, %d questions", len(reqs), len(asks))
	}
	prompt := strings.Join(asks[0].Texts, "\n")
	for _, want := range []string{"Question: When does the van arrive?", "[00:00:06-00:00:12] seen: [00:00:06] A red delivery van arrives", "[00:00:00-00:00:06] seen:", "[HH:MM:SS]"} {
		if !strings.Contains(prompt, want) {
			t.Errorf("the question's prompt lacks %q:\n%s", want, prompt)
		}
	}
	if a.Videos[0].From != "summarized" || a.Videos[0].Run == 0 || a.Summarizing == nil || a.Summarizing.Requests != 3 || a.Usage.Requests != 1 || a.ID == 0 {
		t.Errorf("videos %+v, summarizing %+v, usage %+v, id %d", a.Videos, a.Summarizing, a.Usage, a.ID)
	}
	got := map[string]bool{}
	for _, c := range a.Citations {
		got[c.Text] = c.Supported
		if c.Text == "[00:01:30]" && !strings.Contains(c.Reason, "after the end of the video") {
			t.Errorf("reason %q", c.Reason)
		}
	}
	if len(a.Citations) != 3 || !got["[00:00:06]"] || !got["[00:00:10]"] || got["[00:01:30]"] || a.Unsupported != 1 {
		t.Errorf("citations %+v", a.Citations)
	}
	// Again, in Markdown: from the library and the cache, nothing paid.
	code, md, _ := vidskim(t, append(args[:len(args)-3], "-q")...)
	if code != exitUnsupported || len(srv.Requests()) != 4 || !strings.Contains(md, "leaves at [00:01:30] *(unsupported)*") ||
		!strings.Contains(md, "run 1, library") || !strings.Contains(md, "`[00:01:30]` driveway.mp4: **unsupported** (after the end") {
		t.Errorf("asked again: exit %d, %d requests:\n%s", code, len(srv.Requests()), md)
	}
}

// TestAskSelectsRelevantNotes: over videos whose notes do not fit the
// budget, search picks the moments the question is about: the request
// holds the van's note and not the others'; a time in a video whose notes
// were left out is unsupported, and a video the citation names that does
// not exist too.
func TestAskSelectsRelevantNotes(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	srv := openaitest.New(t)
	driveway, cat := drivewayClip(t), catClip(t)
	filler := strings.Repeat("The plain wall stays the same colour and the light does not change at all. ", 30)
	summarizeWith(t, srv, cat, func(l string) string { return l + " A cat sleeps on the sofa. " + filler })
	srv.Script = answerScript(func(l string) string {
		if strings.Contains(l, "[00:00:06]") {
			return drivewayNotes(l)
		}
		return l + " " + filler
	}, "The van arrives at [video 2 00:00:06]. The cat sleeps at [video 1 00:00:05]. See also [video 3 00:00:01].")
	code, out, stderr := vidskim(t, "ask", cat, driveway, "When does the delivery van arrive?", "--base-url", srv.BaseURL(),
		"--frames-per-request", "1", "--context-tokens", "500", "--format", "json", "-q")
	if code != exitUnsupported {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	a := decodeAsk(t, out)
	var prompt string
	for _, r := range srv.Requests() {
		if isQuestion(r) {
			prompt = strings.Join(r.Texts, "\n")
		}
	}
	if !a.Notes.Selected || a.Notes.Given >= a.Notes.Total || !strings.Contains(prompt, "A red delivery van arrives") || strings.Contains(prompt, "plain wall") {
		t.Errorf("notes %+v; prompt:\n%s", a.Notes, prompt)
	}
	want := map[string]string{"[video 2 00:00:06]": "", "[video 1 00:00:05]": "no note given covers that time", "[video 3 00:00:01]": "there is no video 3"}
	for _, c := range a.Citations {
		if r, ok := want[c.Text]; !ok || c.Reason != r || c.Supported != (r == "") {
			t.Errorf("citation %+v", c)
		}
	}
	if len(a.Citations) != 3 || a.Unsupported != 2 {
		t.Errorf("citations %+v", a.Citations)
	}
}

// TestAskLook: the second look decodes frames around each cited moment,
// sends them at high detail with the question and the first answer, and
// the output (and the report) shows the frames beside the new answer;
// --verbose logs both requests as a run's are.
func TestAskLook(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	srv := openaitest.New(t)
	driveway := drivewayClip(t)
	summarizeWith(t, srv, driveway, drivewayNotes)
	before := len(srv.Requests())
	srv.Script = func(r openaitest.Request) openaitest.Reply {
		if len(r.Images) > 0 {
			return openaitest.Reply{Content: "Confirmed from the frames: the red van is there from [00:00:06]."}
		}
		return openaitest.Reply{Content: "The van arrives at [00:00:06]."}
	}
	report := filepath.Join(t.TempDir(), "answer.html")
	code, out, stderr := vidskim(t, "ask", driveway, "When does the van arrive?", "--look", "--base-url", srv.BaseURL(),
		"--format", "json", "--report", report, "--verbose")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "vidskim: request part=answer images=0 ") || !strings.Contains(stderr, `vidskim: request part="second look" images=`) {
		t.Errorf("--verbose does not log both requests of the question:\n%s", stderr)
	}
	reqs := srv.Requests()[before:]
	if len(reqs) != 2 || len(reqs[0].Images) != 0 || len(reqs[1].Images) < 2 {
		t.Fatalf("%d requests, images %d then %d", len(reqs), len(reqs[0].Images), len(reqs[len(reqs)-1].Images))
	}
	for _, im := range reqs[1].Images {
		if im.Detail != "high" || im.Label < "[00:00:04]" || im.Label > "[00:00:08]" {
			t.Errorf("looked at %s, detail %s: want high detail within 2 s of [00:00:06]", im.Label, im.Detail)
		}
	}
	look := strings.Join(reqs[1].Texts, "\n")
	if !strings.Contains(look, "When does the van arrive?") || !strings.Contains(look, "The van arrives at [00:00:06].") {
		t.Errorf("the second look lacks the question or the first answer:\n%s", look)
	}
	a := decodeAsk(t, out)
	if a.FirstAnswer != "The van arrives at [00:00:06]." || !strings.HasPrefix(a.Answer, "Confirmed") || len(a.Looked) != len(reqs[1].Images) ||
		a.Looked[0].Cited != "[00:00:06]" || a.Usage.Requests != 2 || a.Unsupported != 0 {
		t.Errorf("answer %+v", a)
	}
	html := string(readFile(t, report))
	if strings.Count(html, `<img src="data:image/jpeg;base64,`) != len(a.Looked) || !strings.Contains(html, "Confirmed from the frames") {
		t.Errorf("the report does not show the frames beside the answer")
	}
}

// TestAskUsage: what ask refuses before any request.
func TestAskUsage(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	srv := openaitest.New(t)
	video := writeFile(t, "v.mp4", readFile(t, "testdata/sample.mp4"))
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"ask", "What happens?"}, "name the videos"},
		{[]string{"ask", "What happens?", video}, "the QUESTION comes last"},
		{[]string{"ask", "--all", video, "What happens?"}, "--all takes the QUESTION alone"},
		{[]string{"ask", video, "What?", "--format", "srt"}, "--format"},
		{[]string{"ask", video, "What?", "--schema", video}, "--schema"},
		{[]string{"ask", video, "What?", "--max-cost", "0.000001"}, "refusing to start: the answer alone"},
	} {
		code, _, stderr := vidskim(t, append(c.args, "--base-url", srv.BaseURL())...)
		if code != exitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d: %s", c.args, code, stderr)
		}
	}
	code, _, stderr := vidskim(t, "ask", writeFile(t, "notes.mp4", []byte("not a video")), "What?", "--base-url", srv.BaseURL())
	if code != exitBadFile || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "notes.mp4") {
		t.Errorf("not a video: exit %d: %s", code, stderr)
	}
	if len(srv.Requests()) != 0 {
		t.Errorf("%d requests made", len(srv.Requests()))
	}
	os.Remove(video)
}
