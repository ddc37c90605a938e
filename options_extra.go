package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/vidskim/vidskim/llm"
	"github.com/vidskim/vidskim/ocr"
	"github.com/vidskim/vidskim/schema"
	"github.com/vidskim/vidskim/summarize"
)

// loadSchema reads --schema, before any request: a file that is not a
// usable JSON Schema is the user's to fix (exit 2). Nil without it.
func loadSchema(c *cli.Context) (*schema.Schema, error) {
	path := c.String("schema")
	if path == "" {
		return nil, nil
	}
	s, err := schema.Load(path)
	if err != nil {
		return nil, usageError{fmt.Errorf("--schema %w", err)}
	}
	return s, nil
}

// summarySchema reads --schema for summarize: a run that makes no summary
// (subtitles of the descriptions) would have nothing for it to shape.
func summarySchema(c *cli.Context, s *session) (err error) {
	if s.mo.Schema, err = loadSchema(c); err != nil || s.mo.Schema == nil || !s.mo.DescriptionsOnly {
		return err
	}
	return usageError{fmt.Errorf("--schema shapes the summary, and --format %s makes none: use md or json, or add --report", s.format)}
}

// schemaMode reads --schema-mode into cfg.
func schemaMode(c *cli.Context, cfg *llm.Config) error {
	switch m := c.String("schema-mode"); m {
	case "", "auto":
	case llm.SchemaJSONSchema, llm.SchemaJSONObject, llm.SchemaPrompt:
		cfg.SchemaMode = m
	default:
		return usageError{fmt.Errorf("--schema-mode %q: must be auto, json_schema, json_object or prompt", m)}
	}
	return nil
}

// ocrConfig reads --ocr and --ocr-lang, and makes sure tesseract is there
// with the language's data before any work: nil without --ocr.
func ocrConfig(c *cli.Context) (*summarize.OCRConfig, error) {
	if !c.Bool("ocr") {
		return nil, nil
	}
	o := ocr.Options{Lang: c.String("ocr-lang")}
	if err := ocr.Check(c.Context, o); err != nil {
		return nil, err
	}
	return &summarize.OCRConfig{Options: o}, nil
}
