package cost

import (
	"math"
	"testing"

	"github.com/vidskim/vidskim/chunk"
)

// TestImageTokens checks both schemes against hand-computed values,
// OpenAI's worked examples among them.
func TestImageTokens(t *testing.T) {
	models, err := LoadModels("")
	if err != nil {
		t.Fatal(err)
	}
	look := func(n string) Model { m, _ := models.Lookup(n); return m }
	tests := []struct {
		model string
		w, h  int
		d     chunk.Detail
		want  int
	}{
		{"gpt-4o", 1024, 1024, chunk.High, 765},  // OpenAI: 768x768 after scaling, 4 tiles: 85 + 4x170
		{"gpt-4o", 2048, 4096, chunk.High, 1105}, // OpenAI: 768x1536, 6 tiles
		{"gpt-4o", 4096, 8192, chunk.Low, 85},    // low detail is flat
		{"gpt-4o", 512, 288, chunk.High, 255},    // 512x288 stays (short side under 768): 1 tile
		{"gpt-4o-mini", 512, 288, chunk.Low, 2833},
		{"gpt-5", 1024, 1024, chunk.High, 70 + 4*140},
		{"o3", 512, 512, chunk.High, 75 + 150},
		{"gpt-4.1-mini", 1024, 1024, chunk.Low, 1659},       // 32x32 patches x 1.62 = 1658.9; detail has no effect
		{"gpt-4.1-mini", 1024, 1024, chunk.High, 1659},      // ...either way
		{"gpt-4.1-nano", 512, 288, chunk.Low, 355},          // 16x9 = 144 patches x 2.46 = 354.2, rounded up (1536 x 1.2 is billed 1844)
		{"o4-mini", 1800, 2400, chunk.High, 2498},           // OpenAI: scaled to 1056x1408, 33x44 = 1452 patches; x 1.72
		{"gpt-5-mini", 2048, 768, chunk.High, 1844},         // 64x24 = 1536 patches (at the cap) x 1.2, as measured
		{"gpt-5-nano-2025-08-07", 512, 512, chunk.Low, 384}, // a dated snapshot: 256 x 1.5
	}
	for _, tt := range tests {
		if got := look(tt.model).ImageTokens(tt.w, tt.h, tt.d); got != tt.want {
			t.Errorf("%s %dx%d %s: %d tokens, want %d", tt.model, tt.w, tt.h, tt.d, got, tt.want)
		}
	}
	if _, known := models.Lookup("llava:13b"); known {
		t.Error("an unknown model was found")
	}
	if m, _ := models.Lookup("openai/gpt-4.1-mini"); m.Name != "gpt-4.1-mini" {
		t.Errorf("router prefix not dropped: %q", m.Name)
	}
}

func TestPatchesWorkedExample(t *testing.T) {
	// OpenAI's guide: 1800x2400 is 57x75 = 4275 patches, over the cap;
	// scaled by 0.603 then to whole patches across: 33x44 = 1452.
	if got := patches(1800, 2400, 1536); got != 1452 {
		t.Errorf("patches(1800, 2400) = %d, want 1452", got)
	}
	if got := patches(1024, 1024, 1536); got != 1024 {
		t.Errorf("patches(1024, 1024) = %d, want 1024", got)
	}
}

func TestEstimateAndCost(t *testing.T) {
	models, _ := LoadModels("")
	m, _ := models.Lookup("gpt-4o")
	frames := make([]Size, 25)
	for i := range frames {
		frames[i] = Size{512, 288}
	}
	e := Job{Frames: frames, PerRequest: 10, Detail: chunk.Low, ChunkPrompt: 300, MergePrompt: 300,
		MaxTokens: 400, MergeMaxTokens: 1200, MergeBudget: 24000}.Estimate(m, true)
	if e.ImageTokens != 25*85 || e.Requests != 4 || e.OutputCeiling != 3*400+1200 {
		t.Errorf("estimate %+v", e)
	}
	want := float64(e.InputTokens)*2.5/1e6 + float64(e.OutputCeiling)*10/1e6
	if d := e.CostUSD - want; d > 1e-6 || d < -1e-6 {
		t.Errorf("cost %v, want %v", e.CostUSD, want)
	}
}

// TestBatchPrices: the Batch API bills half the standard prices (the
// table's own batch prices, or half for an entry without them), and an
// estimate with batched chunks prices them so while the merge stays live.
func TestBatchPrices(t *testing.T) {
	m, err := LoadModels("")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range m.Models {
		if b := e.Batched(); b.InputUSD != e.InputUSD/2 || b.OutputUSD != e.OutputUSD/2 {
			t.Errorf("%s: batch prices %v/%v, want half of %v/%v", e.Name, b.InputUSD, b.OutputUSD, e.InputUSD, e.OutputUSD)
		}
	}
	if b := (Model{InputUSD: 3, OutputUSD: 5}).Batched(); b.InputUSD != 1.5 || b.OutputUSD != 2.5 {
		t.Errorf("an entry without batch prices: %+v", b)
	}
	mini, _ := m.Lookup("gpt-4.1-mini")
	j := Job{Frames: Sizes(40, 512, 288), PerRequest: 10, ChunkPrompt: 400, MergePrompt: 400, MaxTokens: 400, MergeMaxTokens: 1200, MergeBudget: 24000}
	live := j.Estimate(mini, true)
	j.Batch = Batching{Chunks: true}
	chunks := j.Estimate(mini, true)
	j.Batch.Merges = true
	all := j.Estimate(mini, true)
	if chunks.LiveCostUSD != live.CostUSD || !(all.CostUSD < chunks.CostUSD && chunks.CostUSD < live.CostUSD) || chunks.Batch != "chunks" || all.Batch != "all" {
		t.Errorf("live $%v, chunks batched $%v (live $%v), all batched $%v", live.CostUSD, chunks.CostUSD, chunks.LiveCostUSD, all.CostUSD)
	}
	if d := all.CostUSD - live.CostUSD/2; d > 1e-5 || d < -1e-5 {
		t.Errorf("everything batched costs $%v, not half of $%v", all.CostUSD, live.CostUSD)
	}
}

// TestSpeechPrices: per character for tts-1 and tts-1-hd, per token for
// gpt-4o-mini-tts, its audio tokens counted from the minutes spoken.
func TestSpeechPrices(t *testing.T) {
	models, _ := LoadModels("")
	tests := []struct {
		model   string
		chars   int
		seconds float64
		want    float64
		known   bool
	}{
		{"tts-1", 1_000_000, 0, 15, true},
		{"tts-1-hd", 4096, 256, 4096 * 30 / 1e6, true},
		{"gpt-4o-mini-tts", 4000, 60, 1000*0.6/1e6 + 1250*12/1e6, true},    // OpenAI's $0.015 a minute, plus the text
		{"gpt-4o-mini-tts-2025-12-15", 0, 600, 10 * 1250 * 12 / 1e6, true}, // a dated snapshot
		{"kokoro", 5000, 60, 0, false},
	}
	for _, tt := range tests {
		p, known := models.SpeechFor(tt.model)
		if got := p.Cost(tt.chars, tt.seconds); math.Abs(got-tt.want) > 1e-9 || known != tt.known {
			t.Errorf("%s: $%g (known %v), want $%g (%v)", tt.model, got, known, tt.want, tt.known)
		}
	}
	n := models.NarrationFor("tts-1", 600, 2.5)
	if n.Words != 1500 || n.Characters != 9000 || n.USD != 0.135 || !n.Known {
		t.Errorf("ten minutes on tts-1: %+v", n)
	}
	chat, _ := models.Lookup("gpt-4.1-mini")
	n.AddShortening(100, chat, 20000, 10000)
	if n.ShortenUSD != RoundUSD(20000*0.4/1e6+10000*1.6/1e6) || n.TotalUSD() != RoundUSD(n.USD+n.ShortenUSD) {
		t.Errorf("shortening: %+v", n)
	}
}
