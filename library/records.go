package library

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/summarize"
)

// RecordFormat names the format of a run record file.
const RecordFormat = "vidskim-run/1"

// RunRecord is one recorded run as a file: what a run on another machine
// (a shard of a cluster) writes beside its outputs, and Import reads
// back, so a library built from records holds what the runs themselves
// would have recorded, times, cache keys and all.
type RunRecord struct {
	Format      string           `json:"format"`
	Fingerprint string           `json:"fingerprint"`
	Size        int64            `json:"size"`
	Probe       extract.Video    `json:"probe"` // without a path
	Paths       []string         `json:"paths"` // where the video was seen, the latest first
	SettingsKey string           `json:"settings_key"`
	Settings    json.RawMessage  `json:"settings"`
	Status      Status           `json:"status"`
	Error       string           `json:"error"`
	Started     string           `json:"started_at"` // RFC 3339, UTC, as stored
	Finished    string           `json:"finished_at"`
	SavedUSD    float64          `json:"saved_usd"`
	CacheKeys   []string         `json:"cache_keys"`
	Result      summarize.Result `json:"result"`
}

// Export is run id as a record.
func (l *Library) Export(ctx context.Context, id int64) (RunRecord, error) {
	st, err := l.Load(ctx, id)
	if err != nil {
		return RunRecord{}, err
	}
	r := RunRecord{Format: RecordFormat, Fingerprint: st.Fingerprint, Probe: st.Probe, Paths: st.Paths, Settings: st.Settings,
		Status: st.Status, SavedUSD: st.SavedUSD, Result: st.Result}
	err = l.db.QueryRowContext(ctx, `SELECT v.size, r.settings_key, r.error, r.started_at, r.finished_at FROM runs r JOIN videos v ON v.id = r.video_id WHERE r.id = ?`,
		id).Scan(&r.Size, &r.SettingsKey, &r.Error, &r.Started, &r.Finished)
	if err != nil {
		return r, err
	}
	r.CacheKeys, err = column(ctx, l.db, `SELECT key FROM cache_keys WHERE run_id = ? ORDER BY key`, id)
	return r, err
}

// Import records r unless the library has its run already (the same video,
// settings and times), so importing the same records again changes
// nothing. added says whether it was recorded.
func (l *Library) Import(ctx context.Context, r RunRecord) (id int64, added bool, err error) {
	if r.Format != RecordFormat {
		return 0, false, fmt.Errorf("not a vidskim run record (format %q, want %q)", r.Format, RecordFormat)
	}
	if r.Fingerprint == "" || r.SettingsKey == "" || len(r.Paths) == 0 {
		return 0, false, errors.New("a run record without its video's fingerprint, its settings or a path")
	}
	err = l.db.QueryRowContext(ctx, `SELECT r.id FROM runs r JOIN videos v ON v.id = r.video_id
WHERE v.fingerprint = ? AND r.settings_key = ? AND r.started_at = ? AND r.finished_at = ?`, r.Fingerprint, r.SettingsKey, r.Started, r.Finished).Scan(&id)
	if err == nil {
		return id, false, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, false, err
	}
	started, err1 := time.Parse(time.RFC3339Nano, r.Started)
	finished, err2 := time.Parse(time.RFC3339Nano, r.Finished)
	if err := errors.Join(err1, err2); err != nil {
		return 0, false, fmt.Errorf("a run record's times: %w", err)
	}
	var settings bytes.Buffer // compact again, as the run stored it, whatever the file's indenting
	if err := json.Compact(&settings, r.Settings); err != nil {
		return 0, false, fmt.Errorf("a run record's settings: %w", err)
	}
	r.Settings = settings.Bytes()
	fp := Fingerprint{Key: r.Fingerprint, Size: r.Size}
	for i := len(r.Paths) - 1; i > 0; i-- { // the older places first, so the latest stays the latest
		if err := inTx(ctx, l.db, func(tx *sql.Tx) error {
			_, err := upsertVideo(ctx, tx, Video{Fingerprint: fp, Probe: r.Probe, Path: r.Paths[i]})
			return err
		}); err != nil {
			return 0, false, err
		}
	}
	id, err = l.Record(ctx, Run{Video: Video{Fingerprint: fp, Probe: r.Probe, Path: r.Paths[0]}, SettingsKey: r.SettingsKey,
		Settings: r.Settings, Status: r.Status, Error: r.Error, Started: started, Finished: finished, Result: r.Result,
		CacheKeys: r.CacheKeys, SavedUSD: r.SavedUSD})
	return id, err == nil, err
}
