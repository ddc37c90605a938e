package summarize

import (
	"context"
	"fmt"
	"image"
	"runtime"
	"sort"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/ocr"
)

// OCRConfig turns on reading the text on kept frames (--ocr): each kept
// frame is read at the video's full resolution, since small text is lost
// at the size the model sees, and what it says goes into the request
// beside the frame and into the Result.
type OCRConfig struct {
	Options ocr.Options
	// Workers is how many frames are read at once, beside decoding; 0
	// means the CPU cores.
	Workers int
}

// OCRSettings is what shapes the text read.
type OCRSettings struct {
	Lang string `json:"lang"`
}

// ocrJob is one kept frame to read.
type ocrJob struct {
	time float64
	img  *image.RGBA // the frame as kept (at the detail budget)
	e    *screenEntry
}

// screenEntry is the text of one picture, once read.
type screenEntry struct {
	ready chan struct{}
	text  string
	since float64 // the time of the frame read
}

// screenSlot hands the text read on each kept frame from the OCR workers
// to the requests that carry the frame. A kept frame identical to one
// read lately (a still scene kept again by --max-gap, a slide shown
// again) shares its entry and is read once.
type screenSlot struct {
	mu     sync.Mutex
	byTime map[float64]*screenEntry
	read   repeats
	failed []error
}

// repeats are the frames read lately, the latest last.
type repeats struct{ recent []seen }

// match is the entry of a frame read lately identical to b, or nil.
func (r *repeats) match(b []uint8) *screenEntry {
	for i := len(r.recent) - 1; i >= 0; i-- {
		if same(r.recent[i].blocks, b) {
			return r.recent[i].e
		}
	}
	return nil
}

func (r *repeats) remember(b []uint8, e *screenEntry) {
	if r.recent = append(r.recent, seen{b, e}); len(r.recent) > recentFrames {
		r.recent = r.recent[1:]
	}
}

// Repeats tells the kept frames OCR reads from those it does not (being
// identical to one read lately), for plan.
type Repeats struct{ r repeats }

// New says whether img would be read.
func (r *Repeats) New(img *image.RGBA) bool {
	b := blocks(img)
	if r.r.match(b) != nil {
		return false
	}
	r.r.remember(b, &screenEntry{})
	return true
}

// seen is a frame read: its picture in blocks, and its entry.
type seen struct {
	blocks []uint8
	e      *screenEntry
}

// recentFrames is how many frames read a new one is compared with.
const recentFrames = 64

func newScreenSlot() *screenSlot { return &screenSlot{byTime: map[float64]*screenEntry{}} }

// add registers f and returns the job of reading it, or nil when a frame
// identical to it is read already.
func (s *screenSlot) add(f extract.Frame) *ocrJob {
	b := blocks(f.Image)
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.read.match(b); e != nil {
		s.byTime[f.Time] = e
		return nil
	}
	e := &screenEntry{ready: make(chan struct{}), since: f.Time}
	s.byTime[f.Time] = e
	s.read.remember(b, e)
	return &ocrJob{time: f.Time, img: f.Image, e: e}
}

// blockSize is the side of the squares two frames are compared by, and
// blockTolerance how far (in grey levels) a square's mean may move for
// the frames to count as the same: compression noise moves it by one or
// two, while any change of text, even too small to read at this size,
// moves the squares it touches by more.
const (
	blockSize      = 8
	blockTolerance = 3
)

// blocks is img's mean grey level in each blockSize square.
func blocks(img *image.RGBA) []uint8 {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	bw, bh := (w+blockSize-1)/blockSize, (h+blockSize-1)/blockSize
	sum, n := make([]int, bw*bh), make([]int, bw*bh)
	for y := range h {
		row := img.Pix[y*img.Stride:]
		for x := range w {
			p := row[4*x:]
			i := y/blockSize*bw + x/blockSize
			sum[i] += (299*int(p[0]) + 587*int(p[1]) + 114*int(p[2])) / 1000
			n[i]++
		}
	}
	out := make([]uint8, len(sum))
	for i := range out {
		out[i] = uint8(sum[i] / n[i])
	}
	return out
}

// same says whether two frames' blocks all match within blockTolerance.
func same(a, b []uint8) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if d := int(a[i]) - int(b[i]); d > blockTolerance || d < -blockTolerance {
			return false
		}
	}
	return true
}

// text waits for the text of the frame at t and says since when it has
// been read: the time of the first frame that showed it. "" for a frame
// never registered (nil slot: no OCR).
func (s *screenSlot) text(ctx context.Context, t float64) (string, float64, error) {
	if s == nil {
		return "", t, nil
	}
	s.mu.Lock()
	e := s.byTime[t]
	s.mu.Unlock()
	if e == nil {
		return "", t, nil
	}
	select {
	case <-e.ready:
		return e.text, e.since, nil
	case <-ctx.Done():
		return "", t, ctx.Err()
	}
}

// results is the text read, in time order: consecutive frames that are
// the same are one FrameText, on screen until the next frame that is not
// (or end); and a warning when some frames could not be read.
func (s *screenSlot) results(end float64) ([]FrameText, string) {
	if s == nil {
		return nil, ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	times := make([]float64, 0, len(s.byTime))
	for t := range s.byTime {
		times = append(times, t)
	}
	sort.Float64s(times)
	var out []FrameText
	var last *screenEntry
	for _, t := range times {
		e := s.byTime[t]
		if e == last {
			continue
		}
		if n := len(out); n > 0 && out[n-1].End < 0 {
			out[n-1].End = round3(t)
		}
		last = e
		select {
		case <-e.ready:
			if e.text != "" {
				out = append(out, FrameText{Time: round3(t), End: -1, Text: e.text})
			}
		default:
		}
	}
	if n := len(out); n > 0 && out[n-1].End < 0 {
		out[n-1].End = round3(max(end, out[n-1].Time))
	}
	if len(s.failed) == 0 {
		return out, ""
	}
	return out, fmt.Sprintf("the text on %d frames could not be read: %v", len(s.failed), s.failed[0])
}

// readScreens passes the kept frames on unchanged while its workers read
// each new one's text; at most twice the workers wait, so reading holds
// decoding back rather than memory growing.
func readScreens(ctx context.Context, g *errgroup.Group, v extract.Video, cfg Config, in <-chan extract.Frame, s *screenSlot) <-chan extract.Frame {
	workers := cfg.OCR.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	out := make(chan extract.Frame, 2)
	jobs := make(chan ocrJob, 2*workers)
	g.Go(func() error {
		defer close(jobs)
		defer close(out)
		for f := range in {
			if j := s.add(f); j != nil {
				select {
				case jobs <- *j:
				case <-ctx.Done():
					return ctx.Err()
				}
			}
			select {
			case out <- f:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return nil
	})
	full := scaled(v, cfg.Extract)
	for range workers {
		g.Go(func() error {
			for j := range jobs {
				text, err := readScreen(ctx, v, j.time, j.img, full, cfg.OCR.Options)
				if ctx.Err() != nil {
					return ctx.Err()
				}
				s.mu.Lock()
				if err != nil {
					s.failed = append(s.failed, err)
				}
				j.e.text = text
				s.mu.Unlock()
				close(j.e.ready)
			}
			return nil
		})
	}
	return out
}

// scaled says whether frames sampled with eo are smaller than v's own
// pictures, so that reading their text needs the picture decoded again.
func scaled(v extract.Video, eo extract.Options) bool {
	long, short := eo.MaxLong, eo.MaxShort
	if long == 0 || short == 0 {
		long, short = 512, 512 // extract's default bound
	}
	w, h := extract.FitSize(v.Width, v.Height, long, short)
	return v.Width > 0 && v.Height > 0 && (w != v.Width || h != v.Height)
}

// ReadText reads the text on f, a frame of v sampled with eo, as a run
// with OCR does: at full resolution (the picture decoded again at its
// time) when the frame was scaled down.
func ReadText(ctx context.Context, v extract.Video, eo extract.Options, f extract.Frame, o ocr.Options) (string, error) {
	return readScreen(ctx, v, f.Time, f.Image, scaled(v, eo), o)
}

// readScreen reads the frame at t (img as kept), at full resolution when
// full.
func readScreen(ctx context.Context, v extract.Video, t float64, img *image.RGBA, full bool, o ocr.Options) (string, error) {
	if full {
		var err error
		if img, err = extract.Still(ctx, v, t); err != nil {
			return "", fmt.Errorf("%s: %w", extract.Clock(t), err)
		}
	}
	return ocr.Read(ctx, img, o)
}
