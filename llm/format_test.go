package llm

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/vidskim/vidskim/llm/openaitest"
)

// TestSchemaMode: json_schema where the provider and model take it, JSON
// mode elsewhere, and what the user forces.
func TestSchemaMode(t *testing.T) {
	for _, c := range []struct {
		cfg   Config
		model string
		want  string
	}{
		{Config{}, "gpt-4.1-mini", SchemaJSONSchema},
		{Config{}, "gpt-4o-2024-05-13", SchemaJSONObject},
		{Config{}, "o1-mini", SchemaJSONObject},
		{Config{}, "gpt-3.5-turbo", SchemaJSONObject},
		{Config{BaseURL: "https://api.openai.com/v1"}, "o4-mini", SchemaJSONSchema},
		{Config{Azure: &Azure{Endpoint: "https://x.openai.azure.com"}}, "gpt-4o", SchemaJSONSchema},
		{Config{BaseURL: "http://localhost:11434/v1"}, "gpt-4o", SchemaJSONObject},
		{Config{BaseURL: "https://openrouter.ai/api/v1"}, "openai/gpt-4.1", SchemaJSONObject},
		{Config{BaseURL: "http://localhost:8000/v1", SchemaMode: SchemaJSONSchema}, "qwen", SchemaJSONSchema},
		{Config{SchemaMode: SchemaPrompt}, "gpt-4.1", SchemaPrompt},
	} {
		if got := c.cfg.SchemaModeOf(c.model); got != c.want {
			t.Errorf("%+v %s: %s, want %s", c.cfg, c.model, got, c.want)
		}
	}
}

// TestFormatOnTheWire: each mode as the strict fake server receives it;
// an answer Keep refuses comes back but is not cached.
func TestFormatOnTheWire(t *testing.T) {
	schema := json.RawMessage(`{"type":"object","properties":{"a":{"type":"string"}},"required":["a"],"additionalProperties":false}`)
	for _, mode := range []string{SchemaJSONSchema, SchemaJSONObject, SchemaPrompt} {
		t.Run(mode, func(t *testing.T) {
			srv := openaitest.New(t)
			srv.Script = func(openaitest.Request) openaitest.Reply { return openaitest.Reply{Content: `{"a":"x"}`} }
			c := New(Config{BaseURL: srv.BaseURL(), SchemaMode: mode, Cache: &Cache{Dir: t.TempDir()}})
			req := ChatRequest{Model: "m", System: "answer", User: []Part{Text("q")}, MaxTokens: 50,
				Format: &Format{Name: "answer", Schema: schema, Strict: true}, Keep: func(string) bool { return false }}
			for range 2 {
				if a, err := c.Chat(t.Context(), req); err != nil || a.Text != `{"a":"x"}` || a.Cached {
					t.Fatalf("answer %+v, %v", a, err)
				}
			}
			reqs := srv.Requests()
			rf, _ := reqs[0].Body["response_format"].(map[string]any)
			inPrompt := strings.Contains(reqs[0].Texts[0], string(schema))
			switch {
			case len(reqs) != 2:
				t.Errorf("%d requests: an answer Keep refused was cached", len(reqs))
			case mode == SchemaJSONSchema && (rf["type"] != "json_schema" || inPrompt):
				t.Errorf("response_format %v, schema in the prompt %v", rf, inPrompt)
			case mode == SchemaJSONObject && (rf["type"] != "json_object" || !inPrompt):
				t.Errorf("response_format %v, schema in the prompt %v", rf, inPrompt)
			case mode == SchemaPrompt && (rf != nil || !inPrompt):
				t.Errorf("response_format %v, schema in the prompt %v", rf, inPrompt)
			}
		})
	}
}
