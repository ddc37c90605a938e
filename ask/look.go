package ask

import (
	"context"
	"fmt"
	"math"

	"github.com/vidskim/vidskim/chunk"
	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/llm"
	"github.com/vidskim/vidskim/summarize"
)

// Frame is a frame of the second look.
type Frame struct {
	Video  int     `json:"video"`
	Time   float64 `json:"time_s"`
	Cited  string  `json:"cited"` // the citation it was decoded around
	Width  int     `json:"width"`
	Height int     `json:"height"`
	JPEG   []byte  `json:"-"`
}

// window is a stretch of one video to look at, around cited moments.
type window struct {
	video      int
	start, end float64
	cited      string
}

// look decodes frames around each moment the answer cites, at high
// detail, and asks the model to confirm or correct its answer from them.
// The corrected answer replaces the first, which is kept; its citations
// are checked against the notes and the stretches looked at.
func look(ctx context.Context, c summarize.Client, vs []Video, o Options, given map[int][]span, res *Result) error {
	ws, skipped := windows(res.Citations, vs, o)
	if skipped > 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%d cited moments were not looked at: at most %d frames go in one request", skipped, o.LookFrames))
	}
	per := max(1, o.LookFrames/max(1, len(ws)))
	var frames []Frame
	for _, w := range ws {
		v := vs[w.video-1]
		if v.Source.Path == "" {
			res.Warnings = append(res.Warnings, fmt.Sprintf("video %d (%s) is no longer where it was seen: %s not looked at", v.N, v.Name, w.cited))
			continue
		}
		fs, err := decode(ctx, v, w, per)
		if err != nil {
			return fmt.Errorf("second look at %s: %w", w.cited, err)
		}
		frames = append(frames, fs...)
	}
	if len(frames) == 0 {
		res.Warnings = append(res.Warnings, "no frames to look at: the answer cites no moment inside a video")
		return nil
	}
	req := llm.ChatRequest{Model: o.Model, System: o.lookSystem(len(vs)), MaxTokens: o.MaxTokens, User: lookParts(vs, o, res.Answer, frames)}
	more := map[int][]span{}
	for n, s := range given {
		more[n] = append(more[n], s...)
	}
	for _, w := range ws {
		more[w.video] = append(more[w.video], span{w.start, w.end})
	}
	res.FirstAnswer, res.Looked = res.Answer, frames
	return answer(ctx, c, req, o, vs, more, res)
}

// windows are the stretches to look at: a few seconds either side of
// each cited moment inside its video, merged where they overlap, in the
// order the answer cites them; at most o.LookFrames of them. skipped
// counts the moments left out.
func windows(cs []Citation, vs []Video, o Options) ([]window, int) {
	var out []window
	skipped := 0
	for _, c := range cs {
		if c.Video == 0 || !inside(vs[c.Video-1], max(c.End, c.Start)) {
			continue
		}
		d := vs[c.Video-1].Result.Video.Duration
		w := window{video: c.Video, start: max(0, c.Start-o.LookWindow), end: max(c.End, c.Start) + o.LookWindow, cited: c.Text}
		if d > 0 {
			w.end = min(w.end, d)
		}
		merged := false
		for i := range out {
			if o := &out[i]; o.video == w.video && w.start <= o.end && o.start <= w.end {
				o.start, o.end, merged = min(o.start, w.start), max(o.end, w.end), true
			}
		}
		switch {
		case merged:
		case len(out) >= o.LookFrames:
			skipped++
		default:
			out = append(out, w)
		}
	}
	return out, skipped
}

// decode samples up to n frames of w at high detail, spread over it.
func decode(ctx context.Context, v Video, w window, n int) ([]Frame, error) {
	long, short := chunk.High.Budget()
	span := max(w.end-w.start, 0.5)
	eo := extract.Options{Start: w.start, End: w.start + span, FPS: min(extract.MaxFPS, 4/span), MaxLong: long, MaxShort: short, Exact: true}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := make(chan extract.Frame, 4)
	errc := make(chan error, 1)
	go func() {
		_, err := extract.Run(ctx, v.Source, eo, ch)
		close(ch)
		errc <- err
	}()
	var got []extract.Frame
	for f := range ch {
		got = append(got, f)
	}
	if err := <-errc; err != nil {
		return nil, err
	}
	var out []Frame
	for _, i := range spread(len(got), n) {
		im, err := chunk.Encode(got[i], 85)
		if err != nil {
			return nil, err
		}
		out = append(out, Frame{Video: v.N, Time: math.Round(im.Time*1000) / 1000, Cited: w.cited, Width: im.Width, Height: im.Height, JPEG: im.JPEG})
	}
	return out, nil
}

// spread picks at most n of count indexes, evenly, first and last kept.
func spread(count, n int) []int {
	if count <= n {
		out := make([]int, count)
		for i := range out {
			out[i] = i
		}
		return out
	}
	if n == 1 {
		return []int{count / 2}
	}
	out := make([]int, n)
	for i := range out {
		out[i] = i * (count - 1) / (n - 1)
	}
	return out
}

// lookParts are the question, the first answer, then the frames, each
// after its [HH:MM:SS] label, grouped by video.
func lookParts(vs []Video, o Options, first string, frames []Frame) []llm.Part {
	parts := []llm.Part{llm.Text("Question: " + o.Question + "\n\nThe answer from the notes:\n" + first +
		"\n\nFrames around the moments it cites, each after its time:")}
	last := 0
	for _, f := range frames {
		if f.Video != last && len(vs) > 1 {
			parts = append(parts, llm.Text(fmt.Sprintf("Video %d (%s):", f.Video, vs[f.Video-1].Name)))
		}
		last = f.Video
		parts = append(parts, llm.Text("["+extract.Clock(f.Time)+"]"), llm.ImagePart(f.JPEG, string(chunk.High)))
	}
	return parts
}

// lookSystem is the instruction of the second look.
func (o Options) lookSystem(videos int) string {
	return "You check an answer to a question about videos. It was written from notes taken while watching them; now you also see " +
		"the frames around each moment it cites. Confirm or correct the answer from the pictures: write the final answer in full, " +
		"keeping what the frames or the notes support, and say where the frames show otherwise. " + o.rules(videos)
}
