package library

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
)

// Fingerprint identifies a video by its content, whatever its name or
// place: a renamed, moved or copied file, or the same bytes served over
// HTTP, has the same one. It is the SHA-256 of the size and of sampled
// blocks at fixed offsets (the whole file when it is small), so it costs
// a few reads, not a pass over the file.
type Fingerprint struct {
	Key  string // "v1:" and 64 hex digits
	Size int64
}

// ID is the short form shown to users (12 hex digits).
func (f Fingerprint) ID() string { return shortID(f.Key) }

func shortID(key string) string { return strings.TrimPrefix(key, fingerprintVersion)[:12] }

// The sampling: sampleBlocks blocks of blockSize bytes, the first at the
// start, the last at the end, the others evenly between.
const (
	fingerprintVersion = "v1:"
	blockSize          = 16 << 10
	sampleBlocks       = 16
)

// offsets are where the sampled blocks start in a file of size bytes.
func offsets(size int64) []int64 {
	if size <= blockSize*sampleBlocks {
		return []int64{0} // small: one read of the whole file
	}
	out := make([]int64, sampleBlocks)
	for i := range out {
		out[i] = (size - blockSize) * int64(i) / (sampleBlocks - 1)
	}
	return out
}

// blockLen is how many bytes are read at each offset.
func blockLen(size int64) int64 {
	if size <= blockSize*sampleBlocks {
		return size
	}
	return blockSize
}

// FingerprintFile fingerprints the regular file at path.
func FingerprintFile(path string) (Fingerprint, error) {
	f, err := os.Open(path)
	if err != nil {
		return Fingerprint{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return Fingerprint{}, err
	}
	if !st.Mode().IsRegular() || st.Size() == 0 {
		return Fingerprint{}, fmt.Errorf("%s: not a non-empty regular file", path)
	}
	return sample(st.Size(), func(off, n int64) ([]byte, error) {
		b := make([]byte, n)
		_, err := f.ReadAt(b, off)
		return b, err
	})
}

// sample hashes the size and the blocks read by read.
func sample(size int64, read func(off, n int64) ([]byte, error)) (Fingerprint, error) {
	h := sha256.New()
	var sz [8]byte
	binary.BigEndian.PutUint64(sz[:], uint64(size))
	h.Write(sz[:])
	for _, off := range offsets(size) {
		b, err := read(off, blockLen(size))
		if err != nil {
			return Fingerprint{}, err
		}
		h.Write(b)
	}
	return Fingerprint{Key: fingerprintVersion + hex.EncodeToString(h.Sum(nil)), Size: size}, nil
}

// FingerprintURL fingerprints what an http(s) URL serves, with range
// requests, so a video read over HTTP is known by the same fingerprint as
// a local copy. A server without range support (or without a length)
// gives an error: the video then is not remembered. The client should
// refuse redirects to other schemes, as http.Client does.
func FingerprintURL(ctx context.Context, c *http.Client, url string) (Fingerprint, error) {
	size, err := urlSize(ctx, c, url)
	if err != nil {
		return Fingerprint{}, err
	}
	return sample(size, func(off, n int64) ([]byte, error) { return rangeGet(ctx, c, url, off, n, size) })
}

// urlSize asks for the first byte to learn the length from Content-Range.
func urlSize(ctx context.Context, c *http.Client, url string) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Range", "bytes=0-0")
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<10))
	if resp.StatusCode != http.StatusPartialContent {
		return 0, fmt.Errorf("%s: no range support (status %d)", url, resp.StatusCode)
	}
	cr := resp.Header.Get("Content-Range") // bytes 0-0/SIZE
	_, total, ok := strings.Cut(cr, "/")
	size, err := strconv.ParseInt(total, 10, 64)
	if !ok || err != nil || size <= 0 {
		return 0, fmt.Errorf("%s: no length in Content-Range %q", url, cr)
	}
	return size, nil
}

// rangeGet reads n bytes at off, checking the server still serves size.
func rangeGet(ctx context.Context, c *http.Client, url string, off, n, size int64) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Range", fmt.Sprintf("bytes=%d-%d", off, off+n-1))
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	want := fmt.Sprintf("bytes %d-%d/%d", off, off+n-1, size)
	if resp.StatusCode != http.StatusPartialContent || resp.Header.Get("Content-Range") != want {
		return nil, errors.New(url + ": the server changed what it serves, or ignored the range")
	}
	b := make([]byte, n)
	_, err = io.ReadFull(resp.Body, b)
	return b, err
}
