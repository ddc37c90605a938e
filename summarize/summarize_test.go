package summarize

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vidskim/vidskim/chunk"
	"github.com/vidskim/vidskim/dedupe"
	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/llm"
	"github.com/vidskim/vidskim/llm/openaitest"
)

func newClient(s *openaitest.Server) Client {
	return llm.New(llm.Config{BaseURL: s.BaseURL(), Key: "test-key"})
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func probeSample(t *testing.T) extract.Video {
	t.Helper()
	openaitest.NeedFFmpeg(t)
	v, err := extract.Probe(t.Context(), filepath.Join("..", "testdata", "sample.mp4"), "")
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestRunEndToEnd runs the real pipeline on sample.mp4 against the strict
// fake server and checks that every kept frame reached the model once, in
// time order, labelled with its own time.
func TestRunEndToEnd(t *testing.T) {
	v := probeSample(t)
	tests := []struct {
		name   string
		cfg    Config
		detail string
	}{
		{"low detail, 4 a request", Config{Dedupe: dedupe.Options{Threshold: dedupe.DefaultThreshold}, Chunk: chunk.Options{FramesPerRequest: 4}}, "low"},
		{"high detail, every frame", Config{Extract: extract.Options{MaxLong: 2000, MaxShort: 768}, Chunk: chunk.Options{FramesPerRequest: 10}, Model: Options{Detail: chunk.High}}, "high"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := openaitest.New(t)
			srv.MaxImages = tt.cfg.Chunk.FramesPerRequest
			res, err := Run(t.Context(), newClient(srv), v, tt.cfg, quiet)
			if err != nil {
				t.Fatal(err)
			}
			reqs := srv.Requests()
			if len(reqs) != len(res.Chunks)+1 || res.Usage.Requests != len(reqs) {
				t.Fatalf("%d requests, %d chunks, usage says %d", len(reqs), len(res.Chunks), res.Usage.Requests)
			}
			wantChunks := int(math.Ceil(float64(res.Frames.Kept) / float64(tt.cfg.Chunk.FramesPerRequest)))
			if len(res.Chunks) != wantChunks {
				t.Errorf("%d chunks for %d kept frames", len(res.Chunks), res.Frames.Kept)
			}
			var sent []string
			chunkReqs := reqs[:len(reqs)-1]
			sort.SliceStable(chunkReqs, func(i, j int) bool { return chunkReqs[i].Images[0].Label < chunkReqs[j].Images[0].Label })
			for _, r := range chunkReqs {
				for _, im := range r.Images {
					sent = append(sent, im.Label)
					if im.Detail != tt.detail {
						t.Errorf("detail %q", im.Detail)
					}
				}
			}
			var want []string
			prev := -1.0
			for _, c := range res.Chunks {
				if c.Start < prev || c.End < c.Start {
					t.Errorf("chunk %v-%v out of order", c.Start, c.End)
				}
				prev = c.Start
				if !strings.HasPrefix(c.Description, fmt.Sprintf("Saw %d frames", len(c.FrameTimes))) {
					t.Errorf("description %q does not match its %d frames", c.Description, len(c.FrameTimes))
				}
				for _, ft := range c.FrameTimes {
					want = append(want, "["+extract.Clock(ft)+"]")
				}
			}
			if strings.Join(sent, " ") != strings.Join(want, " ") {
				t.Errorf("labels sent %v, want %v ", sent, want)
			}
			if len(want) != res.Frames.Kept || res.Frames.Kept == 0 || res.Frames.Sampled < res.Frames.Kept {
				t.Errorf("frames %+v, %d sent", res.Frames, len(want))
			}
			merge := reqs[len(reqs)-1]
			if len(merge.Images) != 0 || !strings.Contains(strings.Join(merge.Texts, "\n"), res.Chunks[0].Description) {
				t.Errorf("merge request does not carry the notes: %v", merge.Texts)
			}
			if !strings.HasPrefix(res.Summary, "Summary of") {
				t.Errorf("summary %q", res.Summary)
			}
			if last := res.Chunks[len(res.Chunks)-1]; last.End != 12 {
				t.Errorf("last chunk ends at %v, want the video's end", last.End)
			}
		})
	}
}

// TestDescribeStreams shows that a request goes out as soon as its chunk
// exists, before the chunk channel is closed, and that no more than
// Concurrency requests are in flight at once.
func TestDescribeStreams(t *testing.T) {
	srv := openaitest.New(t)
	var inflight, peak atomic.Int32
	arrived := make(chan struct{}, 100)
	srv.Script = func(r openaitest.Request) openaitest.Reply {
		n := inflight.Add(1)
		defer inflight.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		arrived <- struct{}{}
		time.Sleep(50 * time.Millisecond)
		return openaitest.Reply{}
	}
	in := make(chan chunk.Chunk)
	type result struct {
		notes []Note
		err   error
	}
	done := make(chan result, 1)
	go func() {
		d, err := Describe(t.Context(), newClient(srv), Options{Concurrency: 2}, in)
		done <- result{d.Notes, err}
	}()
	in <- testChunk(0, 0)
	select {
	case <-arrived:
	case <-time.After(10 * time.Second):
		t.Fatal("no request went out while the chunk stream was still open")
	}
	for i := 1; i < 6; i++ {
		in <- testChunk(i, float64(i*10))
	}
	close(in)
	r := <-done
	if r.err != nil {
		t.Fatal(r.err)
	}
	if len(r.notes) != 6 || peak.Load() > 2 {
		t.Fatalf("%d notes, peak concurrency %d", len(r.notes), peak.Load())
	}
	for i, n := range r.notes {
		if n.Index != i || n.Start != float64(i*10) {
			t.Errorf("note %d: index %d start %v", i, n.Index, n.Start)
		}
	}
}

// testChunk is a one-image chunk of a real JPEG.
func testChunk(i int, at float64) chunk.Chunk {
	f := extract.Frame{Time: at, Image: solid(64, 48)}
	im, err := chunk.Encode(f, 80)
	if err != nil {
		panic(err)
	}
	return chunk.Chunk{Index: i, Images: []chunk.Image{im}}
}

func TestMergeRounds(t *testing.T) {
	srv := openaitest.New(t)
	var notes []Note
	for i := range 40 {
		notes = append(notes, Note{Index: i, Start: float64(i * 10), End: float64(i*10 + 9), Description: strings.Repeat("word ", 100)})
	}
	// About 135 tokens a note: a budget of 1000 holds 7, so 40 notes take a
	// round of partial merges before the final one.
	summary, u, err := Merge(t.Context(), newClient(srv), Options{MergeBudget: 1000}, notes)
	if err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	if len(reqs) < 3 || u.Requests != len(reqs) {
		t.Fatalf("%d requests (usage %d): want partial rounds then one final merge", len(reqs), u.Requests)
	}
	for _, r := range reqs {
		if n := len(strings.Join(r.Texts, "")) / 4; n > 1000+400 {
			t.Errorf("request %d carries ~%d tokens, over the budget", r.N, n)
		}
	}
	if !strings.HasPrefix(summary, "Summary of") {
		t.Errorf("summary %q", summary)
	}
	last := strings.Join(reqs[len(reqs)-1].Texts, "")
	if !strings.Contains(last, "[00:00:00-") || !strings.Contains(last, "00:06:39]") {
		t.Errorf("final merge lost the time range: %.300s", last)
	}
}

func TestCancelledRunLeavesNoRequestsRunning(t *testing.T) {
	v := probeSample(t)
	srv := openaitest.New(t)
	release := make(chan struct{})
	srv.Script = func(openaitest.Request) openaitest.Reply {
		<-release
		return openaitest.Reply{Status: http.StatusServiceUnavailable}
	}
	defer close(release)
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(300*time.Millisecond, cancel)
	_, err := Run(ctx, newClient(srv), v, Config{Chunk: chunk.Options{FramesPerRequest: 1}, Dedupe: dedupe.Options{Threshold: 0}}, quiet)
	if err == nil {
		t.Fatal("a cancelled run succeeded")
	}
}
