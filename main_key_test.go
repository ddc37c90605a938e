package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vidskim/vidskim/llm/openaitest"
)

// TestKeySources: the key comes from --api-key-file (with a warning when
// others can read the file) or the config file; an empty OPENAI_API_KEY
// counts as unset; `config` masks keys and URL user-info.
func TestKeySources(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	srv := openaitest.New(t)
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "key")
	os.WriteFile(keyFile, []byte("sk-from-file-123456\n"), 0o600)
	auth := func() string {
		reqs := srv.Requests()
		return reqs[len(reqs)-1].Header.Get("Authorization")
	}
	args := []string{"summarize", "testdata/sample.mp4", "--base-url", srv.BaseURL(), "--end", "2", "-q", "--no-cache"}
	code, _, stderr := vidskim(t, append(args, "--api-key-file", keyFile)...)
	if code != 0 || auth() != "Bearer sk-from-file-123456" || stderr != "" {
		t.Errorf("key file: exit %d, %q, stderr %q", code, auth(), stderr)
	}
	os.Chmod(keyFile, 0o644)
	code, _, stderr = vidskim(t, append(args, "--api-key-file", keyFile)...)
	if code != 0 || !strings.Contains(stderr, "others can read it") || strings.Contains(stderr, "sk-from-file") {
		t.Errorf("readable key file: exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = vidskim(t, append(args, "--api-key-file", keyFile, "--api-key", "sk-other")...)
	if code != exitUsage || !strings.Contains(stderr, "both set") {
		t.Errorf("both: exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = vidskim(t, append(args, "--api-key-file", filepath.Join(dir, "nope"))...)
	if code != exitUsage || !strings.Contains(stderr, "--api-key-file") || len(srv.Requests()) != 4 {
		t.Errorf("missing file: exit %d, stderr %q, %d requests", code, stderr, len(srv.Requests()))
	}
	// An empty OPENAI_API_KEY= does not hide the config file's key.
	config := filepath.Join(dir, "config.toml")
	os.WriteFile(config, []byte("api-key = \"sk-from-config-7890\"\nbase-url = \"http://alice:s3cret@example.test/v1\"\n"), 0o600)
	t.Setenv("VIDSKIM_CONFIG", config)
	t.Setenv("OPENAI_API_KEY", "")
	keep := map[string]string{"VIDSKIM_CONFIG": config, "OPENAI_API_KEY": ""}
	code, _, stderr = vidskimKeepEnv(t, keep, args...)
	if code != 0 || auth() != "Bearer sk-from-config-7890" {
		t.Errorf("config key under an empty variable: exit %d, %q, %s", code, auth(), stderr)
	}
	code, stdout, _ := vidskimKeepEnv(t, keep, "config")
	if code != 0 || strings.Contains(stdout, "s3cret") || strings.Contains(stdout, "alice") || !strings.Contains(stdout, "http://***@example.test/v1") ||
		strings.Contains(stdout, "sk-from-config") {
		t.Errorf("config shows secrets:\n%s", stdout)
	}
}

// TestIncompleteExitsOne: a description cut at the token limit is written
// and marked, and the run exits 1 saying what is incomplete.
func TestIncompleteExitsOne(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	srv := openaitest.New(t)
	srv.Script = func(r openaitest.Request) openaitest.Reply {
		if len(r.Images) > 0 && r.Images[0].Label == "[00:00:04]" {
			return openaitest.Reply{Content: "A person walks towards the", FinishReason: "length"}
		}
		return openaitest.Reply{}
	}
	code, stdout, stderr := vidskim(t, "summarize", "testdata/sample.mp4", "--base-url", srv.BaseURL(), "-q", "--frames-per-request", "4")
	if code != exitFailed || !strings.Contains(stdout, "**INCOMPLETE**") || !strings.Contains(stdout, "description cut off at the token limit") {
		t.Errorf("exit %d, stdout:\n%s", code, stdout)
	}
	if !strings.Contains(stderr, "00:00:04-00:00:10 description cut off at the token limit (raise --max-tokens)") || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
		t.Errorf("stderr %q", stderr)
	}
}
