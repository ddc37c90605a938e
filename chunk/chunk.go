package chunk

import (
	"bytes"
	"context"
	"fmt"
	"image/jpeg"

	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/field"
)

// Detail is the OpenAI image detail level the frames are sized for.
type Detail string

const (
	Low  Detail = "low"  // the model sees at most 512x512; 85 tokens on GPT-4o-class models
	High Detail = "high" // short side at most 768, long side at most 2000 (OpenAI fits 2048)
)

// ParseDetail accepts "low" or "high".
func ParseDetail(s string) (Detail, error) {
	switch d := Detail(s); d {
	case Low, High:
		return d, nil
	}
	return "", field.Errorf("detail", "%q: must be low or high", s)
}

// Budget returns the largest long and short side a frame may have at d, so
// that ffmpeg scales frames once, to the size the model will actually see.
func (d Detail) Budget() (long, short int) {
	if d == High {
		return 2000, 768
	}
	return 512, 512
}

// Image is one encoded frame.
type Image struct {
	Time          float64 // seconds from the start of the video
	JPEG          []byte
	Width, Height int
}

// Chunk is the content of one model request: consecutive kept frames.
type Chunk struct {
	Index  int
	Images []Image
	// Next is when the last image stops being current: the time of the
	// next kept frame, or the end of the range. The frames between were
	// dropped as the same as the last image.
	Next float64
}

// Start and End are the times of the first and last image.
func (c Chunk) Start() float64 { return c.Images[0].Time }
func (c Chunk) End() float64   { return c.Images[len(c.Images)-1].Time }

// Times lists the image times, in order.
func (c Chunk) Times() []float64 {
	ts := make([]float64, len(c.Images))
	for i, im := range c.Images {
		ts[i] = im.Time
	}
	return ts
}

// Label is the image's timestamp as the model reads it, [HH:MM:SS]: it
// goes right before the image, so the model can say when something
// happens.
func (im Image) Label() string { return "[" + extract.Clock(im.Time) + "]" }

// DefaultFramesPerRequest is the most images in one chunk unless told
// otherwise: the limit some deployments (Azure OpenAI) enforce.
const DefaultFramesPerRequest = 10

// Options says how to batch and encode.
type Options struct {
	// FramesPerRequest is the most images in one chunk; 0 means
	// DefaultFramesPerRequest.
	FramesPerRequest int
	// Quality is the JPEG quality, 1-100; 0 means 80.
	Quality int
	// End is the end of the range in seconds, the Next of the last chunk;
	// 0 means the last image's time.
	End float64
}

func (o *Options) applyDefaults() {
	if o.FramesPerRequest == 0 {
		o.FramesPerRequest = DefaultFramesPerRequest
	}
	if o.Quality == 0 {
		o.Quality = 80
	}
}

// Encode makes the JPEG for one frame. Frames already fit the budget:
// extraction scaled them in ffmpeg.
func Encode(f extract.Frame, quality int) (Image, error) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, f.Image, &jpeg.Options{Quality: quality}); err != nil {
		return Image{}, fmt.Errorf("chunk: encode frame at %s: %w", extract.Clock(f.Time), err)
	}
	b := f.Image.Bounds()
	return Image{Time: f.Time, JPEG: buf.Bytes(), Width: b.Dx(), Height: b.Dy()}, nil
}

// Run is the pipeline stage: it encodes frames as they arrive and sends a
// chunk once it is full and the next frame has arrived (which says until
// when its last image holds), and the remainder when in closes. It does
// not close out.
func Run(ctx context.Context, opts Options, in <-chan extract.Frame, out chan<- Chunk) error {
	opts.applyDefaults()
	cur := Chunk{}
	flush := func(next float64) error {
		if len(cur.Images) == 0 {
			return nil
		}
		cur.Next = max(next, cur.End())
		select {
		case out <- cur:
			cur = Chunk{Index: cur.Index + 1}
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	for f := range in {
		if len(cur.Images) >= opts.FramesPerRequest {
			if err := flush(f.Time); err != nil {
				return err
			}
		}
		im, err := Encode(f, opts.Quality)
		if err != nil {
			return err
		}
		cur.Images = append(cur.Images, im)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return flush(opts.End)
}
