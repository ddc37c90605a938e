package ask

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/vidskim/vidskim/chunk"
	"github.com/vidskim/vidskim/cost"
	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/library"
	"github.com/vidskim/vidskim/llm"
	"github.com/vidskim/vidskim/schema"
	"github.com/vidskim/vidskim/summarize"
)

// Video is one video the question is asked over.
type Video struct {
	N      int    // its number in the question, from 1
	Name   string // as outputs show it: a path or URL
	Run    int64  // the library run its notes come from
	Result summarize.Result
	// Source is the video file or URL for the second look, probed, with
	// its Path set; a zero Path means it cannot be looked at.
	Source extract.Video
	// From says where its notes came from: "library", or "summarized"
	// by this command.
	From string
}

// Options are the question and how to ask it. Zero values mean the
// defaults.
type Options struct {
	Question string
	Model    string
	// MaxTokens limits each answer; 0 means DefaultMaxTokens.
	MaxTokens int
	// Budget is the most tokens of notes the prompt may carry (four
	// characters a token); 0 means DefaultBudget.
	Budget int
	// Search ranks the moments of the videos' runs for a query; when the
	// notes do not fit the budget, the best go first. Nil: no ranking.
	Search func(ctx context.Context, query string) ([]library.Hit, error)
	// Schema, when set, is the JSON Schema the answer must follow.
	Schema *schema.Schema
	// Look asks for the second look; LookWindow is the seconds either
	// side of a cited moment (0: DefaultLookWindow), LookFrames the most
	// frames sent (0: DefaultLookFrames).
	Look       bool
	LookWindow float64
	LookFrames int
	// Pricing prices the answers (nil: no cost).
	Pricing *cost.Model
	// Prompt is the user's own instruction, added to the system prompt.
	Prompt string
}

// Defaults.
const (
	DefaultMaxTokens  = summarize.DefaultMergeMaxTokens
	DefaultBudget     = summarize.DefaultMergeBudget
	DefaultLookWindow = 2.0
	DefaultLookFrames = 10
)

func (o *Options) applyDefaults() {
	if o.Model == "" {
		o.Model = summarize.DefaultModel
	}
	if o.MaxTokens == 0 {
		o.MaxTokens = DefaultMaxTokens
	}
	if o.Budget == 0 {
		o.Budget = DefaultBudget
	}
	if o.LookWindow == 0 {
		o.LookWindow = DefaultLookWindow
	}
	if o.LookFrames == 0 {
		o.LookFrames = DefaultLookFrames
	}
}

// VideoRef is a video as the answer's output names it.
type VideoRef struct {
	N        int     `json:"n"`
	Path     string  `json:"path"`
	Duration float64 `json:"duration_s"`
	Run      int64   `json:"run"`
	From     string  `json:"from"`
}

// Result is the answer and everything about it. Its JSON form is the
// contract of `ask --format json`.
type Result struct {
	Question   string          `json:"question"`
	Videos     []VideoRef      `json:"videos"`
	Model      string          `json:"model"`
	Answer     string          `json:"answer"`
	Structured json.RawMessage `json:"structured,omitempty"`
	// FirstAnswer is the answer from the notes, before the second look.
	FirstAnswer string     `json:"first_answer,omitempty"`
	Citations   []Citation `json:"citations"`
	Unsupported int        `json:"unsupported"`
	Looked      []Frame    `json:"looked,omitempty"`
	Notes       Notes      `json:"notes"`
	// Incomplete says why the answer is not whole (cut at the token
	// limit, withheld by a content filter).
	Incomplete string          `json:"incomplete,omitempty"`
	Warnings   []string        `json:"warnings,omitempty"`
	Usage      summarize.Usage `json:"usage"`
	// Summarizing is what summarizing the videos not yet in the library
	// took first (nil when none was).
	Summarizing *summarize.Usage `json:"summarizing,omitempty"`
	// ID is the answer's number in the library, once recorded.
	ID int64 `json:"answer_id,omitempty"`
}

// ErrIncomplete marks an answer the model did not finish.
var ErrIncomplete = errors.New("the model did not finish the answer")

// Run answers o.Question from the videos' notes: one text request, its
// citations checked; with Look, a second request with frames around each
// cited moment, whose answer is checked in turn. The Result holds what
// was answered even when an error is returned.
func Run(ctx context.Context, c summarize.Client, vs []Video, o Options) (Result, error) {
	o.applyDefaults()
	res := Result{Question: o.Question, Model: o.Model, Citations: []Citation{}}
	for _, v := range vs {
		res.Videos = append(res.Videos, VideoRef{N: v.N, Path: v.Name, Duration: v.Result.Video.Duration, Run: v.Run, From: v.From})
	}
	chosen, notes, err := gather(ctx, vs, o)
	if err != nil {
		return res, err
	}
	res.Notes = notes
	text, given := render(vs, chosen)
	req := llm.ChatRequest{Model: o.Model, System: o.system(len(vs)), MaxTokens: o.MaxTokens,
		User: []llm.Part{llm.Text("Question: " + o.Question + "\n\n" + text)}}
	if err := answer(ctx, c, req, o, vs, given, &res); err != nil || !o.Look {
		return res, err
	}
	return res, look(ctx, c, vs, o, given, &res)
}

// answer sends req (in the schema, when there is one), and fills in the
// answer, its citations and the usage.
func answer(ctx context.Context, c summarize.Client, req llm.ChatRequest, o Options, vs []Video, given map[int][]span, res *Result) error {
	req.Tokens = req.MaxTokens + len(req.System)/4
	for _, p := range req.User {
		req.Tokens += len(p.Text) / 4
	}
	answers := []llm.Answer{}
	var doc json.RawMessage
	var err error
	if o.Schema != nil {
		answers, doc, err = schema.Ask(ctx, c.Chat, req, o.Schema)
	} else {
		var a llm.Answer
		a, err = c.Chat(ctx, req)
		answers = append(answers, a)
	}
	for _, a := range answers {
		res.Usage.Add(a)
	}
	if p := o.Pricing; p != nil {
		res.Usage.CostUSD = cost.RoundUSD(p.Cost(res.Usage.PromptTokens, res.Usage.CompletionTokens))
	}
	if err != nil {
		return err
	}
	a := answers[len(answers)-1]
	res.Answer, res.Structured = a.Text, doc
	if doc != nil {
		res.Answer = string(doc)
	}
	res.Citations = cite(res.Answer, doc != nil, vs, given)
	res.Unsupported = unsupported(res.Citations)
	if !a.Complete() {
		res.Incomplete = map[string]string{"length": "cut off at the token limit", "content_filter": "withheld by the provider's content filter"}[a.FinishReason]
		return fmt.Errorf("%w: %s", ErrIncomplete, res.Incomplete)
	}
	return nil
}

// system is the instruction of the first request.
func (o Options) system(videos int) string {
	return "You answer questions about videos from notes taken while watching them: what the frames showed, what was said, " +
		"and the text read on screen, each with its time. Answer only from the notes; where they do not tell, say so. " + o.rules(videos)
}

// rules are how every answer cites and is shaped.
func (o Options) rules(videos int) string {
	s := "Cite the moment each statement rests on, using only times from the notes, as [HH:MM:SS] (a stretch as [HH:MM:SS-HH:MM:SS])."
	if videos > 1 {
		s += " Several videos are given, numbered: cite a moment as [video N HH:MM:SS]."
	}
	if o.Schema != nil {
		s += " Give the answer as the JSON document the user's schema describes; cite moments inside its text the same way."
	}
	if o.Prompt != "" {
		s += "\n\nThe user adds this instruction: " + o.Prompt
	}
	return s
}

// Ceiling is the most requests the answer may take, and the most it may
// cost on m: the notes at their budget and the answer at its limit; the
// second look's frames at high detail for a w x h video; and, with a
// schema, each request asked once more.
func (o Options) Ceiling(m cost.Model, w, h int) (requests int, usd float64) {
	o.applyDefaults()
	in := o.Budget + (len(o.system(2))+len(o.Question))/4 + 50
	out := o.MaxTokens
	requests = 1
	if o.Look {
		long, short := chunk.High.Budget()
		fw, fh := extract.FitSize(w, h, long, short)
		in += (len(o.lookSystem(2))+len(o.Question))/4 + o.MaxTokens + o.LookFrames*(m.ImageTokens(fw, fh, chunk.High)+10) + 50
		out += o.MaxTokens
		requests++
	}
	if o.Schema != nil {
		in, out, requests = 2*in+out, 2*out, 2*requests
	}
	return requests, cost.RoundUSD(m.Cost(in, out))
}
