package narrate

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"

	"github.com/vidskim/vidskim/extract"
)

// writeTrack writes the voice-over as a mono WAV file of Length seconds:
// silence, and each placed clip at its start (sped up already, where pl
// says). Report.Lines get the times as heard.
func (v *voicer) writeTrack(clips []clip, pl []placing) (string, error) {
	path := filepath.Join(v.dir, "voice.wav")
	f, err := os.Create(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	total := int(math.Round(v.o.Length * SampleRate))
	w.Write(make([]byte, 44)) // the header, once the size is known
	pos, placed := 0, false
	for i, p := range pl {
		l := &v.rep.Lines[i]
		if clips[i].path == "" || p.dropped {
			if clips[i].path != "" {
				l.LeftOut = "no room before the end of the video"
			}
			continue
		}
		start := max(int(math.Round(p.start*SampleRate)), pos)
		if placed {
			start = max(start, pos+int(Gap*SampleRate)) // a sped-up clip a few samples long never touches the next
		}
		if start >= total {
			l.LeftOut = "no room before the end of the video"
			continue
		}
		if err := silence(w, start-pos); err != nil {
			return "", err
		}
		n, err := copyClip(w, clips[i], total-start)
		if err != nil {
			return "", fmt.Errorf("narration line %d at %s: %w", i+1, extract.Clock(l.At), err)
		}
		l.Start, l.End = round3(float64(start)/SampleRate), round3(float64(start+n)/SampleRate)
		if p.tempo > 1.001 {
			l.Tempo = math.Round(p.tempo*1000) / 1000
		}
		pos, placed = start+n, true
	}
	if err := silence(w, total-pos); err != nil {
		return "", err
	}
	if err := w.Flush(); err != nil {
		return "", err
	}
	if _, err := f.WriteAt(wavHeader(total), 0); err != nil {
		return "", err
	}
	return path, f.Close()
}

// copyClip writes clip c into w, at most limit samples, and says how
// many it wrote.
func copyClip(w io.Writer, c clip, limit int) (int, error) {
	f, err := os.Open(c.path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	lw := &limitWriter{w: w, left: 2 * limit}
	_, err = io.Copy(lw, f)
	return lw.n / 2, err
}

// limitWriter passes on at most left bytes and quietly drops the rest.
type limitWriter struct {
	w       io.Writer
	left, n int
}

func (l *limitWriter) Write(p []byte) (int, error) {
	k := min(len(p), l.left)
	k -= k % 2 // whole samples
	if k > 0 {
		if _, err := l.w.Write(p[:k]); err != nil {
			return 0, err
		}
		l.left -= k
		l.n += k
	}
	return len(p), nil
}

var zeros = make([]byte, 64<<10)

// silence writes n samples of silence.
func silence(w io.Writer, n int) error {
	for b := 2 * n; b > 0; {
		k := min(b, len(zeros))
		if _, err := w.Write(zeros[:k]); err != nil {
			return err
		}
		b -= k
	}
	return nil
}

// wavHeader is the 44-byte header of a mono 16-bit PCM WAV file of
// samples samples at SampleRate.
func wavHeader(samples int) []byte {
	h := make([]byte, 44)
	le := binary.LittleEndian
	copy(h[0:], "RIFF")
	le.PutUint32(h[4:], uint32(36+2*samples))
	copy(h[8:], "WAVEfmt ")
	le.PutUint32(h[16:], 16)
	le.PutUint16(h[20:], 1) // PCM
	le.PutUint16(h[22:], 1) // mono
	le.PutUint32(h[24:], SampleRate)
	le.PutUint32(h[28:], 2*SampleRate)
	le.PutUint16(h[32:], 2)
	le.PutUint16(h[34:], 16)
	copy(h[36:], "data")
	le.PutUint32(h[40:], uint32(2*samples))
	return h
}

// round3 keeps times to the millisecond in the report.
func round3(f float64) float64 { return math.Round(f*1000) / 1000 }
