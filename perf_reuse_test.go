package main

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/vidskim/vidskim/llm/openaitest"
)

// BenchmarkGoal9SummarizeAfterPlan: `vidskim summarize` after `vidskim
// plan` on the 10-minute clip, end to end against the fake server
// answering at once: with the plan's kept frames in the library (only
// they are decoded again) against the same command with --no-library
// (which samples and selects the whole video again). Requests, JPEGs,
// the probe and the preflight are the same in both, so this ratio is
// above the decode's own (BenchmarkGoal9PicturesAfterPlan's, the goal's
// figure); it shows what a user waits.
func BenchmarkGoal9SummarizeAfterPlan(b *testing.B) {
	openaitest.NeedFFmpeg(b)
	bin := buildBinary(b)
	clip := tenMinutes(b)
	srv := openaitest.New(b)
	lib := filepath.Join(b.TempDir(), "library.db")
	defer func(n int) { benchRuns = n }(benchRuns)
	benchRuns = 3 // each run decodes 10 minutes of 720p: three are enough for a reference figure
	for range b.N {
		if out, err := exec.Command(bin, "plan", clip, "--library", lib, "-q").CombinedOutput(); err != nil {
			b.Fatalf("plan: %v\n%s", err, out)
		}
		run := func(flags ...string) []string {
			return append([]string{bin, "summarize", clip, "--base-url", srv.BaseURL(), "--no-cache", "--format", "json", "-q"}, flags...)
		}
		m := medians(b, [][]string{run("--no-library"), run("--library", lib)})
		r := float64(m[1]) / float64(m[0])
		line := fmt.Sprintf("issue 18, summarize after plan, end to end (for reference; no goal): with the plan's frames / selecting again = %.3f (%.2fs / %.2fs)",
			r, m[1].Seconds(), m[0].Seconds())
		b.Log(line)
		verdicts = append(verdicts, fmt.Sprintf("%-8s| %s", "INFO", line))
	}
}
