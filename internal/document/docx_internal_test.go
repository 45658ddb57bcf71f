package document

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// The inflating cap holds even when a zip entry declares a size it does
// not have: reading past the cap fails with ErrTooLarge.
func TestCappedReader(t *testing.T) {
	r := &cappedReader{r: strings.NewReader(strings.Repeat("x", 100)), left: 10, part: "word/document.xml"}
	b, err := io.ReadAll(r)
	if !errors.Is(err, ErrTooLarge) || len(b) != 10 {
		t.Fatalf("read %d bytes, err %v; want 10 and ErrTooLarge", len(b), err)
	}
	r = &cappedReader{r: strings.NewReader("short"), left: 10}
	if b, err := io.ReadAll(r); err != nil || string(b) != "short" {
		t.Fatalf("%q %v", b, err)
	}
}
