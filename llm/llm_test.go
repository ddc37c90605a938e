package llm

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"net/http"
	"strings"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/vidskim/vidskim/llm/openaitest"
)

// testJPEG is a real 64x48 JPEG, for requests the fake server decodes.
func testJPEG(t *testing.T) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 64, 48)), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// imageRequest is a one-image request, labelled as the fake server wants.
func imageRequest(t *testing.T) ChatRequest {
	return ChatRequest{Model: "gpt-4.1-mini", System: "describe", MaxTokens: 100,
		User: []Part{Text("[00:00:00]"), ImagePart(testJPEG(t), "low")}}
}

func quickClient(s *openaitest.Server, retries int, timeout time.Duration) *Client {
	return New(Config{BaseURL: s.BaseURL(), Key: "test-key", MaxRetries: retries, Timeout: timeout,
		MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond})
}

func TestRetryHTML500AndTimeout(t *testing.T) {
	tests := []struct {
		name  string
		first openaitest.Reply
		hang  bool
	}{
		{"html 500", openaitest.Reply{Status: 500, Header: map[string]string{"Content-Type": "text/html"}, Body: "<html><h1>Internal Server Error</h1></html>"}, false},
		{"html 502", openaitest.Reply{Status: 502, Header: map[string]string{"Content-Type": "text/html"}, Body: "<html>Bad Gateway</html>"}, false},
		{"hung server", openaitest.Reply{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := openaitest.New(t)
			release := make(chan struct{})
			defer close(release)
			srv.Script = func(r openaitest.Request) openaitest.Reply {
				if r.N > 1 {
					return openaitest.Reply{}
				}
				if tt.hang {
					<-release
				}
				return tt.first
			}
			a, err := quickClient(srv, 3, 500*time.Millisecond).Chat(t.Context(), imageRequest(t))
			if err != nil || !strings.HasPrefix(a.Text, "Saw 1 frames") {
				t.Fatalf("answer %q, err %v", a.Text, err)
			}
			if n := len(srv.Requests()); n != 2 {
				t.Errorf("%d requests, want the failure and one retry", n)
			}
		})
	}
}

// TestServerErrors: refusals come back as one-line *APIError values that
// say the status and never hold the key; the caller's action follows.
func TestServerErrors(t *testing.T) {
	tests := []struct {
		name   string
		reply  openaitest.Reply
		status int
		want   string
		action Action
	}{
		{"bad key", openaitest.Reply{Status: 401, Body: `{"error":{"message":"Incorrect API key provided","type":"invalid_request_error"}}`}, 401, "Incorrect API key", Stop},
		{"unknown model", openaitest.Reply{Status: 404, Body: `{"error":{"message":"The model does not exist","type":"invalid_request_error"}}`}, 404, "does not exist", Stop},
		{"html page", openaitest.Reply{Status: 502, Header: map[string]string{"Content-Type": "text/html"}, Body: "<html><body>Bad\ngateway</body></html>"}, 502, "Bad gateway", Fail},
		{"too many images", openaitest.Reply{Status: 400, Body: `{"error":{"message":"Too many images in request. Max is 3."}}`}, 400, "Too many images", Split},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := openaitest.New(t)
			srv.Script = func(openaitest.Request) openaitest.Reply { return tt.reply }
			_, err := quickClient(srv, 0, 0).Chat(t.Context(), imageRequest(t))
			var api *APIError
			if !errors.As(err, &api) || api.Status != tt.status || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %q, want one line with %d and %q", err, tt.status, tt.want)
			}
			if strings.Contains(err.Error(), "test-key") {
				t.Fatalf("error leaks the key: %q", err)
			}
			if got := ActionOf(err, 2); got != tt.action {
				t.Errorf("action %v, want %v", got, tt.action)
			}
		})
	}
}

// TestClassify is the decision table, including the one-image refusal
// that must be split, not retried, and a split refusal with nothing left
// to split.
func TestClassify(t *testing.T) {
	tests := []struct {
		status int
		body   string
		want   Action
	}{
		{429, "", Retry}, {500, "oops", Retry}, {503, "", Retry}, {408, "", Retry}, {409, "", Retry},
		{500, `{"error":{"message":"vision model only supports a single image per message"}}`, Split},
		{413, "", Split}, {400, "context_length_exceeded", Split}, {422, "Too many images", Split},
		{400, "bad request", Stop}, {401, "", Stop}, {403, "", Stop}, {404, "", Stop},
		{418, "", Fail},
	}
	for _, tt := range tests {
		if got := classify(tt.status, tt.body, nil); got != tt.want {
			t.Errorf("classify(%d, %q) = %v, want %v", tt.status, tt.body, got, tt.want)
		}
	}
	if got := ActionOf(&APIError{Status: 400, Message: "too many images"}, 1); got != Stop {
		t.Errorf("a one-image request refused as too big: %v, want Stop", got)
	}
	if got := ActionOf(&APIError{Status: 500, Message: "only supports one image"}, 1); got != Fail {
		t.Errorf("a one-image request refused by a one-image server: %v, want Fail", got)
	}
	if got := classify(0, "", &TimeoutError{After: time.Second}); got != Retry {
		t.Errorf("timeout: %v, want Retry", got)
	}
}

func TestRetryAfterForms(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		h    map[string]string
		want time.Duration
		ok   bool
	}{
		{map[string]string{"Retry-After": "3"}, 3 * time.Second, true},
		{map[string]string{"Retry-After": "0.5"}, 500 * time.Millisecond, true},
		{map[string]string{"retry-after-ms": "250", "Retry-After": "9"}, 250 * time.Millisecond, true},
		{map[string]string{"Retry-After": now.Add(7 * time.Second).Format(http.TimeFormat)}, 7 * time.Second, true},
		{map[string]string{"Retry-After": now.Add(-time.Hour).Format(http.TimeFormat)}, 0, true},
		{map[string]string{"Retry-After": "soon"}, 0, false},
		{map[string]string{}, 0, false},
	}
	for _, tt := range tests {
		h := http.Header{}
		for k, v := range tt.h {
			h.Set(k, v)
		}
		got, ok := retryAfter(h, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("%v: got %v %v, want %v %v", tt.h, got, ok, tt.want, tt.ok)
		}
	}
}

func TestLimiterPaces(t *testing.T) {
	l := newLimiter(Budget{RPM: 60, TPM: 6000})
	// Ten seconds' worth passes at once: 10 requests, 1000 tokens...
	for i := range 10 {
		if d := l.req.Reserve().Delay(); d > 0 {
			t.Fatalf("request %d delayed %v inside the burst", i, d)
		}
	}
	// ...and then one request a second.
	if d := l.req.Reserve().Delay(); d < 900*time.Millisecond {
		t.Errorf("11th request delayed only %v at 60 rpm", d)
	}
	if d := l.tok.ReserveN(time.Now(), 1000).Delay(); d > 0 {
		t.Errorf("first 1000 tokens delayed %v", d)
	}
	if d := l.tok.ReserveN(time.Now(), 500).Delay(); d < 4*time.Second {
		t.Errorf("500 more tokens at 6000 tpm delayed only %v", d)
	}
}

func TestTokenLimitField(t *testing.T) {
	tests := []struct {
		model, param   string
		wantCompletion bool
	}{
		{"gpt-4.1-mini", TokenParamAuto, false},
		{"gpt-4o", TokenParamAuto, false},
		{"o4-mini", TokenParamAuto, true},
		{"o3", TokenParamAuto, true},
		{"gpt-5-mini", TokenParamAuto, true},
		{"openai/gpt-5", TokenParamAuto, true},
		{"llava:7b", TokenParamAuto, false},
		{"gpt-5-mini", TokenParamMax, false},
		{"llava:7b", TokenParamCompletion, true},
	}
	for _, tt := range tests {
		t.Run(tt.model+tt.param, func(t *testing.T) {
			req := openai.ChatCompletionRequest{Model: tt.model}
			setTokenLimit(&req, 300, tt.param)
			//lint:ignore SA1019 the test checks which field is set
			maxTokens := req.MaxTokens
			got := req.MaxCompletionTokens == 300 && maxTokens == 0
			if got != tt.wantCompletion || maxTokens+req.MaxCompletionTokens != 300 {
				t.Errorf("max_tokens=%d max_completion_tokens=%d", maxTokens, req.MaxCompletionTokens)
			}
		})
	}
}
