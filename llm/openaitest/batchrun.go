package openaitest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// createBatch makes a batch as POST /batches does, checking the request
// against CreateBatchRequest and every line of the input file against
// BatchRequestInput, its body as a live chat request is checked.
func (s *Server) createBatch(w http.ResponseWriter, r *http.Request, azure bool) {
	raw, _ := io.ReadAll(r.Body)
	var req struct {
		InputFileID string            `json:"input_file_id"`
		Endpoint    string            `json:"endpoint"`
		Window      string            `json:"completion_window"`
		Metadata    map[string]string `json:"metadata"`
	}
	var body any
	if err := json.Unmarshal(raw, &body); err != nil || json.Unmarshal(raw, &req) != nil {
		s.t.Errorf("fake server: create batch: body is not JSON: %s", raw)
		return
	}
	if m, ok := body.(map[string]any); ok && azure {
		m["endpoint"] = "/v1" + req.Endpoint // Azure names OpenAI's endpoints without the /v1
	}
	if err := s.valid("CreateBatchRequest", body); err != nil {
		s.t.Errorf("fake server: create batch: %v", err)
	}
	want := "/v1/chat/completions"
	if azure {
		want = "/chat/completions"
	}
	if req.Endpoint != want {
		s.t.Errorf("fake server: create batch: endpoint %q, want %q", req.Endpoint, want)
	}
	s.batch.mu.Lock()
	f := s.batch.files[req.InputFileID]
	s.batch.mu.Unlock()
	if f == nil || f.purpose != "batch" {
		jsonReply(w, 400, map[string]any{"error": map[string]any{"message": "no batch input file " + req.InputFileID}})
		return
	}
	sc := s.script()
	b := &fakeBatch{fileID: f.id, endpoint: req.Endpoint, status: "validating", meta: req.Metadata, created: time.Now().Unix(), failure: sc.Fail}
	b.lines = s.batchLines(f, want)
	s.batch.mu.Lock()
	s.batch.nextID++
	b.id = fmt.Sprintf("batch_fake%d", s.batch.nextID)
	s.batch.batches = append(s.batch.batches, b)
	s.batch.mu.Unlock()
	if sc.HoldCreate {
		<-r.Context().Done()
		return
	}
	s.replyBatch(w, b, true)
}

// batchLines reads and checks the lines of an input file: the envelope,
// unique custom_ids, the endpoint, one model, at most 50,000 lines, and
// each body as a live request.
func (s *Server) batchLines(f *fakeFile, endpoint string) []Request {
	var out []Request
	seen, model := map[string]bool{}, ""
	sc := bufio.NewScanner(bytes.NewReader(f.data))
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for n := 1; sc.Scan(); n++ {
		var line struct {
			CustomID string          `json:"custom_id"`
			URL      string          `json:"url"`
			Body     json.RawMessage `json:"body"`
		}
		var env any
		if json.Unmarshal(sc.Bytes(), &env) != nil || json.Unmarshal(sc.Bytes(), &line) != nil {
			s.t.Errorf("fake server: batch file %s line %d is not JSON", f.name, n)
			continue
		}
		if m, ok := env.(map[string]any); ok && endpoint == "/chat/completions" {
			m["url"] = "/v1" + line.URL // Azure's, as OpenAI's schema names it
		}
		if err := s.valid("BatchRequestInput", env); err != nil {
			s.t.Errorf("fake server: batch file %s line %d: %v", f.name, n, err)
		}
		req := Request{N: int(s.n.Add(1)), ctx: context.Background(), Path: line.URL, CustomID: line.CustomID}
		s.checkChat(&req, line.Body)
		switch {
		case seen[line.CustomID]:
			req.Problem = append(req.Problem, "custom_id "+line.CustomID+" twice in one file")
		case line.URL != endpoint:
			req.Problem = append(req.Problem, fmt.Sprintf("url %q, the batch's endpoint is %q", line.URL, endpoint))
		case model != "" && req.Model != model:
			req.Problem = append(req.Problem, fmt.Sprintf("model %q in a file of %q: one model a batch", req.Model, model))
		}
		seen[line.CustomID], model = true, req.Model
		for _, p := range req.Problem {
			s.t.Errorf("fake server: batch file %s line %d: %s", f.name, n, p)
		}
		out = append(out, req)
	}
	if len(out) > 50000 {
		s.t.Errorf("fake server: batch file %s has %d lines, more than 50,000", f.name, len(out))
	}
	return out
}

// retrieve answers GET /batches/{id} (or, with cancel, POST
// /batches/{id}/cancel), moving the batch on as the script says.
func (s *Server) retrieve(w http.ResponseWriter, id string, cancel bool) {
	s.batch.mu.Lock()
	defer s.batch.mu.Unlock()
	var b *fakeBatch
	for _, x := range s.batch.batches {
		if x.id == id {
			b = x
		}
	}
	if b == nil {
		jsonReply(w, 404, map[string]any{"error": map[string]any{"message": "No batch found with id '" + id + "'."}})
		return
	}
	if cancel {
		if !done(b.status) {
			b.status = "cancelling"
		}
	} else {
		s.advance(b)
	}
	s.replyBatch(w, b, false)
}

func done(status string) bool {
	return status == "completed" || status == "failed" || status == "expired" || status == "cancelled"
}

// advance is one retrieval's worth of progress: a share of the lines
// answered, then the end.
func (s *Server) advance(b *fakeBatch) {
	switch {
	case done(b.status):
		return
	case b.failure != "":
		b.status = "failed"
		return
	case b.status == "cancelling":
		s.finish(b, "cancelled", "batch_cancelled", "This request was not executed: the batch was cancelled.")
		return
	}
	b.polls++
	b.status = "in_progress"
	target := len(b.lines) * b.polls / (s.Batch.Polls + 1)
	if s.Batch.Expire > 0 {
		target = min(target, s.Batch.Expire)
	}
	for b.done < min(target, len(b.lines)) {
		s.runLine(b, b.lines[b.done])
		b.done++
	}
	switch {
	case b.polls <= s.Batch.Polls:
	case b.done < len(b.lines):
		s.finish(b, "expired", "batch_expired", "This request could not be executed before the completion window expired.")
	default:
		s.finish(b, "completed", "", "")
	}
}

// runLine answers one line as the same live request would be answered,
// into the output file, or the error file for a status other than 200.
func (s *Server) runLine(b *fakeBatch, req Request) {
	reply := Reply{}
	if s.Script != nil {
		reply = s.Script(req)
	}
	resp := map[string]any{"status_code": 200, "request_id": "req_fake" + strconv.Itoa(req.N)}
	out := &b.out
	if reply.Status != 0 && reply.Status != 200 {
		var body any
		if json.Unmarshal([]byte(reply.Body), &body) != nil {
			body = map[string]any{"error": map[string]any{"message": reply.Body}}
		}
		resp["status_code"], resp["body"], out = reply.Status, body, &b.errs
		b.failed++
	} else {
		if reply.Content == "" {
			reply.Content = Describe(req)
		}
		if reply.FinishReason == "" {
			reply.FinishReason = "stop"
		}
		resp["body"] = completion(req, reply)
		b.ok++
	}
	s.writeLine(out, req, resp, nil)
}

// writeLine appends one request output object, checked against its schema.
func (s *Server) writeLine(w *bytes.Buffer, req Request, resp, errObj map[string]any) {
	line := map[string]any{"id": "batch_req_fake" + strconv.Itoa(req.N), "custom_id": req.CustomID, "response": nil, "error": nil}
	if resp != nil {
		line["response"] = resp
	}
	if errObj != nil {
		line["error"] = errObj
	}
	if err := s.valid("BatchRequestOutput", line); err != nil {
		s.t.Errorf("fake server: its own output line: %v", err)
	}
	b, _ := json.Marshal(line)
	w.Write(append(b, '\n'))
}

// finish ends the batch: lines not run go to the error file with code,
// and the output and error files are made.
func (s *Server) finish(b *fakeBatch, status, code, message string) {
	for _, req := range b.lines[b.done:] {
		s.writeLine(&b.errs, req, nil, map[string]any{"code": code, "message": message})
		b.failed++
	}
	b.status = status
	if b.out.Len() > 0 {
		b.outID = s.newFile("batch_"+b.id+"_output.jsonl", "batch_output", b.out.Bytes()).id
	}
	if b.errs.Len() > 0 {
		b.errID = s.newFile("batch_"+b.id+"_error.jsonl", "batch_output", b.errs.Bytes()).id
	}
}

// batchJSON is the Batch object, without the fields that are not set (the
// schema types them as strings and integers, not null).
func (s *Server) batchJSON(b *fakeBatch) map[string]any {
	j := map[string]any{"id": b.id, "object": "batch", "endpoint": b.endpoint, "input_file_id": b.fileID, "completion_window": "24h",
		"status": b.status, "created_at": b.created, "expires_at": b.created + 86400,
		"request_counts": map[string]any{"total": len(b.lines), "completed": b.ok, "failed": b.failed}}
	if b.meta != nil {
		j["metadata"] = b.meta
	}
	if b.outID != "" {
		j["output_file_id"] = b.outID
	}
	if b.errID != "" {
		j["error_file_id"] = b.errID
	}
	if b.status == "failed" {
		j["errors"] = map[string]any{"object": "list", "data": []any{map[string]any{"code": "invalid_request", "message": b.failure, "line": 1}}}
		j["request_counts"] = map[string]any{"total": 0, "completed": 0, "failed": 0}
	}
	return j
}

// replyBatch answers with the batch; lock says to take s.batch.mu.
func (s *Server) replyBatch(w http.ResponseWriter, b *fakeBatch, lock bool) {
	if lock {
		s.batch.mu.Lock()
	}
	j := s.batchJSON(b)
	if lock {
		s.batch.mu.Unlock()
	}
	if err := s.valid("Batch", j); err != nil {
		s.t.Errorf("fake server: its own batch: %v", err)
	}
	jsonReply(w, 200, j)
}

// listBatches answers GET /batches: the newest first, limit at a time,
// after the cursor.
func (s *Server) listBatches(w http.ResponseWriter, r *http.Request) {
	limit, err := strconv.Atoi(r.URL.Query().Get("limit"))
	if err != nil || limit <= 0 {
		limit = 20
	}
	after := r.URL.Query().Get("after")
	s.batch.mu.Lock()
	var data []any
	skipping := after != ""
	more := false
	for i := len(s.batch.batches) - 1; i >= 0; i-- {
		b := s.batch.batches[i]
		switch {
		case skipping:
			skipping = b.id != after
		case len(data) == limit:
			more = true
		default:
			data = append(data, s.batchJSON(b))
		}
	}
	s.batch.mu.Unlock()
	resp := map[string]any{"object": "list", "data": append([]any{}, data...), "has_more": more}
	if len(data) > 0 {
		resp["first_id"], resp["last_id"] = data[0].(map[string]any)["id"], data[len(data)-1].(map[string]any)["id"]
	}
	jsonReply(w, 200, resp)
}
