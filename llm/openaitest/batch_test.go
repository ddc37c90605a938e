package openaitest

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
)

// upload posts a batch input file to the fake, as multipart.
func upload(t *testing.T, s *Server, purpose, data string) string {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("purpose", purpose)
	w, _ := mw.CreateFormFile("file", "in.jsonl")
	w.Write([]byte(data))
	mw.Close()
	resp, err := http.Post(s.BaseURL()+"/files", mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var f struct{ ID string }
	json.NewDecoder(resp.Body).Decode(&f)
	return f.ID
}

// TestBatchChecks: the fake flags an upload of another purpose, a batch
// of another endpoint, and input lines off the schema: a wrong url, a
// custom_id twice, two models in one file, a body a live request would
// fail with.
func TestBatchChecks(t *testing.T) {
	good := `{"custom_id":"a","method":"POST","url":"/v1/chat/completions","body":{"model":"m","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}}`
	tests := []struct {
		name, purpose, endpoint, lines, want string
	}{
		{"valid", "batch", "/v1/chat/completions", good, ""},
		{"purpose", "nonsense", "/v1/chat/completions", good, "CreateFileRequest"},
		{"endpoint", "batch", "/v1/chat", good, "CreateBatchRequest"},
		{"url", "batch", "/v1/chat/completions", strings.Replace(good, `"url":"/v1/chat/completions"`, `"url":"/v1/embeddings"`, 1), "the batch's endpoint"},
		{"twice", "batch", "/v1/chat/completions", good + "\n" + good, "twice in one file"},
		{"models", "batch", "/v1/chat/completions", good + "\n" + strings.Replace(strings.Replace(good, `"a"`, `"b"`, 1), `"m"`, `"n"`, 1), "one model a batch"},
		{"no limit", "batch", "/v1/chat/completions", strings.Replace(good, `"max_tokens":10,`, "", 1), "no token limit"},
		{"method", "batch", "/v1/chat/completions", strings.Replace(good, `"POST"`, `"GET"`, 1), "BatchRequestInput"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{TB: t}
			s := New(rec)
			id := upload(t, s, tt.purpose, tt.lines)
			body, _ := json.Marshal(map[string]any{"input_file_id": id, "endpoint": tt.endpoint, "completion_window": "24h"})
			resp, err := http.Post(s.BaseURL()+"/batches", "application/json", bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			got := strings.Join(rec.errs, "; ")
			if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
				t.Errorf("complaints %q, want %q", got, tt.want)
			}
		})
	}
}
