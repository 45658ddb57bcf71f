package document

import (
	"errors"
	"testing"
	"time"

	"pilotmap/internal/document/documenttest"
)

// A PDF that takes longer than the timeout is refused, and the engine is
// started anew for the next one.
func TestPDFTimeoutRestartsTheEngine(t *testing.T) {
	pdf := documenttest.TextPDF([]string{"1. Hebei: Shijiazhuang, Tangshan", "2. Shanxi: Taiyuan"})
	c := &Converter{pdfTimeout: time.Nanosecond}
	defer c.Close()
	if _, err := c.Convert(pdf, "a.pdf", ""); !errors.Is(err, ErrTimeout) {
		t.Fatalf("err %v, want ErrTimeout", err)
	}
	c.pdfTimeout = 0
	doc, err := c.Convert(pdf, "a.pdf", "")
	if err != nil {
		t.Fatal(err)
	}
	if want := "1. Hebei: Shijiazhuang, Tangshan\n2. Shanxi: Taiyuan\n"; string(doc.Text) != want || doc.Pages != 1 {
		t.Errorf("%d pages, text %q, want %q", doc.Pages, doc.Text, want)
	}
}
