package llm

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/vidskim/vidskim/outfile"
	"github.com/vidskim/vidskim/textsafe"
)

// MaxFileBytes bounds a downloaded batch file: an output file of 50,000
// answers at vidskim's default token limits is about 150 MB; one at the
// largest limits is refused rather than filling the disk.
const MaxFileBytes = 4 << 30

// maxFileBytes is the bound in force (tests lower it).
var maxFileBytes int64 = MaxFileBytes

// minRate is the slowest transfer an upload's time limit allows for.
const minRate = 256 << 10 // bytes a second

// Upload sends the file at path to /files with purpose batch, under name,
// streamed from disk (and streamed again on a retry), and returns the
// file's ID. Its attempts may take the client's timeout plus the time the
// file takes at 256 KB/s.
func (b *Batches) Upload(ctx context.Context, path, name string) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, outfile.Cause(err))
	}
	head, tail, ctype, err := multipartFrame(name)
	if err != nil {
		return "", err
	}
	body := func() (io.ReadCloser, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		return struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(head), f, bytes.NewReader(tail)), f}, nil
	}
	first, err := body()
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, outfile.Cause(err))
	}
	var tr transfer
	if t := b.c.cfg.Timeout; t > 0 {
		tr.timeout = t + time.Duration(st.Size()/minRate)*time.Second
	}
	req, err := http.NewRequestWithContext(withTransfer(ctx, tr), http.MethodPost, b.base+"/files", first)
	if err != nil {
		first.Close()
		return "", err
	}
	req.GetBody, req.ContentLength = body, int64(len(head))+st.Size()+int64(len(tail))
	req.Header.Set("Content-Type", ctype)
	var f openai.File
	if err := b.do(req, "POST /files", &f); err != nil {
		return "", err
	}
	if f.ID == "" {
		return "", &BadAnswerError{What: "the uploaded file has no id"}
	}
	return f.ID, nil
}

// multipartFrame is what goes before and after the file's bytes in the
// upload: the purpose field and the file part's header, then the closing
// boundary.
func multipartFrame(name string) (head, tail []byte, contentType string, err error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if err := mw.WriteField("purpose", "batch"); err != nil {
		return nil, nil, "", err
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, name))
	h.Set("Content-Type", "application/jsonl")
	if _, err := mw.CreatePart(h); err != nil {
		return nil, nil, "", err
	}
	head = append([]byte(nil), buf.Bytes()...)
	if err := mw.Close(); err != nil {
		return nil, nil, "", err
	}
	return head, buf.Bytes()[len(head):], mw.FormDataContentType(), nil
}

// FindFile looks for a batch input file by name: one a process uploaded
// and was killed before it could note the file's ID.
func (b *Batches) FindFile(ctx context.Context, name string) (string, bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.base+"/files?purpose=batch", nil)
	if err != nil {
		return "", false, err
	}
	var list struct {
		Data []openai.File `json:"data"`
	}
	if err := b.do(req, "GET /files", &list); err != nil {
		return "", false, err
	}
	for _, f := range list.Data {
		if f.FileName == name && f.ID != "" {
			return f.ID, true, nil
		}
	}
	return "", false, nil
}

// do sends a hand-made request with the key and decodes its JSON answer
// into v; a refusal is an *APIError (an *UnsupportedError when the server
// has no such endpoint).
func (b *Batches) do(req *http.Request, endpoint string, v any) error {
	b.c.cfg.authorize(req.Header)
	req.Header.Set("Accept", "application/json")
	n := &attempts{}
	resp, err := b.c.hc.Do(req.WithContext(withAttempts(req.Context(), n)))
	if err != nil {
		return b.unsupported(endpoint, b.c.failure(err, n.n))
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body) // read whole and bounded by the transport
	if resp.StatusCode >= 300 {
		err := &APIError{Status: resp.StatusCode, Message: textsafe.Foreign(errorMessage(string(body)), 300, b.c.cfg.secrets()...)}
		return b.unsupported(endpoint, b.c.failure(err, n.n))
	}
	if err := json.Unmarshal(body, v); err != nil {
		return &BadAnswerError{What: fmt.Sprintf("%s: %v", endpoint, err)}
	}
	return nil
}

// Download writes the content of file id to dest, streamed: never more
// than MaxFileBytes, never held in memory, and replacing dest only once
// it is whole. A body that stops for the client's timeout, or breaks, is
// fetched again, as many times as the client retries.
func (b *Batches) Download(ctx context.Context, id, dest string) (int64, error) {
	var last error
	for attempt := 0; attempt <= b.c.cfg.MaxRetries; attempt++ {
		n, err := b.download(ctx, id, dest)
		if err == nil || ctx.Err() != nil || classifyErr(err) != Retry {
			return n, err
		}
		last = err
	}
	return 0, last
}

func (b *Batches) download(ctx context.Context, id, dest string) (int64, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	req, err := http.NewRequestWithContext(withTransfer(ctx, transfer{stream: true}), http.MethodGet, b.base+"/files/"+url.PathEscape(id)+"/content", nil)
	if err != nil {
		return 0, err
	}
	b.c.cfg.authorize(req.Header)
	nat := &attempts{}
	resp, err := b.c.hc.Do(req.WithContext(withAttempts(req.Context(), nat)))
	if err != nil {
		return 0, b.unsupported("GET /files/{id}/content", b.c.failure(err, nat.n))
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, headBytes))
		return 0, b.unsupported("GET /files/{id}/content", &APIError{Status: resp.StatusCode, Message: textsafe.Foreign(errorMessage(string(body)), 300, b.c.cfg.secrets()...)})
	}
	idle := b.c.cfg.Timeout
	if idle <= 0 {
		idle = DefaultTimeout
	}
	wire := &idleReader{r: io.LimitReader(resp.Body, maxFileBytes+1), limit: idle, cancel: cancel}
	var r io.Reader = wire
	if strings.EqualFold(strings.TrimSpace(resp.Header.Get("Content-Encoding")), "gzip") {
		zr, err := gzip.NewReader(wire)
		if err != nil {
			return 0, bodyError(err, 0)
		}
		r = zr
	}
	return writeFile(dest, io.LimitReader(r, maxFileBytes+1), wire)
}

// writeFile copies r to dest through a temporary file beside it, owner
// only; more than MaxFileBytes is refused.
func writeFile(dest string, r io.Reader, wire *idleReader) (int64, error) {
	tmp, err := os.CreateTemp(filepath.Dir(dest), "."+filepath.Base(dest)+".part-*")
	if err != nil {
		return 0, fmt.Errorf("%s: %w", dest, outfile.Cause(err))
	}
	defer os.Remove(tmp.Name())
	n, err := io.Copy(tmp, r)
	if cerr := tmp.Close(); err == nil && cerr != nil {
		return n, fmt.Errorf("%s: %w", dest, outfile.Cause(cerr))
	}
	switch {
	case wire.idle():
		return n, &TimeoutError{After: wire.limit}
	case err != nil:
		var pe *os.PathError
		if errors.As(err, &pe) {
			return n, fmt.Errorf("%s: %w", dest, outfile.Cause(err))
		}
		return n, bodyError(err, int(n))
	case n > maxFileBytes:
		return n, &TooLargeError{Limit: maxFileBytes}
	}
	if err := os.Rename(tmp.Name(), dest); err != nil {
		return n, fmt.Errorf("%s: %w", dest, outfile.Cause(err))
	}
	return n, nil
}

// idleReader stops a download whose body has not moved for limit: the
// request is cancelled and the read fails.
type idleReader struct {
	r      io.Reader
	limit  time.Duration
	cancel context.CancelFunc
	timer  *time.Timer
	fired  atomic.Bool
}

func (r *idleReader) Read(p []byte) (int, error) {
	if r.timer == nil {
		r.timer = time.AfterFunc(r.limit, func() { r.fired.Store(true); r.cancel() })
	} else {
		r.timer.Reset(r.limit)
	}
	n, err := r.r.Read(p)
	r.timer.Stop()
	return n, err
}

// idle reports a read stopped for being idle.
func (r *idleReader) idle() bool { return r.fired.Load() }
