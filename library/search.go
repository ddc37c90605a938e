package library

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode"
)

// SearchOptions narrow a search. The zero value searches every run of
// every video for DefaultLimit hits.
type SearchOptions struct {
	// Videos, when set, are the only videos searched (their IDs, as Ref
	// gives them).
	Videos []int64
	// Runs, when set, are the only runs searched.
	Runs []int64
	// Limit is the most hits returned; 0 means DefaultLimit.
	Limit int
}

// DefaultLimit is how many hits a search returns unless told otherwise.
const DefaultLimit = 20

// Hit is one moment that matches: a stretch of one video and the text
// that matched there.
type Hit struct {
	Run   int64   `json:"run"`
	Kind  string  `json:"kind"` // KindNote, KindSpeech, KindScreen, KindSummary or KindNarration
	Start float64 `json:"start_s"`
	End   float64 `json:"end_s"`
	// Snippet is the text around the match, plain; Matches are where the
	// matched words are in it, in Unicode code points.
	Snippet string `json:"snippet"`
	Matches []Span `json:"matches"`
	// Score is the BM25 relevance: higher is better.
	Score float64 `json:"score"`
	// The video, as Group puts it above its hits.
	Video    int64   `json:"-"`
	VideoID  string  `json:"-"`
	Path     string  `json:"-"`
	Duration float64 `json:"-"`
}

// Span is a match in a snippet: code points [Start, End).
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// VideoHits are one video's hits, best first.
type VideoHits struct {
	ID       string  `json:"video_id"`
	Path     string  `json:"path"` // where it was seen last
	Duration float64 `json:"duration_s"`
	Hits     []Hit   `json:"hits"`
}

// QueryError is a query the full-text engine cannot read. It says what
// is wrong in the query's own terms, never in SQL.
type QueryError struct {
	Query, Problem string
}

func (e *QueryError) Error() string {
	return fmt.Sprintf("search %q: %s: words match words (and their forms: arrive finds arriving), deliv* matches a prefix, \"red van\" a phrase; AND, OR, NOT and NEAR(a b) combine them",
		e.Query, e.Problem)
}

// Snippet markers: private-use characters that no stored text holds.
const markOpen, markClose = "\ue000", "\ue001"

// Search finds the moments whose notes, speech, on-screen text, narration
// or summary match query (FTS5 syntax: words, prefix*, "phrases", AND, OR,
// NOT, NEAR; a word with punctuation in it is read as the phrase of its
// parts), ranked by BM25, best first. The same text found in several runs
// of one video (a run repeated) is one hit.
func (l *Library) Search(ctx context.Context, query string, o SearchOptions) ([]Hit, error) {
	if o.Limit <= 0 {
		o.Limit = DefaultLimit
	}
	match := ftsQuery(query)
	if strings.TrimSpace(match) == "" {
		return nil, &QueryError{Query: query, Problem: "nothing to search for"}
	}
	q, args := searchSQL(match, o)
	var hits []Hit
	seen := map[string]bool{}
	err := eachArgs(ctx, l.db, q, args, func(rs *sql.Rows) error {
		var h Hit
		var snip string
		if err := rs.Scan(&h.Score, &snip, &h.Run, &h.Video, &h.Kind, &h.Start, &h.End); err != nil {
			return err
		}
		h.Score = -h.Score
		h.Snippet, h.Matches = parseSnippet(snip)
		key := fmt.Sprint(h.Video, h.Kind, h.Start, h.End, snip)
		if !seen[key] && len(hits) < o.Limit {
			seen[key] = true
			hits = append(hits, h)
		}
		return nil
	})
	if err != nil {
		return nil, queryError(query, err)
	}
	return hits, l.describeVideos(ctx, hits)
}

// searchSQL is the query and its arguments. Without a filter the FTS5
// table ranks and cuts first (so only the hits shown get a snippet);
// with one, the filter applies before the cut.
func searchSQL(match string, o SearchOptions) (string, []any) {
	const cols = `d.run_id, r.video_id, d.kind, d.start_s, d.end_s`
	snippet := `snippet(search_fts, 0, '` + markOpen + `', '` + markClose + `', '…', 24)`
	fetch := o.Limit*3 + 10 // room for the repeats of several runs
	if len(o.Videos) == 0 && len(o.Runs) == 0 {
		return `SELECT h.score, h.snip, ` + cols + ` FROM (
	SELECT rowid AS id, rank AS score, ` + snippet + ` AS snip FROM search_fts WHERE search_fts MATCH ? ORDER BY rank LIMIT ?
) h JOIN search_docs d ON d.id = h.id JOIN runs r ON r.id = d.run_id ORDER BY h.score`, []any{match, fetch}
	}
	where, args := "", []any{match}
	for _, f := range []struct {
		col string
		ids []int64
	}{{"r.video_id", o.Videos}, {"d.run_id", o.Runs}} {
		if len(f.ids) == 0 {
			continue
		}
		where += " AND " + f.col + " IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(f.ids)), ", ") + ")"
		for _, id := range f.ids {
			args = append(args, id)
		}
	}
	return `SELECT rank, ` + snippet + `, ` + cols + ` FROM search_fts
JOIN search_docs d ON d.id = search_fts.rowid JOIN runs r ON r.id = d.run_id
WHERE search_fts MATCH ?` + where + ` ORDER BY rank LIMIT ?`, append(args, fetch)
}

// describeVideos names each hit's video: its ID, where it was seen last,
// its duration.
func (l *Library) describeVideos(ctx context.Context, hits []Hit) error {
	type info struct {
		id, path string
		dur      float64
	}
	known := map[int64]info{}
	for i, h := range hits {
		in, ok := known[h.Video]
		if !ok {
			var fp string
			err := l.db.QueryRowContext(ctx, `SELECT fingerprint, duration_s,
	COALESCE((SELECT path FROM video_paths p WHERE p.video_id = v.id ORDER BY last_seen DESC, rowid DESC LIMIT 1), '')
FROM videos v WHERE id = ?`, h.Video).Scan(&fp, &in.dur, &in.path)
			if err != nil {
				return err
			}
			in.id = shortID(fp)
			known[h.Video] = in
		}
		hits[i].VideoID, hits[i].Path, hits[i].Duration = in.id, in.path, in.dur
	}
	return nil
}

// Group puts hits under their videos: the video with the best hit first,
// each video's hits best first.
func Group(hits []Hit) []VideoHits {
	out := []VideoHits{}
	at := map[int64]int{}
	for _, h := range hits {
		i, ok := at[h.Video]
		if !ok {
			i = len(out)
			at[h.Video] = i
			out = append(out, VideoHits{ID: h.VideoID, Path: h.Path, Duration: h.Duration})
		}
		out[i].Hits = append(out[i].Hits, h)
	}
	return out
}

// parseSnippet takes the markers out of an FTS5 snippet, noting where
// they were.
func parseSnippet(s string) (string, []Span) {
	var b strings.Builder
	spans := []Span{}
	n := 0
	for _, r := range s {
		switch string(r) {
		case markOpen:
			spans = append(spans, Span{Start: n})
		case markClose:
			if len(spans) > 0 {
				spans[len(spans)-1].End = n
			}
		default:
			b.WriteRune(r)
			n++
		}
	}
	return b.String(), spans
}

// ftsQuery passes FTS5 syntax through (phrases, prefix*, AND, OR, NOT,
// NEAR, parentheses) and quotes every other word that FTS5 would refuse,
// so that delivery-van, o'clock or 3:15 mean what they say: the phrase of
// their parts.
func ftsQuery(q string) string {
	var b strings.Builder
	rs := []rune(q)
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case r == '"':
			j := i + 1
			for j < len(rs) && rs[j] != '"' {
				j++
			}
			j = min(j+1, len(rs))
			b.WriteString(string(rs[i:j]))
			i = j
		case unicode.IsSpace(r) || r == '(' || r == ')' || r == ',':
			b.WriteRune(r)
			i++
		default:
			j := i
			for j < len(rs) && !unicode.IsSpace(rs[j]) && !strings.ContainsRune(`"(),`, rs[j]) {
				j++
			}
			b.WriteString(ftsWord(string(rs[i:j])))
			i = j
		}
	}
	return b.String()
}

// ftsWord is one bare word of a query as FTS5 should read it.
func ftsWord(w string) string {
	switch w {
	case "AND", "OR", "NOT", "NEAR":
		return w
	}
	stem, prefix := strings.CutSuffix(w, "*")
	plain := stem != ""
	for _, r := range stem {
		plain = plain && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r > unicode.MaxASCII)
	}
	if plain {
		return w
	}
	if prefix && stem != "" {
		return `"` + stem + `"*`
	}
	return `"` + w + `"`
}

// queryError turns what FTS5 says about a bad query into a QueryError;
// other errors pass.
func queryError(query string, err error) error {
	msg := err.Error()
	for _, sign := range []string{"fts5:", "unterminated string", "unknown special query", "no such column", "malformed MATCH"} {
		if !strings.Contains(msg, sign) {
			continue
		}
		if i := strings.Index(msg, sign); i >= 0 {
			msg = msg[i:]
		}
		msg = strings.TrimPrefix(msg, "fts5: ")
		if i := strings.LastIndex(msg, " ("); i > 0 {
			msg = msg[:i]
		}
		switch {
		case strings.HasPrefix(msg, "no such column"):
			msg = "a word followed by ':' names a field, and there is none"
		case msg == `syntax error near ""`:
			msg = "the query ends too soon (after AND, OR, NOT or an open parenthesis)"
		}
		return &QueryError{Query: query, Problem: msg}
	}
	return err
}
