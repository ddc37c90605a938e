package main

// The performance goal of issue 16 (search), measured like the others
// (`make bench`; the library is generated into .bench/ on first use).

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/vidskim/vidskim/extract"
	"github.com/vidskim/vidskim/library"
	"github.com/vidskim/vidskim/summarize"
)

// The synthetic library: searchVideos videos of searchChunks chunks, each
// description searchWords words drawn from a vocabulary with Zipf's law,
// as natural text is; every 1,000th chunk says the phrase the bench looks
// for.
const (
	searchVideos = 100
	searchChunks = 1000
	searchWords  = 30
	searchVocab  = 20000
	searchPhrase = "red delivery van"
)

// searchLibrary makes (once) the 100,000-chunk library through the
// library's own Record, so its index is what real runs build.
func searchLibrary(b *testing.B) string {
	b.Helper()
	path := filepath.Join(benchDir, fmt.Sprintf("search-%dx%d-v%d.db", searchVideos, searchChunks, library.SchemaVersion))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	os.MkdirAll(benchDir, 0o755)
	tmp := path + ".tmp"
	os.Remove(tmp)
	lib, err := library.Open(context.Background(), tmp)
	if err != nil {
		b.Fatal(err)
	}
	defer lib.Close()
	rng := rand.New(rand.NewPCG(16, 16))
	zipf := rand.NewZipf(rng, 1.1, 1, searchVocab-1)
	start := time.Now()
	for v := range searchVideos {
		res := summarize.Result{Video: summarize.VideoInfo{Path: fmt.Sprintf("cam%03d.mp4", v), Duration: searchChunks * 5}, Summary: "a day at the gate"}
		for c := range searchChunks {
			words := make([]string, searchWords)
			for i := range words {
				words[i] = vocabWord(int(zipf.Uint64()))
			}
			if (v*searchChunks+c)%1000 == 999 {
				copy(words[10:], strings.Fields(searchPhrase))
			}
			res.Chunks = append(res.Chunks, summarize.ChunkInfo{Start: float64(5 * c), End: float64(5*c + 5),
				FrameTimes: []float64{float64(5 * c)}, Description: strings.Join(words, " ")})
		}
		fp := library.Fingerprint{Key: fmt.Sprintf("v1:%064x", v+1), Size: 1}
		_, err := lib.Record(context.Background(), library.Run{Video: library.Video{Fingerprint: fp,
			Probe: extract.Video{Width: 640, Height: 360, Duration: searchChunks * 5}, Path: "/cams/" + res.Video.Path},
			SettingsKey: "bench", Status: library.Complete, Result: res})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("generated %d chunks in %.1fs", searchVideos*searchChunks, time.Since(start).Seconds())
	lib.Close()
	os.Rename(tmp, path)
	return path
}

// vocabWord is the n-th word of the synthetic vocabulary: pronounceable,
// distinct, the common ones short.
func vocabWord(n int) string {
	const cons, vows = "bcdfghklmnprstvz", "aeiou"
	var b strings.Builder
	for n >= 0 {
		b.WriteByte(cons[n%len(cons)])
		n /= len(cons)
		b.WriteByte(vows[n%len(vows)])
		n = n/len(vows) - 1
	}
	return b.String()
}

// BenchmarkGoal9Search: the median time of a query (a word, a prefix, a
// phrase) over 100,000 chunks, through Library.Search and through the
// whole `vidskim search` process; the index's size.
func BenchmarkGoal9Search(b *testing.B) {
	path := searchLibrary(b)
	lib, err := library.Open(b.Context(), path)
	if err != nil {
		b.Fatal(err)
	}
	defer lib.Close()
	queries := []string{vocabWord(300), vocabWord(100)[:3] + "*", `"` + searchPhrase + `"`}
	for range b.N {
		var all []time.Duration
		var lines []string
		for _, q := range queries {
			ds := make([]time.Duration, 21)
			for i := range ds {
				start := time.Now()
				if _, err := lib.Search(b.Context(), q, library.SearchOptions{}); err != nil {
					b.Fatal(err)
				}
				ds[i] = time.Since(start)
			}
			m := median(ds)
			all = append(all, m)
			lines = append(lines, fmt.Sprintf("%s %.1f ms (%d chunks match)", q, ms(m), matches(b, path, q)))
		}
		m := median(all)
		b.ReportMetric(ms(m), "query_ms")
		cli := medians(b, [][]string{{buildBinary(b), "search", queries[0], "--library", path, "-q"}})[0]
		b.ReportMetric(ms(cli), "cli_ms")
		index, file := indexSize(b, path)
		b.ReportMetric(float64(index)/(1<<20), "index_MiB")
		verdict(b, fmt.Sprintf("goal 9, search over %d chunks: median query %.1f ms (%s); the whole vidskim search process %.0f ms; index %.1f MiB of a %.1f MiB library; goal < 50 ms",
			searchVideos*searchChunks, ms(m), strings.Join(lines, "; "), ms(cli), float64(index)/(1<<20), float64(file)/(1<<20)), m < 50*time.Millisecond, "",
			"go test -run '^$' -bench Goal9 -benchtime 1x .   (Library.Search, 21 runs a query)",
			"vidskim search "+queries[0]+" --library "+path+" -q")
	}
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// matches counts the chunks a query matches.
func matches(b *testing.B, path, q string) int {
	db := openRaw(b, path)
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM search_fts WHERE search_fts MATCH ?`, q).Scan(&n); err != nil {
		b.Fatal(err)
	}
	return n
}

// indexSize is the bytes of the search index (its FTS5 tables and the
// rows they index) and of the whole library file.
func indexSize(b *testing.B, path string) (int64, int64) {
	db := openRaw(b, path)
	defer db.Close()
	var n int64
	if err := db.QueryRow(`SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'search_%'`).Scan(&n); err != nil {
		b.Fatal(err)
	}
	st, _ := os.Stat(path)
	return n, st.Size()
}

func openRaw(b *testing.B, path string) *sql.DB {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		b.Fatal(err)
	}
	return db
}
