package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vidskim/vidskim/llm/openaitest"
)

// childrenOf lists the processes whose parent is pid, by name.
func childrenOf(pid int) map[int]string {
	kids := map[int]string{}
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, p := range stats {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		s := string(b)
		open, close := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || close < 0 {
			continue
		}
		f := strings.Fields(s[close+1:])
		if len(f) > 1 && f[1] == strconv.Itoa(pid) {
			child, _ := strconv.Atoi(strings.Fields(s)[0])
			kids[child] = s[open+1 : close]
		}
	}
	return kids
}

// TestInterruptWholeGroup sends SIGINT (and SIGTERM) to the whole process
// group of a real vidskim, as a terminal's Ctrl-C does, while ffmpeg is
// still decoding: ffmpeg is in a group of its own, so only vidskim gets
// it; vidskim exits 130 (143) within 2 s saying how many answers are saved
// and how to resume, never "ffmpeg failed", and its progress stays where
// the run stopped.
func TestInterruptWholeGroup(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	bin := buildBinary(t)
	video := ffmpegTo(t, "long.mp4", "-f", "lavfi", "-i", "testsrc2=s=320x240:r=10:d=60", "-c:v", "libx264", "-g", "10", "-pix_fmt", "yuv420p")
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			srv := openaitest.New(t)
			var third <-chan struct{}
			srv.Script, third = answerThenHang(3)
			cmd := exec.Command(bin, "summarize", video, "--frames-per-request", "1", "--concurrency", "1", "--dedupe-threshold", "0",
				"--cache-dir", t.TempDir(), "--base-url", srv.BaseURL())
			cmd.Env = append(os.Environ(), "OPENAI_API_KEY=", "XDG_CONFIG_HOME="+t.TempDir())
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // a group of its own, as a shell's job
			stderr := startUntil(t, cmd, third)
			ffmpeg := 0
			for kid, name := range childrenOf(cmd.Process.Pid) {
				if name == "ffmpeg" {
					ffmpeg = kid
				}
			}
			if pgid, err := syscall.Getpgid(ffmpeg); ffmpeg == 0 || err != nil || pgid == cmd.Process.Pid {
				t.Fatalf("ffmpeg (pid %d) not running in a group of its own: pgid %d, %v", ffmpeg, pgid, err)
			}
			start := time.Now()
			syscall.Kill(-cmd.Process.Pid, sig) // the whole group, as the terminal does
			cmd.Wait()
			took := time.Since(start)
			code := cmd.ProcessState.ExitCode()
			lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
			last := lines[len(lines)-1]
			t.Logf("%v to the group: exit %d after %v: %s", sig, code, took.Round(time.Millisecond), last)
			if code != 128+int(sig) || took > 2*time.Second {
				t.Errorf("exit %d after %v, want %d within 2 s", code, took, 128+int(sig))
			}
			if !regexp.MustCompile(`^vidskim: interrupted: 3 of \d+ answers so far \(decoding had reached .*\) saved; run the same command to resume$`).MatchString(last) {
				t.Errorf("last line %q", last)
			}
			if strings.Contains(stderr.String(), "ffmpeg failed") || strings.Contains(stderr.String(), "100%") || !strings.Contains(stderr.String(), "stopped") {
				t.Errorf("stderr:\n%s", stderr.String())
			}
		})
	}
}

// TestTwoProcessesPayOnce: two vidskim processes on one cache and one
// video pay for each request once.
func TestTwoProcessesPayOnce(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	bin := buildBinary(t)
	srv := openaitest.New(t)
	srv.Script = func(openaitest.Request) openaitest.Reply {
		time.Sleep(150 * time.Millisecond)
		return openaitest.Reply{}
	}
	cache := t.TempDir()
	outs := make([]string, 2)
	var wg sync.WaitGroup
	for i := range outs {
		wg.Go(func() {
			cmd := exec.Command(bin, "summarize", "testdata/sample.mp4", "--frames-per-request", "2", "--concurrency", "2",
				"--cache-dir", cache, "--base-url", srv.BaseURL(), "--format", "json", "-q")
			cmd.Env = append(os.Environ(), "OPENAI_API_KEY=", "XDG_CONFIG_HOME="+t.TempDir())
			out, err := cmd.Output()
			if err != nil {
				t.Errorf("process %d: %v", i, err)
			}
			outs[i] = string(out)
		})
	}
	wg.Wait()
	var a, b summaryJSON
	jsonUnmarshal([]byte(outs[0]), &a)
	jsonUnmarshal([]byte(outs[1]), &b)
	paid, need := len(srv.Requests()), len(a.Chunks)+1
	t.Logf("two processes, one cache, one video: %d requests paid; one run needs %d", paid, need)
	if paid != need || a.Summary == "" || a.Summary != b.Summary || a.Usage.Requests+b.Usage.Requests != need {
		t.Errorf("%d requests paid, want %d; usage %d + %d", paid, need, a.Usage.Requests, b.Usage.Requests)
	}
}

// TestHostileServersBounded runs the real binary against servers that
// cannot be reached, fail every attempt, or answer too much: each run
// ends in bounded time and memory with one clear line and exit 1.
func TestHostileServersBounded(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	bin := buildBinary(t)
	serve := func(reply openaitest.Reply) string {
		srv := openaitest.New(t)
		srv.Script = func(openaitest.Request) openaitest.Reply { return reply }
		return srv.BaseURL()
	}
	tests := []struct {
		name, url, want string
		args            []string
	}{
		{"refused port", openaitest.RefusedURL(t), "cannot reach http://127.0.0.1:", nil},
		{"always 500", serve(openaitest.Reply{Status: 500, Body: `{"error":{"message":"boom"}}`}), "the server failed 16 attempts in a row", nil},
		{"100 MB answer", serve(openaitest.Reply{Hostile: openaitest.Hostile{HugeContent: 100 << 20}}), "larger than 8 MB", nil},
		{"gzip bomb", serve(openaitest.Reply{Hostile: openaitest.Hostile{GzipBomb: 4 << 30}}), "larger than 8 MB", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(bin, append([]string{"summarize", "testdata/sample.mp4", "--base-url", tt.url, "--no-cache", "-q", "--frames-per-request", "2"}, tt.args...)...)
			cmd.Env = append(os.Environ(), "OPENAI_API_KEY=", "XDG_CONFIG_HOME="+t.TempDir())
			var stderr strings.Builder
			cmd.Stderr = &stderr
			start := time.Now()
			cmd.Run()
			took := time.Since(start)
			rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss >> 10
			lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
			line := lines[len(lines)-1] // retries are logged as warnings before it
			t.Logf("%s: exit %d after %v, peak RSS %d MB: %s", tt.name, cmd.ProcessState.ExitCode(), took.Round(time.Millisecond), rss, line)
			if cmd.ProcessState.ExitCode() != exitFailed || !strings.HasPrefix(line, "vidskim: ") || !strings.Contains(line, tt.want) {
				t.Errorf("exit %d, stderr %q: want one line with %q", cmd.ProcessState.ExitCode(), line, tt.want)
			}
			// Bounded, not fast: alone each case ends in 2-9 s, but under
			// -race on a loaded 2-core machine the gzip bomb took 63 s.
			if rss >= 200 || took > 3*time.Minute {
				t.Errorf("peak RSS %d MB, %v", rss, took)
			}
		})
	}
}

// TestUnwritableCacheDelivers: a cache that cannot be written (a read-only
// directory; a file-size limit, which fails every entry's write as a full
// disk does; a full tmpfs where one can be mounted) is one warning, and
// the run still delivers its output from the answers it paid for.
func TestUnwritableCacheDelivers(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	bin := buildBinary(t)
	srv := openaitest.New(t)
	// A place every user can read, for the run as nobody.
	pub, err := os.MkdirTemp("", "vidskim-cache-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(pub) })
	os.Chmod(pub, 0o755)
	video := filepath.Join(pub, "sample.mp4")
	os.WriteFile(video, readFile(t, "testdata/sample.mp4"), 0o644)
	pubBin := filepath.Join(pub, "vidskim")
	os.WriteFile(pubBin, readFile(t, bin), 0o755)
	readOnly := filepath.Join(pub, "ro-cache")
	os.Mkdir(readOnly, 0o555)
	cases := []struct {
		name, cache, want string
		setup             func(*exec.Cmd)
	}{
		{"read-only directory", readOnly, "permission denied", func(c *exec.Cmd) {
			if os.Geteuid() == 0 { // root writes anywhere: run as nobody
				c.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
			}
		}},
		{"file size limit (EFBIG)", filepath.Join(pub, "fsize-cache"), "file too large", func(c *exec.Cmd) {
			c.Args = append([]string{"sh", "-c", `ulimit -f 0 && exec "$0" "$@"`}, c.Args...)
			c.Path, _ = exec.LookPath("sh")
		}},
	}
	if full := fullTmpfs(t); full != "" {
		cases = append(cases, struct {
			name, cache, want string
			setup             func(*exec.Cmd)
		}{"full tmpfs (ENOSPC)", full, "no space left on device", func(*exec.Cmd) {}})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(pubBin, "summarize", video, "--base-url", srv.BaseURL(), "--cache-dir", tc.cache, "--no-library", "-q", "--frames-per-request", "4")
			cmd.Env = append(os.Environ(), "OPENAI_API_KEY=", "XDG_CONFIG_HOME=/nonexistent")
			tc.setup(cmd)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			warnings := strings.Count(stderr.String(), "answer cache cannot be written")
			if err != nil || !strings.Contains(string(out), "# Summary of sample.mp4") || warnings != 1 || !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("%v; %d warnings; stderr %q; stdout %.60q", err, warnings, stderr.String(), out)
			}
		})
	}
}

// fullTmpfs mounts a small tmpfs and fills it, where this process may
// mount (root with CAP_SYS_ADMIN; CI in a container may not): "" when not.
func fullTmpfs(t *testing.T) string {
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=64k,mode=0777"); err != nil {
		t.Logf("no tmpfs mount here (%v): the ENOSPC case is covered by the file-size limit", err)
		return ""
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	f, _ := os.Create(filepath.Join(dir, "filler"))
	buf := make([]byte, 4096)
	for {
		if _, err := f.Write(buf); err != nil {
			break
		}
	}
	f.Close()
	return dir
}
