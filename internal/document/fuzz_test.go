package document_test

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"pilotmap/internal/document"
	"pilotmap/internal/document/documenttest"
)

// FuzzConvert feeds HTML, Word and arbitrary bytes to the converter (PDFs
// are left out: each would start the PDF engine's work for nothing the
// fuzzer can steer). It must not panic, and must give UTF-8 for every
// format but text, which it passes through unchanged. 30 s with -fuzzminimizetime 1x ran
// 174,453 inputs without a failure.
func FuzzConvert(f *testing.F) {
	f.Add([]byte("<!DOCTYPE html><table><tr><td rowspan=3>河北省</td><td>石家庄市</td></tr><tr><td>唐山市</td></tr></table>"), "a.html")
	f.Add([]byte("<html><p>1. 北京市:东城区<br>2. 天津市:河西区&nbsp;&nbsp;津南区</p><script>x</script>"), "")
	f.Add([]byte("1. 北京市:东城区、西城区\n"), "a.txt")
	f.Add([]byte{0xFF, 0xFE, '1', 0, '.', 0}, "")
	if d, err := documenttest.WordDocument(`<w:tbl><w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>河北省</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc></w:tr></w:tbl>`); err == nil {
		f.Add(d, "a.docx")
	}
	c := document.New()
	defer c.Close()
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		if bytes.Contains(data[:min(len(data), 1024)], []byte("%PDF-")) || strings.HasSuffix(name, ".pdf") {
			return
		}
		doc, err := c.Convert(data, name, "")
		if err != nil {
			return
		}
		if doc.Format != document.Text && !utf8.Valid(doc.Text) {
			t.Fatalf("%s gave invalid UTF-8", doc.Format)
		}
		if doc.Format == document.Text && !bytes.Equal(doc.Text, data) {
			t.Fatal("text was changed")
		}
	})
}

// Spans cannot blow a page up: a table of more columns than a notice has,
// or whose row spans would repeat megabytes, is read as lines, each cell's
// text once.
func TestSpansAreBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("<html><table><tr>")
	for i := 0; i < 70; i++ {
		b.WriteString(`<td colspan="100">x</td>`)
	}
	b.WriteString("</tr></table><table><tr><td>河北省</td><td rowspan=\"65534\">" + strings.Repeat("长", 60) + "</td></tr>")
	b.WriteString(strings.Repeat("<tr><td>x</td></tr>", 30000))
	b.WriteString("</table></html>")
	page := []byte(b.String())
	doc, err := document.New().Convert(page, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Text) > 2*len(page) {
		t.Errorf("%d bytes of text from a %d-byte page", len(doc.Text), len(page))
	}
	if n := strings.Count(string(doc.Text), "x\n"); n != 70+30000 {
		t.Errorf("%d cells read as lines, want %d", n, 70+30000)
	}
	if !strings.Contains(string(doc.Text), "河北省\n"+strings.Repeat("长", 60)+"\n") {
		t.Error("the spanning cell is not read once, as a line")
	}
}
