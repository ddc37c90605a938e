package render

import (
	"fmt"
	"strings"

	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/summarize"
)

// Count is n and the noun, singular for 1 and plural otherwise: "1
// frame", "3 frames", "0 requests", "2 stretches", "1 retry", "4 retries".
// Human text says counts through it, never "1 frames".
func Count(n int, noun string) string {
	return fmt.Sprintf("%d %s", n, Noun(n, noun))
}

// Noun is noun as n of it is said.
func Noun(n int, noun string) string {
	if n == 1 || noun == "" {
		return noun
	}
	switch last := noun[len(noun)-1]; {
	case strings.HasSuffix(noun, "s") || strings.HasSuffix(noun, "sh") || strings.HasSuffix(noun, "ch") || last == 'x':
		return noun + "es"
	case last == 'y' && len(noun) > 1 && !strings.ContainsRune("aeiou", rune(noun[len(noun)-2])):
		return noun[:len(noun)-1] + "ies"
	}
	return noun + "s"
}

// Price is a dollar figure, or "price unknown" for a model the table
// does not know (never a made-up $0.0000).
func Price(usd float64, known bool) string {
	if !known {
		return "price unknown"
	}
	return fmt.Sprintf("$%.4f", usd)
}

// rangeNote says which stretch a run covered when it was not the whole
// video ("" when it was): "00:00:02-00:00:08 of 00:00:12".
func rangeNote(r *summarize.TimeRange, duration float64) string {
	if r.Whole(duration) {
		return ""
	}
	return fmt.Sprintf("%s-%s of %s", clockMS(r.Start), clockMS(r.End), clockMS(duration))
}

// clockMS is HH:MM:SS, with .mmm when the time is not a whole second.
func clockMS(sec float64) string {
	if ms := int64(sec*1000 + 0.5); ms%1000 != 0 {
		return stamp(sec, ".")
	}
	return extract.Clock(sec)
}

// usageText says what a run took, in sentences: requests and tokens, the
// answers the cache (or the library) gave and what they first cost, the
// transcription, and the cost.
func usageText(u summarize.Usage) string {
	var b strings.Builder
	if u.Requests == 0 && u.Cached > 0 {
		fmt.Fprintf(&b, "no requests: every answer came from the cache (%s)", Count(u.Cached, "answer"))
	} else {
		fmt.Fprintf(&b, "%s, %s, %s", Count(u.Requests, "request"), Count(u.PromptTokens, "prompt token"), Count(u.CompletionTokens, "completion token"))
		if u.Cached > 0 {
			fmt.Fprintf(&b, "; %s from the cache", Count(u.Cached, "answer"))
		}
	}
	if u.TranscribedMinutes > 0 || u.CachedMinutes > 0 {
		fmt.Fprintf(&b, "; transcription: %.2f minutes of audio sent", u.TranscribedMinutes)
		if u.CachedMinutes > 0 {
			fmt.Fprintf(&b, ", %.2f from the cache", u.CachedMinutes)
		}
	}
	if u.CostUSD > 0 {
		fmt.Fprintf(&b, "; cost $%.4f", u.CostUSD)
		var parts []string
		if u.TranscriptionUSD > 0 {
			parts = append(parts, fmt.Sprintf("transcription $%.4f", u.TranscriptionUSD))
		}
		if u.SpeechUSD > 0 {
			parts = append(parts, fmt.Sprintf("speech $%.4f", u.SpeechUSD))
		}
		if len(parts) > 0 {
			fmt.Fprintf(&b, " (%s)", strings.Join(parts, ", "))
		}
	}
	if u.Cached > 0 || u.CachedMinutes > 0 {
		fmt.Fprintf(&b, "; what came from the cache first took %s and %s", Count(u.CachedPromptTokens, "prompt token"), Count(u.CachedCompletionTokens, "completion token"))
		if u.SavedUSD > 0 {
			fmt.Fprintf(&b, ": $%.4f saved", u.SavedUSD)
		}
	}
	return b.String() + "."
}

// IsAre is the verb of n things: "is" for one, "are" otherwise.
func IsAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}
