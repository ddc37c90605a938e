package schema

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/vidskim/vidskim/llm"
)

// Schema is a compiled JSON Schema that answers must follow.
type Schema struct {
	name     string
	raw      json.RawMessage
	compiled *jsonschema.Schema
	strict   bool
}

// maxBytes bounds a schema file: schemas are a few kilobytes, and all of
// it goes into every structured request.
const maxBytes = 256 << 10

// Load reads and compiles the schema at path. Its root must describe an
// object: JSON mode and structured outputs both answer with one.
func Load(path string) (*Schema, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, unwrap(err))
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, unwrap(err))
	}
	if len(b) > maxBytes {
		return nil, fmt.Errorf("%s: larger than %d KiB: not a schema worth sending with every request", path, maxBytes>>10)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	return parse(nameOf(path), "file://"+filepath.ToSlash(abs), b)
}

// Parse compiles the schema b, named name in requests.
func Parse(name string, b []byte) (*Schema, error) {
	return parse(name, "urn:vidskim:"+name, b)
}

// parse compiles b as the resource at url (a file's own, so that its
// relative $refs find their files).
func parse(name, url string, b []byte) (*Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%s: not JSON: %v", name, err)
	}
	root, ok := doc.(map[string]any)
	if !ok || root["type"] != "object" {
		return nil, fmt.Errorf("%s: the schema's root must be an object (\"type\": \"object\"): answers are one JSON object", name)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(url, doc); err != nil {
		return nil, fmt.Errorf("%s: %s", name, oneLine(err))
	}
	compiled, err := c.Compile(url)
	if err != nil {
		return nil, fmt.Errorf("%s: not a valid JSON Schema: %s", name, oneLine(err))
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, b); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return &Schema{name: name, raw: compact.Bytes(), compiled: compiled, strict: strictOK(root, true)}, nil
}

// nameOf is a request's name for the schema: its file name, as the
// format's name must be (a-z, A-Z, 0-9, _ and -, at most 64).
func nameOf(path string) string {
	n := badName.ReplaceAllString(strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)), "_")
	if len(n) > 64 {
		n = n[:64]
	}
	if strings.Trim(n, "_") == "" {
		return "answer"
	}
	return n
}

var badName = regexp.MustCompile(`[^a-zA-Z0-9_-]`)

// Format is the schema as a request asks for it.
func (s *Schema) Format() *llm.Format {
	return &llm.Format{Name: s.name, Schema: s.raw, Strict: s.strict}
}

// Strict says the schema keeps strict mode's rules.
func (s *Schema) Strict() bool { return s.strict }

// Digest is the SHA-256 of the schema, for settings that must change
// when it does.
func (s *Schema) Digest() string {
	sum := sha256.Sum256(s.raw)
	return hex.EncodeToString(sum[:])
}

// Validate reads text as one JSON document (a Markdown code fence around
// it is taken off) and checks it against the schema; it returns the
// document as JSON.
func (s *Schema) Validate(text string) (json.RawMessage, error) {
	doc := unfence(text)
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(doc))
	if err != nil {
		return nil, fmt.Errorf("not one JSON document: %v", err)
	}
	if err := s.compiled.Validate(v); err != nil {
		return nil, errors.New(oneLine(err))
	}
	return json.RawMessage(doc), nil
}

// unfence takes a ```json ... ``` fence off text, as models asked for JSON
// in the prompt often write.
func unfence(text string) string {
	t := strings.TrimSpace(text)
	if rest, ok := strings.CutPrefix(t, "```"); ok {
		if i := strings.IndexByte(rest, '\n'); i >= 0 {
			rest = rest[i+1:]
		}
		t = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "```"))
	}
	return t
}

// oneLine is a validator's message on one line, without its header, its
// parts sorted: the validator walks properties in map order, and the
// message goes into the retry's prompt, whose cache key must not change
// from run to run.
func oneLine(err error) string {
	lines := strings.Split(strings.TrimSpace(err.Error()), "\n")
	if len(lines) > 1 && strings.HasPrefix(lines[0], "jsonschema") {
		lines = lines[1:]
	}
	for i, l := range lines {
		lines[i] = strings.TrimLeft(strings.TrimSpace(l), "- ")
	}
	slices.Sort(lines)
	return strings.Join(lines, "; ")
}

func unwrap(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// strictOK says whether s keeps the rules of strict structured outputs:
// every object closed (additionalProperties false) with every property
// required, and none of the keywords strict mode refuses.
func strictOK(s map[string]any, root bool) bool {
	for _, k := range []string{"allOf", "not", "if", "then", "else", "oneOf", "dependentRequired", "dependentSchemas", "patternProperties"} {
		if _, ok := s[k]; ok {
			return false
		}
	}
	if _, ok := s["anyOf"]; ok && root {
		return false
	}
	if props, ok := s["properties"].(map[string]any); ok || s["type"] == "object" {
		if s["additionalProperties"] != false {
			return false
		}
		req, _ := s["required"].([]any)
		if len(req) != len(props) {
			return false
		}
		for _, p := range props {
			if ps, ok := p.(map[string]any); !ok || !strictOK(ps, false) {
				return false
			}
		}
	}
	for _, k := range []string{"items", "$defs", "definitions", "anyOf"} {
		if !strictChildren(s[k]) {
			return false
		}
	}
	return true
}

// strictChildren applies strictOK to a subschema, a list or a map of them.
func strictChildren(v any) bool {
	switch c := v.(type) {
	case map[string]any:
		if _, isSchema := c["type"]; isSchema || c["properties"] != nil || c["$ref"] != nil || c["anyOf"] != nil {
			return strictOK(c, false)
		}
		for _, sub := range c {
			if m, ok := sub.(map[string]any); ok && !strictOK(m, false) {
				return false
			}
		}
	case []any:
		for _, sub := range c {
			if m, ok := sub.(map[string]any); ok && !strictOK(m, false) {
				return false
			}
		}
	}
	return true
}
