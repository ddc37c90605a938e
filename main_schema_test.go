package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/vidskim/vidskim/llm/openaitest"
	"github.com/vidskim/vidskim/schema"
)

const eventsSchema = "testdata/schema/events.json"

// The answers the fake gives a request for JSON: one that breaks the
// schema (a time not HH:MM:SS, a kind not in the list, no description),
// and one that keeps it.
const (
	badEvents  = `{"events":[{"time":"6 s","kind":"truck"}]}`
	goodEvents = `{"events":[{"time":"00:00:06","kind":"vehicle","description":"A red van arrives at the gate [00:00:06]."}]}`
)

// formatScript answers requests that carry a response_format (or the
// schema in their prompt) with the next of answers, the rest as usual;
// it counts them.
func formatScript(describe func(string) string, n *int, answers ...string) func(openaitest.Request) openaitest.Reply {
	notes := notesScript(describe, nil)
	return func(r openaitest.Request) openaitest.Reply {
		if r.Body["response_format"] == nil && !strings.Contains(strings.Join(r.Texts, ""), "JSON Schema") {
			return notes(r)
		}
		*n++
		return openaitest.Reply{Content: answers[min(*n, len(answers))-1]}
	}
}

// TestSummarizeSchema: --schema asks for the summary in the user's schema
// (json_schema, strict, where asked; JSON mode with the schema in the
// prompt by default on other servers), validates it, asks once more when
// it does not validate, and fails clearly when it still does not; the
// first answer is cached, the retry only when valid; a schema with
// subtitles (no summary) is refused.
func TestSummarizeSchema(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	srv := openaitest.New(t)
	driveway := drivewayClip(t)
	sch, err := schema.Load(eventsSchema)
	if err != nil || !sch.Strict() {
		t.Fatalf("schema: %v, strict %v", err, sch != nil && sch.Strict())
	}
	run := func(t *testing.T, n *int, answers []string, more ...string) (int, string, string) {
		srv.Script = formatScript(drivewayNotes, n, answers...)
		return vidskim(t, append([]string{"summarize", driveway, "--base-url", srv.BaseURL(), "--schema", eventsSchema,
			"--frames-per-request", "1", "--format", "json", "--no-library", "-q"}, more...)...)
	}
	t.Run("strict json_schema, retried once", func(t *testing.T) {
		before, n := len(srv.Requests()), 0
		code, out, stderr := run(t, &n, []string{badEvents, goodEvents}, "--schema-mode", "json_schema")
		if code != 0 || n != 2 {
			t.Fatalf("exit %d, %d requests for JSON: %s", code, n, stderr)
		}
		var res struct{ Structured json.RawMessage }
		json.Unmarshal([]byte(out), &res)
		if _, err := sch.Validate(string(res.Structured)); err != nil {
			t.Errorf("structured output does not validate: %v: %s", err, res.Structured)
		}
		reqs := srv.Requests()[before:]
		for _, r := range reqs[len(reqs)-2:] {
			rf, _ := r.Body["response_format"].(map[string]any)
			js, _ := rf["json_schema"].(map[string]any)
			if rf["type"] != "json_schema" || js["strict"] != true || js["name"] != "events" {
				t.Errorf("response_format %v", rf)
			}
		}
		if retry := strings.Join(reqs[len(reqs)-1].Texts, "\n"); !strings.Contains(retry, badEvents) || !strings.Contains(retry, "not valid against the JSON Schema") {
			t.Errorf("the retry does not say what was wrong:\n%s", retry)
		}
		if code, _, stderr := run(t, &n, []string{badEvents}, "--schema-mode", "json_schema"); code != 0 || n != 2 {
			t.Errorf("run again: exit %d, %d more requests for JSON: both answers should be cached: %s", code, n-2, stderr)
		}
	})
	t.Run("JSON mode on another server", func(t *testing.T) {
		n := 0
		if code, _, stderr := run(t, &n, []string{goodEvents}, "--prompt", "vehicles only"); code != 0 || n != 1 {
			t.Fatalf("exit %d, %d: %s", code, n, stderr)
		}
		last := srv.Requests()[len(srv.Requests())-1]
		rf, _ := last.Body["response_format"].(map[string]any)
		if rf["type"] != "json_object" || !strings.Contains(last.Texts[0], `"enum":["person","vehicle","animal","other"]`) {
			t.Errorf("response_format %v, system prompt %q", rf, last.Texts[0])
		}
		code, md, _ := vidskim(t, "summarize", driveway, "--base-url", srv.BaseURL(), "--schema", eventsSchema, "--frames-per-request", "1",
			"--no-library", "--prompt", "vehicles only", "-q")
		if code != 0 || !strings.Contains(md, "```json\n{\n  \"events\": [\n    {\n      \"time\": \"00:00:06\",") {
			t.Errorf("Markdown (exit %d) does not show the document as a JSON block:\n%s", code, md)
		}
	})
	t.Run("still invalid", func(t *testing.T) {
		n := 0
		code, _, stderr := run(t, &n, []string{badEvents}, "--prompt", "invalid twice")
		if code != exitFailed || n != 2 || !strings.Contains(stderr, "does not follow the schema, asked twice") || strings.Count(stderr, "\n") != 1 {
			t.Errorf("exit %d, %d requests: %s", code, n, stderr)
		}
		n = 0 // again: the first answer is cached, the invalid retry was not
		if code, _, _ := run(t, &n, []string{goodEvents}, "--prompt", "invalid twice"); code != 0 || n != 1 {
			t.Errorf("run again: exit %d, %d requests for JSON, want the retry alone", code, n)
		}
	})
	t.Run("bad schema files", func(t *testing.T) {
		before := len(srv.Requests())
		for _, doc := range []string{`{"type": "array"}`, `not json`, `{"type": "object", "properties": {"a": {"type": 5}}}`} {
			code, _, stderr := vidskim(t, "summarize", driveway, "--base-url", srv.BaseURL(), "--schema", writeFile(t, "s.json", []byte(doc)))
			if code != exitUsage || !strings.Contains(stderr, "--schema") {
				t.Errorf("schema %s: exit %d: %s", doc, code, stderr)
			}
		}
		// Subtitles of the descriptions make no summary for the schema to shape.
		code, _, stderr := vidskim(t, "summarize", driveway, "--base-url", srv.BaseURL(), "--schema", eventsSchema, "--format", "srt")
		if code != exitUsage || !strings.Contains(stderr, "--schema shapes the summary, and --format srt makes none") {
			t.Errorf("--schema with --format srt: exit %d: %s", code, stderr)
		}
		if len(srv.Requests()) != before {
			t.Error("a bad schema cost requests")
		}
	})
}

// TestAskSchema: an answer in the user's schema; times in its fields are
// citations too, checked like the bracketed ones.
func TestAskSchema(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	srv := openaitest.New(t)
	driveway := drivewayClip(t)
	summarizeWith(t, srv, driveway, drivewayNotes)
	n := 0
	srv.Script = formatScript(drivewayNotes, &n, strings.Replace(goodEvents, `}]}`, `},{"time":"00:02:00","kind":"person","description":"Someone leaves."}]}`, 1))
	code, out, stderr := vidskim(t, "ask", driveway, "List the events", "--schema", eventsSchema, "--base-url", srv.BaseURL(), "--format", "json", "-q")
	if code != exitUnsupported || n != 1 {
		t.Fatalf("exit %d, %d requests: %s", code, n, stderr)
	}
	a := decodeAsk(t, out)
	var doc struct{ Events []struct{ Time string } }
	if json.Unmarshal(a.Structured, &doc) != nil || len(doc.Events) != 2 {
		t.Errorf("structured %s", a.Structured)
	}
	got := map[string]bool{}
	for _, c := range a.Citations {
		got[c.Text] = c.Supported
	}
	if len(got) != 3 || !got["[00:00:06]"] || !got["00:00:06"] || got["00:02:00"] {
		t.Errorf("citations %+v", a.Citations)
	}
}
