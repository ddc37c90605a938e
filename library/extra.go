package library

import (
	"encoding/json"
	"fmt"

	"github.com/vidskim/vidskim/summarize"
)

// runExtra is what a run holds beyond its columns (schema version 2), as
// JSON in runs.extra: runs recorded before it have '{}'.
type runExtra struct {
	Range            *summarize.TimeRange `json:"range,omitempty"`
	Usage            *summarize.Usage     `json:"usage,omitempty"`
	DescriptionsOnly bool                 `json:"descriptions_only,omitempty"`
	Skipped          float64              `json:"not_decoded_s,omitempty"` // Frames.Skipped
}

// extraOf is res's runExtra as JSON.
func extraOf(res summarize.Result) string {
	u := res.Usage
	b, _ := json.Marshal(runExtra{Range: res.Range, Usage: &u, DescriptionsOnly: res.DescriptionsOnly, Skipped: res.Frames.Skipped}) // plain data: cannot fail
	return string(b)
}

// loadExtra puts a stored runExtra back into r: the whole usage replaces
// the columns' part of it.
func loadExtra(s string, r *summarize.Result) error {
	var x runExtra
	if err := json.Unmarshal([]byte(s), &x); err != nil {
		return fmt.Errorf("extra: %w", err)
	}
	r.Range, r.DescriptionsOnly, r.Frames.Skipped = x.Range, x.DescriptionsOnly, x.Skipped
	if x.Usage != nil {
		r.Usage = *x.Usage
	}
	return nil
}
