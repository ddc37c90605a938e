package extract

import (
	"bytes"
	"encoding/binary"
	"io"
	"math"
	"os"
)

// What Probe needs from a plain MP4 or MOV file, read from its moov box in
// Go: starting ffprobe costs 0.15-0.2 s on a 2-core machine before it reads
// a byte (it loads over 200 shared libraries), a tenth of the whole run on
// a short clip and more than decoding the few frames a static camera needs.
// The reader is strict on purpose: anything it does not read exactly as
// ffmpeg's mov demuxer would (fragments, several sample descriptions, a
// pixel aspect ratio, flips, cover art, encryption, tracks other than
// video and sound, codecs outside H.264 and HEVC) is errNotPlainMP4, and
// ffprobe answers instead. TestMP4ProbeAgrees compares the two.

// mp4Format is ffmpeg's name for the mov demuxer, as ffprobe reports it.
const mp4Format = "mov,mp4,m4a,3gp,3g2,mj2"

// mp4Codecs are the sample entries read here, with ffmpeg's codec names.
var mp4Codecs = map[string]string{"avc1": "h264", "avc3": "h264", "hvc1": "hevc", "hev1": "hevc"}

// notPlain are boxes that make a file something this reader leaves to
// ffprobe: protection (encv, sinf, pssh), cover art (an extra stream), and
// fragments.
var notPlain = [][]byte{[]byte("encv"), []byte("enca"), []byte("sinf"), []byte("pssh"), []byte("covr"), []byte("mvex")}

// mp4Probe reads path's moov box as Probe would report it.
func mp4Probe(path string) (Video, error) {
	f, err := os.Open(path)
	if err != nil {
		return Video{}, err
	}
	defer f.Close()
	return mp4ProbeFrom(f)
}

// mp4ProbeFrom is mp4Probe on any file-like reader.
func mp4ProbeFrom(f io.ReadSeeker) (Video, error) {
	var head [8]byte
	if _, err := io.ReadFull(f, head[:]); err != nil || string(head[4:]) != "ftyp" {
		return Video{}, errNotPlainMP4
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return Video{}, err
	}
	moov, err := findBox(f, "moov")
	if err != nil {
		return Video{}, err
	}
	return probeMoov(moov)
}

// probeMoov reads the movie header and each track of a moov box's body.
func probeMoov(moov []byte) (Video, error) {
	for _, kind := range notPlain {
		if bytes.Contains(moov, kind) {
			return Video{}, errNotPlainMP4
		}
	}
	v := Video{Format: mp4Format, StartTime: math.Inf(1)}
	mvhd := child(moov, "mvhd")
	movieScale := fullBoxU32(mvhd, 12, 20)
	found, index := false, -1
	for b := range children(moov) {
		if b.kind != "trak" {
			continue
		}
		index++
		start, err := trackStart(b.body, movieScale)
		if err != nil {
			return Video{}, err
		}
		v.StartTime = min(v.StartTime, start)
		switch handler(b.body) {
		case "soun":
			v.HasAudio = true
		case "vide":
			if found {
				return Video{}, errNotPlainMP4 // which one ffprobe calls first is its business
			}
			if err := probeVideoTrak(b.body, movieScale, &v); err != nil {
				return Video{}, err
			}
			found, v.StreamIndex = true, index
		default:
			return Video{}, errNotPlainMP4
		}
	}
	// All ones is "unknown" (a file written live): ffprobe works it out.
	if d := fullBoxU64(mvhd, 16, 24); found && movieScale > 0 && d > 0 && d != math.MaxUint32 && d != math.MaxUint64 {
		v.Duration = float64(d) / float64(movieScale)
	}
	if !found || math.IsInf(v.StartTime, 0) || v.Duration <= 0 {
		return Video{}, errNotPlainMP4
	}
	return v, nil
}

// handler is a track's handler type: vide, soun, text...
func handler(trak []byte) string {
	hdlr := child(child(trak, "mdia"), "hdlr")
	if len(hdlr) < 12 {
		return ""
	}
	return string(hdlr[8:12])
}

// trackStart is when a track's first sample is shown: its edit list's
// leading empty edit, less its media start. The format's start is the
// earliest of them, as ffmpeg reports it.
func trackStart(trak []byte, movieScale uint32) (float64, error) {
	mdia := child(trak, "mdia")
	scale := float64(fullBoxU32(child(mdia, "mdhd"), 12, 20))
	shift, ok := editShift(child(child(trak, "edts"), "elst"), movieScale, scale)
	if !ok || scale == 0 {
		return 0, errNotPlainMP4
	}
	if handler(trak) != "vide" {
		return max(shift, 0), nil // an audio edit skips priming samples: it starts at its edit
	}
	t, err := readTrak(trak, movieScale)
	if err != nil {
		return 0, err
	}
	first := math.Inf(1)
	n := 0
	t.each(func(p packet) error {
		first, n = min(first, p.pts), n+1
		if n >= 64 {
			return io.EOF // presentation order settles within the reorder depth
		}
		return nil
	})
	return first, nil
}

// probeVideoTrak reads the video track's codec, size, rotation and
// average frame rate into v.
func probeVideoTrak(trak []byte, movieScale uint32, v *Video) error {
	stbl := child(child(child(trak, "mdia"), "minf"), "stbl")
	stsd := child(stbl, "stsd")
	if len(stsd) < 8 || binary.BigEndian.Uint32(stsd[4:]) != 1 {
		return errNotPlainMP4
	}
	var entry box
	for b := range children(stsd[8:]) {
		entry = b
		break
	}
	codec, ok := mp4Codecs[entry.kind]
	if !ok || len(entry.body) < 78 || !squarePixels(child(entry.body[78:], "pasp")) {
		return errNotPlainMP4
	}
	w, h := int(binary.BigEndian.Uint16(entry.body[24:])), int(binary.BigEndian.Uint16(entry.body[26:]))
	rot, tw, th, ok := trackHeader(child(trak, "tkhd"))
	if !ok || w <= 0 || h <= 0 || tw != w || th != h {
		return errNotPlainMP4 // the header's size differs: a pixel aspect ratio ffmpeg would apply
	}
	t, err := readTrak(trak, movieScale)
	if err != nil {
		return err
	}
	var ticks float64 // the media's length, from the decoding durations
	for i := 0; i+8 <= len(t.stts); i += 8 {
		ticks += float64(binary.BigEndian.Uint32(t.stts[i:])) * float64(binary.BigEndian.Uint32(t.stts[i+4:]))
	}
	if ticks > 0 {
		v.FrameRate = float64(t.count) * t.scale / ticks
	}
	v.Codec, v.Rotation = codec, rot
	v.Width, v.Height = displaySize(w, h, "1:1", rot)
	return nil
}

// squarePixels says whether a pasp box (nil: none) gives a 1:1 pixel
// aspect ratio, as ffmpeg's muxer writes for square pixels.
func squarePixels(pasp []byte) bool {
	if pasp == nil {
		return true
	}
	return len(pasp) >= 8 && binary.BigEndian.Uint32(pasp) == binary.BigEndian.Uint32(pasp[4:])
}

// trackHeader reads a tkhd box: its rotation when its matrix is a pure
// quarter turn (anything else, a flip or a scale, is not ok), and its
// display size in whole pixels.
func trackHeader(tkhd []byte) (rot, w, h int, ok bool) {
	off := 40
	if len(tkhd) > 0 && tkhd[0] == 1 {
		off = 52
	}
	if len(tkhd) < off+44 {
		return 0, 0, 0, false
	}
	m := func(i int) int32 { return int32(binary.BigEndian.Uint32(tkhd[off+4*i:])) }
	const one = 1 << 16
	switch a, b, c, d := m(0), m(1), m(3), m(4); {
	case a == one && b == 0 && c == 0 && d == one:
		rot = 0
	case a == 0 && b == -one && c == one && d == 0:
		rot = 90
	case a == -one && b == 0 && c == 0 && d == -one:
		rot = 180
	case a == 0 && b == one && c == -one && d == 0:
		rot = 270
	default:
		return 0, 0, 0, false
	}
	fw, fh := binary.BigEndian.Uint32(tkhd[off+36:]), binary.BigEndian.Uint32(tkhd[off+40:])
	if fw%one != 0 || fh%one != 0 {
		return 0, 0, 0, false
	}
	return rot, int(fw / one), int(fh / one), true
}

// fullBoxU64 reads a 32-bit field at off in version 0, a 64-bit one at
// off1 in version 1; 0 when the box is too short.
func fullBoxU64(b []byte, off, off1 int) uint64 {
	if len(b) > 0 && b[0] == 1 {
		if len(b) < off1+8 {
			return 0
		}
		return binary.BigEndian.Uint64(b[off1:])
	}
	return uint64(fullBoxU32(b, off, off1))
}
