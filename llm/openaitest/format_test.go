package openaitest

import (
	"fmt"
	"testing"
)

// TestCheckFormat: the fake refuses what OpenAI refuses in a
// response_format.
func TestCheckFormat(t *testing.T) {
	closed := map[string]any{"type": "object", "properties": map[string]any{"a": map[string]any{"type": "string"}}, "required": []any{"a"}, "additionalProperties": false}
	open := map[string]any{"type": "object", "properties": map[string]any{"a": map[string]any{"type": "string"}}}
	cases := []struct {
		name    string
		rf      map[string]any
		texts   []string
		problem bool
	}{
		{"strict and closed", map[string]any{"type": "json_schema", "json_schema": map[string]any{"name": "ok", "schema": closed, "strict": true}}, nil, false},
		{"strict but open", map[string]any{"type": "json_schema", "json_schema": map[string]any{"name": "ok", "schema": open, "strict": true}}, nil, true},
		{"open, not strict", map[string]any{"type": "json_schema", "json_schema": map[string]any{"name": "ok", "schema": open}}, nil, false},
		{"bad name", map[string]any{"type": "json_schema", "json_schema": map[string]any{"name": "a b", "schema": closed}}, nil, true},
		{"not a schema", map[string]any{"type": "json_schema", "json_schema": map[string]any{"name": "ok", "schema": map[string]any{"type": 5}}}, nil, true},
		{"JSON mode said", map[string]any{"type": "json_object"}, []string{"answer in JSON"}, false},
		{"JSON mode unsaid", map[string]any{"type": "json_object"}, []string{"answer"}, true},
	}
	for _, c := range cases {
		var got []string
		checkFormat(&Request{Body: map[string]any{"response_format": c.rf}, Texts: c.texts}, func(f string, a ...any) { got = append(got, fmt.Sprintf(f, a...)) })
		if (len(got) > 0) != c.problem {
			t.Errorf("%s: problems %q", c.name, got)
		}
	}
}
