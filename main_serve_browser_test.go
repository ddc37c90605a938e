package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// needChromium is Debian's chromium, which the browser tests drive. It
// skips the test where chromium is missing, except in CI (CI set), where
// .ci/run installs it and a missing browser is a failure.
func needChromium(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("chromium is not installed, and CI runs the browser tests: .ci/run installs it with apt-get")
		}
		t.Skip("chromium is not installed: the browser tests are skipped (make deps, or apt-get install chromium)")
	}
	return p
}

// lockedBuffer is a buffer a server goroutine writes while a test reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var servingAt = regexp.MustCompile(`at (http://\S+)`)

// startServe runs vidskim serve in-process on a free loopback port (with
// the environment the test's earlier vidskim calls set: its library, its
// cache) until the test ends, and returns the address it printed.
func startServe(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	stderr := &lockedBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"vidskim", "serve", "--addr", "127.0.0.1:0"}, args...), pw, stderr)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	m := servingAt.FindStringSubmatch(line)
	if err != nil || m == nil {
		cancel()
		t.Fatalf("serve did not start (%v): %q %s", err, line, stderr)
	}
	go io.Copy(io.Discard, pr)
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("serve exited %d: %s", code, stderr)
		}
	})
	return m[1]
}

// browser is headless chromium under chromedp, with every console
// error, uncaught exception and browser-log error (a failed load, a
// refused script) collected in problems.
type browser struct {
	ctx      context.Context
	mu       sync.Mutex
	problems []string
}

func newBrowser(t *testing.T) *browser {
	bin := needChromium(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(bin), chromedp.NoSandbox, chromedp.Headless,
		chromedp.DisableGPU, chromedp.WindowSize(1400, 1000), chromedp.UserDataDir(t.TempDir()))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	b := &browser{ctx: ctx}
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		cancelC()
		cancelA()
		t.Fatalf("chromium did not start: %v", err)
	}
	messages := chromedp.Console(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				b.mu.Lock()
				b.problems = append(b.problems, fmt.Sprintf("%s (%s)", m, m.URL))
				b.mu.Unlock()
			}
		}
	}()
	t.Cleanup(func() { cancelC(); cancelA(); <-done })
	// The listener must hear an error, or its silence proves nothing.
	b.run(t, "console probe", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Evaluate[any](`console.error("probe")`)(ctx, tg)
		return err
	}))
	deadline := time.Now().Add(5 * time.Second)
	for len(b.take()) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the console listener heard nothing of console.error")
		}
		time.Sleep(20 * time.Millisecond)
	}
	return b
}

// take returns and forgets the problems so far.
func (b *browser) take() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	p := b.problems
	b.problems = nil
	return p
}

// run runs steps, failing the test with what step says on error.
func (b *browser) run(t *testing.T, step string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", step, err)
	}
}

// eval evaluates a JavaScript expression on the page.
func eval[T any](t *testing.T, b *browser, expr string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// waitFor waits until a JavaScript expression is true.
func (b *browser) waitFor(t *testing.T, step, expr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(15*time.Second))); err != nil {
		t.Fatalf("%s: %s never held: %v", step, expr, err)
	}
}

// seeksTo waits until the player is within half a second of want.
func (b *browser) seeksTo(t *testing.T, step string, want float64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	expr := fmt.Sprintf(`(() => { const v = document.getElementById("player"); return !!v && v.readyState >= 1 && Math.abs(v.currentTime - %g) < 0.5; })()`, want)
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(15*time.Second))); err != nil {
		now := eval[float64](t, b, `document.getElementById("player") ? document.getElementById("player").currentTime : -1`)
		t.Fatalf("%s: the player is at %.2f s, want %.2f s (%v)", step, now, want, err)
	}
}

func (b *browser) checkNoProblems(t *testing.T) {
	t.Helper()
	for _, p := range b.take() {
		t.Errorf("browser console: %s", p)
	}
}
