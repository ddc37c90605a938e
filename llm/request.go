package llm

import (
	"encoding/base64"
	"encoding/json"

	openai "github.com/sashabaranov/go-openai"
)

// ChatRequest is one chat-completion request in neutral terms: a system
// prompt, then the user's turn as text and images in order.
type ChatRequest struct {
	// Model is the model (or, on Azure, the model the deployment serves).
	Model string
	// System is the system prompt.
	System string
	// User is the user's turn. A single text part is sent as plain string
	// content; anything else as a list of parts.
	User []Part
	// MaxTokens limits the answer; every request has a limit, sent in the
	// field the model accepts.
	MaxTokens int
	// Tokens is the request's estimated size (input plus MaxTokens), for
	// pacing under a tokens-per-minute budget; 0 counts as 1.
	Tokens int
	// Hooks, when set, hear of the request reaching the server (never of
	// an answer from the cache), for progress displays.
	Hooks *Hooks
	// Format, when set, asks for one JSON document in a schema; how each
	// provider is asked is a quirk (quirks.go, Config.SchemaModeOf).
	Format *Format
	// Keep, when set, says whether an answer may be cached: one it
	// refuses (a structured answer that does not validate, say) is
	// returned all the same, but never stored, so asking again asks anew.
	Keep func(text string) bool
}

// Format is a JSON Schema the answer must follow.
type Format struct {
	Name   string          // a-z, A-Z, 0-9, _ and -, at most 64 characters
	Schema json.RawMessage // the schema
	// Strict says the schema keeps strict mode's rules (every object
	// closed, every property required), so the server may enforce it.
	Strict bool
}

func (r ChatRequest) keep(text string) bool { return r.Keep == nil || r.Keep(text) }

// Part is a piece of the user's turn: Text, or an image when Image is set.
type Part struct {
	Text  string
	Image *Image
}

// Image is one JPEG, sent inline as a base64 data URL at a detail level
// ("low" or "high").
type Image struct {
	JPEG   []byte
	Detail string
}

// Text and ImagePart build parts.
func Text(s string) Part { return Part{Text: s} }

// ImagePart is an image part of jpeg at detail.
func ImagePart(jpeg []byte, detail string) Part {
	return Part{Image: &Image{JPEG: jpeg, Detail: detail}}
}

// Hooks are told when a request goes to the server and when its answer
// (or failure) comes back, with the tokens it used.
type Hooks struct {
	Sent     func()
	Answered func(totalTokens int)
}

func (h *Hooks) sent() {
	if h != nil && h.Sent != nil {
		h.Sent()
	}
}

func (h *Hooks) answered(tokens int) {
	if h != nil && h.Answered != nil {
		h.Answered(tokens)
	}
}

// Answer is one reply, its text cleaned of control characters.
type Answer struct {
	Text         string
	FinishReason string // "stop", "length" (cut at the limit) or "content_filter"
	Usage        Usage
	Cached       bool // from the cache: no request was made
	// Batch marks an answer a batch of this run gave (the Batch API):
	// paid, at batch prices.
	Batch bool
	// Retried is set when the model spent the whole limit before writing
	// and was asked once more with a larger one.
	Retried bool
	// Attempts is how many times the request went to the server (more
	// than 1 after retries); 0 for an answer from the cache.
	Attempts int
}

// Usage is what the server reported for one answer.
type Usage struct {
	PromptTokens, CompletionTokens, TotalTokens int
}

// messages renders the neutral request as go-openai messages.
func (r ChatRequest) messages() []openai.ChatCompletionMessage {
	system := openai.ChatCompletionMessage{Role: openai.ChatMessageRoleSystem, Content: r.System}
	user := openai.ChatCompletionMessage{Role: openai.ChatMessageRoleUser}
	if len(r.User) == 1 && r.User[0].Image == nil {
		user.Content = r.User[0].Text
		return []openai.ChatCompletionMessage{system, user}
	}
	for _, p := range r.User {
		if p.Image == nil {
			user.MultiContent = append(user.MultiContent, openai.ChatMessagePart{Type: openai.ChatMessagePartTypeText, Text: p.Text})
			continue
		}
		user.MultiContent = append(user.MultiContent, openai.ChatMessagePart{Type: openai.ChatMessagePartTypeImageURL,
			ImageURL: &openai.ChatMessageImageURL{
				URL:    "data:image/jpeg;base64," + base64.StdEncoding.EncodeToString(p.Image.JPEG),
				Detail: openai.ImageURLDetail(p.Image.Detail),
			}})
	}
	return []openai.ChatCompletionMessage{system, user}
}

// HasImages reports whether the request carries an image.
func (r ChatRequest) HasImages() bool {
	for _, p := range r.User {
		if p.Image != nil {
			return true
		}
	}
	return false
}
