// Package extract runs ffprobe and ffmpeg on a local video file and streams
// sampled frames, already scaled to the detail budget, with their true
// presentation times.
//
// ffmpeg does the heavy work in its own filter graph: a select filter picks
// the first decoded picture at or after each sampling instant (so a reported
// time is always the time of the very picture sent, never a grid time), then
// scale and setsar fit it to the budget with rotation and non-square pixels
// already applied. Frames arrive as raw RGBA on stdout, one fixed-size block
// each; their times arrive on stderr from the showinfo filter, in the same
// order. Nothing is written to disk and nothing holds the whole video.
//
// It is the bottom of the pipeline: it must not import any other vidskim
// package but the leaves field and textsafe.
package extract
