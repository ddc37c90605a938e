package extract

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
)

// ErrEncrypted means the video stream is encrypted (CENC, cbcs or another
// DRM scheme): it cannot be decoded without its key, and ffmpeg would
// hand back flat grey pictures instead of failing.
var ErrEncrypted = errors.New("encrypted video (DRM): it cannot be decoded without its key")

// The container does not say a stream is encrypted where -show_streams
// looks (an MP4's encv sample entry is shown as its original codec), but
// ffmpeg's demuxers attach "Encryption info" side data to every encrypted
// packet, whatever the scheme, and "Encryption initialization data" to
// the stream when the file carries a pssh. So the probe also reads the
// first packets (encryptionPackets of them, enough to meet the video
// stream's first whatever the interleaving) with their side data: one
// ffprobe run, where a second one just for this cost a fifth of a second.

// encryptionPackets is how many packets, of any stream, the probe reads.
const encryptionPackets = 48

// encryptionEntries are ffprobe's -show_entries and -read_intervals for
// the packets and side data encrypted reads; -show_streams and
// -show_format still show everything else.
var encryptionEntries = map[string]string{
	"show_entries":   "packet=stream_index:packet_side_data=side_data_type",
	"read_intervals": "%+#" + strconv.Itoa(encryptionPackets),
}

// encrypted reads ffprobe's answer for encryption side data on the video
// stream (index) or its packets.
func encrypted(data []byte, index int) bool {
	type sideData []struct {
		Type string `json:"side_data_type"`
	}
	var p struct {
		Packets []struct {
			Stream   int      `json:"stream_index"`
			SideData sideData `json:"side_data_list"`
		} `json:"packets"`
		Streams []struct {
			Index    int      `json:"index"`
			SideData sideData `json:"side_data_list"`
		} `json:"streams"`
	}
	if json.Unmarshal(data, &p) != nil {
		return false
	}
	var lists []sideData
	for _, pk := range p.Packets {
		if pk.Stream == index {
			lists = append(lists, pk.SideData)
		}
	}
	for _, s := range p.Streams {
		if s.Index == index {
			lists = append(lists, s.SideData)
		}
	}
	for _, l := range lists {
		for _, sd := range l {
			if strings.HasPrefix(strings.ToLower(sd.Type), "encryption") {
				return true
			}
		}
	}
	return false
}
