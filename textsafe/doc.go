// Package textsafe cleans text that vidskim did not write itself (model
// answers, server messages, ffmpeg's stderr, file names) before it reaches
// a terminal, a file or a prompt. Such text is data: it must never move the
// cursor, retitle the terminal or break a line it was not meant to.
//
// Every package that shows or stores foreign text calls this one; the
// escaping a format needs on top (Markdown, HTML, subtitles) lives in
// render. It imports nothing of vidskim's.
package textsafe
