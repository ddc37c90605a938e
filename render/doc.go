// Package render turns what vidskim produced into what a user reads: a
// run's Result as Markdown, JSON, SubRip, WebVTT or a self-contained HTML
// report; the plan, the frame list and a transcript as text or JSON.
// Write is the one place a format is chosen.
//
// Text from outside (model answers, file names) is untrusted: it is
// cleaned with textsafe and then escaped for the format (Markdown, HTML,
// subtitles) here. render sits on top: it may import summarize, narrate,
// cost, llm and the stages, and nothing imports it but front ends.
package render
