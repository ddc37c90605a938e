package chunk

import (
	"bytes"
	"image"
	"image/jpeg"
	"testing"

	"github.com/vidskim/vidskim/extract"
)

func frames(n int) []extract.Frame {
	var fs []extract.Frame
	for i := range n {
		img := image.NewRGBA(image.Rect(0, 0, 64, 36))
		for p := range img.Pix {
			img.Pix[p] = uint8(i * 20)
		}
		fs = append(fs, extract.Frame{Index: i, Time: float64(i) * 1.5, Image: img})
	}
	return fs
}

func TestRunGroups(t *testing.T) {
	tests := []struct {
		frames, per int
		want        []int
	}{
		{1, 10, []int{1}},
		{10, 10, []int{10}},
		{11, 10, []int{10, 1}},
		{7, 3, []int{3, 3, 1}},
		{3, 1, []int{1, 1, 1}},
	}
	for _, tt := range tests {
		in := make(chan extract.Frame, tt.frames)
		for _, f := range frames(tt.frames) {
			in <- f
		}
		close(in)
		out := make(chan Chunk, 20)
		if err := Run(t.Context(), Options{FramesPerRequest: tt.per}, in, out); err != nil {
			t.Fatal(err)
		}
		close(out)
		var sizes []int
		next := 0.0
		for c := range out {
			if c.Index != len(sizes) {
				t.Errorf("chunk index %d, want %d", c.Index, len(sizes))
			}
			sizes = append(sizes, len(c.Images))
			for _, im := range c.Images {
				if im.Time != next {
					t.Errorf("image at %v, want %v", im.Time, next)
				}
				next += 1.5
			}
		}
		if len(sizes) != len(tt.want) || (len(sizes) > 0 && sizes[len(sizes)-1] != tt.want[len(tt.want)-1]) {
			t.Errorf("%d frames by %d: chunk sizes %v, want %v", tt.frames, tt.per, sizes, tt.want)
		}
	}
}

func TestEncodeAndLabel(t *testing.T) {
	for i, f := range frames(3) {
		im, err := Encode(f, 80)
		if err != nil {
			t.Fatal(err)
		}
		if cfg, err := jpeg.DecodeConfig(bytes.NewReader(im.JPEG)); err != nil || cfg.Width != 64 || cfg.Height != 36 {
			t.Fatalf("encoded %+v, %v", cfg, err)
		}
		if want := []string{"[00:00:00]", "[00:00:01]", "[00:00:03]"}[i]; im.Label() != want {
			t.Errorf("label %d = %q, want %q", i, im.Label(), want)
		}
	}
}

func TestBudget(t *testing.T) {
	tests := []struct {
		d            Detail
		w, h         int
		wantW, wantH int
	}{
		{Low, 1920, 1080, 512, 288},
		{Low, 1080, 1920, 288, 512},
		{Low, 320, 240, 320, 240},
		{High, 1920, 1080, 1365, 768},
		{High, 4000, 1000, 2000, 500},
		{High, 640, 480, 640, 480},
	}
	for _, tt := range tests {
		long, short := tt.d.Budget()
		w, h := extract.FitSize(tt.w, tt.h, long, short)
		if w != tt.wantW || h != tt.wantH {
			t.Errorf("%s %dx%d -> %dx%d, want %dx%d", tt.d, tt.w, tt.h, w, h, tt.wantW, tt.wantH)
		}
	}
}
