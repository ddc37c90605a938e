package main

import (
	"context"
	"math"
	"runtime"
	"sort"
	"time"

	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/render"
	"github.com/vidskim/vidskim/summarize"
)

// ocrSample is what plan keeps of the kept frames to say what --ocr will
// take: how many have pixels of their own (a frame identical to one read
// is not read again), and the first few, to time.
type ocrSample struct {
	repeats summarize.Repeats
	reads   int
	first   []extract.Frame
}

// measured is how many frames plan reads to time OCR.
const measured = 3

// keep is plan's selection callback: frames come one at a time.
func (s *ocrSample) keep(f extract.Frame) (string, error) {
	if s.repeats.New(f.Image) {
		s.reads++
	}
	if len(s.first) < measured {
		s.first = append(s.first, f)
	}
	return "", nil
}

// measure reads the first frames as a run would (decoded again at full
// resolution when scaled) and prices the rest at the median time a frame.
func (s *ocrSample) measure(ctx context.Context, v extract.Video, eo extract.Options, oc summarize.OCRConfig) (*render.OCRPlan, error) {
	p := &render.OCRPlan{Frames: s.reads, Measured: len(s.first), Workers: oc.Workers}
	if p.Workers <= 0 {
		p.Workers = runtime.NumCPU()
	}
	var took []float64
	for _, f := range s.first {
		start := time.Now()
		if _, err := summarize.ReadText(ctx, v, eo, f, oc.Options); err != nil {
			return nil, err
		}
		took = append(took, time.Since(start).Seconds())
	}
	if len(took) == 0 {
		return p, nil
	}
	sort.Float64s(took)
	p.PerFrame = math.Round(took[len(took)/2]*1000) / 1000
	p.Seconds = math.Round(p.PerFrame*float64(p.Frames)/float64(min(p.Workers, p.Frames))*10) / 10
	return p, nil
}
