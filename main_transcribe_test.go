package main

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/vidskim/vidskim/llm/openaitest"
)

const sentence = "the quick brown fox jumps over the lazy dog"

// speechVideo makes an 8 s video whose audio is silent but for a spoken
// sentence (ffmpeg's flite voice) starting at 4 s.
func speechVideo(t *testing.T) string {
	return ffmpegTo(t, "speech.mp4", "-f", "lavfi", "-i", "testsrc2=s=160x120:r=10:d=8",
		"-f", "lavfi", "-i", "flite=text='"+sentence+"',adelay=4000|4000,apad=whole_dur=8,volume=2",
		"-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest")
}

// TestTranscriptReachesItsChunk: the request whose time range holds the
// sentence carries it, with its time; the merge carries the transcript.
func TestTranscriptReachesItsChunk(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	video := speechVideo(t)
	srv := openaitest.New(t)
	srv.SpeechText = func(n, i int) string { return sentence }
	code, stdout, stderr := vidskim(t, "summarize", video, "--base-url", srv.BaseURL(), "--transcribe",
		"--frames-per-request", "2", "--dedupe-threshold", "0", "--format", "json", "-q")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	tr := srv.Transcriptions()
	if len(tr) != 1 || tr[0].Model != "whisper-1" || tr[0].Format != "verbose_json" || len(tr[0].Granularities) != 1 || tr[0].Granularities[0] != "segment" {
		t.Fatalf("transcription requests %+v", tr)
	}
	var res struct {
		Transcript []struct {
			Start float64 `json:"start_s"`
			Text  string  `json:"text"`
		} `json:"transcript"`
	}
	json.Unmarshal([]byte(stdout), &res)
	if len(res.Transcript) != 1 || math.Abs(res.Transcript[0].Start-4) > 0.3 {
		t.Fatalf("transcript %+v, want one segment near 4 s", res.Transcript)
	}
	carried := 0
	for _, r := range srv.Requests() {
		all := strings.Join(r.Texts, "\n")
		has := strings.Contains(all, "[00:00:04] "+sentence)
		if len(r.Images) == 0 {
			if !has {
				t.Errorf("the merge request lacks the transcript")
			}
			continue
		}
		first, last := r.Images[0].Label, r.Images[len(r.Images)-1].Label
		holds := first <= "[00:00:04]" && "[00:00:04]" <= last || first == "[00:00:03]"
		if has {
			carried++
			if !holds {
				t.Errorf("chunk %s-%s carries a line said at 4 s", first, last)
			}
		}
	}
	if carried != 1 {
		t.Errorf("%d chunk requests carry the sentence, want exactly 1", carried)
	}
	// The same run again: the transcript comes from the cache.
	if code, _, stderr := vidskim(t, "summarize", video, "--base-url", srv.BaseURL(), "--transcribe",
		"--frames-per-request", "2", "--dedupe-threshold", "0", "--format", "json", "-q"); code != 0 {
		t.Fatalf("second run: exit %d: %s", code, stderr)
	}
	if n := len(srv.Transcriptions()); n != 1 {
		t.Errorf("the transcript was paid for %d times", n)
	}
}

// TestTranscriptSplitsLongAudio: audio over the upload limit is cut into
// overlapping pieces, and each piece's segment times come back in video
// time, once each. The pieces here are small (a hidden test flag), the
// speech bursts at known times.
func TestTranscriptSplitsLongAudio(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	// 60 s: tones of 1 s at 5, 17, 29, 41 and 53 s, silence elsewhere.
	video := ffmpegTo(t, "bursts.mp4", "-f", "lavfi", "-i", "color=c=gray:s=64x48:r=2:d=60",
		"-f", "lavfi", "-i", "sine=f=440:d=60,volume='if(lt(mod(t-5,12),1)*gte(t,5),1,0)':eval=frame",
		"-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest")
	srv := openaitest.New(t)
	t.Setenv("VIDSKIM_AUDIO_PIECE_BYTES", "80000") // 20 s pieces at 32 kbit/s
	code, stdout, stderr := vidskim(t, "summarize", video, "--base-url", srv.BaseURL(), "--transcript-only", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if n := len(srv.Transcriptions()); n < 3 {
		t.Fatalf("%d uploads, want the audio cut in several pieces", n)
	}
	var res struct {
		Transcript []struct {
			Start float64 `json:"start_s"`
		} `json:"transcript"`
	}
	json.Unmarshal([]byte(stdout), &res)
	want := []float64{5, 17, 29, 41, 53}
	if len(res.Transcript) != len(want) {
		t.Fatalf("segments %+v, want one at each of %v", res.Transcript, want)
	}
	for i, s := range res.Transcript {
		if math.Abs(s.Start-want[i]) > 0.3 {
			t.Errorf("segment %d at %.2f s, want %.0f s", i, s.Start, want[i])
		}
	}
	if len(srv.Requests()) != 0 {
		t.Error("--transcript-only sent chat requests")
	}
}

func TestTranscribeWithoutAudio(t *testing.T) {
	openaitest.NeedFFmpeg(t)
	srv := openaitest.New(t)
	code, stdout, stderr := vidskim(t, "summarize", "testdata/rotated.mp4", "--base-url", srv.BaseURL(), "--transcribe", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.Count(stderr, "no audio stream") != 1 || !strings.Contains(stdout, "no audio stream") {
		t.Errorf("want the missing audio said once on stderr and in the output; stderr:\n%s", stderr)
	}
	if len(srv.Transcriptions()) != 0 || len(srv.Requests()) == 0 {
		t.Errorf("%d transcriptions, %d chat requests", len(srv.Transcriptions()), len(srv.Requests()))
	}
}
