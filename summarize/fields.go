package summarize

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
)

// FieldsTransport sets top-level fields in every JSON request body. It
// exists because go-openai drops a zero temperature (its field is
// omitempty), and "temperature": 0 is exactly what a user asking for
// reproducible answers means.
type FieldsTransport struct {
	Base   http.RoundTripper // nil means http.DefaultTransport
	Fields map[string]any
}

// RoundTrip implements http.RoundTripper.
func (t *FieldsTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	if req.Body == nil || len(t.Fields) == 0 || req.Method != http.MethodPost {
		return base.RoundTrip(req)
	}
	raw, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return nil, err
	}
	var body map[string]json.RawMessage
	if err := json.Unmarshal(raw, &body); err == nil {
		for k, v := range t.Fields {
			if b, err := json.Marshal(v); err == nil {
				body[k] = b
			}
		}
		if patched, err := json.Marshal(body); err == nil {
			raw = patched
		}
	}
	r := req.Clone(req.Context())
	r.Body = io.NopCloser(bytes.NewReader(raw))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(raw)), nil }
	r.ContentLength = int64(len(raw))
	r.Header.Set("Content-Length", strconv.Itoa(len(raw)))
	return base.RoundTrip(r)
}
