package ocr

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/draw"
	"testing"

	"github.com/vidskim/vidskim/llm/openaitest"
)

func TestClean(t *testing.T) {
	for in, want := range map[string]string{
		"  Quarterly   budget\n\n approved \n": "Quarterly budget\napproved",
		"| . ,\n—\nSLIDE 3\n\x1b[2Jok\n":       "SLIDE 3\nok",
		"\f":                                   "",
		"a b c\n12":                            "12",
	} {
		if got := Clean(in); got != want {
			t.Errorf("Clean(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPGM(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 3, 2))
	draw.Draw(img, img.Bounds(), &image.Uniform{color.RGBA{255, 255, 255, 255}}, image.Point{}, draw.Src)
	img.Set(1, 1, color.RGBA{255, 0, 0, 255})
	want := append([]byte("P5\n3 2\n255\n"), 255, 255, 255, 255, 76, 255)
	if got := pgm(img); !bytes.Equal(got, want) {
		t.Errorf("pgm %v, want %v", got, want)
	}
	gray := image.NewGray(image.Rect(0, 0, 3, 2))
	draw.Draw(gray, gray.Bounds(), img, image.Point{}, draw.Src)
	if got := pgm(gray); len(got) != len(want) || got[len(got)-2] < 70 || got[len(got)-2] > 80 {
		t.Errorf("pgm of a non-RGBA picture %v", got)
	}
}

// TestTesseract: a blank picture reads as nothing; a missing tesseract
// and a missing language are said before anything.
func TestTesseract(t *testing.T) {
	openaitest.NeedTesseract(t)
	if err := Check(t.Context(), Options{}); err != nil {
		t.Fatal(err)
	}
	blank := image.NewRGBA(image.Rect(0, 0, 200, 100))
	draw.Draw(blank, blank.Bounds(), &image.Uniform{color.White}, image.Point{}, draw.Src)
	if text, err := Read(t.Context(), blank, Options{}); err != nil || text != "" {
		t.Errorf("blank: %q %v", text, err)
	}
	var le *LangError
	if err := Check(t.Context(), Options{Lang: "eng+xx"}); !errors.As(err, &le) || le.Lang != "xx" {
		t.Errorf("unknown language: %v", err)
	}
	if err := Check(t.Context(), Options{Path: "/nonexistent/tesseract"}); !errors.Is(err, ErrMissing) {
		t.Errorf("missing: %v", err)
	}
}
