package narrate

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/vidskim/vidskim/extract"
)

// CheckContainer makes sure, before anything is paid for, that the
// container out names can hold v's video stream as it is (an mp4 cannot
// hold every codec a video arrives in): ffmpeg copies the first picture
// into a scratch file of that kind. option names out, for the error.
func CheckContainer(ctx context.Context, v extract.Video, option, out, ffmpegPath string) error {
	if err := VideoContainer(option, out); err != nil {
		return err
	}
	if ffmpegPath == "" {
		ffmpegPath = "ffmpeg"
	}
	bin, err := ffmpegBin(ffmpegPath)
	if err != nil {
		return err
	}
	ext := strings.ToLower(filepath.Ext(out))
	f, err := os.CreateTemp("", "vidskim-check-*"+ext)
	if err != nil {
		return fmt.Errorf("narrate: %w", err)
	}
	f.Close()
	defer os.Remove(f.Name())
	args := append(append(quiet(), v.InputArgs()...), "-map", "0:"+strconv.Itoa(v.StreamIndex), "-c:v", "copy",
		"-frames:v", "1", "-f", videoContainers[ext].format, "-y", "file:"+f.Name())
	if _, err := run(ctx, bin, args, nil, nil); err != nil {
		if ctx.Err() != nil {
			return err
		}
		return &ContainerError{Option: option, Path: out, Codec: v.Codec, Err: err}
	}
	return nil
}

// ContainerError is a container that cannot hold the video stream.
type ContainerError struct {
	Option, Path, Codec string
	Err                 error
}

func (e *ContainerError) Error() string {
	return fmt.Sprintf("%s: a %s file cannot hold this video's %s stream without re-encoding it (%v); try .mkv",
		e.Path, strings.TrimPrefix(filepath.Ext(e.Path), "."), e.Codec, e.Err)
}

func (e *ContainerError) Unwrap() error { return e.Err }
