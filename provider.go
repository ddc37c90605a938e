package main

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/vidskim/vidskim/llm"
	"github.com/vidskim/vidskim/textsafe"
)

// howToConnect is said whenever there is no model to talk to.
const howToConnect = "set OPENAI_API_KEY (or --api-key-file) for OpenAI, or point --base-url at an OpenAI-compatible server, e.g. --base-url http://localhost:11434/v1 for Ollama"

// clientConfig reads the provider, request-shape, retry and pacing flags
// into the model client's configuration (the cache is added apart), checking they make sense
// together before anything runs.
func clientConfig(c *cli.Context, model string, log *slog.Logger) (llm.Config, error) {
	cfg := llm.Config{BaseURL: c.String("base-url"),
		Timeout: c.Duration("timeout"), MaxRetries: c.Int("max-retries"),
		Budget: llm.Budget{RPM: c.Int("rpm"), TPM: c.Int("tpm")},
		OnRetry: func(attempt, status int, wait time.Duration, err error) {
			log.Warn(retryWarning(attempt, status, wait, err))
		}}
	keyFlag := "api-key"
	if ep := c.String("azure-endpoint"); ep != "" {
		cfg.Azure = &llm.Azure{Endpoint: ep, Deployment: c.String("azure-deployment"), APIVersion: c.String("api-version")}
		keyFlag = "azure-api-key"
	}
	var err error
	if cfg.Key, err = apiKey(c, keyFlag); err != nil {
		return cfg, err
	}
	switch {
	case cfg.Azure != nil && c.IsSet("base-url") && cfg.BaseURL != "":
		return cfg, usageError{errors.New("--azure-endpoint and --base-url both set: choose one provider")}
	case cfg.Azure != nil && cfg.Key == "":
		return cfg, usageError{errors.New("no Azure key: set AZURE_OPENAI_API_KEY (or --azure-api-key)")}
	case cfg.Azure == nil && cfg.Key == "" && cfg.BaseURL == "":
		return cfg, usageError{errors.New("no API key: " + howToConnect)}
	}
	return cfg, requestShape(c, &cfg)
}

// requestShape reads the token-limit field, temperature and seed.
func requestShape(c *cli.Context, cfg *llm.Config) error {
	switch tp := c.String("token-param"); tp {
	case "auto":
	case llm.TokenParamMax, llm.TokenParamCompletion:
		cfg.TokenParam = tp
	default:
		return usageError{fmt.Errorf("--token-param %q: must be auto, max_tokens or max_completion_tokens", tp)}
	}
	if c.IsSet("temperature") {
		t := c.Float64("temperature")
		if !(t >= 0 && t <= 2) {
			return usageError{fmt.Errorf("--temperature %g: must be 0 to 2", t)}
		}
		t32 := float32(t)
		cfg.Temperature = &t32
	}
	if c.IsSet("seed") {
		s := c.Int("seed")
		cfg.Seed = &s
	}
	return schemaMode(c, cfg)
}

// cache is the answer cache the flags ask for; nil with --no-cache. A
// cache that cannot be written is a warning, said once (now, or at the
// first entry that cannot be stored, as on a full disk): the run goes on
// and delivers what it pays for, and the cache still answers from the
// entries it has.
func cache(c *cli.Context, log *slog.Logger) (*llm.Cache, error) {
	if c.Bool("no-cache") {
		return nil, nil
	}
	dir := c.String("cache-dir")
	if dir == "" {
		var err error
		if dir, err = llm.DefaultCacheDir(); err != nil {
			return nil, usageError{fmt.Errorf("%w (set --cache-dir or --no-cache)", err)}
		}
	}
	ca := &llm.Cache{Dir: dir, OnWriteError: func(err error) {
		log.Warn("the answer cache cannot be written, so this run's answers are not kept and running it again pays for them again",
			"error", textsafe.Line(err.Error()))
	}}
	ca.Check() // a failure is said through OnWriteError
	return ca, nil
}
