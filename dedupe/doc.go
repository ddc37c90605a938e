// Package dedupe drops sampled frames that show nothing new, so that a
// static camera costs almost nothing while every distinct scene keeps a
// frame.
//
// Each frame is reduced once to a 64x64 grey thumbnail. Two signals are
// computed from it: a 64-bit perceptual hash of the whole picture
// (goimagehash's pHash), which tracks changes of layout and content, and the
// mean brightness of an 8x8 grid of cells, which catches a change confined
// to a small part of the picture (a person entering far from a camera) that
// a whole-frame hash can miss. A frame is compared with the last frame kept,
// not with its neighbour, so a slow pan or fade eventually counts as new.
//
// It imports extract (for frames) and nothing else of vidskim's.
package dedupe
