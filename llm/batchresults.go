package llm

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"

	openai "github.com/sashabaranov/go-openai"

	"github.com/vidskim/vidskim/outfile"
	"github.com/vidskim/vidskim/textsafe"
)

// BatchResult is one line of a batch's output or error file.
type BatchResult struct {
	Key    string
	Answer Answer // the answer, when Err is nil (Batch set)
	Cached bool   // the answer is stored in the cache
	// Err is why the line has no usable answer: an *APIError (the status
	// and message the request got), a *LineError (no HTTP answer at all:
	// the batch expired or was cancelled first...), or what is wrong with
	// the answer (no text, none of it written within the token limit).
	Err error
}

// LineError is a batch line that failed without an HTTP answer.
type LineError struct{ Code, Message string }

func (e *LineError) Error() string { return e.Code + ": " + e.Message }

// keyRE is what a custom_id must be: a cache key, as this package makes
// them. Anything else (a server's invention, a path) is never used.
var keyRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// outputLine is the request output object of the Batch API's output and
// error files.
type outputLine struct {
	CustomID string `json:"custom_id"`
	Response *struct {
		StatusCode int             `json:"status_code"`
		Body       json.RawMessage `json:"body"`
	} `json:"response"`
	Error *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// maxLineBytes bounds a line: an answer as large as a live one may be,
// and its envelope.
const maxLineBytes = MaxAnswerBytes + 64<<10

// ReadResults reads a downloaded output or error file line by line,
// stores each whole answer in the cache under its custom_id (an answer
// cut at the token limit or filtered is handed on, never cached, as
// live), and gives every line to fn. A line that cannot be read (too
// long, not JSON, a custom_id that is no key) is handed on failed when
// its key can be told, else counted in the error.
func (c *Client) ReadResults(path string, fn func(BatchResult)) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("%s: %w", path, outfile.Cause(err))
	}
	defer f.Close()
	bad := 0
	err = readLines(f, maxLineBytes, func(line []byte, tooLong bool) {
		r, ok := c.result(line, tooLong)
		if !ok {
			bad++
			return
		}
		fn(r)
	})
	if err == nil && bad > 0 {
		err = &BadAnswerError{What: fmt.Sprintf("%d lines of batch file %s could not be read", bad, path)}
	}
	return err
}

var customIDRE = regexp.MustCompile(`"custom_id"\s*:\s*"([0-9a-f]{64})"`)

// result reads one line; false when not even its key can be told.
func (c *Client) result(line []byte, tooLong bool) (BatchResult, bool) {
	var out outputLine
	if tooLong || json.Unmarshal(line, &out) != nil {
		m := customIDRE.FindSubmatch(line)
		if m == nil {
			return BatchResult{}, false
		}
		what := "a line that is not JSON"
		if tooLong {
			what = fmt.Sprintf("a line longer than %d MB", maxLineBytes>>20)
		}
		return BatchResult{Key: string(m[1]), Err: &BadAnswerError{What: what}}, true
	}
	if !keyRE.MatchString(out.CustomID) {
		return BatchResult{}, false
	}
	r := BatchResult{Key: out.CustomID}
	secrets := c.cfg.secrets()
	switch {
	case out.Response != nil && out.Response.StatusCode == 200:
		var resp openai.ChatCompletionResponse
		if err := json.Unmarshal(out.Response.Body, &resp); err != nil {
			r.Err = &BadAnswerError{What: "its body is not a chat completion"}
			return r, true
		}
		r.Answer, r.Err = reply(resp, secrets)
		if r.Err == nil && r.Answer.spentLimit() {
			r.Err = &EmptyAnswerError{FinishReason: r.Answer.FinishReason}
		}
		r.Answer.Batch = true
		if r.Err == nil && r.Answer.Complete() && c.cfg.Cache != nil {
			r.Cached = c.cfg.Cache.putChat(r.Key, resp)
		}
	case out.Response != nil:
		r.Err = &APIError{Status: out.Response.StatusCode, Message: textsafe.Foreign(errorMessage(string(out.Response.Body)), 300, secrets...)}
	case out.Error != nil:
		r.Err = &LineError{Code: textsafe.Foreign(out.Error.Code, 60, secrets...), Message: textsafe.Foreign(out.Error.Message, 300, secrets...)}
	default:
		r.Err = &BadAnswerError{What: "a line with neither a response nor an error"}
	}
	return r, true
}

// readLines calls fn with each line of r (without its newline). A line
// longer than limit comes with tooLong set and only its first 4 KB, so a
// hostile file cannot make memory grow.
func readLines(r io.Reader, limit int, fn func(line []byte, tooLong bool)) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var line []byte
	tooLong := false
	for {
		part, err := br.ReadSlice('\n')
		switch {
		case tooLong:
		case len(line)+len(part) > limit:
			tooLong = true
			line = append(line, part[:min(len(part), max(0, 4<<10-len(line)))]...)
		default:
			line = append(line, part...)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if l := bytes.TrimSpace(line); len(l) > 0 {
			fn(l, tooLong)
		}
		line, tooLong = line[:0], false
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
