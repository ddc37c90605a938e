package extract

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Video describes the video stream that extraction reads, as ffprobe saw it.
type Video struct {
	Path        string  `json:"path"`
	Format      string  `json:"format"`
	Codec       string  `json:"codec"`
	StreamIndex int     `json:"stream_index"`
	Width       int     `json:"width"`  // as displayed: rotation and pixel aspect applied
	Height      int     `json:"height"` // as displayed
	Rotation    int     `json:"rotation,omitempty"`
	Duration    float64 `json:"duration_s"` // 0 when the container does not say
	FrameRate   float64 `json:"frame_rate,omitempty"`
	HasAudio    bool    `json:"has_audio"`
	// StartTime is the container's first timestamp in seconds (offset.ts
	// starts at 1.5 s): frame times count from it, packet times do not.
	StartTime float64 `json:"start_s,omitempty"`
}

// probeTimeout bounds ffprobe: it reads headers only, so a hang means a
// broken file or a stalled disk, not a long video.
const probeTimeout = 30 * time.Second

// Probe checks that path is a readable, non-empty regular file and asks
// ffprobe what it holds. It never touches the network: the file is always
// named with the file: protocol and only that protocol is allowed.
func Probe(ctx context.Context, path, ffprobePath string) (Video, error) {
	abs, err := checkFile(path)
	if err != nil {
		return Video{}, err
	}
	if v, err := mp4Probe(abs); err == nil {
		v.Path = abs
		return v, nil
	}
	return ffprobe(ctx, ffprobePath, Video{Path: abs}, base(path), "truncated, damaged, or not a video")
}

// checkFile turns the usual ways a path can be wrong into one clear error
// each, before any process starts.
func checkFile(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	st, err := os.Stat(abs)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return "", fmt.Errorf("%s: no such file", path)
	case err != nil:
		return "", fmt.Errorf("%s: %w", path, unwrapPathErr(err))
	case st.IsDir():
		return "", fmt.Errorf("%s: is a directory, not a video file", path)
	case !st.Mode().IsRegular():
		return "", fmt.Errorf("%s: not a regular file", path)
	case st.Size() == 0:
		return "", fmt.Errorf("%s: empty file", path)
	}
	f, err := os.Open(abs)
	if err != nil {
		return "", fmt.Errorf("%s: cannot read: %w", path, unwrapPathErr(err))
	}
	f.Close()
	return abs, nil
}

func unwrapPathErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func base(path string) string { return filepath.Base(path) }

// probeJSON is the part of `ffprobe -show_format -show_streams -of json`
// that extraction needs.
type probeJSON struct {
	Streams []struct {
		Index        int               `json:"index"`
		CodecType    string            `json:"codec_type"`
		CodecName    string            `json:"codec_name"`
		CodecTag     string            `json:"codec_tag_string"`
		Width        int               `json:"width"`
		Height       int               `json:"height"`
		SAR          string            `json:"sample_aspect_ratio"`
		AvgFrameRate string            `json:"avg_frame_rate"`
		RFrameRate   string            `json:"r_frame_rate"`
		Duration     string            `json:"duration"`
		Tags         map[string]string `json:"tags"`
		Disposition  struct {
			AttachedPic int `json:"attached_pic"`
		} `json:"disposition"`
		SideData []struct {
			Rotation float64 `json:"rotation"`
		} `json:"side_data_list"`
	} `json:"streams"`
	Format struct {
		FormatName string `json:"format_name"`
		Duration   string `json:"duration"`
		StartTime  string `json:"start_time"`
	} `json:"format"`
}

// parseProbe picks the first real video stream (cover art is not video) and
// computes its displayed size.
func parseProbe(data []byte) (Video, error) {
	var p probeJSON
	if err := json.Unmarshal(data, &p); err != nil {
		return Video{}, fmt.Errorf("probe: unreadable ffprobe output: %w", err)
	}
	var v Video
	found := false
	codec := ""
	for _, s := range p.Streams {
		switch {
		case s.CodecType == "audio":
			v.HasAudio = true
		case s.CodecType == "video" && s.Disposition.AttachedPic == 0 && !found:
			if s.CodecName == "" || s.CodecName == "unknown" || s.CodecName == "none" {
				codec = cleanLine(s.CodecTag)
				continue
			}
			if s.Width <= 0 || s.Height <= 0 || s.Width > 1<<15 || s.Height > 1<<15 {
				continue
			}
			found = true
			v.StreamIndex, v.Codec = s.Index, s.CodecName
			v.Rotation = rotation(s.Tags["rotate"], s.SideData)
			v.Width, v.Height = displaySize(s.Width, s.Height, s.SAR, v.Rotation)
			v.FrameRate = ratio(s.AvgFrameRate)
			if v.FrameRate <= 0 || v.FrameRate > 1000 {
				v.FrameRate = ratio(s.RFrameRate)
			}
			v.Duration = seconds(s.Duration)
		}
	}
	switch {
	case !found && codec != "":
		return Video{}, fmt.Errorf("%w (codec tag %q)", ErrUnsupportedCodec, codec)
	case !found && len(p.Streams) == 0:
		return Video{}, fmt.Errorf("%w: the file holds no streams at all (truncated or damaged?)", ErrNoVideoStream)
	case !found && v.HasAudio:
		return Video{}, fmt.Errorf("%w (audio only)", ErrNoVideoStream)
	case !found:
		return Video{}, ErrNoVideoStream
	}
	v.Format = p.Format.FormatName
	if st, err := strconv.ParseFloat(p.Format.StartTime, 64); err == nil && math.Abs(st) < 1e9 {
		v.StartTime = st
	}
	if d := seconds(p.Format.Duration); d > 0 {
		v.Duration = d
	}
	return v, nil
}

// rotation returns the display rotation in degrees, normalised to 0, 90,
// 180 or 270, from the display matrix side data or the legacy rotate tag.
func rotation(tag string, side []struct {
	Rotation float64 `json:"rotation"`
}) int {
	r := 0.0
	if f, err := strconv.ParseFloat(tag, 64); err == nil {
		r = f
	}
	for _, sd := range side {
		if sd.Rotation != 0 {
			r = sd.Rotation
		}
	}
	if math.IsNaN(r) || math.IsInf(r, 0) {
		return 0
	}
	deg := int(math.Round(r/90)) * 90 % 360
	if deg < 0 {
		deg += 360
	}
	return deg
}

// displaySize applies the sample aspect ratio and a quarter-turn rotation to
// the coded size, as a player would show the picture.
func displaySize(w, h int, sar string, rot int) (int, int) {
	if a := ratio(strings.Replace(sar, ":", "/", 1)); a > 0 && a != 1 && a < 100 && a > 0.01 {
		w = max(1, int(math.Round(float64(w)*a)))
	}
	if rot == 90 || rot == 270 {
		w, h = h, w
	}
	return w, h
}

// ratio parses "30000/1001" or "25"; anything else is 0.
func ratio(s string) float64 {
	num, den, ok := strings.Cut(s, "/")
	n, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
		return 0
	}
	if !ok {
		return n
	}
	d, err := strconv.ParseFloat(den, 64)
	if err != nil || d == 0 || math.IsNaN(d) || math.IsInf(d, 0) {
		return 0
	}
	return n / d
}

// seconds parses ffprobe's decimal seconds; "N/A", negatives and garbage are 0.
func seconds(s string) float64 {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	return f
}
