package serve

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"

	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/library"
	"github.com/vidskim/vidskim/outfile"
)

// remuxes says whether v, which a browser cannot play as it is, is played
// from an MP4 copy.
func (s *Server) remuxes(v extract.Video) bool {
	return s.o.RemuxDir != "" && extract.Remuxable(v) && !extract.IsURL(v.Path)
}

// remuxed is the MP4 copy of st's video v, made the first time it is
// asked for (in the one decode slot) and kept, owner-only, under
// RemuxDir, named by the video's fingerprint: the same content is copied
// once, wherever it is.
func (s *Server) remuxed(ctx context.Context, st library.Stored, v extract.Video) (string, error) {
	sum := sha256.Sum256([]byte(st.Fingerprint))
	path := filepath.Join(s.o.RemuxDir, hex.EncodeToString(sum[:12])+".mp4")
	if regular(path) {
		return path, nil
	}
	release, err := s.frames.slot(ctx)
	if err != nil {
		return "", err
	}
	defer release()
	if regular(path) { // made while this request waited
		return path, nil
	}
	if err := os.MkdirAll(s.o.RemuxDir, 0o700); err != nil {
		return "", err
	}
	f, err := outfile.Create(ctx, path, 0o600)
	if err != nil {
		return "", err
	}
	defer f.Close()
	if err := extract.Remux(ctx, v, f); err != nil {
		return "", err
	}
	return path, f.Commit()
}

func regular(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}
