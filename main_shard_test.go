package main

import (
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/vidskim/vidskim/llm/openaitest"
)

// dumpLibrary is what a library holds, as text, without what differs
// between two runs of the same work (row IDs, times): videos, where they
// were seen, runs with every column, chunks, frames, transcripts, scripts,
// failed and unfinished parts, and cache keys, each by video fingerprint.
func dumpLibrary(t *testing.T, path string) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	run := `(SELECT v.fingerprint || ' ' || r.settings_key FROM runs r JOIN videos v ON v.id = r.video_id WHERE r.id = x.run_id)`
	queries := []string{
		`SELECT fingerprint, size, duration_s, width, height, codec, probe FROM videos`,
		`SELECT v.fingerprint, p.path FROM video_paths p JOIN videos v ON v.id = p.video_id`,
		`SELECT v.fingerprint, r.settings_key, r.settings, r.status, r.error, r.input_path, r.duration_s, r.width, r.height, r.codec, r.model, r.detail,
			r.mode, r.frames_sampled, r.frames_kept, r.frames_dropped, r.requests, r.prompt_tokens, r.completion_tokens, r.cached_answers, r.cost_usd,
			r.saved_usd, r.partial, r.summary, r.warnings, r.estimate, r.chunk_count FROM runs r JOIN videos v ON v.id = r.video_id`,
		`SELECT ` + run + `, seq, start_s, end_s, description, finish_reason FROM chunks x`,
		`SELECT ` + run + `, chunk_seq, seq, time_s FROM frames x`,
		`SELECT ` + run + `, seq, start_s, end_s, text FROM transcript_segments x`,
		`SELECT ` + run + `, seq, start_s, end_s, text FROM script_cues x`,
		`SELECT ` + run + `, seq, start_s, end_s, error FROM failed_ranges x`,
		`SELECT ` + run + `, seq, part, reason FROM incomplete_parts x`,
		`SELECT ` + run + `, key FROM cache_keys x`,
	}
	var lines []string
	for _, q := range queries {
		rs, err := db.Query(q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		cols, _ := rs.Columns()
		for rs.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			rs.Scan(ptrs...)
			lines = append(lines, fmt.Sprint(vals...))
		}
		rs.Close()
	}
	sortStrings(lines)
	return strings.Join(lines, "\n")
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// TestShards: three processes run at once over one directory of six
// videos, --shard 0/3, 1/3 and 2/3, into one --out-dir. Every video is
// summarized by exactly one of them (its report line, the outputs, the
// requests the fake saw: as many as one process over all of them made),
// the outputs are a single run's, and the library imported from the
// shards' run records equals the single run's library; imported again, it
// adds nothing.
func TestShards(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	bin := buildBinary(t)
	clips := []string{"sample.mp4", "scenes.mp4", "counter.mp4", "event.mp4", "fade.mp4", "pan.mp4"}
	dir := videoDir(t, clips...)
	tmp := t.TempDir()
	common := []string{"summarize", dir, "--format", "json", "--frames-per-request", "4"}
	env := append(os.Environ(), "OPENAI_API_KEY=")

	one := openaitest.New(t)
	single := exec.Command(bin, append(common, "--base-url", one.BaseURL(), "--out-dir", filepath.Join(tmp, "single"),
		"--library", filepath.Join(tmp, "single.db"), "--cache-dir", filepath.Join(tmp, "cache-single"), "-q")...)
	single.Env = env
	if b, err := single.CombinedOutput(); err != nil {
		t.Fatalf("single run: %v\n%s", err, b)
	}

	srv := openaitest.New(t)
	out := filepath.Join(tmp, "out")
	stderrs := make([]string, 3)
	var wg sync.WaitGroup
	for i := range 3 {
		wg.Go(func() {
			cmd := exec.Command(bin, append(common, "--base-url", srv.BaseURL(), "--out-dir", out, "--shard", fmt.Sprintf("%d/3", i),
				"--library", filepath.Join(tmp, fmt.Sprintf("shard-%d.db", i)), "--cache-dir", filepath.Join(tmp, "cache-shards"))...)
			cmd.Env = env
			b, err := cmd.CombinedOutput()
			if err != nil {
				t.Errorf("shard %d/3: %v\n%s", i, err, b)
			}
			stderrs[i] = string(b)
		})
	}
	wg.Wait()
	okLine := regexp.MustCompile(`(?m)^ok +(\S+): `)
	seen := map[string]int{}
	shares := 0
	for i, s := range stderrs {
		for _, m := range okLine.FindAllStringSubmatch(s, -1) {
			seen[filepath.Base(m[1])]++
		}
		var k, n int
		if _, err := fmt.Sscanf(s[strings.Index(s, "shard "):], fmt.Sprintf("shard %d/3: %%d of %%d inputs", i), &k, &n); err != nil || n != len(clips) {
			t.Errorf("shard %d says %q", i, s)
		}
		shares += k
	}
	for _, c := range clips {
		if seen[c] != 1 {
			t.Errorf("%s summarized by %d shards, want 1", c, seen[c])
		}
		if a, b := readFile(t, filepath.Join(tmp, "single", strings.TrimSuffix(c, ".mp4")+".json")), readFile(t, filepath.Join(out, strings.TrimSuffix(c, ".mp4")+".json")); string(a) != string(b) {
			t.Errorf("%s: the shard's output differs from the single run's", c)
		}
	}
	if shares != len(clips) || len(srv.Requests()) != len(one.Requests()) {
		t.Errorf("the shards took %d videos of %d and made %d requests; one process made %d", shares, len(clips), len(srv.Requests()), len(one.Requests()))
	}

	imported := filepath.Join(tmp, "imported.db")
	code, stdout, stderr := vidskim(t, "library", "import", out, "--library", imported)
	if code != 0 || !strings.Contains(stdout, "imported 6 runs from 6 record files (0 were") {
		t.Fatalf("library import: exit %d: %s%s", code, stdout, stderr)
	}
	if got, want := dumpLibrary(t, imported), dumpLibrary(t, filepath.Join(tmp, "single.db")); got != want || len(want) < 1000 {
		t.Errorf("the imported library differs from the single run's:\n%s\n---\n%s", got, want)
	}
	if code, stdout, _ := vidskim(t, "library", "import", out, "--library", imported); code != 0 || !strings.Contains(stdout, "imported 0 runs from 6 record files (6 were") {
		t.Errorf("imported again: %s", stdout)
	}
}

// TestShardOf: the flags, the index from JOB_COMPLETION_INDEX, the
// partition (every input in exactly one shard, by content: a copy goes
// where its original goes) and each shard's part of the pacing limits.
func TestShardOf(t *testing.T) {
	for _, tc := range []struct {
		args []string
		env  string
		want string // "" for a run, or the error
	}{
		{[]string{"--shard", "2/4"}, "", ""},
		{[]string{"--shards", "4"}, "3", ""},
		{[]string{"--shard", "4/4"}, "", "0 <= I < N"},
		{[]string{"--shard", "x"}, "", "must be I/N"},
		{[]string{"--shards", "4"}, "", "JOB_COMPLETION_INDEX"},
		{[]string{"--shards", "4"}, "9", "JOB_COMPLETION_INDEX"},
		{[]string{"--shard", "0/2", "--shards", "2"}, "0", "give one"},
	} {
		t.Setenv("JOB_COMPLETION_INDEX", tc.env)
		code, _, stderr := vidskim(t, append([]string{"summarize", "testdata/sample.mp4", "--base-url", "http://127.0.0.1:1/v1", "--out-dir", t.TempDir(), "-q"}, tc.args...)...)
		if tc.want == "" && code == exitUsage || tc.want != "" && (code != exitUsage || !strings.Contains(stderr, tc.want)) {
			t.Errorf("%v with JOB_COMPLETION_INDEX=%q: exit %d: %s", tc.args, tc.env, code, stderr)
		}
	}
	dir := videoDir(t, "sample.mp4", "scenes.mp4", "counter.mp4", "event.mp4")
	os.WriteFile(filepath.Join(dir, "copy.mp4"), readFile(t, "testdata/sample.mp4"), 0o644)
	count := map[string]int{}
	for i := range 3 {
		for _, name := range []string{"sample.mp4", "scenes.mp4", "counter.mp4", "event.mp4", "copy.mp4"} {
			if shardIndex(input{name: filepath.Join(dir, name)}, 3) == i {
				count[name]++
			}
		}
	}
	for name, n := range count {
		if n != 1 {
			t.Errorf("%s in %d shards", name, n)
		}
	}
	if shardIndex(input{name: filepath.Join(dir, "copy.mp4")}, 3) != shardIndex(input{name: filepath.Join(dir, "sample.mp4")}, 3) {
		t.Error("a copy of a video went to another shard than the video")
	}
	if share(600, 4) != 150 || share(3, 4) != 1 || share(0, 4) != 0 {
		t.Errorf("shares of the limits: %d %d %d", share(600, 4), share(3, 4), share(0, 4))
	}
}
