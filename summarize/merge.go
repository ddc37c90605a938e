package summarize

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/llm"
	"github.com/vidskim/vidskim/schema"
)

// Merge turns the notes into one summary with text-only requests. Notes
// that do not fit one request's budget are condensed in rounds: each round
// merges consecutive groups into shorter notes, until one request can hold
// them all.
func Merge(ctx context.Context, c Client, opts Options, notes []Note) (string, Usage, error) {
	opts.applyDefaults()
	m, err := merge(ctx, &caller{c: c}, opts, notes)
	return m.text, m.usage, err
}

// merged is what merging produced: the summary, the usage, why the final
// answer ended when it was not finished, and which rounds were cut.
type merged struct {
	text       string
	structured json.RawMessage // the summary in Options.Schema
	usage      Usage
	reason     string
	cut        []Incomplete
}

func merge(ctx context.Context, k *caller, opts Options, notes []Note) (merged, error) {
	var m merged
	if len(notes) == 0 {
		return m, fmt.Errorf("merge: no notes to merge")
	}
	for round := 1; estimateTokens(notes) > opts.MergeBudget && len(notes) > 1; round++ {
		groups := groupNotes(notes, opts.MergeBudget)
		next := make([]Note, 0, len(groups))
		for _, g := range groups {
			start, end := g[0].Start, g[len(g)-1].End
			part := fmt.Sprintf("merge round %d %s-%s", round, extract.Clock(start), extract.Clock(end))
			req, err := mergeRequest(ctx, k, opts, opts.system("partial"), g, start, end+1)
			var a llm.Answer
			if err == nil {
				a, err = k.ask(ctx, part, req)
			}
			m.usage.count(a)
			if err != nil {
				return m, fmt.Errorf("merge round %d: %w", round, err)
			}
			if !a.Complete() {
				m.cut = append(m.cut, Incomplete{Start: round3(start), End: round3(end), Part: PartMergedNotes, Reason: a.FinishReason})
			}
			next = append(next, Note{Start: start, End: end, Description: a.Text})
		}
		notes = next
	}
	a, err := finalMerge(ctx, k, opts, notes, &m)
	if err != nil {
		return m, fmt.Errorf("merge: %w", err)
	}
	m.text = a.Text
	if !a.Complete() {
		m.reason = a.FinishReason
	}
	if a.FinishReason == reasonFilter && m.text == "" {
		m.text = "(withheld by the provider's content filter)"
	}
	return m, nil
}

// finalMerge writes the summary; in the user's schema, validated and
// asked again once when invalid, when there is one.
func finalMerge(ctx context.Context, k *caller, opts Options, notes []Note, m *merged) (llm.Answer, error) {
	req, err := mergeRequest(ctx, k, opts, opts.system("merge"), notes, 0, 1e12)
	if err != nil {
		return llm.Answer{}, err
	}
	if opts.Schema == nil {
		a, err := k.ask(ctx, "merge", req)
		m.usage.count(a)
		return a, err
	}
	req.System += "\n\nWrite the summary as the JSON document the user's schema describes, filling its fields from the notes only."
	send := func(ctx context.Context, r llm.ChatRequest) (llm.Answer, error) { return k.ask(ctx, "merge", r) }
	answers, doc, err := schema.Ask(ctx, send, req, opts.Schema)
	for _, a := range answers {
		m.usage.count(a)
	}
	a := answers[len(answers)-1]
	if doc != nil {
		a.Text, m.structured = string(doc), doc
	}
	return a, err
}

// mergeRequest is the request that merges notes, with the speech from..to
// when it fits.
func mergeRequest(ctx context.Context, k *caller, opts Options, system string, notes []Note, from, to float64) (llm.ChatRequest, error) {
	text := formatNotes(notes)
	segs, err := k.transcript.wait(ctx)
	if err != nil {
		return llm.ChatRequest{}, err
	}
	// The whole transcript goes along when it fits beside the notes, so
	// the summary can quote what was said; otherwise the notes (which
	// drew on it) must do.
	if t := linesIn(segs, from, to); t != "" && (len(t)+len(text))/4 <= opts.MergeBudget {
		text += "\n\nTranscript of the speech:\n" + t
	}
	req := llm.ChatRequest{Model: opts.Model, System: system, User: []llm.Part{llm.Text(text)}, MaxTokens: opts.MergeMaxTokens}
	req.Tokens = opts.requestTokens(req, nil)
	return req, nil
}

// estimateTokens is a conservative count for English text: four
// characters a token, plus a little per note for its heading.
func estimateTokens(notes []Note) int {
	n := 0
	for _, note := range notes {
		n += len(note.Description)/4 + 10
	}
	return n
}

// groupNotes splits notes into consecutive groups under budget tokens each.
// Every group has at least two notes where there are two to take, so each
// round shrinks the list and the rounds end.
func groupNotes(notes []Note, budget int) [][]Note {
	var groups [][]Note
	var cur []Note
	size := 0
	for _, n := range notes {
		t := estimateTokens([]Note{n})
		if len(cur) >= 2 && size+t > budget {
			groups = append(groups, cur)
			cur, size = nil, 0
		}
		cur = append(cur, n)
		size += t
	}
	if len(cur) == 1 && len(groups) > 0 {
		groups[len(groups)-1] = append(groups[len(groups)-1], cur[0])
	} else if len(cur) > 0 {
		groups = append(groups, cur)
	}
	return groups
}
