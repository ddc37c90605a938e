package llm

import (
	"context"

	"golang.org/x/time/rate"
)

// Budget paces requests under a provider's per-minute limits, so a user on
// a low tier is not answered 429 at all. Zero fields mean no limit.
type Budget struct {
	RPM int // requests per minute
	TPM int // tokens per minute (estimated input plus the output limit)
}

// limiter is a Budget at work: one token bucket for requests and one for
// tokens, both refilled continuously, each holding ten seconds' worth, so
// a run starts briskly but never exceeds the per-minute rate for long.
type limiter struct {
	req, tok *rate.Limiter
}

func newLimiter(b Budget) *limiter {
	l := &limiter{}
	if b.RPM > 0 {
		l.req = rate.NewLimiter(rate.Limit(float64(b.RPM)/60), max(1, b.RPM/6))
	}
	if b.TPM > 0 {
		l.tok = rate.NewLimiter(rate.Limit(float64(b.TPM)/60), max(1, b.TPM/6))
	}
	return l
}

// wait blocks until a request of about tokens tokens may go. A request
// larger than the bucket waits for a full bucket rather than forever.
func (l *limiter) wait(ctx context.Context, tokens int) error {
	if l == nil {
		return nil
	}
	if l.req != nil {
		if err := l.req.Wait(ctx); err != nil {
			return err
		}
	}
	if l.tok != nil {
		return l.tok.WaitN(ctx, min(max(tokens, 1), l.tok.Burst()))
	}
	return nil
}
