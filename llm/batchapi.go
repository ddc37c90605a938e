package llm

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	openai "github.com/sashabaranov/go-openai"

	"github.com/vidskim/vidskim/textsafe"
)

// Batches is the provider's Batch API: the Files endpoints (upload, list,
// download) and the Batches endpoints (create, retrieve, list, cancel),
// all through the client's transport: no redirect followed, answers
// bounded (a file is streamed to disk, never held in memory), failures
// retried and classified as for chat requests, the key never shown.
//
// go-openai's batch calls fit the Batches endpoints and are used for
// them. Its file upload builds the whole multipart body in memory (twice
// the file: 400 MB for a 200 MB batch file), and its download hands back
// a body this transport would read whole, so both are done here, streamed
// from and to disk.
type Batches struct {
	c    *Client
	oa   *openai.Client
	base string
}

// Batches is the client's Batch API: OpenAI's (or a compatible server's)
// /files and /batches, or Azure's v1 API.
func (c *Client) Batches() *Batches {
	oc := c.cfg.batchConfig()
	oc.HTTPClient = c.hc
	return &Batches{c: c, oa: openai.NewClientWithConfig(oc), base: c.cfg.batchBase()}
}

// Endpoint is what requests name as the batch's endpoint.
func (b *Batches) Endpoint() string { return b.c.cfg.batchEndpoint() }

// Batch is a batch as the provider reports it.
type Batch struct {
	ID           string
	Status       string // validating, in_progress, finalizing, completed, failed, expired, cancelling, cancelled
	InputFileID  string
	OutputFileID string
	ErrorFileID  string
	Total        int
	Completed    int
	Failed       int
	Errors       []string // why it failed as a whole (validation), cleaned
	Metadata     map[string]string
}

// Done reports a batch that will not change any more.
func (b Batch) Done() bool {
	switch b.Status {
	case "completed", "failed", "expired", "cancelled":
		return true
	}
	return false
}

// UnsupportedError is a server without an endpoint of the Batch API: an
// OpenAI-compatible server that serves chat but not files or batches.
type UnsupportedError struct {
	Endpoint string // "POST /files"
	Status   int
	Server   string // user-info removed
}

func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("%s has no %s endpoint (it answered %d): this server does not offer the Batch API; run without batching", e.Server, e.Endpoint, e.Status)
}

// unsupported names the missing endpoint when err says there is none.
func (b *Batches) unsupported(endpoint string, err error) error {
	var ae *APIError
	if errors.As(err, &ae) && (ae.Status == http.StatusNotFound || ae.Status == http.StatusMethodNotAllowed || ae.Status == http.StatusNotImplemented) {
		return &UnsupportedError{Endpoint: endpoint, Status: ae.Status, Server: textsafe.Redact(b.base)}
	}
	return err
}

// Create starts a batch of the uploaded input file, within 24 hours.
func (b *Batches) Create(ctx context.Context, fileID string, metadata map[string]string) (Batch, error) {
	meta := map[string]any{}
	for k, v := range metadata {
		meta[k] = v
	}
	n := &attempts{}
	resp, err := b.oa.CreateBatch(withAttempts(ctx, n), openai.CreateBatchRequest{InputFileID: fileID,
		Endpoint: openai.BatchEndpoint(b.Endpoint()), CompletionWindow: "24h", Metadata: meta})
	if err != nil {
		return Batch{}, b.unsupported("POST /batches", b.c.failure(err, n.n))
	}
	return b.batch(resp.Batch), nil
}

// Get is the batch's state now.
func (b *Batches) Get(ctx context.Context, id string) (Batch, error) {
	n := &attempts{}
	resp, err := b.oa.RetrieveBatch(withAttempts(ctx, n), url.PathEscape(id))
	if err != nil {
		return Batch{}, b.unsupported("GET /batches/{id}", b.c.failure(err, n.n))
	}
	return b.batch(resp.Batch), nil
}

// Cancel asks the provider to stop the batch; what it answered already
// stays in its output file.
func (b *Batches) Cancel(ctx context.Context, id string) (Batch, error) {
	n := &attempts{}
	resp, err := b.oa.CancelBatch(withAttempts(ctx, n), url.PathEscape(id))
	if err != nil {
		return Batch{}, b.unsupported("POST /batches/{id}/cancel", b.c.failure(err, n.n))
	}
	return b.batch(resp.Batch), nil
}

// FindBatch looks among the latest batches (up to pages of 100) for one
// made from the input file: a batch created by a process that was killed
// before it could note the batch's ID.
func (b *Batches) FindBatch(ctx context.Context, fileID string, pages int) (Batch, bool, error) {
	limit := 100
	var after *string
	for range pages {
		n := &attempts{}
		resp, err := b.oa.ListBatch(withAttempts(ctx, n), after, &limit)
		if err != nil {
			return Batch{}, false, b.unsupported("GET /batches", b.c.failure(err, n.n))
		}
		for _, x := range resp.Data {
			if x.InputFileID == fileID {
				return b.batch(x), true, nil
			}
		}
		if !resp.HasMore || resp.LastID == "" {
			break
		}
		after = &resp.LastID
	}
	return Batch{}, false, nil
}

// batch is go-openai's batch in this package's terms, its foreign text
// cleaned.
func (b *Batches) batch(x openai.Batch) Batch {
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	out := Batch{ID: x.ID, Status: x.Status, InputFileID: x.InputFileID, OutputFileID: str(x.OutputFileID), ErrorFileID: str(x.ErrorFileID),
		Total: x.RequestCounts.Total, Completed: x.RequestCounts.Completed, Failed: x.RequestCounts.Failed, Metadata: map[string]string{}}
	if x.Errors != nil {
		for _, e := range x.Errors.Data {
			out.Errors = append(out.Errors, textsafe.Foreign(e.Code+": "+e.Message, 300, b.c.cfg.secrets()...))
		}
	}
	for k, v := range x.Metadata {
		if s, ok := v.(string); ok {
			out.Metadata[k] = s
		}
	}
	return out
}
