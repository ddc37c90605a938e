package narrate

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// tempoBatch is how many clips one ffmpeg run speeds up: one process for
// many clips, with few enough inputs open at once.
const tempoBatch = 32

// speedUp replaces each clip that pl plays faster than 1x by a copy made
// at that tempo with ffmpeg's atempo (pitch kept), tempoBatch clips a run.
func (v *voicer) speedUp(ctx context.Context, clips []clip, pl []placing) error {
	var todo []int
	for i, p := range pl {
		if !p.dropped && clips[i].path != "" && p.tempo > 1.001 {
			todo = append(todo, i)
		}
	}
	for len(todo) > 0 {
		n := min(tempoBatch, len(todo))
		if err := v.speedUpBatch(ctx, clips, pl, todo[:n]); err != nil {
			return err
		}
		todo = todo[n:]
	}
	return nil
}

func (v *voicer) speedUpBatch(ctx context.Context, clips []clip, pl []placing, batch []int) error {
	raw := []string{"-f", "s16le", "-ar", strconv.Itoa(SampleRate), "-ac", "1"}
	args, graph, outs := quiet(), make([]string, len(batch)), []string{}
	for k, i := range batch {
		args = append(append(args, raw...), input(clips[i].path)...)
		graph[k] = fmt.Sprintf("[%d:a]atempo=%.4f[t%d]", k, pl[i].tempo, k)
		fast := strings.TrimSuffix(clips[i].path, ".pcm") + ".fast.pcm"
		outs = append(append(append(outs, "-map", fmt.Sprintf("[t%d]", k), "-c:a", "pcm_s16le"), raw...), "-y", "file:"+fast)
	}
	args = append(append(args, "-filter_complex", strings.Join(graph, ";")), outs...)
	if _, err := run(ctx, v.bin, args, nil, nil); err != nil {
		return fmt.Errorf("speeding lines up: %w", err)
	}
	for _, i := range batch {
		fast := strings.TrimSuffix(clips[i].path, ".pcm") + ".fast.pcm"
		fi, err := os.Stat(fast)
		if err != nil {
			return err
		}
		clips[i] = clip{path: fast, samples: int(fi.Size() / 2)}
	}
	return nil
}
