package openaitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// BatchScript scripts the fake's Batch API: the Files endpoints (upload,
// list, content) and the Batches endpoints (create, retrieve, list,
// cancel), under /v1 and under Azure's /openai/v1. The zero value ends
// every batch at its first retrieval, each line answered as Script (or
// the default) answers the same request sent live.
type BatchScript struct {
	// Polls is how many retrievals find a batch in progress before it
	// ends; each answers a share of its lines, so the counts grow.
	Polls int
	// Expire, when above 0, ends each batch expired after it answered that
	// many lines; the others go to its error file (batch_expired).
	Expire int
	// Fail, when set, fails every batch in validation with this message:
	// no line runs and there is no output file.
	Fail string
	// HoldUpload and HoldCreate make the file or the batch, then hold the
	// answer until the client goes away: a client killed in between.
	HoldUpload, HoldCreate bool
	// Off serves no Batch API: /files and /batches answer 404, as an
	// OpenAI-compatible server without it does.
	Off bool
}

// BatchInfo is a batch the fake holds, for tests to check.
type BatchInfo struct {
	ID, Status, InputFileID string
	Lines                   int
	Metadata                map[string]string
}

// batchState is the files and batches the fake holds.
type batchState struct {
	mu      sync.Mutex // held while a batch request is served
	schemas map[string]*jsonschema.Schema
	files   map[string]*fakeFile
	batches []*fakeBatch
	uploads int
	nextID  int
}

type fakeFile struct {
	id, name, purpose string
	data              []byte
	created           int64
}

type fakeBatch struct {
	id, fileID, endpoint, status string
	meta                         map[string]string
	lines                        []Request
	out, errs                    bytes.Buffer
	done, ok, failed, polls      int
	outID, errID                 string
	created                      int64
	failure                      string
}

// SetBatchScript changes the script while the server runs (a test
// that sets Batch before the first request needs no more).
func (s *Server) SetBatchScript(b BatchScript) {
	s.batch.mu.Lock()
	defer s.batch.mu.Unlock()
	s.Batch = b
}

// script is the Batch API's script now.
func (s *Server) script() BatchScript {
	s.batch.mu.Lock()
	defer s.batch.mu.Unlock()
	return s.Batch
}

// Uploads is how many files were uploaded (tried, at least).
func (s *Server) Uploads() int {
	s.batch.mu.Lock()
	defer s.batch.mu.Unlock()
	return s.batch.uploads
}

// Batches lists the batches made, in order.
func (s *Server) Batches() []BatchInfo {
	s.batch.mu.Lock()
	defer s.batch.mu.Unlock()
	var out []BatchInfo
	for _, b := range s.batch.batches {
		out = append(out, BatchInfo{ID: b.id, Status: b.status, InputFileID: b.fileID, Lines: len(b.lines), Metadata: b.meta})
	}
	return out
}

// BatchRequests is every batch line that ran, checked like a live
// request (its CustomID set), in the order they ran.
func (s *Server) BatchRequests() []Request {
	s.batch.mu.Lock()
	defer s.batch.mu.Unlock()
	var out []Request
	for _, b := range s.batch.batches {
		out = append(out, b.lines[:b.done]...)
	}
	return out
}

// handleBatchAPI serves the Batch API's paths; false for any other path.
func (s *Server) handleBatchAPI(w http.ResponseWriter, r *http.Request) bool {
	rest, ok := strings.CutPrefix(r.URL.Path, "/v1/")
	azure := false
	if !ok {
		rest, azure = strings.CutPrefix(r.URL.Path, "/openai/v1/")
	}
	parts := strings.Split(rest, "/")
	if !ok && !azure || parts[0] != "files" && parts[0] != "batches" {
		return false
	}
	if s.script().Off {
		jsonReply(w, http.StatusNotFound, map[string]any{"error": map[string]any{"message": "Not Found", "type": "invalid_request_error"}})
		return true
	}
	if azure && (r.Header.Get("api-key") == "" || r.URL.Query().Has("api-version") || r.Header.Get("Authorization") != "") {
		s.t.Errorf("fake server: Azure v1 %s %s: want the api-key header and no api-version (headers %v)", r.Method, r.URL, r.Header)
	}
	switch m := r.Method + " " + parts[0]; {
	case m == "POST files" && len(parts) == 1:
		s.upload(w, r)
	case m == "GET files" && len(parts) == 1:
		s.listFiles(w, r)
	case m == "GET files" && len(parts) == 3 && parts[2] == "content":
		s.content(w, parts[1])
	case m == "POST batches" && len(parts) == 1:
		s.createBatch(w, r, azure)
	case m == "GET batches" && len(parts) == 1:
		s.listBatches(w, r)
	case m == "GET batches" && len(parts) == 2:
		s.retrieve(w, parts[1], false)
	case m == "POST batches" && len(parts) == 3 && parts[2] == "cancel":
		s.retrieve(w, parts[1], true)
	default:
		s.t.Errorf("fake server: %s %s: no such endpoint of the Batch API", r.Method, r.URL.Path)
		jsonReply(w, http.StatusNotFound, map[string]any{"error": map[string]any{"message": "no such endpoint"}})
	}
	return true
}

// upload takes a multipart upload as POST /files does, checked against
// the CreateFileRequest schema.
func (s *Server) upload(w http.ResponseWriter, r *http.Request) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	mr, err := r.MultipartReader()
	if mt != "multipart/form-data" || err != nil {
		s.t.Errorf("fake server: upload: not multipart/form-data (%q): %v", r.Header.Get("Content-Type"), err)
		jsonReply(w, 400, map[string]any{"error": map[string]any{"message": "not multipart"}})
		return
	}
	fields, name, data := map[string]any{}, "", []byte(nil)
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			s.t.Errorf("fake server: upload: %v", err)
			return
		}
		b, _ := io.ReadAll(io.LimitReader(p, 300<<20))
		if p.FormName() == "file" {
			name, data = p.FileName(), b
			fields["file"] = name
			continue
		}
		fields[p.FormName()] = string(b)
	}
	if err := s.valid("CreateFileRequest", fields); err != nil {
		s.t.Errorf("fake server: upload: %v", err)
	}
	if len(data) > 200_000_000 {
		s.t.Errorf("fake server: upload of %d bytes, over the 200 MB a batch file may have", len(data))
	}
	purpose, _ := fields["purpose"].(string)
	s.batch.mu.Lock()
	s.batch.uploads++
	f := s.newFile(name, purpose, data)
	s.batch.mu.Unlock()
	if s.script().HoldUpload {
		<-r.Context().Done()
		return
	}
	jsonReply(w, 200, fileJSON(f))
}

// newFile stores a file (s.batch.mu held).
func (s *Server) newFile(name, purpose string, data []byte) *fakeFile {
	if s.batch.files == nil {
		s.batch.files = map[string]*fakeFile{}
	}
	s.batch.nextID++
	f := &fakeFile{id: fmt.Sprintf("file-fake%d", s.batch.nextID), name: name, purpose: purpose, data: data, created: time.Now().Unix()}
	s.batch.files[f.id] = f
	return f
}

func fileJSON(f *fakeFile) map[string]any {
	return map[string]any{"id": f.id, "object": "file", "bytes": len(f.data), "created_at": f.created,
		"filename": f.name, "purpose": f.purpose, "status": "processed"}
}

func (s *Server) listFiles(w http.ResponseWriter, r *http.Request) {
	purpose := r.URL.Query().Get("purpose")
	s.batch.mu.Lock()
	data := []any{}
	for _, f := range s.batch.files {
		if purpose == "" || f.purpose == purpose {
			data = append(data, fileJSON(f))
		}
	}
	s.batch.mu.Unlock()
	jsonReply(w, 200, map[string]any{"object": "list", "data": data, "first_id": "", "last_id": "", "has_more": false})
}

// content serves a file's bytes as GET /files/{id}/content does.
func (s *Server) content(w http.ResponseWriter, id string) {
	s.batch.mu.Lock()
	f := s.batch.files[id]
	s.batch.mu.Unlock()
	if f == nil {
		jsonReply(w, 404, map[string]any{"error": map[string]any{"message": "No such File object: " + id}})
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Write(f.data)
}

// valid checks v against one of the batch schemas.
func (s *Server) valid(name string, v any) error {
	raw, _ := json.Marshal(v)
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err == nil {
		err = s.batch.schemas[name].Validate(inst)
	}
	if err != nil {
		return fmt.Errorf("does not match the OpenAI schema %s: %v", name, err)
	}
	return nil
}

// batchSchemaNames are the schemas of testdata/openai/batch-schema.json
// the fake checks against (its own answers too, in its tests).
var batchSchemaNames = []string{"CreateFileRequest", "OpenAIFile", "ListFilesResponse", "CreateBatchRequest", "Batch",
	"ListBatchesResponse", "BatchRequestInput", "BatchRequestOutput"}

// loadBatchSchemas compiles the Batch API schemas cut from the OpenAPI
// document (testdata/openai/extract-schema.py --batch).
func loadBatchSchemas(t testing.TB) map[string]*jsonschema.Schema {
	return loadSchemas(t, "batch-schema.json", batchSchemaNames...)
}

func jsonReply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
