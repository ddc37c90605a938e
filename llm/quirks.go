package llm

import (
	"fmt"
	"net/http"
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
	c.cfg.setFormat(&req, r.Format)
	return req
}

// How an answer in a JSON schema is asked for, for Config.SchemaMode.
const (
	SchemaAuto       = ""            // json_schema where the provider takes it, else json_object
	SchemaJSONSchema = "json_schema" // response_format json_schema (OpenAI's structured outputs; vLLM, Ollama, LM Studio take it too)
	SchemaJSONObject = "json_object" // JSON mode, with the schema in the system prompt
	SchemaPrompt     = "prompt"      // the schema in the system prompt only, for servers that know neither
)

// structuredModel matches the OpenAI models that take response_format
// json_schema (structured outputs); notStructured the ones among them
// that came before it.
var (
	structuredModel = regexp.MustCompile(`^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|o1|o3|o4)`)
	notStructured   = regexp.MustCompile(`^(o1-mini|o1-preview|gpt-4o-2024-05-13)`)
)

// SchemaModeOf is how an answer in a JSON schema is asked of model:
// SchemaMode as configured, or by provider and model: json_schema on
// OpenAI's own API and Azure OpenAI for the models that take it, JSON
// mode with the schema in the prompt everywhere else (every
// OpenAI-compatible server knows JSON mode; a server that knows
// json_schema can be told so).
func (cfg Config) SchemaModeOf(model string) string {
	if cfg.SchemaMode != SchemaAuto {
		return cfg.SchemaMode
	}
	name := strings.ToLower(model)
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	openAI := cfg.Azure != nil || cfg.BaseURL == "" || strings.Contains(strings.ToLower(cfg.BaseURL), "://api.openai.com")
	if openAI && structuredModel.MatchString(name) && !notStructured.MatchString(name) {
		return SchemaJSONSchema
	}
	return SchemaJSONObject
}

// setFormat asks for an answer in f's schema, as the provider takes it.
func (cfg Config) setFormat(req *openai.ChatCompletionRequest, f *Format) {
	if f == nil {
		return
	}
	mode := cfg.SchemaModeOf(req.Model)
	switch mode {
	case SchemaJSONSchema:
		req.ResponseFormat = &openai.ChatCompletionResponseFormat{Type: openai.ChatCompletionResponseFormatTypeJSONSchema,
			JSONSchema: &openai.ChatCompletionResponseFormatJSONSchema{Name: f.Name, Schema: f.Schema, Strict: f.Strict}}
		return
	case SchemaJSONObject:
		req.ResponseFormat = &openai.ChatCompletionResponseFormat{Type: openai.ChatCompletionResponseFormatTypeJSONObject}
	}
	req.Messages[0].Content += "\n\nAnswer with one JSON document and nothing else, valid against this JSON Schema:\n" + string(f.Schema)
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
	// BatchDeployment is the global-batch deployment that batch lines name
	// as their model; "" means Deployment, else the model.
	BatchDeployment string
}

// batchDeployment is the model a batch line names on Azure.
func (az Azure) batchDeployment(model string) string {
	switch {
	case az.BatchDeployment != "":
		return az.BatchDeployment
	case az.Deployment != "":
		return az.Deployment
	}
	return model
}

// batchEndpoint is the chat endpoint as batch files and batches name it:
// Azure's v1 API drops the /v1.
func (cfg Config) batchEndpoint() string {
	if cfg.Azure != nil {
		return "/chat/completions"
	}
	return string(openai.BatchEndpointChatCompletions)
}

// batchBase is where the Files and Batches endpoints are: on Azure, the
// v1 API ({endpoint}/openai/v1, no api-version, no deployment in the path).
func (cfg Config) batchBase() string {
	if az := cfg.Azure; az != nil {
		return strings.TrimRight(az.Endpoint, "/") + "/openai/v1"
	}
	return strings.TrimRight(cfg.Endpoint(), "/")
}

// batchConfig is go-openai's configuration for the Batches endpoints. On
// Azure the v1 API wants the api-key header and plain URLs: go-openai's
// Cloudflare-Azure type sends that header and leaves URLs as given.
func (cfg Config) batchConfig() openai.ClientConfig {
	if cfg.Azure != nil {
		oc := openai.DefaultAzureConfig(cfg.Key, cfg.batchBase())
		oc.APIType, oc.APIVersion = openai.APITypeCloudflareAzure, ""
		return oc
	}
	oc := openai.DefaultConfig(cfg.Key)
	oc.BaseURL = cfg.batchBase()
	return oc
}

// authorize puts the key in a hand-made request the way the provider
// wants it.
func (cfg Config) authorize(h http.Header) {
	switch {
	case cfg.Key == "":
	case cfg.Azure != nil:
		h.Set("api-key", cfg.Key)
	default:
		h.Set("Authorization", "Bearer "+cfg.Key)
	}
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
