package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"
	"github.com/urfave/cli/v2"

	"github.com/vidskim/vidskim/summarize"
)

// defaultAzureAPIVersion is Azure OpenAI's current GA inference API version.
const defaultAzureAPIVersion = "2024-10-21"

// azureMaxImages is Azure OpenAI's limit of images in one request.
const azureMaxImages = 10

func providerFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "azure-endpoint", EnvVars: []string{"AZURE_OPENAI_ENDPOINT"}, Usage: "Azure OpenAI endpoint, https://NAME.openai.azure.com (key from AZURE_OPENAI_API_KEY)"},
		&cli.StringFlag{Name: "azure-api-key", EnvVars: []string{"AZURE_OPENAI_API_KEY"}, DefaultText: "none", Usage: "Azure OpenAI key"},
		&cli.StringFlag{Name: "azure-deployment", Usage: "Azure deployment name (default: the model name)"},
		&cli.StringFlag{Name: "api-version", Value: defaultAzureAPIVersion, Usage: "Azure OpenAI API version"},
		&cli.Float64Flag{Name: "temperature", Usage: "sampling temperature, 0 for the most repeatable answers (default: the server's)"},
		&cli.IntFlag{Name: "seed", Usage: "seed for reproducible sampling, where the server supports it"},
		&cli.BoolFlag{Name: "transcribe", Usage: "transcribe the audio and give the model what is said beside the frames"},
		&cli.StringFlag{Name: "transcribe-model", Value: "whisper-1", Usage: "transcription model"},
		&cli.StringFlag{Name: "transcribe-base-url", Usage: "OpenAI-compatible /audio/transcriptions server (default: --base-url), e.g. a whisper.cpp or faster-whisper server"},
		&cli.BoolFlag{Name: "transcript-only", Usage: "only transcribe: write the transcript (md, json, srt or vtt) and send no frames"},
		&cli.StringFlag{Name: "token-param", Value: "auto", Usage: "token-limit field: auto (max_completion_tokens for o-series and gpt-5, else max_tokens), max_tokens, or max_completion_tokens"},
	}
}

// provider is where requests go and how they are shaped.
type provider struct {
	azure            bool
	key, baseURL     string
	endpoint, deploy string
	apiVersion       string
	timeout          time.Duration
	retries          int
	zeroTemperature  bool
}

// newProvider reads the provider flags and checks they make sense
// together, before anything runs.
func newProvider(c *cli.Context, o *summarize.Options) (provider, error) {
	p := provider{key: c.String("api-key"), baseURL: c.String("base-url"), endpoint: c.String("azure-endpoint"),
		deploy: c.String("azure-deployment"), apiVersion: c.String("api-version"),
		timeout: c.Duration("timeout"), retries: c.Int("max-retries")}
	if p.endpoint != "" {
		p.azure, p.key = true, c.String("azure-api-key")
		if p.deploy == "" {
			p.deploy = o.Model
		}
	}
	switch {
	case p.azure && c.IsSet("base-url") && p.baseURL != "":
		return p, usageError{errors.New("--azure-endpoint and --base-url both set: choose one provider")}
	case p.azure && p.key == "":
		return p, usageError{errors.New("no Azure key: set AZURE_OPENAI_API_KEY (or --azure-api-key)")}
	case !p.azure && p.key == "" && p.baseURL == "":
		return p, usageError{errors.New("no API key: " + howToConnect)}
	}
	switch tp := c.String("token-param"); tp {
	case "auto":
	case summarize.TokenParamMax, summarize.TokenParamCompletion:
		o.TokenParam = tp
	default:
		return p, usageError{fmt.Errorf("--token-param %q: must be auto, max_tokens or max_completion_tokens", tp)}
	}
	if c.IsSet("temperature") {
		t := c.Float64("temperature")
		if !(t >= 0 && t <= 2) {
			return p, usageError{fmt.Errorf("--temperature %g: must be 0 to 2", t)}
		}
		t32 := float32(t)
		o.Temperature, p.zeroTemperature = &t32, t == 0
	}
	if c.IsSet("seed") {
		s := c.Int("seed")
		o.Seed = &s
	}
	return p, nil
}

// maxImages is the provider's limit of images a request, 0 for none known.
func (p provider) maxImages() int {
	if p.azure {
		return azureMaxImages
	}
	return 0
}

// transcriber builds the client for /audio/transcriptions: the same
// provider, at --transcribe-base-url when given.
func (p provider) transcriber(baseURL string, log *slog.Logger) *openai.Client {
	if baseURL != "" {
		p.baseURL, p.azure = baseURL, false
	}
	p.zeroTemperature = false
	p.deploy = "" // on Azure, a deployment named like the transcription model
	return p.client(log)
}

// client builds the go-openai client: OpenAI, Azure (deployment URL,
// api-version, api-key header) or any compatible server (no Authorization
// header without a key), with retries, per-attempt timeouts, a log line a
// retry, and a zero temperature put back into the body.
func (p provider) client(log *slog.Logger) *openai.Client {
	var cfg openai.ClientConfig
	if p.azure {
		cfg = openai.DefaultAzureConfig(p.key, strings.TrimRight(p.endpoint, "/"))
		cfg.APIVersion = p.apiVersion
		deploy := p.deploy
		cfg.AzureModelMapperFunc = func(model string) string {
			if deploy != "" {
				return deploy
			}
			return model
		}
	} else {
		cfg = openai.DefaultConfig(p.key)
		if p.baseURL != "" {
			cfg.BaseURL = strings.TrimRight(p.baseURL, "/")
		}
	}
	var base http.RoundTripper = http.DefaultTransport
	if p.zeroTemperature {
		base = &summarize.FieldsTransport{Fields: map[string]any{"temperature": 0}}
	}
	cfg.HTTPClient = &http.Client{Transport: &summarize.RetryTransport{
		Base:       base,
		MaxRetries: p.retries,
		Timeout:    p.timeout,
		OnRetry: func(attempt, status int, wait time.Duration, err error) {
			log.Warn("retrying request", "attempt", attempt, "status", status, "wait", wait.Round(time.Millisecond), "error", err)
		},
	}}
	return openai.NewClientWithConfig(cfg)
}
