package summarize

import (
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
