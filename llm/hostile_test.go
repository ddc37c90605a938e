package llm

import (
	"errors"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vidskim/vidskim/llm/openaitest"
)

const secretKey = "sk-hostile-0123456789SECRET"

func hostileClient(s *openaitest.Server, retries int, timeout time.Duration) *Client {
	c := New(Config{BaseURL: s.BaseURL(), Key: secretKey, MaxRetries: retries, Timeout: timeout,
		MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond})
	return c
}

// TestRedirectsNeverFollowed: a request is never sent on to the address a
// redirect names, with or without a change of scheme; the error says where
// the server pointed, without user-info, and stops the run.
func TestRedirectsNeverFollowed(t *testing.T) {
	evil := openaitest.New(t)
	for _, status := range []int{301, 302, 307, 308} {
		srv := openaitest.New(t)
		target := strings.Replace(evil.BaseURL(), "http://", "http://thief:pw@", 1) + "/chat/completions"
		srv.Script = func(openaitest.Request) openaitest.Reply {
			return openaitest.Reply{Status: status, Header: map[string]string{"Location": target}}
		}
		_, err := hostileClient(srv, 5, time.Second).Chat(t.Context(), imageRequest(t))
		var re *RedirectError
		if !errors.As(err, &re) || ActionOf(err, 2) != Stop || !strings.Contains(err.Error(), "***@127.0.0.1") || strings.Contains(err.Error(), "thief") {
			t.Errorf("%d: error %v, want a redirect refusal naming the target without its user-info", status, err)
		}
		if n := len(srv.Requests()); n != 1 {
			t.Errorf("%d: %d requests at the server, want 1 (never retried)", status, n)
		}
	}
	if n := len(evil.Requests()); n != 0 {
		t.Errorf("the redirect target received %d requests, with the key", n)
	}
}

// TestEchoedKeyNeverShown: a server that echoes the credentials it got, in
// an error or in its answer, never gets the key printed.
func TestEchoedKeyNeverShown(t *testing.T) {
	tests := []struct {
		name  string
		reply openaitest.Reply
	}{
		{"401 echo", openaitest.Reply{Status: 401, Body: `{"error":{"message":"bad credentials: {key}"}}`}},
		{"html echo", openaitest.Reply{Status: 403, Header: map[string]string{"Content-Type": "text/html"}, Body: "<p>denied for {key} at https://u:p@host/</p>"}},
		{"answer echo", openaitest.Reply{Content: "you sent {key}"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := openaitest.New(t)
			tt.reply.Echo = true
			srv.Script = func(openaitest.Request) openaitest.Reply { return tt.reply }
			a, err := hostileClient(srv, 0, time.Second).Chat(t.Context(), imageRequest(t))
			shown := a.Text + " " + errString(err)
			if strings.Contains(shown, secretKey) || strings.Contains(shown, "u:p@") || !strings.Contains(shown, "[redacted]") {
				t.Errorf("shown: %q", shown)
			}
		})
	}
	// Retries are logged: the log lines must not hold it either.
	srv := openaitest.New(t)
	srv.Script = func(openaitest.Request) openaitest.Reply {
		return openaitest.Reply{Status: 500, Body: `{"error":{"message":"Authorization: {key}"}}`, Hostile: openaitest.Hostile{Echo: true}}
	}
	var logged []string
	c := New(Config{BaseURL: srv.BaseURL(), Key: secretKey, MaxRetries: 2, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond,
		OnRetry: func(_, _ int, _ time.Duration, err error) { logged = append(logged, err.Error()) }})
	_, err := c.Chat(t.Context(), imageRequest(t))
	if all := strings.Join(append(logged, errString(err)), "\n"); strings.Contains(all, secretKey) || len(logged) != 2 {
		t.Errorf("retry log and error: %q", all)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// TestBadBodiesAreTransient: a body cut mid-way, one slower than the
// timeout, invalid JSON and an HTML page with status 200 are each retried
// like a 5xx; without retries the message says what happened and claims
// no retries.
func TestBadBodiesAreTransient(t *testing.T) {
	tests := []struct {
		name  string
		bad   openaitest.Reply
		wantE string
	}{
		{"cut mid-way", openaitest.Reply{Hostile: openaitest.Hostile{CutAfter: 40}}, "cut off mid-way"},
		{"cut gzip", openaitest.Reply{Hostile: openaitest.Hostile{CutAfter: 30, Gzip: true}}, "cut off mid-way"},
		{"slow body", openaitest.Reply{Hostile: openaitest.Hostile{Stall: 5 * time.Second}}, "no whole answer within"},
		{"invalid json", openaitest.Reply{Body: `{"choices": [`, Header: map[string]string{"Content-Type": "application/json"}, Hostile: openaitest.Hostile{Raw: true}}, "not valid JSON"},
		{"html 200", openaitest.Reply{Body: "<html><head><title>Sign in to the Wi-Fi</title></head></html>", Hostile: openaitest.Hostile{Raw: true}}, "HTML page with status 200"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := openaitest.New(t)
			srv.Script = func(r openaitest.Request) openaitest.Reply {
				if r.N == 1 {
					return tt.bad
				}
				return openaitest.Reply{}
			}
			a, err := hostileClient(srv, 2, 300*time.Millisecond).Chat(t.Context(), imageRequest(t))
			if err != nil || !strings.HasPrefix(a.Text, "Saw 1 frames") || len(srv.Requests()) != 2 {
				t.Fatalf("answer %q, err %v, %d requests: want one retry and the answer", a.Text, err, len(srv.Requests()))
			}
			once := openaitest.New(t)
			once.Script = func(openaitest.Request) openaitest.Reply { return tt.bad }
			_, err = hostileClient(once, 0, 300*time.Millisecond).Chat(t.Context(), imageRequest(t))
			if err == nil || !strings.Contains(err.Error(), tt.wantE) || strings.Contains(err.Error(), "retries") || strings.Contains(err.Error(), "attempts") {
				t.Errorf("no retries allowed: error %v, want %q and no word of retries", err, tt.wantE)
			}
		})
	}
}

// TestAttemptsCounted: the final error of a retried request says how many
// attempts were made.
func TestAttemptsCounted(t *testing.T) {
	srv := openaitest.New(t)
	srv.Script = func(openaitest.Request) openaitest.Reply {
		return openaitest.Reply{Status: 503, Body: `{"error":{"message":"overloaded"}}`}
	}
	_, err := hostileClient(srv, 2, time.Second).Chat(t.Context(), imageRequest(t))
	var api *APIError
	if !errors.As(err, &api) || api.Status != 503 || !strings.HasSuffix(err.Error(), "(after 3 attempts)") || ActionOf(err, 1) != Fail {
		t.Errorf("error %v", err)
	}
}

// TestHugeBodies: a 100 MB answer and a gzip bomb are refused, not
// retried, and never held in memory.
func TestHugeBodies(t *testing.T) {
	for _, h := range []openaitest.Hostile{{HugeContent: 100 << 20}, {GzipBomb: 2 << 30}} {
		srv := openaitest.New(t)
		srv.Script = func(openaitest.Request) openaitest.Reply { return openaitest.Reply{Hostile: h} }
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := hostileClient(srv, 3, 30*time.Second).Chat(t.Context(), imageRequest(t))
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		var tl *TooLargeError
		if !errors.As(err, &tl) || ActionOf(err, 1) != Fail || len(srv.Requests()) != 1 {
			t.Errorf("%+v: error %v after %d requests, want one refused answer", h, err, len(srv.Requests()))
		}
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 200<<20 {
			t.Errorf("%+v: %d MB allocated reading it", h, grew>>20)
		}
	}
}

// TestUnreachableFailsFast: connection refused, an unknown host and a TLS
// failure on the first request stop at once, naming the base URL and the
// cause, whatever the retries allowed.
func TestUnreachableFailsFast(t *testing.T) {
	tlsSrv := httptest.NewTLSServer(nil) // a certificate nobody trusts
	defer tlsSrv.Close()
	plain := openaitest.New(t)
	tests := []struct{ name, url, want string }{
		{"refused", openaitest.RefusedURL(t), "connection refused"},
		{"no such host", "http://no-such-host.invalid/v1", "DNS lookup of no-such-host.invalid failed"},
		{"untrusted certificate", tlsSrv.URL + "/v1", "TLS certificate not accepted"},
		{"plain http", strings.Replace(plain.BaseURL(), "http:", "https:", 1), "TLS handshake failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New(Config{BaseURL: tt.url, Key: secretKey, MaxRetries: 6, Timeout: time.Minute})
			start := time.Now()
			_, err := c.Chat(t.Context(), imageRequest(t))
			took := time.Since(start)
			var ce *ConnectError
			if !errors.As(err, &ce) || ActionOf(err, 1) != Stop || !strings.Contains(err.Error(), "cannot reach "+tt.url) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one that names %s and says %q", err, tt.url, tt.want)
			}
			if took > 10*time.Second {
				t.Errorf("took %v to fail", took)
			}
		})
	}
}

// TestServerDownStopsEverything: a server failing every attempt stops all
// requests once the failures in a row pass the limit.
func TestServerDownStopsEverything(t *testing.T) {
	srv := openaitest.New(t)
	srv.Script = func(openaitest.Request) openaitest.Reply { return openaitest.Reply{Status: 500, Body: "oops"} }
	c := New(Config{BaseURL: srv.BaseURL(), MaxRetries: 6, MaxFailures: 8, MinBackoff: 10 * time.Millisecond, MaxBackoff: 20 * time.Millisecond})
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() { _, errs[i] = c.Chat(t.Context(), imageRequest(t)) })
	}
	wg.Wait()
	for _, err := range errs {
		var sd *ServerDownError
		if !errors.As(err, &sd) || ActionOf(err, 1) != Stop {
			t.Errorf("error %v, want the server declared down", err)
		}
	}
	if n := len(srv.Requests()); n > 8+4 {
		t.Errorf("%d attempts, want at most the limit of 8 plus those in flight", n)
	}
	if _, err := c.Chat(t.Context(), imageRequest(t)); !strings.Contains(errString(err), "failed 8 attempts in a row") {
		t.Errorf("a later request: %v", err)
	}
}

// TestRetryAfterCapped: a server asking for five minutes gets that
// request's failure at once, not a silent stall; and a request's retries
// stop when its time is spent.
func TestRetryAfterCapped(t *testing.T) {
	srv := openaitest.New(t)
	srv.Script = func(openaitest.Request) openaitest.Reply {
		return openaitest.Reply{Status: 429, Header: map[string]string{"Retry-After": "300"}, Body: `{"error":{"message":"slow down"}}`}
	}
	start := time.Now()
	_, err := hostileClient(srv, 6, time.Second).Chat(t.Context(), imageRequest(t))
	var wt *WaitTooLongError
	if !errors.As(err, &wt) || ActionOf(err, 1) != Fail || time.Since(start) > 10*time.Second || !strings.Contains(err.Error(), "retry after 5m0s") {
		t.Errorf("error %v after %v", err, time.Since(start))
	}
	slow := openaitest.New(t)
	slow.Script = func(openaitest.Request) openaitest.Reply { return openaitest.Reply{Status: 502} }
	c := New(Config{BaseURL: slow.BaseURL(), MaxRetries: 100, RequestBudget: 300 * time.Millisecond,
		MinBackoff: 40 * time.Millisecond, MaxBackoff: 40 * time.Millisecond, MaxFailures: 1000})
	_, err = c.Chat(t.Context(), imageRequest(t))
	var ae *AttemptsError
	if !errors.As(err, &ae) || ae.OutOfTime == 0 || ae.Attempts >= 100 {
		t.Errorf("error %v, want the request's time spent", err)
	}
}
