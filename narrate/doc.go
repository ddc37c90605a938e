// Package narrate turns a narration script into a voice-over you can hear,
// timed and mixed into the video.
//
// It owns the steps after the script is written: fitting each line to the
// time it covers (words at the narration pace; a line too long is sent
// back once to the model to be shortened), speaking each line through the
// speech endpoint, placing the clips so that each starts at its time and
// none overlaps the next (a clip still too long is sped up with ffmpeg's
// atempo, at most 1.25x, and if it still does not fit the next line
// moves), writing the voice-over track, and mixing it into the video with
// ffmpeg: the video stream copied, never re-encoded; the original sound
// ducked, kept or dropped; the result loudness-normalized (EBU R128
// measured, then one gain); the narration as a subtitle track when asked. It
// owns the ffmpeg processes it starts and reports what it changed (lines
// shortened, sped up, moved, left silent) in a Report.
//
// It may import extract (the probed video, clock times), llm (the speech
// and chat requests), summarize (the script's cues, the narration pace, the
// chat client interface), cost (prices), outfile (every output it writes)
// and the leaves field and textsafe; it must not import render, go-openai
// or the CLI, and it never names a CLI flag.
package narrate
