package summarize

import (
	"fmt"
	"testing"

	"github.com/vidskim/vidskim/chunk"
	"github.com/vidskim/vidskim/dedupe"
	"github.com/vidskim/vidskim/llm/openaitest"
)

// chunkTimes is every frame time of res, in order.
func chunkTimes(res Result) []float64 {
	var ts []float64
	for _, c := range res.Chunks {
		ts = append(ts, c.FrameTimes...)
	}
	return ts
}

// TestReuse: given an earlier selection's times, a run sends exactly
// those frames and reports the earlier counts; given times that match no
// picture (a replaced file), it sends the frames a whole selection keeps,
// each once, and does not fail.
func TestReuse(t *testing.T) {
	v := probeSample(t)
	cfg := Config{Dedupe: dedupe.Options{Threshold: dedupe.DefaultThreshold}, Chunk: chunk.Options{FramesPerRequest: 4}}
	whole, err := Run(t.Context(), newClient(openaitest.New(t)), v, cfg, quiet)
	if err != nil {
		t.Fatal(err)
	}
	times := chunkTimes(whole)
	if len(times) < 3 {
		t.Fatalf("only %d kept frames on the sample", len(times))
	}
	cases := []struct {
		name  string
		reuse Reuse
		want  []float64
	}{
		{"the same selection", Reuse{Times: times, Sampled: whole.Frames.Sampled, Last: times[len(times)-1]}, times},
		{"a subset", Reuse{Times: []float64{times[0], times[2]}, Sampled: 7}, []float64{times[0], times[2]}},
		{"a stale selection", Reuse{Times: []float64{times[0], times[1] + 0.37}, Sampled: 7}, times},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := cfg
			cfg.Reuse = &c.reuse
			res, err := Run(t.Context(), newClient(openaitest.New(t)), v, cfg, quiet)
			if err != nil {
				t.Fatal(err)
			}
			if got := chunkTimes(res); fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("sent %v, want %v", got, c.want)
			}
			if c.name != "a stale selection" && (res.Frames.Sampled != c.reuse.Sampled || res.Frames.Kept != len(c.want)) {
				t.Errorf("frames %+v, want the earlier selection's", res.Frames)
			}
		})
	}
}
