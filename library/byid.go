package library

import (
	"context"
	"fmt"
	"regexp"
)

var shortHex = regexp.MustCompile(`^[0-9a-f]{12}$`)

// ByID finds a video by its ID exactly as Videos lists it (twelve hex
// digits), and nothing else: unlike Resolve, it never reads the file
// system, so a name from an untrusted caller (a web request) is safe.
func (l *Library) ByID(ctx context.Context, id string) (Ref, error) {
	if !shortHex.MatchString(id) {
		return Ref{}, fmt.Errorf("%q: not a video ID", id)
	}
	return l.byPrefix(ctx, id)
}
