package summarize

import (
	"context"
	"sync"

	"github.com/vidskim/vidskim/extract"
)

// checkFirst arranges Config.CheckFirst. Requests wait on the main
// decode's verdict on the first seconds (the channel it returns closes
// then), and so does the progress display: a video that cannot work fails
// with its one line, as it did when Preflight ran first. When only a
// reused selection's frames are decoded, Preflight gives the verdict
// before anything starts, and the channel is nil.
func checkFirst(ctx context.Context, v extract.Video, cfg *Config) (chan struct{}, error) {
	if !cfg.CheckFirst {
		return nil, nil
	}
	if cfg.Reuse != nil && len(cfg.Reuse.Times) > 0 {
		return nil, extract.Preflight(ctx, v, cfg.Extract)
	}
	checked := make(chan struct{})
	var once sync.Once
	cfg.Extract.Checked = func() { once.Do(func() { close(checked) }) }
	if show := cfg.OnProgress; show != nil {
		cfg.OnProgress = func(p Progress) {
			select {
			case <-checked:
				show(p)
			default:
			}
		}
	}
	return checked, nil
}
