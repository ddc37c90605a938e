package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/vidskim/vidskim/ask"
	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/textsafe"
)

// askMarkdown writes the question, the answer with its unsupported
// citations marked, the second look, the citations, the videos and the
// usage.
func askMarkdown(b *strings.Builder, r ask.Result) {
	fmt.Fprintf(b, "# %s\n\n", mdText(oneLine(r.Question)))
	if r.Structured != nil {
		fmt.Fprintf(b, "```json\n%s\n```\n\n", jsonBlock(r.Structured))
	} else {
		fmt.Fprintf(b, "%s\n\n", mdText(markUnsupported(r.Answer, r.Citations, " *(unsupported)*")))
	}
	if r.Incomplete != "" {
		fmt.Fprintf(b, "> **INCOMPLETE**: the answer was %s.\n\n", r.Incomplete)
	}
	if r.Unsupported > 0 {
		fmt.Fprintf(b, "> **UNSUPPORTED**: %d of %s %s not backed by the notes the model was given.\n\n", r.Unsupported, Count(len(r.Citations), "citation"), IsAre(r.Unsupported))
	}
	for _, w := range r.Warnings {
		fmt.Fprintf(b, "> Warning: %s\n\n", mdText(w))
	}
	if len(r.Citations) > 0 {
		b.WriteString("## Citations\n\n")
		for _, c := range r.Citations {
			fmt.Fprintf(b, "- `%s` %s: %s\n", strings.ReplaceAll(textsafe.Line(c.Text), "`", "'"), mdEscape(baseName(c.Path)), verdict(c))
		}
		b.WriteString("\n")
	}
	if r.FirstAnswer != "" {
		b.WriteString("## Second look\n\nFrames looked at (high detail):")
		for _, f := range r.Looked {
			fmt.Fprintf(b, " %s", frameName(r, f))
		}
		fmt.Fprintf(b, ".\n\nThe answer from the notes, before the second look:\n\n%s\n\n", quote(mdText(r.FirstAnswer)))
	}
	b.WriteString("## Videos\n\n")
	for _, v := range r.Videos {
		fmt.Fprintf(b, "%d. %s (%s), run %d, %s\n", v.N, mdEscape(v.Path), extract.Clock(v.Duration), v.Run, v.From)
	}
	n, u := r.Notes, r.Usage
	fmt.Fprintf(b, "\n---\nNotes given: %d of %s (%d tokens)", n.Given, Count(n.Total, "moment"), n.Tokens)
	if n.Selected {
		b.WriteString(", chosen by search")
	}
	fmt.Fprintf(b, ". Usage: %s, %d prompt tokens, %d completion tokens; %s from the cache", Count(u.Requests, "request"), u.PromptTokens, u.CompletionTokens, Count(u.Cached, "answer"))
	if u.CostUSD > 0 {
		fmt.Fprintf(b, "; $%.4f", u.CostUSD)
	}
	b.WriteString(".\n")
}

// verdict is a citation's check in words.
func verdict(c ask.Citation) string {
	if c.Supported {
		return "supported"
	}
	return "**unsupported** (" + mdText(c.Reason) + ")"
}

// frameName names a frame looked at: its time, and its video when there
// are several.
func frameName(r ask.Result, f ask.Frame) string {
	if len(r.Videos) > 1 {
		return fmt.Sprintf("video %d %s", f.Video, stamp(f.Time, "."))
	}
	return stamp(f.Time, ".")
}

// markUnsupported puts mark after every citation the notes do not
// support, in the answer text.
func markUnsupported(answer string, cs []ask.Citation, mark string) string {
	at := map[int]int{} // offset -> end of the citation's text
	for _, c := range cs {
		if !c.Supported && c.At >= 0 && c.At+len(c.Text) <= len(answer) && answer[c.At:c.At+len(c.Text)] == c.Text {
			at[c.At] = c.At + len(c.Text)
		}
	}
	ends := make([]int, 0, len(at))
	for _, e := range at {
		ends = append(ends, e)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(ends)))
	for _, e := range ends {
		answer = answer[:e] + mark + answer[e:]
	}
	return answer
}

func oneLine(s string) string { return strings.Join(strings.Fields(textsafe.Line(s)), " ") }

// quote makes text a Markdown block quote.
func quote(s string) string { return "> " + strings.ReplaceAll(strings.TrimSpace(s), "\n", "\n> ") }

// jsonBlock is a JSON document indented for a Markdown code block, which
// it cannot end: a run of three backticks in it is broken up.
func jsonBlock(doc json.RawMessage) string {
	var b bytes.Buffer
	if json.Indent(&b, doc, "", "  ") != nil {
		b.Reset()
		b.Write(doc)
	}
	return strings.ReplaceAll(textsafe.Clean(b.String()), "```", "`\\u0060`")
}
