// Package ocr reads the text on a picture with Tesseract: the tesseract
// command, a runtime dependency like ffmpeg (Debian: apt-get install
// tesseract-ocr). Pictures go to it on a pipe as grey PGM, the text comes
// back on its stdout, cleaned of control characters and of the noise OCR
// reads into a picture with no text.
//
// It owns the tesseract process and nothing else: which frames are read,
// and at what resolution, is the pipeline's choice. It may import
// textsafe only.
package ocr
