package main

// The performance goals of issue 15 (many videos, the library), measured
// side by side in one run like the others (`make bench`; inputs generated
// into .bench/ on first use).

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vidskim/vidskim/llm/openaitest"
)

// BenchmarkGoal7Batch: ten videos in one run with --jobs (the default:
// the cores, at least 2) against the same ten one after another, each its
// own process, against a server answering at once and one answering each
// request after 1 s (as a real model does, and slower).
func BenchmarkGoal7Batch(b *testing.B) {
	openaitest.NeedFFmpeg(b)
	bin := buildBinary(b)
	dir := filepath.Join(benchDir, "batch10")
	os.MkdirAll(dir, 0o755)
	var clips []string
	for i := range 10 {
		name := fmt.Sprintf("batch10/clip%02d.mp4", i)
		clips = append(clips, benchClip(b, name, "-f", "lavfi", "-i", fmt.Sprintf("testsrc2=s=640x360:r=30:d=%d", 20+i),
			"-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p"))
	}
	for _, delay := range []time.Duration{0, time.Second} {
		srv := openaitest.New(b)
		srv.Script = func(openaitest.Request) openaitest.Reply {
			time.Sleep(delay)
			return openaitest.Reply{}
		}
		url := srv.BaseURL()
		out := b.TempDir()
		common := []string{"--base-url", url, "--no-cache", "--no-library", "-q"}
		batch := append([]string{bin, "summarize", dir, "--out-dir", out}, common...)
		loop := "for f in " + strings.Join(clips, " ") + `; do "$0" summarize "$f" -o "$1/$(basename "$f").md" ` + strings.Join(common, " ") + " || exit 1; done"
		one := []string{"sh", "-c", loop, bin, out}
		for range b.N {
			m := medians(b, [][]string{batch, one})
			r := float64(m[0]) / float64(m[1])
			b.ReportMetric(r, fmt.Sprintf("batch_ratio_delay%ds", int(delay.Seconds())))
			verdict(b, fmt.Sprintf("goal 7, server answering after %v: 10 videos in one run / one after another = %.2f (%.2fs / %.2fs), goal < 1",
				delay, r, m[0].Seconds(), m[1].Seconds()), r < 1, "",
				"vidskim summarize .bench/batch10 --out-dir OUT --no-cache --no-library -q", "for f in .bench/batch10/*.mp4; do vidskim summarize $f -o OUT/$f.md --no-cache --no-library -q; done")
		}
	}
}

// BenchmarkGoal8Library: the same 45-minute video summarized again with
// the same settings is rendered from the library: no decode, no request.
// Beside it, its first run and a re-run with every answer cached but no
// library (decoding again), against a server answering at once.
func BenchmarkGoal8Library(b *testing.B) {
	openaitest.NeedFFmpeg(b)
	bin := buildBinary(b)
	long := benchClip(b, "long_45min_360p.mp4", "-f", "lavfi", "-i", "testsrc2=s=640x360:r=30:d=2700",
		"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p")
	srv := openaitest.New(b)
	url := srv.BaseURL()
	for range b.N {
		lib, cache := filepath.Join(b.TempDir(), "library.db"), b.TempDir()
		args := []string{"summarize", long, "--base-url", url, "--library", lib, "--cache-dir", cache, "--format", "json", "-q"}
		first, _ := timed(b, bin, args...)
		requests := len(srv.Requests())
		cached, _ := timed(b, bin, append(args, "--no-library")...)
		served := medians(b, [][]string{append([]string{bin}, args...)})[0]
		if n := len(srv.Requests()) - requests; n != 0 {
			b.Fatalf("the re-runs made %d requests", n)
		}
		b.ReportMetric(served.Seconds(), "library_s")
		b.ReportMetric(served.Seconds()/first.Seconds(), "library_over_first")
		verdict(b, fmt.Sprintf("goal 8, 45-minute video (%d requests): first run %.1fs, again with every answer cached but no library %.1fs, from the library %.3fs (%.4f of the first), goal < 1 s",
			requests, first.Seconds(), cached.Seconds(), served.Seconds(), served.Seconds()/first.Seconds()), served < time.Second, "",
			"vidskim summarize "+long+" --library L --cache-dir C --format json -q   (first run, then the same again)",
			"vidskim summarize "+long+" --library L --cache-dir C --format json -q --no-library   (answers cached, decoded again)")
	}
}
