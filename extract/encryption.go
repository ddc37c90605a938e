package extract

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"

	ffmpeg "github.com/u2takey/ffmpeg-go"
)

// ErrEncrypted means the video stream is encrypted (CENC, cbcs or another
// DRM scheme): it cannot be decoded without its key, and ffmpeg would
// hand back flat grey pictures instead of failing.
var ErrEncrypted = errors.New("encrypted video (DRM): it cannot be decoded without its key")

// checkEncrypted asks ffprobe about the first packet of the video stream.
// The container does not say a stream is encrypted where -show_streams
// looks (an MP4's encv sample entry is shown as its original codec), but
// ffmpeg's demuxers attach "Encryption info" side data to every encrypted
// packet, whatever the scheme, and "Encryption initialization data" to
// the stream when the file carries a pssh.
func checkEncrypted(ctx context.Context, bin string, v Video, name string) error {
	kw := ffmpeg.KwArgs{"v": "quiet", "select_streams": strconv.Itoa(v.StreamIndex), "read_intervals": "%+#1",
		"show_entries": "packet_side_data=side_data_type:stream_side_data=side_data_type", "of": "json"}
	src := v.source(kw)
	cmd := exec.CommandContext(ctx, bin, append(ffmpeg.ConvertKwargsToCmdLineArgs(kw), src)...)
	ownGroup(cmd)
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return nil // the probe that matters already passed; decoding will say what is wrong
	}
	if encrypted(out.Bytes()) {
		return fmt.Errorf("%s: %w", name, ErrEncrypted)
	}
	return nil
}

// encrypted reads ffprobe's answer for encryption side data.
func encrypted(data []byte) bool {
	type sideData struct {
		SideData []struct {
			Type string `json:"side_data_type"`
		} `json:"side_data_list"`
	}
	var p struct {
		Packets []sideData `json:"packets"`
		Streams []sideData `json:"streams"`
	}
	if json.Unmarshal(data, &p) != nil {
		return false
	}
	for _, s := range append(p.Packets, p.Streams...) {
		for _, sd := range s.SideData {
			if strings.HasPrefix(strings.ToLower(sd.Type), "encryption") {
				return true
			}
		}
	}
	return false
}
