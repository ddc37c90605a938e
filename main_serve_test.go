package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/vidskim/vidskim/llm/openaitest"
)

// hostileNotes are notes with markup in them, which a page must show as
// text: were it markup, the script would rename the page.
func hostileNotes(labels string) string {
	return labels + ` A cat sleeps on the sofa. <script>document.title="pwned"</script><img src=x onerror="document.title='pwned'">`
}

// serveLibrary fills the test's library by real summarize runs against
// the fake server: the driveway (a van at 6 s), the cat (hostile notes),
// the sample with its transcript, offset.ts (MPEG-2 in MPEG-TS, which no
// browser plays) and camera.ts (H.264 in MPEG-TS, played from an MP4
// copy). It returns the driveway's path.
func serveLibrary(t *testing.T, srv *openaitest.Server) string {
	t.Helper()
	driveway := drivewayClip(t)
	summarizeWith(t, srv, driveway, drivewayNotes)
	summarizeWith(t, srv, catClip(t), hostileNotes)
	srv.SpeechText = func(n, i int) string { return "the narrator speaks of the test pattern" }
	summarizeWith(t, srv, "testdata/sample.mp4", func(l string) string { return l + " A test pattern, then colour bars." }, "--transcribe")
	summarizeWith(t, srv, "testdata/offset.ts", func(l string) string { return l + " A red field, then a green one." })
	camera := ffmpegTo(t, "camera.ts", "-f", "lavfi", "-i", "testsrc2=s=320x240:r=10:d=6", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-g", "10", "-f", "mpegts")
	summarizeWith(t, srv, camera, func(l string) string { return l + " A camera's test pattern." })
	return driveway
}

// TestServeInBrowser drives Debian's chromium through vidskim serve: the
// library page lists the clips with their posters; a search finds a word
// and its hit opens the right video with the player at the moment; a
// thumbnail, a transcript line and a description seek; an ask shows
// citation links that seek, the unsupported one marked; hostile model
// text stays text; a video no browser plays says so and still shows its
// frames; the exported page plays and seeks from its file; and the
// console shows no error throughout.
func TestServeInBrowser(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	b := newBrowser(t)
	srv := openaitest.New(t)
	driveway := serveLibrary(t, srv)
	srv.Script = answerScript(drivewayNotes, "The red van arrives at [00:00:06] and is still there at [00:00:09]; it leaves at [00:00:40].")
	base := startServe(t, "--base-url", srv.BaseURL())

	b.run(t, "library page", chromedp.Navigate(base), chromedp.WaitVisible(chromedp.CSS("tr.video")))
	names := eval[string](t, b, `[...document.querySelectorAll("tr.video .name")].map(a => a.textContent).join(" ")`)
	for _, want := range []string{"driveway.mp4", "cat.mp4", "sample.mp4", "offset.ts", "camera.ts"} {
		if !strings.Contains(names, want) {
			t.Errorf("the library page lists %q, not %s", names, want)
		}
	}
	b.waitFor(t, "posters", `[...document.querySelectorAll("img.poster")].every(i => i.complete && i.naturalWidth > 0)`)

	b.run(t, "search", chromedp.SendKeys(chromedp.CSS(`header input[name=q]`), "van"), chromedp.Submit(chromedp.CSS(`header input[name=q]`)),
		chromedp.WaitVisible(chromedp.CSS(".hit a")), chromedp.Click(chromedp.CSS(".hit a")), chromedp.WaitVisible(chromedp.ID("player")))
	if h1 := eval[string](t, b, `document.querySelector("h1").textContent`); h1 != "driveway.mp4" {
		t.Fatalf("the hit opened %q, not the driveway", h1)
	}
	b.seeksTo(t, "the search hit", 6)

	b.waitFor(t, "thumbnails", `[...document.querySelectorAll("img.thumb")].every(i => i.complete && i.naturalWidth > 0)`)
	b.run(t, "thumbnail", chromedp.Click(chromedp.CSS(`figure[data-t="0"] img.thumb`)))
	b.seeksTo(t, "the thumbnail at 0 s", 0)
	b.run(t, "description", chromedp.Click(chromedp.CSS(`.chunk[data-start="6"] .desc .range`)))
	b.seeksTo(t, "the description from 6 s", 6)

	b.run(t, "ask", chromedp.SendKeys(chromedp.ID("q"), "When does the van arrive?"), chromedp.Submit(chromedp.ID("q")),
		chromedp.WaitVisible(chromedp.ID("answer")), chromedp.WaitVisible(chromedp.ID("player")))
	cites := eval[[]string](t, b, `[...document.querySelectorAll("#answer .prose a.t")].map(a => a.textContent + (a.classList.contains("bad") ? " bad" : ""))`)
	if fmt.Sprint(cites) != "[[00:00:06] [00:00:09] [00:00:40] bad]" {
		t.Errorf("citation links %q", cites)
	}
	b.run(t, "citation", chromedp.Click(chromedp.CSS(`#answer .prose a.t[data-t="9"]`)))
	b.seeksTo(t, "the citation [00:00:09]", 9)
	checkLibraryAsk(t, b, srv, base)

	checkHostilePage(t, b, base)
	checkTranscriptAndNoPlay(t, b, srv, base)
	checkExport(t, b, driveway)
	b.checkNoProblems(t)
}

// openPage opens the library page and follows the link to the video
// named name.
func openPage(t *testing.T, b *browser, base, name string) {
	t.Helper()
	b.run(t, "open "+name, chromedp.Navigate(base), chromedp.WaitVisible(chromedp.CSS("tr.video")),
		chromedp.Click(chromedp.JSPath(fmt.Sprintf(`[...document.querySelectorAll("a.name")].find(a => a.textContent === %q)`, name))),
		chromedp.WaitVisible(chromedp.CSS("h1")))
}

// checkLibraryAsk: a question over the whole library cites a moment of
// one video; its link opens that video there.
func checkLibraryAsk(t *testing.T, b *browser, srv *openaitest.Server, base string) {
	numbered := regexp.MustCompile(`Video (\d+): \S*driveway\.mp4`)
	srv.Script = notesScript(drivewayNotes, func(r openaitest.Request) string {
		if m := numbered.FindStringSubmatch(strings.Join(r.Texts, "\n")); m != nil {
			return "The van arrives at [video " + m[1] + " 00:00:06]."
		}
		return "The notes name no driveway."
	})
	b.run(t, "library ask", chromedp.Navigate(base), chromedp.WaitVisible(chromedp.ID("q")),
		chromedp.SendKeys(chromedp.ID("q"), "When does the van arrive?"), chromedp.Submit(chromedp.ID("q")),
		chromedp.WaitVisible(chromedp.CSS("#answer .prose a.t")))
	if href := eval[string](t, b, `document.querySelector("#answer .prose a.t").getAttribute("href")`); !regexp.MustCompile(`^/v/[0-9a-f]{12}#t=6$`).MatchString(href) {
		t.Fatalf("the library's citation links to %q", href)
	}
	b.run(t, "library citation", chromedp.Click(chromedp.CSS("#answer .prose a.t")), chromedp.WaitVisible(chromedp.ID("player")))
	if h1 := eval[string](t, b, `document.querySelector("h1").textContent`); h1 != "driveway.mp4" {
		t.Fatalf("the citation opened %q, not the driveway", h1)
	}
	b.seeksTo(t, "the library's citation", 6)
}

func checkHostilePage(t *testing.T, b *browser, base string) {
	openPage(t, b, base, "cat.mp4")
	desc := eval[string](t, b, `document.querySelector(".desc .prose").textContent`)
	if !strings.Contains(desc, `<script>document.title="pwned"</script><img src=x onerror=`) {
		t.Errorf("the hostile notes are not shown as text: %q", desc)
	}
	if n := eval[int](t, b, `document.querySelectorAll("main script, main img:not(.thumb), [onerror]").length`); n != 0 {
		t.Errorf("%d elements of the model's markup reached the page", n)
	}
	if title := eval[string](t, b, `document.title`); strings.Contains(title, "pwned") {
		t.Error("the model's script ran")
	}
}

func checkTranscriptAndNoPlay(t *testing.T, b *browser, srv *openaitest.Server, base string) {
	openPage(t, b, base, "sample.mp4")
	b.run(t, "sample", chromedp.WaitVisible(chromedp.ID("player")), chromedp.Click(chromedp.CSS(`.chunk[data-start="8"] .desc .range`)))
	b.seeksTo(t, "the sample's notes from 8 s", 8)
	line := eval[string](t, b, `document.querySelector("ol.lines li").dataset.t`)
	b.run(t, "transcript line", chromedp.Click(chromedp.CSS("ol.lines li .range")))
	at, err := strconv.ParseFloat(line, 64)
	if err != nil {
		t.Fatalf("transcript line at %q", line)
	}
	b.seeksTo(t, "the transcript line", at)
	if shot := os.Getenv("VIDSKIM_SERVE_SCREENSHOT"); shot != "" {
		screenshotVideoPage(t, b, srv, shot)
	}

	openPage(t, b, base, "offset.ts")
	msg := eval[string](t, b, `document.getElementById("noplay").textContent`)
	if !strings.Contains(msg, "cannot play") || eval[bool](t, b, `!!document.getElementById("player")`) {
		t.Errorf("offset.ts: no word that it cannot play (%q), or a player", msg)
	}
	b.waitFor(t, "offset.ts frames", `document.querySelectorAll("img.thumb").length > 0 && [...document.querySelectorAll("img.thumb")].every(i => i.complete && i.naturalWidth > 0)`)

	openPage(t, b, base, "camera.ts")
	b.run(t, "camera.ts", chromedp.WaitVisible(chromedp.ID("player")), chromedp.Click(chromedp.CSS(`figure[data-t="4"] img.thumb`)))
	b.seeksTo(t, "camera.ts, from its MP4 copy, at 4 s", 4)
}

// screenshotVideoPage saves the README's picture of a video page: the
// sample, asked about, at a cited moment.
func screenshotVideoPage(t *testing.T, b *browser, srv *openaitest.Server, png string) {
	srv.Script = answerScript(drivewayNotes, "Colour bars fill the screen from [00:00:04] to [00:00:08]; then a yellow box crosses a blue field [00:00:09]. Nothing happens at [00:00:40]: the video ends at 12 s.")
	b.run(t, "ask the sample", chromedp.SendKeys(chromedp.ID("q"), "When do the colour bars show?"), chromedp.Submit(chromedp.ID("q")),
		chromedp.WaitVisible(chromedp.ID("answer")), chromedp.WaitVisible(chromedp.ID("player")),
		chromedp.Click(chromedp.CSS(`#answer .prose a.t[data-t="9"]`)))
	b.seeksTo(t, "the sample's citation", 9)
	b.waitFor(t, "the picture at 9 s", `(() => { const v = document.getElementById("player"); return !v.seeking && v.readyState >= 3; })()`)
	eval[any](t, b, `window.scrollTo(0, 0)`)
	shot, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err == nil {
		err = os.WriteFile(png, shot, 0o644)
	}
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
}

// checkExport: library show --format html is the same page in one file,
// its frames inline, its player reading the video file.
func checkExport(t *testing.T, b *browser, driveway string) {
	page := filepath.Join(t.TempDir(), "driveway.html")
	if code, _, stderr := vidskim(t, "library", "show", driveway, "--format", "html", "-o", page); code != 0 {
		t.Fatalf("library show --format html: exit %d: %s", code, stderr)
	}
	html := string(readFile(t, page))
	if regexp.MustCompile(`(src|href)="(/|https?:)`).MatchString(html) || !strings.Contains(html, `src="data:image/jpeg;base64,`) {
		t.Errorf("the export is not self-contained:\n%s", html)
	}
	b.run(t, "export", chromedp.Navigate("file://"+page), chromedp.WaitVisible(chromedp.ID("player")),
		chromedp.Click(chromedp.CSS(`figure[data-t="6"] img.thumb`)))
	b.seeksTo(t, "the export's thumbnail at 6 s", 6)
}

// TestServeGuards: a non-loopback address without a token (or with a
// short one) is refused; with a token, a request without it is refused
// and the printed address lets the browser in; without one, only
// loopback Host names are answered; a path outside the library is 404;
// a cross-origin POST is refused; every page has the strict policy.
func TestServeGuards(t *testing.T) {
	for _, args := range [][]string{{"--addr", "0.0.0.0:0"}, {"--addr", ":0"}, {"--addr", "0.0.0.0:0", "--token", "short"}} {
		code, _, stderr := vidskim(t, append([]string{"serve"}, args...)...)
		if code != exitUsage || !strings.Contains(stderr, "token") {
			t.Errorf("serve %v: exit %d: %s", args, code, stderr)
		}
	}
	openaitest.NeedFFmpeg(t)
	srv := openaitest.New(t)
	catPath := catClip(t)
	summarizeWith(t, srv, catPath, catNotes)
	base := startServe(t)
	get := func(path string, header ...string) *http.Response {
		req, _ := http.NewRequest("GET", base+strings.TrimPrefix(path, "/"), nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		if header != nil && header[0] == "Host" {
			req.Host = header[1]
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if r := get("/"); r.StatusCode != 200 || !strings.Contains(r.Header.Get("Content-Security-Policy"), "script-src 'self'") {
		t.Errorf("library page: %d, CSP %q", r.StatusCode, r.Header.Get("Content-Security-Policy"))
	}
	cat := absPath(t, catPath)
	for _, p := range []string{"/etc/passwd", "/v/../../etc/passwd", "/v/%2e%2e%2fetc%2fpasswd/media", "/v/" + strings.ReplaceAll(cat, "/", "%2F") + "/media",
		"/v/000000000000", "/v/000000000000/media", "/assets/../go.mod", "/assets/%2e%2e/go.mod", "/v/abc/frames/1/0"} {
		if r := get(p); r.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, r.StatusCode)
		}
	}
	if r := get("/", "Host", "evil.example:80"); r.StatusCode != http.StatusForbidden {
		t.Errorf("a foreign Host: %d, want 403", r.StatusCode)
	}
	req, _ := http.NewRequest("POST", base+"ask", strings.NewReader("q=hi"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if r, err := http.DefaultClient.Do(req); err != nil || r.StatusCode != http.StatusForbidden {
		t.Errorf("a cross-site POST: %v %v", r, err)
	}
	checkKeyStaysOut(t, srv)
	checkForget(t, base)
	checkToken(t)
}

// checkKeyStaysOut: with an API key, the pages, the ask form's answer
// and its error say nothing of it.
func checkKeyStaysOut(t *testing.T, srv *openaitest.Server) {
	const key = "sk-serve-secret-0123456789"
	srv.Script = answerScript(catNotes, "The cat sleeps from [00:00:04].")
	base := startServe(t, "--api-key", key, "--base-url", srv.BaseURL())
	code, out, _ := vidskim(t, "library", "list", "--format", "json")
	var vs []struct{ ID string }
	if err := json.Unmarshal([]byte(out), &vs); code != 0 || err != nil || len(vs) != 1 {
		t.Fatalf("library list: exit %d, %v: %s", code, err, out)
	}
	for _, req := range []struct{ method, path, form string }{
		{"GET", "", ""}, {"GET", "v/" + vs[0].ID, ""}, {"POST", "v/" + vs[0].ID + "/ask", "q=When+does+the+cat+sleep%3F"},
		{"POST", "ask", "q=Where+is+the+cat%3F&max_cost=0.0000001"}, {"GET", "search?q=cat", ""},
	} {
		r, err := http.Post(base+req.path, "application/x-www-form-urlencoded", strings.NewReader(req.form))
		if req.method == "GET" {
			r, err = http.Get(base + req.path)
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(r.Body)
		r.Body.Close()
		if r.StatusCode != 200 || strings.Contains(string(body), key) || strings.Contains(string(body), "sk-serve") {
			t.Errorf("%s /%s: %d, or the key is on the page", req.method, req.path, r.StatusCode)
		}
		if strings.Contains(req.path, "ask") && !strings.Contains(string(body), `id="answer"`) {
			t.Errorf("%s /%s: no answer section", req.method, req.path)
		}
		if strings.Contains(req.form, "max_cost") && !strings.Contains(string(body), "refusing to start") {
			t.Errorf("the page's cost cap did not hold:\n%s", body)
		}
	}
	if auth := srv.Requests()[len(srv.Requests())-1].Header.Get("Authorization"); auth != "Bearer "+key {
		t.Errorf("the question went without the key (%q)", auth)
	}
}

// checkForget: a cross-site POST forgets nothing; the app's own forgets
// the video, which is then 404.
func checkForget(t *testing.T, base string) {
	code, out, _ := vidskim(t, "library", "list", "--format", "json")
	var vs []struct{ ID string }
	if err := json.Unmarshal([]byte(out), &vs); code != 0 || err != nil || len(vs) != 1 {
		t.Fatalf("library list: exit %d, %v: %s", code, err, out)
	}
	post := func(origin string) int {
		req, _ := http.NewRequest("POST", base+"v/"+vs[0].ID+"/forget", nil)
		req.Header.Set("Origin", origin)
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		r, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		return r.StatusCode
	}
	if got := post("http://evil.example"); got != http.StatusForbidden {
		t.Errorf("a cross-site forget: %d", got)
	}
	if r, err := http.Get(base + "v/" + vs[0].ID); err != nil || r.StatusCode != 200 {
		t.Fatalf("the video went: %v %v", r, err)
	}
	if got := post(strings.TrimSuffix(base, "/")); got != http.StatusSeeOther {
		t.Errorf("forget: %d", got)
	}
	if r, err := http.Get(base + "v/" + vs[0].ID); err != nil || r.StatusCode != 404 {
		t.Errorf("the forgotten video: %v %v", r, err)
	}
	if code, out, _ := vidskim(t, "library", "list", "--format", "json"); code != 0 || strings.TrimSpace(out) != "[]" {
		t.Errorf("after forget: %s", out)
	}
}

func checkToken(t *testing.T) {
	const token = "0123456789abcdef-secret"
	base := startServe(t, "--token", token)
	if !strings.HasSuffix(base, "/?token="+token) {
		t.Fatalf("printed %s", base)
	}
	bare := strings.TrimSuffix(base, "?token="+token)
	if r, err := http.Get(bare); err != nil || r.StatusCode != http.StatusUnauthorized {
		t.Errorf("without the token: %v %v", r, err)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	if r, err := c.Get(base); err != nil || r.StatusCode != 200 || r.Request.URL.RawQuery != "" {
		t.Errorf("with the token: %v %v", r, err)
	}
	if r, err := c.Get(bare + "search?q=cat"); err != nil || r.StatusCode != 200 {
		t.Errorf("with the cookie: %v %v", r, err)
	}
}
