package render

import (
	"fmt"
	"strings"

	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/llm"
	"github.com/vidskim/vidskim/summarize"
	"github.com/vidskim/vidskim/textsafe"
)

// resultMarkdown writes the summary, then the timeline of chunk
// descriptions with their time ranges.
func resultMarkdown(b *strings.Builder, r summarize.Result) {
	fmt.Fprintf(b, "# Summary of %s\n\n", mdEscape(baseName(r.Video.Path)))
	if r.Partial {
		fmt.Fprintf(b, "> **PARTIAL SUMMARY**: %s of the video failed and %s not covered:", Count(len(r.Failed), "stretch"), map[bool]string{true: "is", false: "are"}[len(r.Failed) == 1])
		for _, f := range r.Failed {
			fmt.Fprintf(b, " %s-%s", extract.Clock(f.Start), extract.Clock(f.End))
		}
		b.WriteString(".\n\n")
	}
	fmt.Fprintf(b, "%s, %dx%d. %s sampled, %d sent to %s in %s.%s\n\n",
		extract.Clock(r.Video.Duration), r.Video.Width, r.Video.Height, Count(r.Frames.Sampled, "frame"), r.Frames.Kept, r.Model, Count(r.Usage.Requests, "request"),
		notDecoded(r.Frames.Skipped))
	if rn := rangeNote(r.Range, r.Video.Duration); rn != "" {
		fmt.Fprintf(b, "Range: %s only (--start, --end).\n\n", rn)
	}
	if r.Frames.Dropped > 0 {
		fmt.Fprintf(b, "> %s more differed enough to keep but %s dropped to stay within --max-frames.\n\n", Count(r.Frames.Dropped, "frame"), map[bool]string{true: "was", false: "were"}[r.Frames.Dropped == 1])
	}
	for _, w := range r.Warnings {
		fmt.Fprintf(b, "> Warning: %s\n\n", mdText(w))
	}
	summaryMarkdown(b, r)
	if len(r.Incomplete) > 0 {
		b.WriteString("> **INCOMPLETE**: the model did not finish these parts:\n")
		for _, p := range r.Incomplete {
			fmt.Fprintf(b, "> - %s\n", p)
		}
		b.WriteString("\n")
	}
	if len(r.Script) > 0 {
		b.WriteString("## Narration script\n\n")
		for _, c := range r.Script {
			fmt.Fprintf(b, "- **%s-%s** %s\n", stamp(c.Start, "."), stamp(c.End, "."), mdText(c.Text))
		}
		b.WriteString("\n")
	}
	estimateLine(b, r)
	b.WriteString("## Timeline\n\n")
	for _, c := range r.Chunks {
		fmt.Fprintf(b, "### %s - %s\n\n%s\n", extract.Clock(c.Start), extract.Clock(c.End), mdText(c.Description))
		switch c.FinishReason {
		case "length":
			b.WriteString("\n*(description cut off at the token limit)*\n")
		case "content_filter":
			b.WriteString("\n*(description withheld by the provider's content filter)*\n")
		}
		b.WriteString("\n")
	}
	if len(r.Transcript) > 0 {
		b.WriteString("## Transcript\n\n")
		transcriptLines(b, r.Transcript)
		b.WriteString("\n")
	}
	fmt.Fprintf(b, "---\nUsage: %s\n", usageText(r.Usage))
}

// summaryMarkdown writes the summary itself: the document in the user's
// schema, or the text, or why a run of descriptions only has none.
func summaryMarkdown(b *strings.Builder, r summarize.Result) {
	switch {
	case r.Structured != nil:
		fmt.Fprintf(b, "```json\n%s\n```\n\n", jsonBlock(r.Structured))
	case r.DescriptionsOnly && r.Summary == "":
		b.WriteString("> No summary: this run made subtitles of the descriptions (--format srt or vtt), so no merge request was paid for. Run summarize with --format md for one.\n\n")
	default:
		fmt.Fprintf(b, "%s\n\n", mdText(r.Summary))
	}
}

// estimateLine puts the estimate made before the run beside what it took.
func estimateLine(b *strings.Builder, r summarize.Result) {
	e := r.Estimate
	if e == nil {
		return
	}
	fmt.Fprintf(b, "Estimated before the run: %s, at most %s, at most $%.4f. Actual: %d prompt and %s",
		Count(e.InputTokens, "input token"), Count(e.OutputCeiling, "output token"), e.CostUSD, r.Usage.PromptTokens, Count(r.Usage.CompletionTokens, "completion token"))
	if r.Usage.CostUSD > 0 {
		fmt.Fprintf(b, ", $%.4f", max(0, r.Usage.CostUSD-r.Usage.TranscriptionUSD-r.Usage.SpeechUSD))
	}
	b.WriteString(".\n\n")
}

// transcriptMarkdown lists the speech line by line with its time.
func transcriptMarkdown(b *strings.Builder, t Transcript) {
	fmt.Fprintf(b, "# Transcript of %s\n\n", textsafe.Line(t.Video))
	if t.Range != nil {
		if rn := rangeNote(t.Range, t.Duration); rn != "" {
			fmt.Fprintf(b, "Range: %s only (--start, --end).\n\n", rn)
		}
	}
	transcriptLines(b, t.Segments)
	if t.Usage != nil {
		fmt.Fprintf(b, "\n---\nUsage: %s\n", usageText(*t.Usage))
	}
}

// transcriptLines lists the speech line by line with its time.
func transcriptLines(b *strings.Builder, segs []llm.Segment) {
	for _, s := range segs {
		fmt.Fprintf(b, "- **%s** %s\n", extract.Clock(s.Start), mdText(s.Text))
	}
}

func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

// mdEscape keeps a file name from being read as Markdown markup.
func mdEscape(s string) string {
	return strings.NewReplacer("\\", "\\\\", "*", "\\*", "_", "\\_", "`", "\\`", "#", "\\#", "[", "\\[", "]", "\\]", "\n", " ", "\r", " ").Replace(textsafe.Clean(s))
}

// mdText neutralizes raw HTML in model text: every "<" becomes "&lt;", so
// no tag, comment or autolink the model wrote (a <script>, an <img
// onerror>) survives into a rendered README or wiki page. Every Markdown
// renderer shows "&lt;" as "<". The model's Markdown (lists, emphasis)
// stays.
func mdText(s string) string { return strings.ReplaceAll(s, "<", "&lt;") }

// notDecoded is the sentence saying how much of a still scene was not
// decoded; "" when nothing was skipped.
func notDecoded(skipped float64) string {
	if skipped <= 0 {
		return ""
	}
	return fmt.Sprintf(" %.0f s of a still scene were not decoded (the packet sizes showed nothing new; --exact decodes all).", skipped)
}
