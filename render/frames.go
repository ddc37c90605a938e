package render

import (
	"fmt"
	"strings"

	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/summarize"
	"github.com/vidskim/vidskim/textsafe"
)

// Frames is what `vidskim frames` reports: the frames selection kept, and
// the files they were written to.
type Frames struct {
	Video   summarize.VideoInfo `json:"video"`
	Sampled int                 `json:"sampled"`
	Kept    []KeptFrame         `json:"kept"`
	Dropped int                 `json:"dropped_by_cap"`
	// Skipped is how many seconds of the range were not decoded, because
	// their packet sizes showed a still scene.
	Skipped float64 `json:"not_decoded_s,omitempty"`
	// LastTime is the time of the last frame sampled (not in outputs).
	LastTime float64  `json:"-"`
	Requests int      `json:"requests"`
	Warnings []string `json:"warnings,omitempty"`
}

// KeptFrame is one kept frame.
type KeptFrame struct {
	Index int     `json:"index"`
	Time  float64 `json:"time_s"`
	File  string  `json:"file,omitempty"`
}

// framesText is one line a kept frame: clock time, seconds, file.
func framesText(b *strings.Builder, f Frames) {
	for _, k := range f.Kept {
		fmt.Fprintf(b, "%s\t%.3f\t%s\n", extract.Clock(k.Time), k.Time, textsafe.Line(k.File))
	}
}
