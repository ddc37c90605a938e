package narrate

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"os"
)

// decode writes the speech answer audio to path as raw mono 16-bit samples
// at SampleRate. A WAV of exactly that shape (what OpenAI answers) is
// taken apart here; anything else (another rate, another format from a
// server that ignored the one asked) is decoded by ffmpeg.
func (v *voicer) decode(ctx context.Context, audio []byte, path string) error {
	if pcm, ok := pcmFromWAV(audio); ok {
		return os.WriteFile(path, pcm, 0o600)
	}
	if _, err := run(ctx, v.bin, decodeArgs(path), bytes.NewReader(audio), nil); err != nil {
		return fmt.Errorf("decoding the speech: %w", err)
	}
	return nil
}

// decodeArgs turn the audio on stdin into raw mono samples at SampleRate
// in path.
func decodeArgs(path string) []string {
	return []string{"-hide_banner", "-nostdin", "-nostats", "-loglevel", "error", "-i", "pipe:0",
		"-map", "0:a:0", "-ac", "1", "-ar", fmt.Sprint(SampleRate), "-c:a", "pcm_s16le", "-f", "s16le", "-y", "file:" + path}
}

// pcmFromWAV returns the samples of a mono 16-bit PCM WAV at SampleRate,
// and false for anything else. A streamed WAV, whose sizes are unknown
// when its header is sent (0 or 0xFFFFFFFF), holds its samples to the end.
func pcmFromWAV(b []byte) ([]byte, bool) {
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return nil, false
	}
	le, shaped := binary.LittleEndian, false
	for off := 12; off+8 <= len(b); {
		id, size := string(b[off:off+4]), int(le.Uint32(b[off+4:off+8]))
		body := b[off+8:]
		switch {
		case id == "fmt " && len(body) >= 16:
			shaped = le.Uint16(body[0:]) == 1 && le.Uint16(body[2:]) == 1 && le.Uint32(body[4:]) == SampleRate && le.Uint16(body[14:]) == 16
		case id == "data":
			if !shaped {
				return nil, false
			}
			if size > 0 && size < len(body) {
				body = body[:size]
			}
			return body[:len(body)&^1], true
		}
		if size < 0 || size > len(body) {
			return nil, false
		}
		off += 8 + size + size&1 // chunks are word-aligned
	}
	return nil, false
}
