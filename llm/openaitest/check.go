package openaitest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image/jpeg"
	"net/http"
	"regexp"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

var timestamp = regexp.MustCompile(`^\[\d{2}:\d{2}:\d{2}\]$`)

// check validates one request and fills in what it carried.
func (s *Server) check(req *Request, r *http.Request, raw []byte) {
	bad := func(format string, a ...any) { req.Problem = append(req.Problem, fmt.Sprintf(format, a...)) }
	if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/chat/completions") {
		bad("%s %s: want POST .../chat/completions", r.Method, r.URL.Path)
		return
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		bad("Content-Type %q", ct)
	}
	s.checkChat(req, raw)
}

// checkChat validates a chat request body (sent live, or a batch line's)
// against the schema and the rules of images, labels and token limits.
func (s *Server) checkChat(req *Request, raw []byte) {
	bad := func(format string, a ...any) { req.Problem = append(req.Problem, fmt.Sprintf(format, a...)) }
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		bad("body is not JSON: %v", err)
		return
	}
	if err := s.schema.Validate(inst); err != nil {
		bad("body does not match the OpenAI schema: %v", err)
	}
	if err := json.Unmarshal(raw, &req.Body); err != nil {
		bad("body: %v", err)
		return
	}
	req.Model, _ = req.Body["model"].(string)
	if !positive(req.Body["max_tokens"]) && !positive(req.Body["max_completion_tokens"]) {
		bad("no token limit (max_tokens or max_completion_tokens)")
	}
	msgs, _ := req.Body["messages"].([]any)
	for _, m := range msgs {
		s.checkMessage(req, m, bad)
	}
	checkFormat(req, bad)
	if s.MaxImages > 0 && len(req.Images) > s.MaxImages {
		bad("%d images, more than the limit of %d", len(req.Images), s.MaxImages)
	}
}

func positive(v any) bool {
	f, ok := v.(float64)
	return ok && f > 0
}

// checkMessage walks one message's content: strings and text parts are
// collected; each image must decode as a JPEG within its detail budget and
// follow a timestamp text part.
func (s *Server) checkMessage(req *Request, m any, bad func(string, ...any)) {
	msg, _ := m.(map[string]any)
	switch c := msg["content"].(type) {
	case string:
		req.Texts = append(req.Texts, c)
	case []any:
		label := ""
		for _, p := range c {
			part, _ := p.(map[string]any)
			switch part["type"] {
			case "text":
				label, _ = part["text"].(string)
				req.Texts = append(req.Texts, label)
			case "image_url":
				iu, _ := part["image_url"].(map[string]any)
				req.Images = append(req.Images, checkImage(iu, label, bad))
				label = ""
			}
		}
	}
}

func checkImage(iu map[string]any, label string, bad func(string, ...any)) Image {
	url, _ := iu["url"].(string)
	detail, _ := iu["detail"].(string)
	im := Image{Detail: detail, Label: label}
	if !timestamp.MatchString(label) {
		bad("image without a [HH:MM:SS] label before it (got %q)", label)
	}
	b64, ok := strings.CutPrefix(url, "data:image/jpeg;base64,")
	if !ok {
		bad("image url is not a base64 JPEG data URL: %.40q", url)
		return im
	}
	data, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		bad("image base64: %v", err)
		return im
	}
	im.Bytes = len(data)
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		bad("image is not a JPEG: %v", err)
		return im
	}
	im.Width, im.Height = cfg.Width, cfg.Height
	long, short := max(cfg.Width, cfg.Height), min(cfg.Width, cfg.Height)
	switch detail {
	case "low":
		if long > 512 {
			bad("low-detail image %dx%d is larger than 512x512", cfg.Width, cfg.Height)
		}
	case "high":
		if short > 768 || long > 2000 {
			bad("high-detail image %dx%d exceeds 768 short / 2000 long", cfg.Width, cfg.Height)
		}
	default:
		bad("image detail %q: want low or high", detail)
	}
	if len(data) > 20<<20 {
		bad("image of %d bytes is over the 20 MB limit", len(data))
	}
	return im
}
