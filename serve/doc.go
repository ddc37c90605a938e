// Package serve is vidskim's local web app over the library: pages
// rendered on the server with html/template (the library with a poster
// frame a video, search hits grouped by video, a video page with its
// player, kept frames, notes, transcript and summary, and the ask form),
// a little plain JavaScript that seeks the player, and every asset
// embedded in the binary. It owns the safety of that app: loopback by
// default, a token on every request otherwise (CheckAddr refuses a
// non-loopback address without one), videos found by library ID only (no
// path from a request reaches the file system), model text escaped, a
// strict Content-Security-Policy with no inline script, and a same-origin
// check on every POST. It also exports a video page as one self-contained
// file (Export).
//
// It may import library (what it shows), ask (the answers it shows),
// summarize and extract (their types, and extract.Clock), and textsafe;
// it must not import render, llm or the CLI: decoding frames, finding
// where a video is now and asking the model are functions the CLI hands
// it in Options, so no API key ever reaches this package.
package serve
