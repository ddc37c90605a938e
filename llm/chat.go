package llm

import (
	"context"
	"errors"

	openai "github.com/sashabaranov/go-openai"

	"github.com/vidskim/vidskim/textsafe"
)

// Chat answers one request from the cache when it can, else from the
// server (paced under the budget), and stores what the server says when
// it is a whole answer. While it asks, it holds the request's lock in the
// cache, so another process asking the same waits for this answer instead
// of paying for it again.
//
// An answer cut at the token limit or withheld by a content filter comes
// back (see Answer.Complete) but is never cached. A model that spent the
// whole limit before writing anything (a reasoning model thinking) is
// asked once more with a larger limit.
func (c *Client) Chat(ctx context.Context, r ChatRequest) (Answer, error) {
	req := c.toOpenAI(r)
	ca := c.cfg.Cache
	if ca == nil {
		if c.cfg.Defer != nil || c.cfg.Batched != nil {
			return Answer{}, errors.New("the Batch API needs the answer cache")
		}
		a, _, err := c.answer(ctx, r, req)
		return a, err
	}
	key, err := ca.chatKey(req, c.cfg.cacheExtra())
	if err != nil {
		return Answer{}, err
	}
	noteKey(ctx, key)
	if a, ok := c.cfg.Batched.answer(key, ca); ok && r.keep(a.Text) {
		return a, nil
	}
	if a, ok := ca.getChat(key); ok && r.keep(a.Text) {
		return a, nil
	}
	if d := c.cfg.Defer; d != nil && d.Wants(r) {
		line, err := c.batchLine(key, req)
		if err == nil {
			err = d.add(line)
		}
		return Answer{}, errors.Join(ErrDeferred, err)
	}
	lk, err := ca.lock(ctx, key)
	if err != nil {
		return Answer{}, err
	}
	if a, ok := ca.getChat(key); ok && r.keep(a.Text) { // answered by another process while we waited
		lk.release(true)
		return a, nil
	}
	a, resp, err := c.answer(ctx, r, req)
	stored := err == nil && a.Complete() && r.keep(a.Text) && ca.putChat(key, resp)
	lk.release(stored)
	return a, err
}

// answer asks the server, and once more with room to write when a model
// spent the whole limit before writing anything. resp is the response
// whose answer is a.
func (c *Client) answer(ctx context.Context, r ChatRequest, req openai.ChatCompletionRequest) (Answer, openai.ChatCompletionResponse, error) {
	a, resp, err := c.ask(ctx, r, req)
	if !a.spentLimit() {
		return a, resp, err
	}
	more := req
	setTokenLimit(&more, roomToWrite(r.MaxTokens), c.cfg.TokenParam)
	b, resp2, err2 := c.ask(ctx, r, more)
	b.Usage.add(a.Usage)
	b.Retried, b.Attempts = true, b.Attempts+a.Attempts
	return b, resp2, err2
}

// roomToWrite is the larger limit of the one retry: four times the first,
// at least 4096, at most 32768.
func roomToWrite(limit int) int { return min(max(4*limit, 4096), 32768) }

// ask sends one request (with the transport's retries) and reads its
// answer.
func (c *Client) ask(ctx context.Context, r ChatRequest, req openai.ChatCompletionRequest) (Answer, openai.ChatCompletionResponse, error) {
	if err := c.lim.wait(ctx, r.Tokens); err != nil {
		return Answer{}, openai.ChatCompletionResponse{}, err
	}
	r.Hooks.sent()
	n := &attempts{}
	resp, err := c.oa.CreateChatCompletion(withAttempts(ctx, n), req)
	r.Hooks.answered(resp.Usage.TotalTokens)
	if err != nil {
		return Answer{}, resp, c.failure(err, n.n)
	}
	a, err := reply(resp, c.cfg.secrets())
	a.Attempts = n.n
	return a, resp, err
}

// reply reads a response: its text cleaned of secrets and control
// characters. No text is an error unless a content filter explains it; a
// model that spent its whole limit before writing is told apart (see
// Answer.spentLimit) so it can be asked again.
func reply(resp openai.ChatCompletionResponse, secrets []string) (Answer, error) {
	if len(resp.Choices) == 0 {
		return Answer{}, &BadAnswerError{What: "no choices in it"}
	}
	ch := resp.Choices[0]
	u := resp.Usage
	a := Answer{Text: textsafe.Clean(textsafe.Redact(ch.Message.Content, secrets...)), FinishReason: string(ch.FinishReason),
		Usage: Usage{PromptTokens: u.PromptTokens, CompletionTokens: u.CompletionTokens, TotalTokens: u.TotalTokens}}
	if a.Text == "" && a.FinishReason != string(openai.FinishReasonContentFilter) {
		return a, &EmptyAnswerError{FinishReason: a.FinishReason}
	}
	return a, nil
}

// spentLimit is an answer with no text because the token limit ran out
// first.
func (a Answer) spentLimit() bool {
	return a.Text == "" && a.FinishReason == string(openai.FinishReasonLength)
}

// Complete reports a whole answer: text, ended neither by the token limit
// nor by a content filter. Only such answers are cached.
func (a Answer) Complete() bool {
	return a.Text != "" && a.FinishReason != string(openai.FinishReasonLength) &&
		a.FinishReason != string(openai.FinishReasonContentFilter)
}

func (u *Usage) add(o Usage) {
	u.PromptTokens += o.PromptTokens
	u.CompletionTokens += o.CompletionTokens
	u.TotalTokens += o.TotalTokens
}
