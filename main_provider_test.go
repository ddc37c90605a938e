package main

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/vidskim/vidskim/llm"
	"github.com/vidskim/vidskim/llm/openaitest"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestProviders checks the exact URL, headers and body shape each provider
// gets.
func TestProviders(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	tests := []struct {
		name       string
		args       func(url string) []string
		env        map[string]string
		path       string
		header     map[string]string // "" means must be absent
		bodyFields []string          // must be present
		absent     []string
	}{
		{"openai", func(u string) []string { return []string{"--base-url", u + "/v1", "--api-key", "sk-openai-1"} }, nil,
			"/v1/chat/completions", map[string]string{"Authorization": "Bearer sk-openai-1", "api-key": ""}, []string{"max_tokens"}, []string{"max_completion_tokens"}},
		{"gpt-5 takes max_completion_tokens", func(u string) []string {
			return []string{"--base-url", u + "/v1", "--api-key", "k", "--model", "gpt-5-mini"}
		}, nil, "/v1/chat/completions", map[string]string{"Authorization": "Bearer k"}, []string{"max_completion_tokens"}, []string{"max_tokens"}},
		{"keyless local server", func(u string) []string {
			return []string{"--base-url", u + "/v1", "--model", "llava:7b", "--token-param", "max_tokens"}
		}, nil,
			"/v1/chat/completions", map[string]string{"Authorization": "", "api-key": ""}, []string{"max_tokens"}, []string{"max_completion_tokens"}},
		{"azure", func(u string) []string {
			return []string{"--azure-endpoint", u, "--azure-deployment", "vision-prod", "--model", "gpt-4o"}
		}, map[string]string{"AZURE_OPENAI_API_KEY": "az-key-1", "OPENAI_API_KEY": "sk-should-not-be-used"},
			"/openai/deployments/vision-prod/chat/completions", map[string]string{"api-key": "az-key-1", "Authorization": ""}, []string{"max_tokens"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := openaitest.New(t)
			base := strings.TrimSuffix(srv.BaseURL(), "/v1")
			args := append([]string{"summarize", "testdata/sample.mp4", "--format", "json", "--end", "3"}, tt.args(base)...)
			code, _, stderr := vidskimEnv(t, tt.env, args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			for _, r := range srv.Requests() {
				if r.Path != tt.path {
					t.Errorf("path %q, want %q", r.Path, tt.path)
				}
				if tt.name == "azure" && r.Query.Get("api-version") != llm.DefaultAzureAPIVersion {
					t.Errorf("api-version %q", r.Query.Get("api-version"))
				}
				for h, want := range tt.header {
					if got := r.Header.Get(h); got != want {
						t.Errorf("header %s = %q, want %q", h, got, want)
					}
				}
				for _, f := range tt.bodyFields {
					if _, ok := r.Body[f]; !ok {
						t.Errorf("body lacks %s", f)
					}
				}
				for _, f := range tt.absent {
					if _, ok := r.Body[f]; ok {
						t.Errorf("body has %s", f)
					}
				}
			}
		})
	}
}

// vidskimEnv is vidskim with extra environment variables.
func vidskimEnv(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	for k, v := range env {
		t.Setenv(k, v)
	}
	return vidskimKeepEnv(t, env, args...)
}

func TestAzureImageLimit(t *testing.T) {
	code, _, stderr := vidskimEnv(t, map[string]string{"AZURE_OPENAI_API_KEY": "k"}, "summarize", "testdata/sample.mp4", "--azure-endpoint", "http://127.0.0.1:1", "--frames-per-request", "12")
	if code != exitUsage || !strings.Contains(stderr, "at most 10 images") {
		t.Errorf("exit %d, %q", code, stderr)
	}
}

// TestGoldenRequestBody: temperature 0 and the seed reach the server, in a
// body whose every other field is pinned by a golden file.
func TestGoldenRequestBody(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	srv := openaitest.New(t)
	code, _, stderr := vidskim(t, "summarize", "testdata/sample.mp4", "--base-url", srv.BaseURL(), "--api-key", "k",
		"--temperature", "0", "--seed", "42", "--end", "2", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	reqs := srv.Requests()
	var bodies []map[string]any
	for _, r := range reqs {
		if temp, ok := r.Body["temperature"]; !ok || temp != 0.0 {
			t.Errorf("request %d: temperature %v (present %v), want 0", r.N, temp, ok)
		}
		if r.Body["seed"] != 42.0 {
			t.Errorf("request %d: seed %v", r.N, r.Body["seed"])
		}
		bodies = append(bodies, r.Body)
	}
	got, _ := json.MarshalIndent(bodies, "", "  ")
	got = regexp.MustCompile(`data:image/jpeg;base64,[A-Za-z0-9+/=]+`).ReplaceAll(got, []byte("data:image/jpeg;base64,<JPEG>"))
	got = regexp.MustCompile(`Saw \d+ frames[^"]*|Summary of \d+ characters[^"]*`).ReplaceAll(got, []byte("<fake answer>"))
	golden := filepath.Join("testdata", "golden", "request-temperature0-seed.json")
	if *update {
		os.MkdirAll(filepath.Dir(golden), 0o755)
		os.WriteFile(golden, got, 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -run TestGoldenRequestBody -update)", err)
	}
	if string(got) != string(want) {
		t.Errorf("request bodies differ from %s:\n%s", golden, got)
	}
}

func TestConfigFile(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.toml")
	os.WriteFile(cfg, []byte("model = \"from-file\"\nfps = 3\nbase-url = \"http://file/v1\"\napi-key = \"sk-file-secret\"\n"), 0o600)
	t.Setenv("VIDSKIM_CONFIG", cfg)
	t.Setenv("OPENAI_BASE_URL", "http://env/v1")
	unsetenv(t, "OPENAI_API_KEY")
	var out, errb strings.Builder
	code := run(t.Context(), []string{"vidskim", "config", "--fps", "5"}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{
		`model                 = "from-file"`, "# config file",
		`fps                   = 5 `, "# flag",
		`base-url              = "http://env/v1"`, "# env OPENAI_BASE_URL",
		`# api-key             = "(masked)"`, "# config file; set, 14 characters, masked",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("config output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String()+errb.String(), "sk-file-secret") {
		t.Error("vidskim config printed the key")
	}
	os.WriteFile(cfg, []byte("modle = \"typo\"\n"), 0o600)
	code = run(t.Context(), []string{"vidskim", "config"}, &out, &errb)
	if code != exitUsage || !strings.Contains(errb.String(), `unknown setting "modle"`) {
		t.Errorf("typo in config: exit %d, %q", code, errb.String())
	}
}
