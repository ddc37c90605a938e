package extract

import "errors"

// Sentinel errors that callers branch on. Each is wrapped with the file name
// and the step, so the message alone tells the user what went wrong.
var (
	// ErrNoVideoStream means the file has no decodable video stream (for
	// example an audio-only file).
	ErrNoVideoStream = errors.New("no video stream")
	// ErrNoFrames means ffmpeg ran but produced no picture in the asked range.
	ErrNoFrames = errors.New("no frames could be decoded")
	// ErrNotMedia means ffprobe could not read the file as audio or video.
	ErrNotMedia = errors.New("not a video file ffmpeg can read")
	// ErrToolMissing means ffmpeg or ffprobe is not installed.
	ErrToolMissing = errors.New("ffmpeg/ffprobe not found in PATH (install it: apt-get install ffmpeg, brew install ffmpeg)")
)
