package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/vidskim/vidskim/llm/openaitest"
)

// budgetRE reads the word budget the narration prompt gives each frame.
var budgetRE = regexp.MustCompile(`(\d{2}:\d{2}:\d{2}): at most (\d+) words`)

// documentary is English as a narrator speaks it: 131 words (a prime, so
// no two lines of a run repeat), 4.4 letters a word on average: about
// what English running text averages.
var documentary = strings.Fields("early in the morning a woman walks along the quiet street while two cars pass slowly " +
	"under a grey sky and birds cross above the old houses near the river where children play by the water " +
	"a man on a bicycle stops at the corner to check his phone then rides on past the bakery whose lights " +
	"have just come on inside a baker lifts trays of bread onto the shelves and a delivery van parks outside " +
	"its driver carries boxes through the side door as the first customers arrive the clouds begin to break " +
	"and sunlight reaches the far end of the square where an old fountain stands surrounded by pigeons " +
	"a street sweeper moves along the gutter and a bus turns slowly into view carrying workers toward the station")

// fullBudgetModel narrates every frame with as many words as its budget
// allows: the most a model that follows the prompt can make vidskim say.
func fullBudgetModel(r openaitest.Request) openaitest.Reply {
	if len(r.Images) == 0 {
		return openaitest.Reply{Content: "A street scene, narrated."}
	}
	var lines []string
	for _, m := range budgetRE.FindAllStringSubmatch(strings.Join(r.Texts, " "), -1) {
		n, _ := strconv.Atoi(m[2])
		var h, mi, sec int
		fmt.Sscanf(m[1], "%d:%d:%d", &h, &mi, &sec)
		k := (h*3600 + mi*60 + sec) * 7 // each line starts elsewhere in the text
		w := make([]string, n)
		for i := range w {
			w[i] = documentary[(k+i)%len(documentary)]
		}
		lines = append(lines, "["+m[1]+"] "+strings.Join(w, " ")+".")
	}
	return openaitest.Reply{Content: strings.Join(lines, "\n")}
}

// TestNarrationCostTenMinutes measures what plan estimates for narrating
// a 10-minute video and what the run then pays on the fake speech server,
// whose model fills every line's word budget: the estimate must hold. The
// figures and the commands are logged (go test -run TestNarrationCostTenMinutes -v).
func TestNarrationCostTenMinutes(t *testing.T) {
	if testing.Short() {
		t.Skip("a 10-minute video: skipped with -short")
	}
	openaitest.NeedFFmpeg(t)
	video := ffmpegTo(t, "ten.mp4", "-f", "lavfi", "-i", "testsrc2=s=160x120:r=5:d=600", "-f", "lavfi", "-i", "sine=f=3000:d=600",
		"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest")
	planArgs := []string{"plan", video, "--speak", "--fps", "0.2", "--format", "json"}
	code, stdout, stderr := vidskim(t, planArgs...)
	var plan struct {
		Estimate struct {
			USD float64 `json:"cost_usd_at_most"`
		} `json:"estimate"`
		Narration struct {
			Seconds    float64 `json:"narration_s_at_most"`
			Characters int     `json:"characters"`
			USD        float64 `json:"cost_usd"`
			ShortenUSD float64 `json:"shorten_cost_usd_at_most"`
		} `json:"narration"`
	}
	if err := json.Unmarshal([]byte(stdout), &plan); code != 0 || err != nil {
		t.Fatalf("plan: exit %d, %v: %s", code, err, stderr)
	}
	srv := openaitest.New(t)
	srv.Script = fullBudgetModel
	out := filepath.Join(t.TempDir(), "ten-narrated.mp4")
	runArgs := []string{"summarize", video, "--base-url", srv.BaseURL(), "--speak", "-o", out, "--fps", "0.2", "--format", "json", "-q"}
	code, stdout, stderr = vidskim(t, runArgs...)
	var got speechJSON
	if err := json.Unmarshal([]byte(stdout), &got); code != 0 || err != nil {
		t.Fatalf("run: exit %d, %v: %s", code, err, stderr)
	}
	chars := srv.SpokenCharacters()
	paid := float64(chars) * 15 / 1e6 // tts-1: $15 a million characters
	spoken := 0.0
	for _, l := range got.Speech.Lines {
		spoken += l.End - l.Start
	}
	t.Logf("commands: vidskim %s\n          vidskim %s", strings.Join(planArgs, " "), strings.Join(runArgs, " "))
	t.Logf("plan: narration at most %.0f s, about %d characters on tts-1: $%.4f (shortening at most $%.4f; frames at most $%.4f)",
		plan.Narration.Seconds, plan.Narration.Characters, plan.Narration.USD, plan.Narration.ShortenUSD, plan.Estimate.USD)
	t.Logf("run: %d lines, %d speech requests, %d characters received by the fake server: $%.4f on tts-1; %.0f s of speech heard",
		len(got.Speech.Lines), len(srv.Spoken()), chars, paid, spoken)
	for _, l := range got.Speech.Lines {
		if l.Written != "" || l.LeftOut != "" || l.Tempo > 0 && l.Tempo > 1.1 {
			t.Logf("line at %.1f s: heard %.2f-%.2f s, tempo %.2f, shortened %v, left out %q", l.At, l.Start, l.End, l.Tempo, l.Written != "", l.LeftOut)
		}
	}
	if got.Speech.Chars != chars || len(srv.Spoken()) != got.Speech.Requests {
		t.Errorf("the run reports %d characters, the server received %d", got.Speech.Chars, chars)
	}
	if paid > plan.Narration.USD || spoken > plan.Narration.Seconds {
		t.Errorf("the run paid $%.4f for %.0f s of speech, more than plan's $%.4f and %.0f s", paid, spoken, plan.Narration.USD, plan.Narration.Seconds)
	}
}
