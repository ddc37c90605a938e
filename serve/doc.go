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
// file (Export). A video whose codec a browser plays but not its
// container (H.264 in MPEG-TS, as cameras record) is played from an MP4
// copy, remuxed once without re-encoding and kept in the cache.
//
// It may import library (what it shows), ask (the answers it shows),
// summarize and extract (their types, extract.Clock, and extract.Remux
// for a video a browser plays only in MP4), outfile (the cached MP4
// copies) and textsafe;
// it must not import render, llm or the CLI: decoding frames, finding
// where a video is now and asking the model are functions the CLI hands
// it in Options, so no API key ever reaches this package.
package serve
