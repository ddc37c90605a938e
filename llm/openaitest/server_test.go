package openaitest

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/jpeg"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// recorder is a testing.TB that keeps the fake's complaints instead of
// failing, so the fake's own checks can be tested.
type recorder struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recorder) Errorf(format string, a ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, a...))
}

func jpegURL(w, h int) string {
	var buf bytes.Buffer
	jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, w, h)), nil)
	return "data:image/jpeg;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())
}

func TestChecks(t *testing.T) {
	good := `{"model":"m","max_tokens":100,"messages":[{"role":"user","content":[` +
		`{"type":"text","text":"[00:00:01]"},{"type":"image_url","image_url":{"url":"` + jpegURL(512, 288) + `","detail":"low"}}]}]}`
	tests := []struct {
		name, body string
		want       string // "" means no complaint
	}{
		{"valid", good, ""},
		{"no token limit", strings.Replace(good, `"max_tokens":100,`, "", 1), "no token limit"},
		{"not the schema", `{"model":"m","max_tokens":100,"messages":"hello"}`, "OpenAI schema"},
		{"bad role", strings.Replace(good, `"role":"user"`, `"role":"wizard"`, 1), "OpenAI schema"},
		{"too big for low", strings.Replace(good, jpegURL(512, 288), jpegURL(640, 360), 1), "larger than 512x512"},
		{"no label", strings.Replace(good, `[00:00:01]`, `frame`, 1), "[HH:MM:SS]"},
		{"png", strings.Replace(good, "data:image/jpeg", "data:image/png", 1), "base64 JPEG"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			postChecked(t, "/chat/completions", tt.body, tt.want)
		})
	}
}

// postChecked posts body to path on a fresh fake and checks that it
// complains as want says ("" for not at all); it returns the fake and the
// answer's status.
func postChecked(t *testing.T, path, body, want string) (*Server, int) {
	t.Helper()
	rec := &recorder{TB: t}
	s := New(rec)
	resp, err := http.Post(s.BaseURL()+path, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	got := strings.Join(rec.errs, "; ")
	if (want == "") != (got == "") || !strings.Contains(got, want) {
		t.Errorf("complaints %q, want %q", got, want)
	}
	return s, resp.StatusCode
}
