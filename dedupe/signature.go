package dedupe

import (
	"image"
	"math"
	"math/bits"
	"sort"

	"github.com/corona10/goimagehash"
)

const (
	thumbSize = 64 // the thumbnail side, pixels
	gridSize  = 8  // cells a side; each cell is 1/64 of the picture
)

// Signature is what dedupe remembers of a frame.
type Signature struct {
	Hash  uint64                       // pHash of the whole picture
	Cells [gridSize * gridSize]float32 // mean luma of each grid cell, 0-255
}

// Sign computes the signature of img. Hashing sees the small thumbnail, not
// the frame, so its cost does not grow with the frame size.
func Sign(img *image.RGBA) (Signature, error) {
	th := thumbnail(img)
	h, err := goimagehash.PerceptionHash(th)
	if err != nil {
		return Signature{}, err
	}
	s := Signature{Hash: h.GetHash()}
	cell := thumbSize / gridSize
	for y := 0; y < thumbSize; y++ {
		row := th.Pix[y*th.Stride : y*th.Stride+thumbSize]
		for x, p := range row {
			s.Cells[(y/cell)*gridSize+x/cell] += float32(p)
		}
	}
	for i := range s.Cells {
		s.Cells[i] /= float32(cell * cell)
	}
	return s, nil
}

// HashDistance is the number of differing pHash bits, 0 to 64.
func (s Signature) HashDistance(o Signature) int { return bits.OnesCount64(s.Hash ^ o.Hash) }

// CellChange is the largest brightness change of one cell, after removing
// the change shared by most cells (auto-exposure, a global fade step), in
// grey levels. Sensor noise and compression flicker average out over a
// cell; a small object entering does not.
func (s Signature) CellChange(o Signature) float64 {
	var d [gridSize * gridSize]float64
	for i := range d {
		d[i] = float64(s.Cells[i] - o.Cells[i])
	}
	sorted := d
	sort.Float64s(sorted[:])
	median := (sorted[len(sorted)/2-1] + sorted[len(sorted)/2]) / 2
	worst := 0.0
	for _, v := range d {
		worst = math.Max(worst, math.Abs(v-median))
	}
	return worst
}

// thumbnail averages img down to a thumbSize x thumbSize grey picture with
// a box filter: one pass over the pixels, no allocation per pixel.
func thumbnail(img *image.RGBA) *image.Gray {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	var sum [thumbSize * thumbSize]uint32
	var cnt [thumbSize * thumbSize]uint32
	for y := 0; y < h; y++ {
		ty := y * thumbSize / h
		row := img.Pix[y*img.Stride : y*img.Stride+w*4]
		for x := 0; x < w; x++ {
			p := row[x*4 : x*4+3]
			// BT.601 luma in fixed point.
			l := (299*uint32(p[0]) + 587*uint32(p[1]) + 114*uint32(p[2])) / 1000
			i := ty*thumbSize + x*thumbSize/w
			sum[i] += l
			cnt[i]++
		}
	}
	th := image.NewGray(image.Rect(0, 0, thumbSize, thumbSize))
	for i := range sum {
		if cnt[i] > 0 {
			th.Pix[i] = uint8(sum[i] / cnt[i])
		} else if i > 0 {
			th.Pix[i] = th.Pix[i-1] // a picture smaller than the thumbnail
		}
	}
	return th
}
