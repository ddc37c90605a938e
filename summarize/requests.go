package summarize

import (
	"context"
	"errors"
	"time"

	"github.com/vidskim/vidskim/llm"
)

// RequestInfo is one request of a run when it ended, for a verbose log:
// what it was for, what it carried, what it took.
type RequestInfo struct {
	Part   string // "chunk 00:00:04-00:00:08", "merge", "merge round 1 00:00:00-00:10:00"
	Images int
	// PromptTokens and CompletionTokens are the server's count (for an
	// answer from the cache, what it took when first asked).
	PromptTokens, CompletionTokens int
	Latency                        time.Duration // from sending to the answer, retries and waits included
	Cached                         bool          // answered from the cache: nothing was sent
	Retries                        int           // attempts beyond the first
	Err                            error         // why it failed, if it did
}

// tell reports one ended request to onRequest.
func (k *caller) tell(part string, req llm.ChatRequest, a llm.Answer, err error, took time.Duration) {
	if k.onRequest == nil {
		return
	}
	info := RequestInfo{Part: part, PromptTokens: a.Usage.PromptTokens, CompletionTokens: a.Usage.CompletionTokens,
		Latency: took, Cached: a.Cached, Retries: max(0, a.Attempts-1), Err: err}
	for _, p := range req.User {
		if p.Image != nil {
			info.Images++
		}
	}
	var ae *llm.AttemptsError
	if errors.As(err, &ae) {
		info.Retries = ae.Attempts - 1
	}
	k.onRequest(info)
}

// Told is c telling on of each chat request when it ends, as a run's own
// requests are told, named by part; c itself when on is nil. Other front
// ends of the model (questions) log through it.
func Told(c Client, on func(RequestInfo), part func(llm.ChatRequest) string) Client {
	if on == nil {
		return c
	}
	return told{k: &caller{c: c, onRequest: on}, part: part}
}

type told struct {
	k    *caller
	part func(llm.ChatRequest) string
}

func (t told) Chat(ctx context.Context, req llm.ChatRequest) (llm.Answer, error) {
	return t.k.ask(ctx, t.part(req), req)
}
