package summarize

import "math"

// Size is a kept frame's size as sent.
type Size struct{ W, H int }

// Estimate is what a run will cost on one model, before it runs.
type Estimate struct {
	Model         string  `json:"model"`
	Known         bool    `json:"known_model"`
	ImageTokens   int     `json:"image_tokens"`
	TextTokens    int     `json:"text_tokens"`
	InputTokens   int     `json:"input_tokens"`
	OutputCeiling int     `json:"output_token_ceiling"`
	Requests      int     `json:"requests"`
	CostUSD       float64 `json:"cost_usd_at_most"`
	InputCostUSD  float64 `json:"input_cost_usd"`
	OutputCostUSD float64 `json:"output_cost_usd_at_most"`
	chunkRequests int
	mergeRequests int
}

// Estimate prices a run that sends frames of the given sizes, perRequest a
// request, on model m. Image tokens follow m's own rule; text is counted at
// four characters a token; the output is the ceiling the token limits
// allow, so the cost is an upper bound. Merge requests carry the notes,
// counted at their ceiling too.
func (o Options) Estimate(m Model, known bool, frames []Size, perRequest int) Estimate {
	o.applyDefaults()
	e := Estimate{Model: m.Name, Known: known}
	for _, f := range frames {
		e.ImageTokens += m.ImageTokens(f.W, f.H, o.Detail)
	}
	chunks := (len(frames) + perRequest - 1) / perRequest
	prompt := len(o.system("chunk"))/4 + 20      // system, the user's words, the header
	e.TextTokens = chunks*prompt + len(frames)*6 // plus a [HH:MM:SS] label an image
	merges, notes := mergePlan(chunks, o.MaxTokens, o.MergeBudget)
	e.TextTokens += notes + merges*(len(o.system("merge"))/4+10)
	e.chunkRequests, e.mergeRequests = chunks, merges
	e.Requests = chunks + merges
	e.InputTokens = e.ImageTokens + e.TextTokens
	e.OutputCeiling = chunks*o.MaxTokens + merges*o.MergeMaxTokens
	e.InputCostUSD = roundUSD(m.Cost(e.InputTokens, 0))
	e.OutputCostUSD = roundUSD(m.Cost(0, e.OutputCeiling))
	e.CostUSD = roundUSD(e.InputCostUSD + e.OutputCostUSD)
	return e
}

// roundUSD keeps dollar figures to a millionth of a dollar.
func roundUSD(f float64) float64 { return math.Round(f*1e6) / 1e6 }

// mergePlan counts the merge requests for chunks notes of at most
// noteTokens each, merged in rounds under budget, and the note tokens they
// carry in all.
func mergePlan(chunks, noteTokens, budget int) (requests, carried int) {
	if chunks == 0 {
		return 0, 0
	}
	n, size := chunks, noteTokens
	for n*size > budget && n > 1 {
		per := max(2, budget/max(size, 1))
		groups := (n + per - 1) / per
		requests += groups
		carried += n * size
		n, size = groups, noteTokens*3 // a partial merge's answer is at most its limit; assume 3 notes' worth
	}
	return requests + 1, carried + n*size
}

// Plan is what `vidskim plan` prints: the run on the chosen model and on
// others beside it.
type Plan struct {
	Video    VideoInfo   `json:"video"`
	Frames   FrameCounts `json:"frames"`
	Detail   string      `json:"detail"`
	PerReq   int         `json:"frames_per_request"`
	Chosen   Estimate    `json:"estimate"`
	Others   []Estimate  `json:"other_models"`
	Warnings []string    `json:"warnings,omitempty"`
	Checked  string      `json:"prices_checked"`
	// Transcription is set when the run transcribes the audio.
	Transcription *TranscriptionCost `json:"transcription,omitempty"`
}

// TranscriptionCost is the price of transcribing the range's audio.
type TranscriptionCost struct {
	Model   string  `json:"model"`
	Minutes float64 `json:"minutes"`
	USD     float64 `json:"cost_usd"`
	Known   bool    `json:"known_price"`
}

// TranscriptionFor prices minutes of audio on model.
func (m Models) TranscriptionFor(model string, minutes float64) *TranscriptionCost {
	price, ok := m.Transcription[model]
	return &TranscriptionCost{Model: model, Minutes: math.Round(minutes*100) / 100, USD: roundUSD(price * minutes), Known: ok}
}

// NewPlan estimates the run for the chosen model and the comparison models.
func NewPlan(models Models, o Options, frames []Size, perRequest int) Plan {
	o.applyDefaults()
	p := Plan{Detail: string(o.Detail), PerReq: perRequest, Checked: models.Checked}
	for i, m := range models.CompareModels(o.Model) {
		_, known := models.Lookup(m.Name)
		e := o.Estimate(m, known, frames, perRequest)
		if i == 0 {
			p.Chosen = e
			if !known {
				p.Warnings = append(p.Warnings, "unknown model "+o.Model+": tokens estimated with GPT-4o's rule and no price (add it with --models FILE)")
			}
			continue
		}
		p.Others = append(p.Others, e)
	}
	return p
}
