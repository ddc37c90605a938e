package extract

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"

	ffmpeg "github.com/u2takey/ffmpeg-go"
)

// Remuxable says whether v's video can go into an MP4 as it is (no
// re-encoding): H.264, VP9 or AV1, which browsers play in MP4 though not
// in every container that carries them (MPEG-TS, Matroska, AVI...).
func Remuxable(v Video) bool {
	switch v.Codec {
	case "h264", "vp9", "av1":
		return true
	}
	return false
}

// Remux writes v as a fragmented MP4 to w: its first video stream copied
// as it is (ffmpeg -c copy, so it takes the time of reading the file, not
// of decoding it) and its first audio stream, if any, as AAC (whatever
// the audio was, a browser then plays it). Fragments make the MP4 playable
// and seekable without a second pass; w receives it as ffmpeg writes it.
func Remux(ctx context.Context, v Video, w io.Writer) error {
	if !Remuxable(v) {
		return fmt.Errorf("%s: remux: %s video does not go into MP4 as it is", base(v.Path), v.Codec)
	}
	bin, err := exec.LookPath("ffmpeg")
	if err != nil {
		return fmt.Errorf("remux: %w", ErrToolMissing)
	}
	in := ffmpeg.KwArgs{"hide_banner": "", "nostdin": "", "nostats": "", "loglevel": "error"}
	args := ffmpeg.Input(v.source(in), in).Output("pipe:1", ffmpeg.KwArgs{
		"map": []string{fmt.Sprintf("0:%d", v.StreamIndex), "0:a:0?"}, "c:v": "copy", "c:a": "aac", "b:a": "128k",
		"f": "mp4", "movflags": "frag_keyframe+empty_moov+default_base_moof",
	}).GetArgs()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 3 * time.Second
	ownGroup(cmd)
	errOut := newTail(2048)
	cmd.Stdout, cmd.Stderr = w, errOut
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("%s: remux: %w%s", base(v.Path), err, errOut.Reason())
	}
	return nil
}
