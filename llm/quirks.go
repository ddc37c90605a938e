package llm

import (
	"fmt"
	"regexp"
	"strings"

	openai "github.com/sashabaranov/go-openai"
)

// Every provider quirk vidskim works around lives in this file, once.

// Token-limit parameter names, for Config.TokenParam.
const (
	TokenParamAuto       = ""                      // by model family
	TokenParamMax        = "max_tokens"            // what older and local servers know (Ollama knows no other)
	TokenParamCompletion = "max_completion_tokens" // what o-series and gpt-5 models require
)

// reasoningModel matches the o-series and gpt-5 families, which refuse
// max_tokens and want max_completion_tokens instead.
var reasoningModel = regexp.MustCompile(`^(o\d|gpt-5)`)

// setTokenLimit puts the limit in the field the model accepts, or the one
// the user forced. Every request has one: without it an answer can run on
// (and cost) without bound.
func setTokenLimit(req *openai.ChatCompletionRequest, limit int, param string) {
	if param == TokenParamAuto {
		name := strings.ToLower(req.Model)
		if i := strings.LastIndex(name, "/"); i >= 0 {
			name = name[i+1:] // "openai/gpt-5-mini" on routers
		}
		param = TokenParamMax
		if reasoningModel.MatchString(name) {
			param = TokenParamCompletion
		}
	}
	if param == TokenParamCompletion {
		req.MaxCompletionTokens = limit
		return
	}
	//lint:ignore SA1019 max_tokens is what every non-reasoning model and Ollama accept
	req.MaxTokens = limit
}

// toOpenAI builds the go-openai request with the client's parameters.
//
// Temperature 0: go-openai omits a zero temperature from the JSON (its
// field is omitempty), yet "temperature": 0 is exactly what a user asking
// for repeatable answers means. bodyFields puts it back on the wire and
// cacheExtra puts it in the cache key, since the marshalled request lacks it.
func (c *Client) toOpenAI(r ChatRequest) openai.ChatCompletionRequest {
	req := openai.ChatCompletionRequest{Model: r.Model, Messages: r.messages(), Seed: c.cfg.Seed}
	if t := c.cfg.Temperature; t != nil {
		req.Temperature = *t
	}
	setTokenLimit(&req, r.MaxTokens, c.cfg.TokenParam)
	return req
}

// bodyFields are the top-level JSON fields the transport sets in every
// request body, for what go-openai cannot express.
func (cfg Config) bodyFields() map[string]any {
	if t := cfg.Temperature; t != nil && *t == 0 {
		return map[string]any{"temperature": 0}
	}
	return nil
}

// cacheExtra is cache-key material that affects the answer but is not in
// the marshalled request.
func (cfg Config) cacheExtra() string {
	if cfg.Temperature != nil {
		return fmt.Sprintf("temperature=%v", *cfg.Temperature)
	}
	return "temperature=default"
}

// DefaultAzureAPIVersion is Azure OpenAI's current GA inference API version.
const DefaultAzureAPIVersion = "2024-10-21"

// AzureMaxImages is Azure OpenAI's limit of images in one request.
const AzureMaxImages = 10

// Azure is an Azure OpenAI resource: requests go to
// {Endpoint}/openai/deployments/{Deployment}/...?api-version=APIVersion
// with the key in the api-key header.
type Azure struct {
	Endpoint   string
	Deployment string // "" means a deployment named like the model
	APIVersion string // "" means DefaultAzureAPIVersion
}

// openaiConfig builds go-openai's configuration for the provider: Azure's
// URLs and header, or OpenAI and compatible servers (no Authorization
// header without a key).
func (cfg Config) openaiConfig() openai.ClientConfig {
	if az := cfg.Azure; az != nil {
		oc := openai.DefaultAzureConfig(cfg.Key, strings.TrimRight(az.Endpoint, "/"))
		oc.APIVersion = az.APIVersion
		if oc.APIVersion == "" {
			oc.APIVersion = DefaultAzureAPIVersion
		}
		deploy := az.Deployment
		oc.AzureModelMapperFunc = func(model string) string {
			if deploy != "" {
				return deploy
			}
			return model
		}
		return oc
	}
	oc := openai.DefaultConfig(cfg.Key)
	if cfg.BaseURL != "" {
		oc.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	}
	return oc
}

// MaxImages is the provider's limit of images a request, 0 for none known.
func (cfg Config) MaxImages() int {
	if cfg.Azure != nil {
		return AzureMaxImages
	}
	return 0
}
