package summarize

import (
	openai "github.com/sashabaranov/go-openai"

	"github.com/vidskim/vidskim/chunk"
)

// gpt4oRule prices images when the model is not in the table.
var gpt4oRule = Model{Name: "gpt-4o", Scheme: "tile", Base: 85, Tile: 170}

// estimate is a request's likely cost in tokens, as rate limits count it:
// text at four characters a token, images by the model's rule (GPT-4o's
// when it is unknown), plus the output limit.
func estimate(req openai.ChatCompletionRequest, images []chunk.Image, o Options) int {
	m := gpt4oRule
	if o.Pricing != nil {
		m = *o.Pricing
	}
	//lint:ignore SA1019 either field may carry the limit
	n := req.MaxTokens + req.MaxCompletionTokens
	for _, msg := range req.Messages {
		n += len(msg.Content)/4 + 4
		for _, p := range msg.MultiContent {
			n += len(p.Text) / 4
		}
	}
	for _, im := range images {
		n += m.ImageTokens(im.Width, im.Height, o.Detail)
	}
	return n
}
