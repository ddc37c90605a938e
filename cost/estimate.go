package cost

import (
	"math"

	"github.com/vidskim/vidskim/chunk"
)

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
	// Batch says which requests the prices are the Batch API's for
	// ("chunks", or "all" with the merges), and LiveCostUSD is the same
	// run's cost with every request sent live.
	Batch         string  `json:"batch,omitempty"`
	LiveCostUSD   float64 `json:"live_cost_usd_at_most,omitempty"`
	chunkRequests int
	mergeRequests int
}

// Batching is which requests of a job go through the Batch API, billed
// at its prices.
type Batching struct {
	Chunks bool // the chunk descriptions
	Merges bool // the merge requests too
}

// String is "chunks", "all" or "".
func (b Batching) String() string {
	switch {
	case b.Chunks && b.Merges:
		return "all"
	case b.Chunks:
		return "chunks"
	case b.Merges:
		return "merges"
	}
	return ""
}

// Job is a run as the estimate sees it: the frames it will send and the
// size of everything sent around them. The pipeline fills it in (it knows
// its prompts); plan, the budget check and a run's own report all price
// the same Job the same way.
type Job struct {
	Frames     []Size       // every kept frame, as sent
	PerRequest int          // frames a chunk request
	Detail     chunk.Detail // image detail
	// ChunkPrompt and MergePrompt are the characters of the system
	// prompts of a chunk request and of a merge request.
	ChunkPrompt, MergePrompt int
	// MaxTokens limits each chunk description, MergeMaxTokens each merge;
	// MergeBudget is the notes a merge request may carry, in tokens.
	MaxTokens, MergeMaxTokens, MergeBudget int
	// Batch is which requests go through the Batch API.
	Batch Batching
	// NoMerge is a job of descriptions only: no merge request.
	NoMerge bool
	// AskAgain is set when the summary may be asked for once more (an
	// answer in the user's schema that did not validate): the final merge
	// again, with the answer it replaces.
	AskAgain bool
}

// Estimate prices the job on model m. Image tokens follow m's own rule;
// text is counted at four characters a token; the output is the ceiling
// the token limits allow, so the cost is an upper bound. Merge requests
// carry the notes, counted at their ceiling too.
func (j Job) Estimate(m Model, known bool) Estimate {
	e := Estimate{Model: m.Name, Known: known}
	for _, f := range j.Frames {
		e.ImageTokens += m.ImageTokens(f.W, f.H, j.Detail)
	}
	chunks := (len(j.Frames) + j.PerRequest - 1) / j.PerRequest
	prompt := j.ChunkPrompt/4 + 20                 // system, the user's words, the header
	e.TextTokens = chunks*prompt + len(j.Frames)*6 // plus a [HH:MM:SS] label an image
	merges, notes := mergePlan(chunks, j.MaxTokens, j.MergeBudget)
	if j.NoMerge {
		merges, notes = 0, 0
	}
	if j.AskAgain && merges > 0 { // the final merge carries at most a budget of notes
		merges, notes = merges+1, notes+min(notes, j.MergeBudget)+j.MergeMaxTokens
	}
	e.TextTokens += notes + merges*(j.MergePrompt/4+10)
	e.chunkRequests, e.mergeRequests = chunks, merges
	e.Requests = chunks + merges
	e.InputTokens = e.ImageTokens + e.TextTokens
	e.OutputCeiling = chunks*j.MaxTokens + merges*j.MergeMaxTokens
	e.InputCostUSD = RoundUSD(m.Cost(e.InputTokens, 0))
	e.OutputCostUSD = RoundUSD(m.Cost(0, e.OutputCeiling))
	e.CostUSD = RoundUSD(e.InputCostUSD + e.OutputCostUSD)
	if e.Batch = j.Batch.String(); e.Batch != "" {
		e.LiveCostUSD = e.CostUSD
		chunkIn := e.ImageTokens + chunks*prompt + len(j.Frames)*6
		chunkOut := chunks * j.MaxTokens
		cm, mm := m, m
		if j.Batch.Chunks {
			cm = m.Batched()
		}
		if j.Batch.Merges {
			mm = m.Batched()
		}
		e.InputCostUSD = RoundUSD(cm.Cost(chunkIn, 0) + mm.Cost(e.InputTokens-chunkIn, 0))
		e.OutputCostUSD = RoundUSD(cm.Cost(0, chunkOut) + mm.Cost(0, e.OutputCeiling-chunkOut))
		e.CostUSD = RoundUSD(e.InputCostUSD + e.OutputCostUSD)
	}
	return e
}

// Sizes is n frames of one size: what a video's kept frames are as sent.
func Sizes(n, w, h int) []Size {
	out := make([]Size, n)
	for i := range out {
		out[i] = Size{W: w, H: h}
	}
	return out
}

// RoundUSD keeps dollar figures to a millionth of a dollar.
func RoundUSD(f float64) float64 { return math.Round(f*1e6) / 1e6 }

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

// Plan is a job estimated on the chosen model and on others beside it.
type Plan struct {
	Detail string     `json:"detail"`
	PerReq int        `json:"frames_per_request"`
	Chosen Estimate   `json:"estimate"`
	Others []Estimate `json:"other_models"`
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
	return &TranscriptionCost{Model: model, Minutes: math.Round(minutes*100) / 100, USD: RoundUSD(price * minutes), Known: ok}
}

// NewPlan estimates the job on the chosen model and the comparison models.
func NewPlan(models Models, model string, j Job) Plan {
	p := Plan{Detail: string(j.Detail), PerReq: j.PerRequest}
	for i, m := range models.CompareModels(model) {
		_, known := models.Lookup(m.Name)
		e := j.Estimate(m, known)
		if i == 0 {
			p.Chosen = e
			continue
		}
		p.Others = append(p.Others, e)
	}
	return p
}
