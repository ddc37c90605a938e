package openaitest

import (
	"encoding/json"
	"regexp"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

var formatName = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)

// checkFormat holds response_format to what OpenAI enforces beyond the
// request schema (which checks its shape): a json_schema format names
// itself properly and carries a schema that compiles, closed and wholly
// required when strict; JSON mode needs the word JSON in the messages.
func checkFormat(req *Request, bad func(string, ...any)) {
	rf, _ := req.Body["response_format"].(map[string]any)
	switch rf["type"] {
	case "json_schema":
		js, _ := rf["json_schema"].(map[string]any)
		name, _ := js["name"].(string)
		if !formatName.MatchString(name) {
			bad("response_format.json_schema.name %q: a-z, A-Z, 0-9, _ and -, at most 64", name)
		}
		raw, _ := json.Marshal(js["schema"])
		doc, err := jsonschema.UnmarshalJSON(strings.NewReader(string(raw)))
		c := jsonschema.NewCompiler()
		if err == nil {
			err = c.AddResource("format.json", doc)
		}
		if err == nil {
			_, err = c.Compile("format.json")
		}
		if err != nil {
			bad("response_format.json_schema.schema does not compile: %v", err)
		}
		if strict, _ := js["strict"].(bool); strict {
			if where := notStrict(js["schema"], "#"); where != "" {
				bad("response_format strict: %s: every object needs additionalProperties false and every property required", where)
			}
		}
	case "json_object":
		if !strings.Contains(strings.ToLower(strings.Join(req.Texts, " ")), "json") {
			bad("response_format json_object: no message says JSON")
		}
	}
}

// notStrict is where v breaks strict mode's rule for objects, or "".
func notStrict(v any, at string) string {
	switch x := v.(type) {
	case map[string]any:
		props, hasProps := x["properties"].(map[string]any)
		if hasProps || x["type"] == "object" {
			req, _ := x["required"].([]any)
			if x["additionalProperties"] != false || len(req) != len(props) {
				return at
			}
		}
		for k, sub := range x {
			if w := notStrict(sub, at+"/"+k); w != "" {
				return w
			}
		}
	case []any:
		for _, sub := range x {
			if w := notStrict(sub, at+"/*"); w != "" {
				return w
			}
		}
	}
	return ""
}
