package narrate

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/vidskim/vidskim/llm"
	"github.com/vidskim/vidskim/summarize"
	"github.com/vidskim/vidskim/textsafe"
)

// Shortening requests: at most this many tokens in (the instruction and a
// line), and out: shortenBase plus four a word of the line's budget.
const (
	ShortenInputTokens = 250
	ShortenMaxTokens   = 200
	shortenBase        = 16
)

// ShortenTokens bounds the tokens of shortening lines lines of a narration
// covering seconds, each sent back once: the answers' limits follow the
// word budgets, which add up to the seconds at the narration pace (two
// words at least a line).
func ShortenTokens(lines int, seconds float64) (in, out int) {
	words := int(seconds*summarize.WordsPerSecond) + 2*lines
	return lines * ShortenInputTokens, min(lines*ShortenMaxTokens, lines*shortenBase+4*words)
}

const shortenSystem = "You shorten one line of a voice-over script so that a narrator can say it in the time it covers. " +
	"Rewrite the line in at most %d words, in the same language, keeping what matters most to a viewer. " +
	"Answer with the rewritten line alone: no timestamp, no quotes, no comment."

// slot is the time a line may take: to the next line's time, or to the end.
func slot(lines []summarize.Cue, i int, end float64) float64 {
	next := end
	if i+1 < len(lines) {
		next = lines[i+1].Start
	}
	return next - lines[i].Start
}

// words counts the words of s as a narrator says them.
func words(s string) int { return len(strings.Fields(s)) }

// fit returns the line to speak: text itself when it fits budget words,
// else the model's shorter version (one request, cached like any other).
// A failed request keeps the line as written, unless the failure stops
// the run (a bad key, an unknown model).
func (v *voicer) fit(ctx context.Context, text string, budget int) (string, error) {
	if words(text) <= budget {
		return text, nil
	}
	req := llm.ChatRequest{Model: v.o.ChatModel, System: fmt.Sprintf(shortenSystem, budget),
		User: []llm.Part{llm.Text(text)}, MaxTokens: min(ShortenMaxTokens, shortenBase+4*budget)}
	if req.Model == "" {
		req.Model = summarize.DefaultModel
	}
	req.Tokens = len(req.System)/4 + len(text)/4 + req.MaxTokens
	a, err := v.chat.Chat(ctx, req)
	v.countShorten(a)
	if err != nil {
		if llm.ActionOf(err, 0) == llm.Stop || ctx.Err() != nil {
			return "", fmt.Errorf("shortening a narration line: %w", err)
		}
		v.o.Log.Warn("could not shorten a narration line; speaking it as written", "error", err)
		return text, nil
	}
	short := cleanAnswer(a.Text)
	if short == "" || words(short) >= words(text) {
		return text, nil
	}
	return short, nil
}

// leadingStamp is a "[HH:MM:SS]" a model may put back before the line.
var leadingStamp = regexp.MustCompile(`^\[\d{1,2}:\d{2}:\d{2}(?:\.\d+)?\]\s*`)

// cleanAnswer keeps the first line of an answer, without a timestamp or
// the quotes around it.
func cleanAnswer(s string) string {
	s = textsafe.Clean(s)
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(leadingStamp.ReplaceAllString(strings.TrimSpace(l), "")); l != "" {
			return strings.TrimSpace(strings.Trim(l, `"“”«»'`))
		}
	}
	return ""
}

// countShorten adds one shortening answer to the report.
func (v *voicer) countShorten(a llm.Answer) {
	v.mu.Lock()
	defer v.mu.Unlock()
	switch {
	case a.Cached:
		v.rep.ShortenCached++
	case a.Usage != (llm.Usage{}) || a.Text != "":
		v.rep.ShortenRequests++
		v.rep.Shorten.Prompt += a.Usage.PromptTokens
		v.rep.Shorten.Completion += a.Usage.CompletionTokens
	}
}
