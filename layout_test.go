package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/vidskim/vidskim/"

// allowedImports is the layout (see each package's doc.go and the README's
// Architecture section): the vidskim packages each package may import.
// A package missing here fails the test, so a new one must take a place.
var allowedImports = map[string][]string{
	"textsafe":       {},
	"field":          {},
	"outfile":        {},
	"extract":        {"field", "textsafe"},
	"dedupe":         {"extract"},
	"chunk":          {"extract", "field"},
	"cost":           {"chunk", "outfile"},
	"llm":            {"outfile", "textsafe"},
	"llm/openaitest": {},
	"summarize":      {"chunk", "cost", "dedupe", "extract", "field", "llm", "ocr", "schema", "textsafe"},
	"narrate":        {"cost", "extract", "field", "llm", "outfile", "summarize", "textsafe"},
	"render":         {"ask", "cost", "extract", "library", "llm", "narrate", "summarize", "textsafe"},
	"library":        {"cost", "extract", "llm", "summarize"},
	"ocr":            {"textsafe"},
	"schema":         {"llm"},
	"ask":            {"chunk", "cost", "extract", "library", "llm", "schema", "summarize"},
	"serve":          {"ask", "extract", "library", "outfile", "summarize", "textsafe"},
	".":              nil, // the CLI may import any
}

// goOpenAI may be imported by one package only, tests included.
const goOpenAI = "github.com/sashabaranov/go-openai"

// TestLayout keeps the layout from decaying: each package imports only
// what its place allows, go-openai stays inside llm, no file passes 400
// lines and no function outside tests passes 60.
func TestLayout(t *testing.T) {
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() && p != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
			if err == nil {
				err = filepath.SkipDir
			}
			return err
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			return err
		}
		checkFile(t, fset, p, f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func checkFile(t *testing.T, fset *token.FileSet, p string, f *ast.File) {
	pkg, test := filepath.ToSlash(filepath.Dir(p)), strings.HasSuffix(p, "_test.go")
	allowed, known := allowedImports[pkg]
	if !known {
		t.Errorf("%s: package %s has no place in allowedImports (layout_test.go)", p, pkg)
	}
	for _, im := range f.Imports {
		path, _ := strconv.Unquote(im.Path.Value)
		switch {
		case path == goOpenAI && pkg != "llm":
			t.Errorf("%s imports go-openai: only llm may", p)
		case strings.HasPrefix(path, module) && pkg != "." && !test && !slices.Contains(allowed, strings.TrimPrefix(path, module)):
			t.Errorf("%s imports %s, which its layer may not (allowed: %v)", p, path, allowed)
		}
	}
	if n := fset.Position(f.End()).Line; n > 400 {
		t.Errorf("%s: %d lines, more than 400", p, n)
	}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && !test {
			if n := fset.Position(fd.End()).Line - fset.Position(fd.Pos()).Line + 1; n > 60 {
				t.Errorf("%s: %s is %d lines, more than 60", p, fd.Name.Name, n)
			}
		}
	}
}

// TestEveryPackageHasDoc: each package says in doc.go what it owns and
// what it must not import.
func TestEveryPackageHasDoc(t *testing.T) {
	for pkg := range allowedImports {
		if pkg == "." {
			continue
		}
		b, err := os.ReadFile(filepath.Join(pkg, "doc.go"))
		if err != nil || !strings.Contains(string(b), "// Package "+filepath.Base(pkg)+" ") || !strings.Contains(string(b), "import") {
			t.Errorf("%s/doc.go must begin \"Package %s ...\" and say what it may import (%v)", pkg, filepath.Base(pkg), err)
		}
	}
}
