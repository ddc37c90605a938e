package summarize

import (
	openai "github.com/sashabaranov/go-openai"
)

// Token-limit parameter names, for Options.TokenParam.
const (
	TokenParamAuto       = ""                      // by model family
	TokenParamMax        = "max_tokens"            // what older and local servers know
	TokenParamCompletion = "max_completion_tokens" // what o-series and gpt-5 models require
)

// newRequest builds a request with the run's model parameters: the token
// limit in the field the model accepts, the temperature and the seed.
// go-openai omits a zero temperature from the JSON; a transport adds it
// back (see FieldsTransport), and the cache key includes it either way.
func (o Options) newRequest(limit int, msgs ...openai.ChatCompletionMessage) openai.ChatCompletionRequest {
	req := openai.ChatCompletionRequest{Model: o.Model, Messages: msgs, Seed: o.Seed}
	if o.Temperature != nil {
		req.Temperature = *o.Temperature
	}
	switch o.TokenParam {
	case TokenParamMax:
		//lint:ignore SA1019 the user asked for max_tokens (Ollama knows no other)
		req.MaxTokens = limit
	case TokenParamCompletion:
		req.MaxCompletionTokens = limit
	default:
		setTokenLimit(&req, limit)
	}
	return req
}
