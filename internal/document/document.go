package document

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

	xunicode "golang.org/x/text/encoding/unicode"
)

// MaxBytes is the largest input read: 20 MiB. A notice's text is a few
// hundred kilobytes; a PDF or Word file with its fonts and images a few
// megabytes.
const MaxBytes = 20 << 20

// MaxInflated bounds what a Word document may inflate to: its main XML part
// is read up to this many bytes, so a zip bomb is refused instead of
// filling the memory.
const MaxInflated = 64 << 20

// Errors returned by the Converter, wrapped with details; test for them with
// errors.Is.
var (
	// ErrTooLarge reports an input over MaxBytes, or a Word document whose
	// XML inflates past MaxInflated.
	ErrTooLarge = errors.New("document: too large")
	// ErrUnknownFormat reports an input that is none of the formats read.
	ErrUnknownFormat = errors.New("document: not a format that is read (text, HTML, DOCX, PDF)")
	// ErrNoTextLayer reports a PDF without text: a scan.
	ErrNoTextLayer = errors.New("document: the PDF has no text layer: a scanned PDF? OCR it first")
	// ErrTimeout reports a PDF that took longer than PDFTimeout to read.
	ErrTimeout = errors.New("document: the PDF took too long to read")
)

// PDFTimeout bounds the reading of one PDF. The 2013 notice's 4 pages take
// about 0.1 s once the engine runs (its start takes 2–3 s).
const PDFTimeout = time.Minute

// Format is a document format.
type Format string

// The formats read.
const (
	Text Format = "text" // plain text, any encoding the notice parser detects
	HTML Format = "html" // a saved web page
	DOCX Format = "docx" // a Word document (Office Open XML)
	PDF  Format = "pdf"  // a PDF with a text layer
)

// Document is the text of a document and what was detected in it.
type Document struct {
	// Format is the format detected from the content.
	Format Format
	// Text is the text for the notice parser: for Text, the input bytes as
	// they are; for the other formats, UTF-8 lines.
	Text []byte
	// Encoding is the character encoding an HTML page was decoded from
	// (e.g. "utf-8", "gbk"), and how it was found; "" for other formats.
	Encoding string
	// Pages is the number of pages of a PDF; 0 for other formats.
	Pages int
	// Notes say what the conversion could not keep or had to decide: a
	// hint the content contradicts, PDF pages without text.
	Notes []string
}

// Converter converts documents to text. The zero value is ready to use and
// safe for concurrent use; Close releases the PDF engine once a PDF was read.
type Converter struct {
	mu         sync.Mutex
	pdf        *pdfEngine    // nil until a PDF is read
	pdfTimeout time.Duration // 0: PDFTimeout
}

// New returns a Converter.
func New() *Converter { return &Converter{} }

// Close releases the PDF engine, if one was started.
func (c *Converter) Close() error {
	c.mu.Lock()
	e := c.pdf
	c.pdf = nil
	c.mu.Unlock()
	if e == nil {
		return nil
	}
	return e.close()
}

// CheckSize refuses a size over MaxBytes, before anything is read: callers
// that know the size (a regular file, a Content-Length) check it first.
func CheckSize(n int64) error {
	if n > MaxBytes {
		return fmt.Errorf("%w: %.1f MB (%d bytes); notices over %d MB are refused", ErrTooLarge, float64(n)/(1<<20), n, MaxBytes>>20)
	}
	return nil
}

// Read reads at most MaxBytes from r (refusing more without reading it) and
// converts it. name (a file name) and contentType (a MIME type) are hints
// and may be "".
func (c *Converter) Read(r io.Reader, name, contentType string) (*Document, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("document: read: %w", err)
	}
	if len(data) > MaxBytes {
		return nil, fmt.Errorf("%w: more than %d MB; notices over %d MB are refused", ErrTooLarge, MaxBytes>>20, MaxBytes>>20)
	}
	return c.Convert(data, name, contentType)
}

// Convert converts data, whose format is detected from its content; name
// and contentType are hints and may be "".
func (c *Converter) Convert(data []byte, name, contentType string) (*Document, error) {
	if err := CheckSize(int64(len(data))); err != nil {
		return nil, err
	}
	hint := hintOf(name, contentType)
	f, err := Detect(data, hint)
	if err != nil {
		return nil, err
	}
	var doc *Document
	switch f {
	case Text:
		doc = &Document{Format: Text, Text: data}
	case HTML:
		doc, err = convertHTML(data, contentType)
	case DOCX:
		doc, err = convertDOCX(data)
	case PDF:
		doc, err = c.convertPDF(data)
	}
	if err != nil {
		return nil, err
	}
	if hint != "" && hint != f {
		doc.Notes = append(doc.Notes, fmt.Sprintf("read as %s: the content is %s, although the %s says %s", f, f, hintSource(name, contentType, hint), hint))
	}
	return doc, nil
}

// hintOf returns the format the file name's extension or the content type
// names, "" if none.
func hintOf(name, contentType string) Format {
	if mt, _, err := mime.ParseMediaType(contentType); err == nil {
		switch mt {
		case "text/html", "application/xhtml+xml":
			return HTML
		case "application/pdf":
			return PDF
		case "application/vnd.openxmlformats-officedocument.wordprocessingml.document":
			return DOCX
		case "text/plain":
			return Text
		}
	}
	return extHint(name)
}

func extHint(name string) Format {
	switch strings.ToLower(path.Ext(name)) {
	case ".html", ".htm", ".xhtml", ".shtml":
		return HTML
	case ".pdf":
		return PDF
	case ".docx":
		return DOCX
	case ".txt", ".text", ".md":
		return Text
	}
	return ""
}

func hintSource(name, contentType string, hint Format) string {
	if extHint(name) == hint {
		return "name " + path.Base(name)
	}
	return "content type " + contentType
}

// Detect returns the format of data from its content: %PDF-n near the start,
// a zip archive with a Word document, an HTML doctype or tag, else text
// when the bytes are text. hint, the format a name or content type names
// (or ""), decides only for a page that starts with a tag but names no
// html element. A zip that holds no Word document, an old binary .doc,
// RTF, an image or other binary data is refused with ErrUnknownFormat,
// naming what it looks like.
func Detect(data []byte, hint Format) (Format, error) {
	head := data[:min(len(data), 1024)]
	switch {
	case pdfHeader(head):
		return PDF, nil
	case bytes.HasPrefix(data, []byte("PK\x03\x04")) || bytes.HasPrefix(data, []byte("PK\x05\x06")):
		return DOCX, nil // convertDOCX says so when the archive holds no Word document
	case bytes.HasPrefix(data, []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")):
		return "", fmt.Errorf("%w: an old binary Word .doc (or another OLE2 file): save it as .docx, PDF or text", ErrUnknownFormat)
	case bytes.HasPrefix(data, []byte(`{\rtf`)):
		return "", fmt.Errorf("%w: RTF: save it as .docx, PDF or text", ErrUnknownFormat)
	case looksHTML(utf16Head(head), hint):
		return HTML, nil
	}
	if err := binary(data); err != nil {
		return "", err
	}
	return Text, nil
}

// pdfHeader reports the header %PDF-n in the first kilobyte, at the start
// or after a line end or binary bytes (readers accept junk before it), not
// in the middle of a line of text.
func pdfHeader(head []byte) bool {
	i := bytes.Index(head, []byte("%PDF-"))
	if i < 0 || i+5 >= len(head) || head[i+5] < '0' || head[i+5] > '9' {
		return false
	}
	return i == 0 || head[i-1] == '\n' || head[i-1] == '\r' || head[i-1] < 0x20 || head[i-1] >= 0x80
}

// looksHTML reports a page: after a byte-order mark and spaces, a doctype,
// an XML declaration or comment followed by an html element, or an html,
// head, body or meta tag; or any tag when the hint says HTML.
func looksHTML(head []byte, hint Format) bool {
	s := bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF"))
	s = bytes.ToLower(bytes.TrimLeft(s, " \t\r\n\f"))
	for _, p := range []string{"<!doctype html", "<html", "<head", "<body", "<meta"} {
		if bytes.HasPrefix(s, []byte(p)) {
			return true
		}
	}
	if bytes.HasPrefix(s, []byte("<?xml")) || bytes.HasPrefix(s, []byte("<!--")) {
		return bytes.Contains(s, []byte("<html"))
	}
	return hint == HTML && bytes.HasPrefix(s, []byte("<"))
}

// utf16Head returns the start of UTF-16 text (with its byte-order mark) as
// UTF-8, so that a page saved as UTF-16 is told by its tags; other data as
// it is.
func utf16Head(head []byte) []byte {
	order := xunicode.LittleEndian
	switch {
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		order = xunicode.BigEndian
	default:
		return head
	}
	b, err := xunicode.UTF16(order, xunicode.ExpectBOM).NewDecoder().Bytes(head[:len(head)&^1])
	if err != nil {
		return head
	}
	return b
}

// binary returns an error for data that is not text: NUL bytes (unless a
// UTF-16 byte-order mark announces them) or many control bytes near the
// start, naming what the data looks like.
func binary(data []byte) error {
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		return nil
	}
	head := data[:min(len(data), 8192)]
	ctrl := 0
	for _, b := range head {
		if b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f' && b != 0x1B {
			ctrl++
		}
	}
	if ctrl == 0 || ctrl*100 < len(head) && bytes.IndexByte(head, 0) < 0 {
		return nil
	}
	what := http.DetectContentType(data)
	if strings.HasPrefix(what, "text/") || what == "application/octet-stream" {
		what = "binary data"
	}
	if bytes.IndexByte(head, 0) >= 0 && what == "binary data" {
		what += " (or UTF-16 text without a byte-order mark: save it as UTF-8)"
	}
	return fmt.Errorf("%w: it looks like %s", ErrUnknownFormat, what)
}
