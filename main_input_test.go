package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/vidskim/vidskim/llm/openaitest"
)

// ffmpegTo runs ffmpeg to make a test file and returns its path.
func ffmpegTo(t *testing.T, name string, args ...string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), name)
	cmd := exec.Command("ffmpeg", append(append([]string{"-hide_banner", "-loglevel", "error", "-nostdin", "-y"}, args...), out)...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v: %s", err, b)
	}
	return out
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func readFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBadFiles: every file that cannot work fails with exit code 3, one
// line naming the file and the cause, and no request to the model.
func TestBadFiles(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	sample := readFile(t, "testdata/sample.mp4")
	hits := atomic.Int32{}
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer web.Close()
	tests := []struct {
		name, path, want string
	}{
		{"empty file", writeFile(t, "empty.mp4", nil), "empty file"},
		{"text file", writeFile(t, "notes.txt", []byte("hello, this is text\n")), "not a video file"},
		{"truncated header", writeFile(t, "head.mp4", sample[:300]), "truncated, damaged, or not a video"},
		{"audio only", "testdata/audio.m4a", "no video stream (audio only)"},
		{"unsupported codec", writeFile(t, "zzz.mp4", bytes.ReplaceAll(readFile(t, "testdata/rotated.mp4"), []byte("avc1"), []byte("zzz1"))), "codec not supported"},
		{"encrypted", ffmpegTo(t, "enc.mp4", "-f", "lavfi", "-i", "testsrc2=s=160x120:r=10:d=2", "-c:v", "libx264",
			"-encryption_scheme", "cenc-aes-ctr", "-encryption_key", "76a6c65c5ea762046bd749a2e632ccbb",
			"-encryption_kid", "a7e61c373e219033c21091fa607bf3b8"), "encrypted video"},
		{"duration but no frames", ffmpegTo(t, "noframes.mkv", "-f", "lavfi", "-i", "testsrc2=s=160x120:r=10:d=2", "-f", "lavfi", "-i", "sine=d=2",
			"-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-bsf:v", "noise=drop=1", "-c:a", "aac"), "holds no pictures"},
		{"damaged stream", ffmpegTo(t, "damaged.mp4", "-f", "lavfi", "-i", "testsrc2=s=320x240:r=30:d=4", "-c:v", "libx264", "-g", "30",
			"-bsf:v", "noise=amount=30"), "decoder errors in the first 2 s"},
		{"playlist to the network", writeFile(t, "evil.m3u8", []byte("#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\n"+web.URL+"/seg.ts\n#EXT-X-ENDLIST\n")), "evil.m3u8"},
	}
	srv := openaitest.New(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := vidskim(t, "summarize", "--base-url", srv.BaseURL(), tt.path)
			if code != exitBadFile {
				t.Errorf("exit %d, want %d; stderr %q", code, exitBadFile, stderr)
			}
			line := strings.TrimSpace(stderr)
			if strings.Contains(line, "\n") || !strings.Contains(line, tt.want) || !strings.Contains(line, filepath.Base(tt.path)) {
				t.Errorf("stderr %q: want one line naming the file and saying %q", stderr, tt.want)
			}
			if stdout != "" {
				t.Errorf("stdout %q", stdout)
			}
		})
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("bad files cost %d model requests", n)
	}
	if hits.Load() != 0 {
		t.Errorf("ffmpeg fetched a URL named in a local playlist %d times", hits.Load())
	}
}

// TestTruncatedGoesOn: a file cut mid-stream whose index promises more is
// summarized from what decoded, and says so on stderr and in the output.
func TestTruncatedGoesOn(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	full := ffmpegTo(t, "fs.mp4", "-i", "testdata/sample.mp4", "-c", "copy", "-movflags", "+faststart")
	data := readFile(t, full)
	cut := writeFile(t, "cut.mp4", data[:len(data)/2])
	srv := openaitest.New(t)
	code, stdout, stderr := vidskim(t, "summarize", "--base-url", srv.BaseURL(), cut)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, out := range []string{stdout, stderr} {
		if !strings.Contains(out, "truncated or damaged") {
			t.Errorf("no truncation warning in %q", out)
		}
	}
}

func TestMissingFFmpeg(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	for _, cmd := range []string{"frames", "summarize"} {
		code, _, stderr := vidskim(t, cmd, "--base-url", "http://127.0.0.1:1/v1", "testdata/sample.mp4")
		if cmd == "frames" {
			code, _, stderr = vidskim(t, cmd, "testdata/sample.mp4")
		}
		if code != exitFailed || !strings.Contains(stderr, "ffmpeg/ffprobe not found") || !strings.Contains(stderr, "apt-get install ffmpeg") {
			t.Errorf("%s: exit %d, stderr %q", cmd, code, stderr)
		}
	}
}

// TestHostileNames: names that look like options, protocols or worse are
// read as local files and nothing else.
func TestHostileNames(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	sample := readFile(t, "testdata/sample.mp4")
	dir := t.TempDir()
	names := []string{"-y.mp4", "-i", "concat:a.mp4|b.mp4", "http:example.mp4", "name with spaces 'and' \"quotes\".mp4",
		"new\nline.mp4", "vidéo-日本語.mp4", "pipe:0", "$(touch pwned).mp4", "esc\x1b[2J\x1b]0;title\x07.mp4"}
	t.Chdir(dir)
	for _, n := range names {
		if err := os.WriteFile(n, sample[:len(sample)/4*4], 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile("a.mp4", []byte("not this one"), 0o644)
	for _, n := range names {
		t.Run(n, func(t *testing.T) {
			code, stdout, stderr := vidskim(t, "frames", "--format", "json", "-q", "--", n)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if !strings.Contains(stdout, `"sampled": 13`) {
				t.Errorf("did not read the file itself: %s", stdout)
			}
			// Text output names the file too: no control character of the
			// name may reach the terminal.
			code, stdout, stderr = vidskim(t, "plan", "--", n)
			if code != 0 || strings.ContainsAny(stdout+stderr, "\x1b\x07") {
				t.Errorf("plan: exit %d, control characters in %q", code, stdout)
			}
		})
	}
	if _, err := os.Stat("pwned"); err == nil {
		t.Error("a file name was run by a shell")
	}
}

func TestHugeResolution(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	huge := ffmpegTo(t, "8k.mp4", "-f", "lavfi", "-i", "testsrc2=s=7680x4320:r=1:d=2", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p")
	out := filepath.Join(t.TempDir(), "frames")
	code, _, stderr := vidskim(t, "frames", huge, "--out-dir", out, "-q")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	files, _ := os.ReadDir(out)
	if len(files) == 0 {
		t.Fatal("no frames written")
	}
	info := exec.Command("ffprobe", "-v", "error", "-show_entries", "stream=width,height", "-of", "csv=p=0", filepath.Join(out, files[0].Name()))
	b, err := info.Output()
	if err != nil || strings.TrimSpace(string(b)) != "512,288" {
		t.Errorf("an 8K frame came out as %q (%v), want 512,288", b, err)
	}
}

// TestModelTextAndKeyStayContained: escape sequences in model output never
// reach the terminal, and the key is never printed, even with --verbose.
func TestModelTextAndKeyStayContained(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	srv := openaitest.New(t)
	srv.Script = func(r openaitest.Request) openaitest.Reply {
		return openaitest.Reply{Content: "A \x1b]0;pwned\x07title and \x1b[2Jclear, \u009b31m in C1, \u202edesrever\u202c, <script>alert(1)</script>."}
	}
	const key = "sk-test-DO-NOT-PRINT-4242"
	code, stdout, stderr := vidskim(t, "summarize", "testdata/sample.mp4", "--api-key", key, "--base-url", srv.BaseURL(), "--verbose")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.ContainsAny(stdout, "\x1b\x07\u009b\u202e\u202c") {
		t.Errorf("control characters reached the output: %q", stdout)
	}
	// Sequences go whole, not just their ESC; raw HTML is neutralized.
	for _, bad := range []string{"[2J", "]0;pwned", "31m", "<script>"} {
		if strings.Contains(stdout, bad) {
			t.Errorf("%q survived into the Markdown output", bad)
		}
	}
	if !strings.Contains(stdout, "&lt;script>alert(1)&lt;/script>") {
		t.Errorf("the model's HTML is not shown as text: %q", stdout)
	}
	if !strings.Contains(stdout, "title and") {
		t.Errorf("model text lost: %q", stdout)
	}
	if strings.Contains(stdout+stderr, key) {
		t.Error("the API key was printed")
	}
	srv.Script = func(openaitest.Request) openaitest.Reply {
		return openaitest.Reply{Status: 401, Body: `{"error":{"message":"Incorrect API key provided: sk-test-***4242","type":"invalid_request_error"}}`}
	}
	code, _, stderr = vidskim(t, "summarize", "testdata/sample.mp4", "--api-key", key, "--base-url", srv.BaseURL(), "--no-cache")
	if code != exitFailed || !strings.Contains(stderr, "check the API key") || strings.Contains(stderr, key) {
		t.Errorf("401: exit %d, stderr %q", code, stderr)
	}
}

// TestUnreadableFile needs a user that permissions apply to: root reads
// every file, so as root (CI) there is nothing to test.
func TestUnreadableFile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root can read any file: an unreadable file cannot be made")
	}
	p := writeFile(t, "locked.mp4", readFile(t, "testdata/sample.mp4"))
	os.Chmod(p, 0)
	code, _, stderr := vidskim(t, "frames", p)
	if code != exitBadFile || !strings.Contains(stderr, "cannot read") {
		t.Errorf("exit %d: %q", code, stderr)
	}
}
