package summarize

import (
	"github.com/vidskim/vidskim/chunk"
	"github.com/vidskim/vidskim/cost"
	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/llm"
)

// pricing is the model's table entry, or the rule for an unknown model.
func (o Options) pricing() cost.Model {
	if o.Pricing != nil {
		return *o.Pricing
	}
	return cost.Fallback(o.Model)
}

// requestTokens is a request's likely size as rate limits count it: text
// at four characters a token, images by the model's rule, plus the output
// limit.
func (o Options) requestTokens(req llm.ChatRequest, images []chunk.Image) int {
	m := o.pricing()
	n := req.MaxTokens + len(req.System)/4 + 8 // two messages' framing
	for _, p := range req.User {
		n += len(p.Text) / 4
	}
	for _, im := range images {
		n += m.ImageTokens(im.Width, im.Height, o.Detail)
	}
	return n
}

// Job is the cost.Job of sending n kept frames of v, perRequest a request
// (0: chunk's default), with these options: the one description of a run
// that plan, budget checks and a run's own estimate all price.
func (o Options) Job(v extract.Video, n, perRequest int) cost.Job {
	o.applyDefaults()
	if perRequest == 0 {
		perRequest = chunk.DefaultFramesPerRequest
	}
	long, short := o.Detail.Budget()
	w, h := extract.FitSize(v.Width, v.Height, long, short)
	j := cost.Job{
		Frames: cost.Sizes(n, w, h), PerRequest: perRequest, Detail: o.Detail,
		ChunkPrompt: len(o.system("chunk")), MergePrompt: len(o.system("merge")),
		MaxTokens: o.MaxTokens, MergeMaxTokens: o.MergeMaxTokens, MergeBudget: o.MergeBudget, Batch: o.Batch,
		NoMerge: o.DescriptionsOnly,
	}
	if o.Schema != nil { // the schema may go in the prompt, and an invalid summary is asked again
		j.MergePrompt += len(o.Schema.Format().Schema) + 200
		j.AskAgain = true
	}
	return j
}
