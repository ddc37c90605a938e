package cost

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"sort"
	"strings"

	"github.com/vidskim/vidskim/chunk"
	"github.com/vidskim/vidskim/outfile"
)

//go:embed models.json
var builtinModels []byte

// Model is how one model counts image tokens and what it costs.
type Model struct {
	Name string `json:"name"`
	// Scheme is "tile" (GPT-4o and its kin: low detail is a flat Base;
	// high detail is Base plus Tile tokens a 512 px tile after the
	// 2048/768 scaling) or "patch" (the small models: 32 px patches, at
	// most MaxPatches, times Multiplier; detail has no effect).
	Scheme     string  `json:"scheme"`
	Base       int     `json:"base,omitempty"`
	Tile       int     `json:"tile,omitempty"`
	Multiplier float64 `json:"multiplier,omitempty"`
	MaxPatches int     `json:"max_patches,omitempty"`
	InputUSD   float64 `json:"input_usd_per_m"`
	OutputUSD  float64 `json:"output_usd_per_m"`
	// BatchInputUSD and BatchOutputUSD are the Batch API's prices; an
	// entry without them is billed half its standard prices there, as
	// OpenAI's and Azure's Batch APIs bill (see Batched).
	BatchInputUSD  float64 `json:"batch_input_usd_per_m,omitempty"`
	BatchOutputUSD float64 `json:"batch_output_usd_per_m,omitempty"`
}

// Batched is m as the Batch API bills it: its batch prices as its
// prices, or half its standard ones when the table gives none.
func (m Model) Batched() Model {
	b := m
	if m.BatchInputUSD > 0 || m.BatchOutputUSD > 0 {
		b.InputUSD, b.OutputUSD = m.BatchInputUSD, m.BatchOutputUSD
	} else {
		b.InputUSD, b.OutputUSD = m.InputUSD/2, m.OutputUSD/2
	}
	return b
}

// Models is the model table: built in, overridable by the user.
type Models struct {
	Checked string   `json:"checked"`
	Sources []string `json:"sources"`
	Models  []Model  `json:"models"`
	Compare []string `json:"compare"`
	// Transcription is the price of a minute of audio, by model.
	Transcription map[string]float64 `json:"transcription_usd_per_minute"`
	// Speech prices the text-to-speech models.
	Speech []SpeechPrice `json:"speech"`
}

// LoadModels returns the built-in table, with the entries of the JSON file
// at path (same shape; "" for none) added or replacing those of the same
// name.
func LoadModels(path string) (Models, error) {
	var m Models
	if err := json.Unmarshal(builtinModels, &m); err != nil {
		return m, fmt.Errorf("built-in model table: %w", err)
	}
	if path == "" {
		return m, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return m, fmt.Errorf("model table %s: %w", path, outfile.Cause(err))
	}
	var user Models
	if err := json.Unmarshal(data, &user); err != nil {
		return m, fmt.Errorf("model table %s: %w", path, err)
	}
	for _, u := range user.Models {
		if u.Scheme != "tile" && u.Scheme != "patch" {
			return m, fmt.Errorf("model table %s: %s: scheme must be tile or patch", path, u.Name)
		}
		m.Models = append([]Model{u}, m.Models...) // first match wins
	}
	if len(user.Compare) > 0 {
		m.Compare = user.Compare
	}
	for k, v := range user.Transcription {
		m.Transcription[k] = v
	}
	m.Speech = append(user.Speech, m.Speech...) // first match wins
	return m, nil
}

// Lookup finds name's entry: exactly, else the longest entry that prefixes
// it (a dated snapshot such as gpt-4.1-mini-2025-04-14), after dropping a
// router's "openai/" prefix. ok is false for an unknown model, whose
// estimate then uses the GPT-4o rule.
func (m Models) Lookup(name string) (Model, bool) {
	e, found := find(m.Models, name, func(e Model) string { return e.Name })
	if !found {
		e = Fallback(name)
	}
	return e, found
}

// find is the entry named name, else the one with the longest name that
// prefixes it (a dated snapshot such as gpt-4.1-mini-2025-04-14), after
// dropping a router's "openai/" prefix; found is false for neither.
func find[T any](entries []T, name string, nameOf func(T) string) (best T, found bool) {
	n := strings.ToLower(name)
	if i := strings.LastIndex(n, "/"); i >= 0 {
		n = n[i+1:]
	}
	bestLen := 0
	for _, e := range entries {
		en := strings.ToLower(nameOf(e))
		if n == en {
			return e, true
		}
		if strings.HasPrefix(n, en+"-") && len(en) > bestLen {
			best, found, bestLen = e, true, len(en)
		}
	}
	return best, found
}

// ImageTokens is what one w x h image costs on m at detail d.
func (m Model) ImageTokens(w, h int, d chunk.Detail) int {
	if m.Scheme == "patch" {
		return int(math.Ceil(float64(patches(w, h, m.MaxPatches)) * m.Multiplier))
	}
	if d != chunk.High {
		return m.Base
	}
	return m.Base + m.Tile*tiles(w, h)
}

// tiles counts 512 px tiles after fitting in 2048x2048 and scaling the
// short side to 768 (never up).
func tiles(w, h int) int {
	fw, fh := float64(w), float64(h)
	if s := 2048 / math.Max(fw, fh); s < 1 {
		fw, fh = fw*s, fh*s
	}
	if s := 768 / math.Min(fw, fh); s < 1 {
		fw, fh = fw*s, fh*s
	}
	return int(math.Ceil(fw/512) * math.Ceil(fh/512))
}

// patches counts 32 px patches; over the cap, the image is scaled down
// (keeping its shape) until its patches fit, as OpenAI's guide describes.
func patches(w, h, max int) int {
	if max <= 0 {
		max = 1536
	}
	pw, ph := math.Ceil(float64(w)/32), math.Ceil(float64(h)/32)
	if int(pw*ph) <= max {
		return int(pw * ph)
	}
	fw, fh := float64(w), float64(h)
	s := math.Sqrt(float64(max) * 32 * 32 / (fw * fh))
	fw, fh = fw*s, fh*s
	// Shrink further so whole patches fit the width, then count.
	s2 := math.Floor(fw/32) / (fw / 32)
	fw, fh = fw*s2, fh*s2
	return min(max, int(math.Ceil(fw/32)*math.Ceil(fh/32)))
}

// Cost is the dollar cost of input and output tokens on m.
func (m Model) Cost(in, out int) float64 {
	return float64(in)*m.InputUSD/1e6 + float64(out)*m.OutputUSD/1e6
}

// CompareModels returns the models to show beside the chosen one.
func (m Models) CompareModels(chosen string) []Model {
	var out []Model
	seen := map[string]bool{}
	for _, n := range append([]string{chosen}, m.Compare...) {
		e, _ := m.Lookup(n)
		if !seen[e.Name] {
			seen[e.Name] = true
			out = append(out, e)
		}
	}
	sort.SliceStable(out[1:], func(i, j int) bool { return out[1+i].Name < out[1+j].Name })
	return out
}

// Fallback is how an unknown model is estimated: GPT-4o's image rule, no
// price.
func Fallback(name string) Model {
	return Model{Name: name, Scheme: "tile", Base: 85, Tile: 170}
}
