// Package ask answers a question from what the library knows of one or
// more videos: it gathers each video's notes, transcript lines and
// on-screen text with their times (choosing, by full-text search, the
// moments that matter when they are more than one request holds), asks
// the model once, in text, to answer citing moments as [HH:MM:SS], and
// checks every citation against the video and the notes it gave. With a
// second look it decodes frames around each cited moment at high detail
// and asks the model to confirm or correct its answer from the pictures.
//
// It may import summarize (the Result it reads notes from and the Client
// it asks through), library (search hits), schema, chunk, cost, extract,
// llm and textsafe; it must not import render or the CLI, and it never
// names a flag.
package ask
