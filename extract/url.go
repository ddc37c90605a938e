package extract

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os/exec"
	"strings"

	ffmpeg "github.com/u2takey/ffmpeg-go"
)

// URLProtocols are the only protocols ffmpeg may use to read a URL input.
// ffmpeg checks every nested open against this list, so a redirect to
// file: (or any other scheme), or a playlist naming one, is refused by
// ffmpeg itself.
const URLProtocols = "http,https,tcp,tls"

// rwTimeout is how long ffmpeg waits on a stalled server (microseconds).
const rwTimeout = "30000000"

// IsURL says whether name is an http(s) URL; anything else, "http:x"
// included, is a local file name.
func IsURL(name string) bool {
	l := strings.ToLower(name)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")
}

// source is how ffmpeg opens v, with the input options that go with it:
// a local file as file:/absolute/path with only the file protocol, a URL
// as itself with only URLProtocols and a timeout on a stalled server.
func (v Video) source(in ffmpeg.KwArgs) string {
	if IsURL(v.Path) {
		in["protocol_whitelist"] = URLProtocols
		in["rw_timeout"] = rwTimeout
		return v.Path
	}
	in["protocol_whitelist"] = "file"
	return "file:" + v.Path
}

// InputArgs are the ffmpeg arguments that open v as this package does
// (see source), for packages that run ffmpeg on it themselves.
func (v Video) InputArgs() []string {
	in := ffmpeg.KwArgs{}
	name := v.source(in)
	return append(ffmpeg.ConvertKwargsToCmdLineArgs(in), "-i", name)
}

// ProbeURL asks ffprobe what an http(s) URL serves, reading it with
// URLProtocols only. Its Video's Path is the URL.
func ProbeURL(ctx context.Context, rawURL, ffprobePath string) (Video, error) {
	u, err := url.Parse(rawURL)
	if err != nil || !IsURL(rawURL) || u.Host == "" {
		return Video{}, fmt.Errorf("%s: not an http(s) URL", rawURL)
	}
	return ffprobe(ctx, ffprobePath, Video{Path: rawURL}, rawURL, "unreachable, refused, or not a video")
}

// ffprobe asks ffprobe what v.Path holds (opened as source says); name is
// how errors call it, hint what a failure may mean.
func ffprobe(ctx context.Context, ffprobePath string, v Video, name, hint string) (Video, error) {
	if ffprobePath == "" {
		ffprobePath = "ffprobe"
	}
	bin, err := exec.LookPath(ffprobePath)
	if err != nil {
		return Video{}, fmt.Errorf("probe: %w", ErrToolMissing)
	}
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	kw := ffmpeg.KwArgs{"v": "error", "show_format": "", "show_streams": "", "of": "json"}
	for k, v := range encryptionEntries {
		kw[k] = v
	}
	src := v.source(kw)
	cmd := exec.CommandContext(ctx, bin, append(ffmpeg.ConvertKwargsToCmdLineArgs(kw), src)...)
	ownGroup(cmd)
	var stdout bytes.Buffer
	stderr := newTail(2048)
	cmd.Stdout, cmd.Stderr = &stdout, stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return Video{}, fmt.Errorf("%s: probe: %w", name, ctx.Err())
		}
		return Video{}, fmt.Errorf("%s: %w (%s)%s", name, ErrNotMedia, hint, stderr.Reason())
	}
	probed, err := parseProbe(stdout.Bytes())
	if err != nil {
		return Video{}, fmt.Errorf("%s: %w", name, err)
	}
	probed.Path = v.Path
	if encrypted(stdout.Bytes(), probed.StreamIndex) {
		return Video{}, fmt.Errorf("%s: %w", name, ErrEncrypted)
	}
	return probed, nil
}
