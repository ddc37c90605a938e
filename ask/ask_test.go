package ask

import (
	"context"
	"strings"
	"testing"

	"github.com/vidskim/vidskim/library"
	"github.com/vidskim/vidskim/llm"
	"github.com/vidskim/vidskim/summarize"
)

func video(n int, duration float64, notes ...string) Video {
	r := summarize.Result{Video: summarize.VideoInfo{Duration: duration}, Summary: "summary " + notes[0]}
	for i, d := range notes {
		r.Chunks = append(r.Chunks, summarize.ChunkInfo{Start: float64(4 * i), End: float64(4*i + 4), FrameTimes: []float64{float64(4 * i)}, Description: d})
	}
	return Video{N: n, Name: "v.mp4", Run: int64(n), Result: r}
}

func TestCite(t *testing.T) {
	one := []Video{video(1, 12.5, "a", "b", "c")}
	two := []Video{video(1, 12.5, "a", "b", "c"), video(2, 8, "x", "y")}
	given := map[int][]span{1: {{0, 4}, {4.5, 7.2}}, 2: {{0, 4}}}
	cases := []struct {
		vs     []Video
		answer string
		want   []string // text=verdict, "ok" or the reason's start
	}{
		{one, "At [00:00:03] and [00:00:07], not [00:00:09] nor [00:00:13].", []string{"[00:00:03]=ok", "[00:00:07]=ok", "[00:00:09]=no note", "[00:00:13]=after the end"}},
		{one, "From [00:00:02-00:00:05], see [00:00:01, 00:00:06] [sic] [12:30]", []string{"[00:00:02-00:00:05]=ok", "[00:00:01, 00:00:06]=ok", "[00:00:01, 00:00:06]=ok", "[12:30]=after the end"}},
		{one, "[video 1 00:00:02] [Video 1, 00:00:02.500]", []string{"[video 1 00:00:02]=ok", "[Video 1, 00:00:02.500]=ok"}},
		{two, "[video 2 00:00:03] [video 2 00:00:06] [video 3 00:00:01] [00:00:02]", []string{"[video 2 00:00:03]=ok", "[video 2 00:00:06]=no note", "[video 3 00:00:01]=there is no video 3", "[00:00:02]=names no video"}},
	}
	for _, c := range cases {
		cs := cite(c.answer, false, c.vs, given)
		var got []string
		for _, ct := range cs {
			v := "ok"
			if !ct.Supported {
				v = ct.Reason
			}
			got = append(got, ct.Text+"="+v)
			if c.answer[ct.At:ct.At+len(ct.Text)] != ct.Text {
				t.Errorf("%q: offset %d of %q", c.answer, ct.At, ct.Text)
			}
		}
		if len(got) != len(c.want) {
			t.Fatalf("%q: %q", c.answer, got)
		}
		for i := range got {
			if !strings.HasPrefix(got[i], c.want[i]) {
				t.Errorf("%q: %q, want %q", c.answer, got[i], c.want[i])
			}
		}
	}
	// In a structured answer, a field that is only a time is a citation.
	cs := cite(`{"events":[{"time":"00:00:03","note":"at [00:00:05]"},{"time":"00:00:20"},{"label":"3:00 pm"}]}`, true, one, given)
	if len(cs) != 3 || !cs[0].Supported || cs[1].Text != "00:00:03" || !cs[1].Supported || cs[2].Supported {
		t.Errorf("structured: %+v", cs)
	}
}

// TestGatherSelects: everything when it fits; otherwise the hits first,
// with the notes around them, then summaries, within the budget.
func TestGatherSelects(t *testing.T) {
	long := strings.Repeat("filler words here ", 40)
	vs := []Video{video(1, 12, long, "the parcel is left at the door", long), video(2, 8, long, long)}
	o := Options{Question: "Where is the parcel left?", Budget: 100000}
	o.applyDefaults()
	all, n, err := gather(t.Context(), vs, o)
	if err != nil || n.Selected || n.Given != 5 || len(all) != 7 {
		t.Fatalf("all: %+v %d %v", n, len(all), err)
	}
	var asked string
	o.Budget = 300
	o.Search = func(_ context.Context, q string) ([]library.Hit, error) {
		asked = q
		return []library.Hit{{Run: 1, Kind: library.KindNote, Start: 4, End: 8}}, nil
	}
	chosen, n, err := gather(t.Context(), vs, o)
	text, given := render(vs, chosen)
	if err != nil || !n.Selected || n.Tokens > 300 || !strings.Contains(text, "the parcel is left") || strings.Count(text, "filler") > 40 {
		t.Errorf("selected %+v:\n%s", n, text)
	}
	if asked != `"parcel" OR "left"` || len(given[1]) == 0 || given[1][0] != (span{4, 8}) {
		t.Errorf("query %q, given %v", asked, given)
	}
}

// fakeClient answers every request with text and counts them.
type fakeClient struct {
	text string
	reqs []llm.ChatRequest
}

func (f *fakeClient) Chat(_ context.Context, r llm.ChatRequest) (llm.Answer, error) {
	f.reqs = append(f.reqs, r)
	return llm.Answer{Text: f.text, FinishReason: "stop", Usage: llm.Usage{PromptTokens: 100, CompletionTokens: 10}}, nil
}

func TestRunOneTextRequest(t *testing.T) {
	c := &fakeClient{text: "It happens at [00:00:05]."}
	res, err := Run(t.Context(), c, []Video{video(1, 12, "a", "something happens")}, Options{Question: "When?"})
	if err != nil || len(c.reqs) != 1 || res.Unsupported != 0 || len(res.Citations) != 1 || res.Usage.Requests != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	for _, p := range c.reqs[0].User {
		if p.Image != nil {
			t.Error("an image in the first request")
		}
	}
	if !strings.Contains(c.reqs[0].User[0].Text, "[00:00:04-00:00:08] seen: something happens") {
		t.Errorf("prompt %q", c.reqs[0].User[0].Text)
	}
}
