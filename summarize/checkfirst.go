package summarize

import (
	"context"
	"sync"

	"github.com/vidskim/vidskim/extract"
)

// checkFirst arranges Config.CheckFirst: requests wait on the main
// decode's verdict on the first seconds, or, when only a reused
// selection's frames are decoded, Preflight gives it before anything
// starts.
func checkFirst(ctx context.Context, k *caller, v extract.Video, cfg *Config) error {
	if !cfg.CheckFirst {
		return nil
	}
	if cfg.Reuse != nil && len(cfg.Reuse.Times) > 0 {
		return extract.Preflight(ctx, v, cfg.Extract)
	}
	checked := make(chan struct{})
	var once sync.Once
	cfg.Extract.Checked = func() { once.Do(func() { close(checked) }) }
	k.checked = checked
	return nil
}
