package openaitest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Request is what the server received, parsed and checked.
type Request struct {
	N       int // order of arrival, from 1
	ctx     context.Context
	Path    string
	Query   url.Values
	Header  http.Header
	Body    map[string]any
	Model   string
	Texts   []string // every text part and string content, in order
	Images  []Image
	Problem []string // what failed validation; tests fail on any
	// CustomID is a batch line's custom_id (batch.go); "" when sent live.
	CustomID string
}

// Context is the request's context: done when the client goes away.
func (r Request) Context() context.Context { return r.ctx }

// Image is one image_url part, decoded.
type Image struct {
	Detail        string
	Width, Height int
	Label         string // the text part just before it
	Bytes         int
}

// Reply is a scripted answer. Status 0 means 200 with the chat completion
// built from Content and FinishReason; any other status sends Body as is.
type Reply struct {
	Status       int
	Header       map[string]string
	Body         string
	Content      string
	FinishReason string
	Hostile      // misbehaviours, all off by default (hostile.go)
}

// Server is a running fake. Script, when set, decides each answer; the
// default describes what it received, so tests can check what reached the
// model.
type Server struct {
	*httptest.Server
	t         testing.TB
	schema    *jsonschema.Schema
	MaxImages int // most images a request may carry; 0 means no limit
	Script    func(r Request) Reply
	// SpeechText, when set, is the text of the i-th stretch of speech
	// heard in the n-th upload to /audio/transcriptions.
	SpeechText func(n, i int) string
	// SpeechScript, when set, may answer a valid /audio/speech request
	// itself (a failure, say); a zero Reply means the tone.
	SpeechScript func(s Spoken) Reply
	// Batch scripts the Batch API (batch.go).
	Batch BatchScript

	speechSchema, translationSchema *jsonschema.Schema

	mu             sync.Mutex
	requests       []Request
	transcriptions []Transcription
	spoken         []Spoken
	n              atomic.Int64
	start          sync.Once
	batch          batchState
}

// New makes a fake server; it is closed when the test ends. It starts
// listening on the first call to BaseURL, so that everything a test sets
// up before (Script, MaxImages, its own counters) happens before any
// request, even one from another process.
func New(t testing.TB) *Server {
	t.Helper()
	s := &Server{t: t, schema: loadSchema(t, "chat-schema.json", "CreateChatCompletionRequest"),
		speechSchema:      loadSchema(t, "audio-schema.json", "CreateSpeechRequest"),
		translationSchema: loadSchema(t, "audio-schema.json", "CreateTranslationRequest")}
	s.batch.schemas = loadBatchSchemas(t)
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(s.handle))
	t.Cleanup(func() {
		s.start.Do(func() {}) // never started: nothing to wait for
		s.Close()
	})
	return s
}

// BaseURL starts the server (once) and returns its API base, as given to
// --base-url.
func (s *Server) BaseURL() string {
	s.start.Do(s.Start)
	return s.Server.URL + "/v1"
}

// Requests returns a copy of everything received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	switch {
	case strings.HasSuffix(r.URL.Path, "/audio/transcriptions"), strings.HasSuffix(r.URL.Path, "/audio/translations"):
		s.handleTranscription(w, r)
		return
	case strings.HasSuffix(r.URL.Path, "/audio/speech"):
		s.handleSpeech(w, r)
		return
	}
	if s.handleBatchAPI(w, r) {
		return
	}
	req := Request{N: int(s.n.Add(1)), ctx: r.Context(), Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone()}
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		req.Problem = append(req.Problem, "read body: "+err.Error())
	}
	s.check(&req, r, raw)
	s.mu.Lock()
	s.requests = append(s.requests, req)
	s.mu.Unlock()
	for _, p := range req.Problem {
		s.t.Errorf("fake server: request %d: %s", req.N, p)
	}
	reply := Reply{}
	if s.Script != nil {
		reply = s.Script(req)
	}
	s.answer(w, req, reply)
}

func (s *Server) answer(w http.ResponseWriter, req Request, reply Reply) {
	for k, v := range reply.Header {
		w.Header().Set(k, v)
	}
	if reply.Echo {
		reply.Body, reply.Content = echo(req, reply.Body), echo(req, reply.Content)
	}
	if s.hostile(w, req, reply) {
		return
	}
	if reply.Status != 0 && reply.Status != http.StatusOK {
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(reply.Status)
		io.WriteString(w, reply.Body)
		return
	}
	if reply.Content == "" {
		reply.Content = Describe(req)
	}
	if reply.FinishReason == "" {
		reply.FinishReason = "stop"
	}
	w.Header().Set("Content-Type", "application/json")
	body, _ := json.Marshal(completion(req, reply))
	s.send(w, req, http.StatusOK, reply.Hostile, body)
}

// Describe is the default answer: it says what the request carried, so a
// test can trace each description back to its frames.
func Describe(req Request) string {
	if len(req.Images) == 0 {
		return fmt.Sprintf("Summary of %d characters of notes.", len(strings.Join(req.Texts, "")))
	}
	return fmt.Sprintf("Saw %d frames from %s to %s.", len(req.Images), req.Images[0].Label, req.Images[len(req.Images)-1].Label)
}

// completion is the body of a real chat.completion response.
func completion(req Request, reply Reply) map[string]any {
	prompt := 85 * len(req.Images)
	for _, t := range req.Texts {
		prompt += len(t)/4 + 1
	}
	out := len(reply.Content)/4 + 1
	return map[string]any{
		"id":      fmt.Sprintf("chatcmpl-fake%d", req.N),
		"object":  "chat.completion",
		"created": 1763900000,
		"model":   req.Model,
		"choices": []any{map[string]any{
			"index":         0,
			"message":       map[string]any{"role": "assistant", "content": reply.Content, "refusal": nil},
			"logprobs":      nil,
			"finish_reason": reply.FinishReason,
		}},
		"usage": map[string]any{"prompt_tokens": prompt, "completion_tokens": out, "total_tokens": prompt + out},
	}
}

// loadSchema compiles the schema called name in file, one of the cuts of
// OpenAI's OpenAPI document in the repository's testdata/openai.
func loadSchema(t testing.TB, file, name string) *jsonschema.Schema {
	t.Helper()
	return loadSchemas(t, file, name)[name]
}

// loadSchemas compiles the named schemas of a file cut from the OpenAPI
// document (testdata/openai/extract-schema.py).
func loadSchemas(t testing.TB, file string, names ...string) map[string]*jsonschema.Schema {
	t.Helper()
	_, self, _, _ := runtime.Caller(0)
	f, err := os.Open(filepath.Join(filepath.Dir(self), "..", "..", "testdata", "openai", file))
	if err != nil {
		t.Fatalf("openaitest: %v", err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("openaitest: %s: %v", file, err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(file, doc); err != nil {
		t.Fatalf("openaitest: %s: %v", file, err)
	}
	out := map[string]*jsonschema.Schema{}
	for _, n := range names {
		if out[n], err = c.Compile(file + "#/components/schemas/" + n); err != nil {
			t.Fatalf("openaitest: %s: %s: %v", file, n, err)
		}
	}
	return out
}
