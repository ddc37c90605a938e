package schema

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/vidskim/vidskim/llm"
)

const events = `{"type":"object","properties":{"events":{"type":"array","items":{"type":"object",
	"properties":{"time":{"type":"string","pattern":"^[0-9]{2}:[0-9]{2}:[0-9]{2}$"},"kind":{"type":"string","enum":["person","vehicle"]}},
	"required":["time","kind"],"additionalProperties":false}}},"required":["events"],"additionalProperties":false}`

func TestParseAndStrict(t *testing.T) {
	for _, c := range []struct {
		doc    string
		strict bool
		err    string
	}{
		{events, true, ""},
		{`{"type":"object","properties":{"a":{"type":"string"}}}`, false, ""},
		{`{"type":"object","properties":{"a":{"type":"string"}},"required":["a"],"additionalProperties":false,"allOf":[{}]}`, false, ""},
		{`{"type":"object","properties":{"a":{"type":"object"}},"required":["a"],"additionalProperties":false}`, false, ""},
		{`{"type":"array"}`, false, "root must be an object"},
		{`{"type":"object","properties":{"a":{"type":"nope"}}}`, false, "not a valid JSON Schema"},
		{`{"type":`, false, "not JSON"},
	} {
		s, err := Parse("x", []byte(c.doc))
		switch {
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%s: error %v, want %q", c.doc, err, c.err)
		case c.err == "" && err != nil:
			t.Errorf("%s: %v", c.doc, err)
		case err == nil && s.Strict() != c.strict:
			t.Errorf("%s: strict %v", c.doc, s.Strict())
		}
	}
	if n := nameOf("/x/my events (v2).json"); n != "my_events__v2_" {
		t.Errorf("name %q", n)
	}
}

func TestValidate(t *testing.T) {
	s, _ := Parse("events", []byte(events))
	for text, ok := range map[string]bool{
		`{"events":[{"time":"00:00:06","kind":"vehicle"}]}`:           true,
		"```json\n{\"events\":[]}\n```":                               true,
		`{"events":[{"time":"6 s","kind":"vehicle"}]}`:                false,
		`{"events":[{"time":"00:00:06","kind":"vehicle","extra":1}]}`: false,
		`{"events":[]} and more`:                                      false,
		`Here you go: {"events":[]}`:                                  false,
	} {
		if _, err := s.Validate(text); (err == nil) != ok {
			t.Errorf("%q: %v", text, err)
		}
	}
	_, err := s.Validate(`{"events":[{"time":"6 s","kind":"truck"}]}`)
	if err == nil || strings.Contains(err.Error(), "\n") {
		t.Errorf("the error is not one line: %q", err)
	}
	// The message goes into the retry's prompt: the same every time, so
	// the retry's cache key is too.
	for range 50 {
		if _, again := s.Validate(`{"events":[{"time":"6 s","kind":"truck"}]}`); again == nil || again.Error() != err.Error() {
			t.Fatalf("the error changed: %q, then %q", err, again)
		}
	}
}

// TestAskRetriesOnce: an invalid answer is asked once more with what was
// wrong; the retry alone may refuse to be cached; twice invalid is
// ErrInvalid.
func TestAskRetriesOnce(t *testing.T) {
	s, _ := Parse("events", []byte(events))
	for _, c := range []struct {
		answers []string
		sent    int
		err     error
	}{
		{[]string{`{"events":[]}`}, 1, nil},
		{[]string{`nope`, `{"events":[]}`}, 2, nil},
		{[]string{`nope`, `still nope`}, 2, ErrInvalid},
	} {
		var sent []llm.ChatRequest
		send := func(_ context.Context, r llm.ChatRequest) (llm.Answer, error) {
			sent = append(sent, r)
			return llm.Answer{Text: c.answers[len(sent)-1], FinishReason: "stop"}, nil
		}
		answers, doc, err := Ask(t.Context(), send, llm.ChatRequest{User: []llm.Part{llm.Text("q")}}, s)
		if len(sent) != c.sent || len(answers) != c.sent || !errors.Is(err, c.err) || (err == nil) != (doc != nil) {
			t.Errorf("%v: sent %d, %v, %s", c.answers, len(sent), err, doc)
		}
		if sent[0].Format == nil || sent[0].Keep != nil {
			t.Errorf("first request: format %v, keep set %v", sent[0].Format, sent[0].Keep != nil)
		}
		if len(sent) == 2 && (sent[1].Keep == nil || sent[1].Keep("nope") || !sent[1].Keep(`{"events":[]}`) ||
			!strings.Contains(sent[1].User[len(sent[1].User)-1].Text, "It is not valid against the JSON Schema")) {
			t.Errorf("the retry does not say what was wrong, or would cache an invalid answer")
		}
	}
}
