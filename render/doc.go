// Package render turns what vidskim produced into what a user reads: a
// run's Result as Markdown, JSON, SubRip, WebVTT or a self-contained HTML
// report; the plan, the frame list and a transcript as text or JSON.
// Write is the one place a format is chosen.
//
// Text from outside (model answers, file names) is untrusted: it is
// cleaned with textsafe and then escaped for the format (Markdown, HTML,
// subtitles) here. It also renders search hits (text or JSON) and answers
// (Markdown, JSON, an HTML report with the frames of the second look).
// render sits on top: it may import summarize, narrate, ask, library,
// cost, llm and the stages, and nothing imports it but front ends.
package render
