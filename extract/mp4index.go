package extract

import (
	"encoding/binary"
	"errors"
	"io"
	"os"
)

// The packet sizes of an MP4 or MOV file without ffprobe: its moov box
// holds every sample's size (stsz), decoding duration (stts), presentation
// offset (ctts) and the keyframes (stss), so reading them costs a few
// milliseconds and no process, where ffprobe costs a quarter of a second
// to start and then reads the whole file. Times follow ffmpeg's mov
// demuxer: presentation time is decoding time plus offset, less the edit
// list's media start, plus its leading empty edit. Files this does not
// read the same way (fragmented, several edits, partial sync samples,
// compact sizes) fall back to ffprobe; a test checks the two agree.

// errNotPlainMP4 means the MP4 reader does not handle this file.
var errNotPlainMP4 = errors.New("not a plain MP4")

// maxMoov bounds the moov box read into memory: an hour of 60 fps video
// indexes in about 2 MB.
const maxMoov = 64 << 20

// mp4Packets feeds fn the video samples of track index (ffmpeg's stream
// index: tracks in file order) in decode order, as readPackets would.
func mp4Packets(path string, index int, fn func(packet) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return mp4Samples(f, index, fn)
}

// mp4Samples is mp4Packets on any file-like reader.
func mp4Samples(r io.ReadSeeker, index int, fn func(packet) error) error {
	moov, err := findBox(r, "moov")
	if err != nil {
		return err
	}
	var mvhdScale uint32
	track := -1
	for b := range children(moov) {
		switch b.kind {
		case "mvhd":
			mvhdScale = fullBoxU32(b.body, 12, 20)
		case "mvex":
			return errNotPlainMP4 // fragmented: samples are in moof boxes
		case "trak":
			if track++; track == index {
				t, err := readTrak(b.body, mvhdScale)
				if err != nil {
					return err
				}
				return t.each(fn)
			}
		}
	}
	return errNotPlainMP4
}

// box is one ISO BMFF box: its four-letter type and its body.
type box struct {
	kind string
	body []byte
}

// findBox reads the top-level boxes of r until one of kind, whose body it
// returns.
func findBox(r io.ReadSeeker, kind string) ([]byte, error) {
	var hdr [16]byte
	for {
		if _, err := io.ReadFull(r, hdr[:8]); err != nil {
			return nil, errNotPlainMP4
		}
		size, head := int64(binary.BigEndian.Uint32(hdr[:4])), int64(8)
		if size == 1 {
			if _, err := io.ReadFull(r, hdr[8:16]); err != nil {
				return nil, errNotPlainMP4
			}
			size, head = int64(binary.BigEndian.Uint64(hdr[8:16])), 16
		}
		if size != 0 && size < head {
			return nil, errNotPlainMP4
		}
		if string(hdr[4:8]) == kind {
			if size == 0 || size-head > maxMoov {
				return nil, errNotPlainMP4
			}
			body := make([]byte, size-head)
			if _, err := io.ReadFull(r, body); err != nil {
				return nil, errNotPlainMP4
			}
			return body, nil
		}
		if size == 0 {
			return nil, errNotPlainMP4
		}
		if _, err := r.Seek(size-head, io.SeekCurrent); err != nil {
			return nil, err
		}
	}
}

// children iterates the boxes inside body; a malformed one ends the walk.
func children(body []byte) func(func(box) bool) {
	return func(yield func(box) bool) {
		for len(body) >= 8 {
			size, head := uint64(binary.BigEndian.Uint32(body)), uint64(8)
			if size == 1 && len(body) >= 16 {
				size, head = binary.BigEndian.Uint64(body[8:]), 16
			}
			if size < head || size > uint64(len(body)) {
				return
			}
			if !yield(box{string(body[4:8]), body[head:size]}) {
				return
			}
			body = body[size:]
		}
	}
}

// fullBoxU32 reads a field of a full box at off in version 0, off1 in
// version 1; 0 when the box is too short.
func fullBoxU32(b []byte, off, off1 int) uint32 {
	if len(b) > 0 && b[0] == 1 {
		off = off1
	}
	if len(b) < off+4 {
		return 0
	}
	return binary.BigEndian.Uint32(b[off:])
}

// child returns the body of the first box of kind inside body, or nil.
func child(body []byte, kind string) []byte {
	for b := range children(body) {
		if b.kind == kind {
			return b.body
		}
	}
	return nil
}

// trakIndex is the sample tables of one track.
type trakIndex struct {
	scale      float64 // media ticks a second
	shift      float64 // seconds added to cts/scale: empty edit less media start
	stts, ctts []byte  // entries: count, value (uint32 pairs)
	stss       []byte  // 1-based keyframe numbers; nil: every sample
	sizes      []byte  // per-sample sizes; nil: every sample is fixed
	fixed      uint32
	count      int
}

// readTrak reads a video track's tables; any other track, or tables this
// reader does not handle, is errNotPlainMP4.
func readTrak(trak []byte, movieScale uint32) (trakIndex, error) {
	var t trakIndex
	mdia := child(trak, "mdia")
	hdlr := child(mdia, "hdlr")
	if len(hdlr) < 12 || string(hdlr[8:12]) != "vide" {
		return t, errNotPlainMP4
	}
	t.scale = float64(fullBoxU32(child(mdia, "mdhd"), 12, 20))
	stbl := child(child(mdia, "minf"), "stbl")
	stsz := child(stbl, "stsz")
	if t.scale == 0 || len(stsz) < 12 || child(stbl, "stps") != nil {
		return t, errNotPlainMP4
	}
	t.fixed, t.count = binary.BigEndian.Uint32(stsz[4:]), int(binary.BigEndian.Uint32(stsz[8:]))
	if t.fixed == 0 {
		if t.sizes = stsz[12:]; len(t.sizes) < 4*t.count {
			return t, errNotPlainMP4
		}
	}
	t.stts, t.ctts = table(child(stbl, "stts"), 8), table(child(stbl, "ctts"), 8)
	if s := child(stbl, "stss"); s != nil {
		t.stss = table(s, 4)
	}
	shift, ok := editShift(child(child(trak, "edts"), "elst"), movieScale, t.scale)
	if !ok || t.count == 0 || t.count > maxSamples || samples(t.stts) != t.count {
		return t, errNotPlainMP4
	}
	t.shift = shift
	return t, nil
}

// maxSamples bounds the samples read from one table (a damaged file may
// claim billions): 150 hours at 30 fps.
const maxSamples = 1 << 24

// samples is how many samples a run-length table covers.
func samples(runs []byte) int {
	n := 0
	for i := 0; i+8 <= len(runs); i += 8 {
		if n += int(binary.BigEndian.Uint32(runs[i:])); n > maxSamples {
			return -1
		}
	}
	return n
}

// table returns the entries of a full box with an entry count, each size
// bytes, or nil when the box is missing or short.
func table(b []byte, size int) []byte {
	if len(b) < 8 {
		return nil
	}
	n := int(binary.BigEndian.Uint32(b[4:]))
	if n < 0 || len(b)-8 < n*size {
		return nil
	}
	return b[8 : 8+n*size]
}

// editShift is the seconds the edit list adds to cts/scale: a leading
// empty edit delays the track, and the one real edit starts at its media
// time. More edits than that are not read here.
func editShift(elst []byte, movieScale uint32, scale float64) (float64, bool) {
	if elst == nil {
		return 0, true
	}
	v1 := len(elst) > 0 && elst[0] == 1
	size := 12
	if v1 {
		size = 20
	}
	entries := table(elst, size)
	if entries == nil || movieScale == 0 {
		return 0, false
	}
	empty := 0.0
	for i := 0; i < len(entries); i += size {
		e := entries[i:]
		dur, media := float64(binary.BigEndian.Uint32(e)), int64(int32(binary.BigEndian.Uint32(e[4:])))
		if v1 {
			dur, media = float64(binary.BigEndian.Uint64(e)), int64(binary.BigEndian.Uint64(e[8:]))
		}
		if media == -1 && i == 0 {
			empty = dur / float64(movieScale)
			continue
		}
		if i+size < len(entries) {
			return 0, false // a second real edit
		}
		return empty - float64(media)/scale, true
	}
	return empty, true
}

// each feeds fn every sample in decode order.
func (t trakIndex) each(fn func(packet) error) error {
	stts, ctts := runs{b: t.stts}, runs{b: t.ctts}
	nextKey, keys := 0, t.stss
	if len(keys) >= 4 {
		nextKey = int(binary.BigEndian.Uint32(keys))
	}
	dts := 0.0
	for i := 0; i < t.count; i++ {
		p := packet{size: int64(t.fixed), pos: -1}
		if t.sizes != nil {
			p.size = int64(binary.BigEndian.Uint32(t.sizes[4*i:]))
		}
		delta, ok := stts.next()
		if !ok {
			return errNotPlainMP4
		}
		off, _ := ctts.next() // no ctts: presentation is decoding order
		p.dts = (dts + t.shift*t.scale) / t.scale
		p.pts = (dts + float64(int32(off)) + t.shift*t.scale) / t.scale
		p.dur = float64(delta) / t.scale
		if keys == nil {
			p.key = true
		} else if i+1 == nextKey {
			p.key = true
			if keys = keys[4:]; len(keys) >= 4 {
				nextKey = int(binary.BigEndian.Uint32(keys))
			}
		}
		dts += float64(delta)
		if err := fn(p); err != nil {
			return err
		}
	}
	return nil
}

// runs walks a run-length table of (count, value) pairs.
type runs struct {
	b    []byte
	left uint32
}

func (r *runs) next() (uint32, bool) {
	for r.left == 0 {
		if len(r.b) < 8 {
			return 0, false
		}
		r.left = binary.BigEndian.Uint32(r.b)
		if r.left == 0 {
			r.b = r.b[8:]
		}
	}
	r.left--
	v := binary.BigEndian.Uint32(r.b[4:])
	if r.left == 0 {
		r.b = r.b[8:]
	}
	return v, true
}
