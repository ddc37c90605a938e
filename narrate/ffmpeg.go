package narrate

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"

	"github.com/vidskim/vidskim/extract"
)

// stderrTail is how much of ffmpeg's stderr is kept: enough for the
// reason it failed, or loudnorm's report at the end.
const stderrTail = 16 << 10

// run runs ffmpeg (bin) with args, reading stdin and writing stdout when
// given, and returns the tail of its stderr. It owns the process: a group
// of its own (Ctrl-C reaches vidskim, not ffmpeg), an interrupt when ctx
// ends, a bounded wait after, always a Wait. A failure says ffmpeg's last
// meaningful line.
func run(ctx context.Context, bin string, args []string, stdin io.Reader, stdout io.Writer) (string, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 3 * time.Second
	extract.OwnGroup(cmd)
	tail := extract.NewTail(stderrTail)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, tail
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", fmt.Errorf("ffmpeg: %w%s", err, tail.Reason())
	}
	return tail.String(), nil
}

// ffmpegBin finds the ffmpeg binary.
func ffmpegBin(path string) (string, error) {
	bin, err := exec.LookPath(path)
	if err != nil {
		return "", fmt.Errorf("narrate: %w", extract.ErrToolMissing)
	}
	return bin, nil
}
