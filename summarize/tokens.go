package summarize

import (
	"math"

	openai "github.com/sashabaranov/go-openai"

	"github.com/vidskim/vidskim/chunk"
)

// ImageTokens is what one image costs on GPT-4o-class ("tile") models, by
// OpenAI's published rule: low detail is a flat 85; high detail fits the
// image in 2048x2048, scales its short side to 768 (never up), and costs 85
// plus 170 per 512-pixel tile. A 1024x1024 high-detail image is 765.
func ImageTokens(w, h int, d chunk.Detail) int {
	if d != chunk.High {
		return 85
	}
	fw, fh := float64(w), float64(h)
	if s := 2048 / math.Max(fw, fh); s < 1 {
		fw, fh = fw*s, fh*s
	}
	if s := 768 / math.Min(fw, fh); s < 1 {
		fw, fh = fw*s, fh*s
	}
	tiles := math.Ceil(fw/512) * math.Ceil(fh/512)
	return 85 + 170*int(tiles)
}

// estimate is a request's likely cost in tokens, as rate limits count it:
// text at four characters a token, images by ImageTokens, plus the output
// limit.
func estimate(req openai.ChatCompletionRequest, images []chunk.Image, d chunk.Detail) int {
	n := req.MaxTokens + req.MaxCompletionTokens
	for _, m := range req.Messages {
		n += len(m.Content)/4 + 4
		for _, p := range m.MultiContent {
			n += len(p.Text) / 4
		}
	}
	for _, im := range images {
		n += ImageTokens(im.Width, im.Height, d)
	}
	return n
}
