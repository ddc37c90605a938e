package extract

import "errors"

// Sentinel errors that callers branch on. Each is wrapped with the file name
// and the step, so the message alone tells the user what went wrong.
var (
	// ErrNoVideoStream means the file has no decodable video stream (for
	// example an audio-only file).
	ErrNoVideoStream = errors.New("no video stream")
	// ErrUnsupportedCodec means the video codec cannot be decoded by the
	// installed ffmpeg (for example VVC on ffmpeg 5).
	ErrUnsupportedCodec = errors.New("video codec not supported by this ffmpeg")
	// ErrDamaged means the stream decodes with so many errors that what
	// comes out is not worth sending (an encrypted or corrupt stream).
	ErrDamaged = errors.New("video does not decode cleanly (encrypted or damaged?)")
	// ErrNoFrames means ffmpeg ran but produced no picture in the asked range.
	ErrNoFrames = errors.New("no frames could be decoded")
	// ErrNotMedia means ffprobe could not read the file as audio or video.
	ErrNotMedia = errors.New("not a video file ffmpeg can read")
	// ErrNoPicture means Pictures found no picture at an asked time: the
	// video or the options differ from the run that reported it.
	ErrNoPicture = errors.New("no picture at the asked time")
	// ErrToolMissing means ffmpeg or ffprobe is not installed.
	ErrToolMissing = errors.New("ffmpeg/ffprobe not found in PATH (install it: apt-get install ffmpeg, brew install ffmpeg)")
)
