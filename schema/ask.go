package schema

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/vidskim/vidskim/llm"
)

// ErrInvalid marks an answer that does not follow the schema even when
// asked again.
var ErrInvalid = errors.New("the answer does not follow the schema")

// Send is how Ask sends a request: a client's Chat, or a pipeline's
// wrapper of it.
type Send func(context.Context, llm.ChatRequest) (llm.Answer, error)

// Ask asks r for an answer in s and validates it. An answer that does not
// validate is asked once more, with that answer and what is wrong with it;
// the second answer is cached only when it validates, so running again
// asks anew. It returns every answer received (for the usage) and the
// valid document; ErrInvalid when the second answer fails too.
func Ask(ctx context.Context, send Send, r llm.ChatRequest, s *Schema) ([]llm.Answer, json.RawMessage, error) {
	r.Format = s.Format()
	a, err := send(ctx, r)
	answers := []llm.Answer{a}
	if err != nil || !a.Complete() {
		return answers, nil, err
	}
	doc, verr := s.Validate(a.Text)
	if verr == nil {
		return answers, doc, nil
	}
	again := r
	again.User = append(append([]llm.Part(nil), r.User...), llm.Text(fmt.Sprintf(
		"Your previous answer was:\n%s\n\nIt is not valid against the JSON Schema: %s\nAnswer again with one JSON document that is.", a.Text, verr)))
	again.Keep = func(text string) bool { _, err := s.Validate(text); return err == nil }
	b, err := send(ctx, again)
	answers = append(answers, b)
	if err != nil || !b.Complete() {
		return answers, nil, err
	}
	if doc, verr = s.Validate(b.Text); verr != nil {
		return answers, nil, fmt.Errorf("%w, asked twice: %s", ErrInvalid, verr)
	}
	return answers, doc, nil
}
