package main

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/vidskim/vidskim/library"
	"github.com/vidskim/vidskim/llm"
	"github.com/vidskim/vidskim/outfile"
)

// scaleOut is this process's share of the videos (--shard) and, with
// --batch, the Batch API's rounds arranged for that share.
func (s *session) scaleOut(c *cli.Context, ins []input, single bool, stderr io.Writer) ([]input, bool, error) {
	ins, single, err := s.shard(c, ins, single, stderr)
	if err != nil || len(ins) == 0 {
		return ins, single, err
	}
	return ins, single, setupBatch(c, s, ins, single, stderr)
}

// shard narrows ins to this shard's share with --shard I/N (or --shards N
// and the index in JOB_COMPLETION_INDEX): each input belongs to the shard
// its content fingerprint names (a URL, or a file that cannot be read, by
// its name), so shards over one directory agree without talking, and a
// copy of a video goes where the video goes. Output names are made over
// all the inputs, so two shards never write the same file; --rpm and
// --tpm are shared out; each run is also written as a record file in
// --out-dir, for vidskim library import.
func (s *session) shard(c *cli.Context, ins []input, single bool, stderr io.Writer) ([]input, bool, error) {
	i, n, err := shardOf(c)
	if err != nil || n == 0 {
		return ins, single, err
	}
	switch {
	case c.String("out-dir") == "":
		return nil, false, usageError{errors.New("--shard writes each video's output where all shards write theirs: add --out-dir DIR")}
	case c.Bool("no-library"):
		return nil, false, usageError{errors.New("--shard records each run for vidskim library import: drop --no-library (give each shard its own --library)")}
	}
	names := uniqueNames(ins)
	var mine []input
	for k, in := range ins {
		if shardIndex(in, n) == i {
			in.outName = names[k]
			mine = append(mine, in)
		}
	}
	s.ccfg.Budget = llm.Budget{RPM: share(s.ccfg.Budget.RPM, n), TPM: share(s.ccfg.Budget.TPM, n)}
	s.records = filepath.Join(c.String("out-dir"), ".vidskim", "runs")
	if !c.Bool("quiet") {
		fmt.Fprintf(stderr, "shard %d/%d: %d of %d inputs\n", i, n, len(mine), len(ins))
	}
	return mine, false, nil
}

// shardOf reads --shard I/N, or --shards N with JOB_COMPLETION_INDEX; n
// is 0 when the run is not sharded.
func shardOf(c *cli.Context) (i, n int, err error) {
	spec := c.String("shard")
	switch {
	case spec != "" && c.IsSet("shards"):
		return 0, 0, usageError{errors.New("--shard and --shards: give one")}
	case spec != "":
		a, b, ok := strings.Cut(spec, "/")
		i, err1 := strconv.Atoi(a)
		n, err2 := strconv.Atoi(b)
		if !ok || err1 != nil || err2 != nil || n < 1 || n > 100000 || i < 0 || i >= n {
			return 0, 0, usageError{fmt.Errorf("--shard %q: must be I/N with 0 <= I < N, e.g. 0/4", spec)}
		}
		return i, n, nil
	case c.IsSet("shards"):
		n = c.Int("shards")
		if n < 1 || n > 100000 {
			return 0, 0, usageError{fmt.Errorf("--shards %d: must be 1 or more", n)}
		}
		v := os.Getenv("JOB_COMPLETION_INDEX")
		if i, err = strconv.Atoi(v); err != nil || i < 0 || i >= n {
			return 0, 0, usageError{fmt.Errorf("--shards %d takes this shard's index from JOB_COMPLETION_INDEX, which is %q: set it (a Kubernetes Indexed Job does), or use --shard I/N", n, v)}
		}
		return i, n, nil
	}
	return 0, 0, nil
}

// shardIndex is the shard in belongs to, of n.
func shardIndex(in input, n int) int {
	key := "name:" + in.name
	if !in.url {
		if fp, err := library.FingerprintFile(in.name); err == nil {
			key = fp.Key
		}
	}
	sum := sha256.Sum256([]byte(key))
	return int(binary.BigEndian.Uint64(sum[:8]) % uint64(n))
}

// share is a shard's part of an organisation's per-minute limit.
func share(limit, n int) int {
	if limit <= 0 {
		return 0
	}
	return max(1, limit/n)
}

// writeRecord writes the video's run (the one it recorded, or the one it
// was served from) as a record file beside the outputs, named by the
// video, the settings and the run's start, for vidskim library import.
func (s *session) writeRecord(ctx context.Context, o outcome) error {
	id := o.run
	if id == 0 {
		id = o.served
	}
	if id == 0 || s.records == "" {
		return nil
	}
	rec, err := s.lib.Export(ctx, id)
	if err != nil {
		return fmt.Errorf("%s: its run record: %w", o.in.name, err)
	}
	b, err := json.MarshalIndent(rec, "", " ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(s.records, 0o755); err != nil {
		return fmt.Errorf("--out-dir %s: %w", s.records, outfile.Cause(err))
	}
	stamp := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, rec.Started)
	name := fmt.Sprintf("%s-%s-%s.json", strings.TrimPrefix(rec.Fingerprint, "v1:")[:16], rec.SettingsKey[:16], stamp)
	if err := outfile.Write(ctx, filepath.Join(s.records, name), append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("--out-dir %w (the run record for vidskim library import)", err)
	}
	return nil
}
