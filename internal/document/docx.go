package document

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
)

// convertDOCX reads the main part of a Word document (word/document.xml, or
// the part _rels/.rels names) and writes its paragraphs as lines and its
// tables as rows: w:br and w:cr end a line, w:tab is a tab, a cell's
// w:gridSpan spans columns, and a cell a vertical merge continues (w:vMerge
// without "restart") repeats the text of the cell above, as a row span does. Deleted text, field
// codes and the fallback copies of text boxes are not read.
func convertDOCX(data []byte) (*Document, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("document: read docx: not a valid zip archive: %w", err)
	}
	part := mainPart(zr)
	var f *zip.File
	for _, zf := range zr.File {
		if zf.Name == part {
			f = zf
			break
		}
	}
	if f == nil {
		return nil, fmt.Errorf("%w: a zip archive without a Word document (no %s): only .docx is read, not .xlsx, .pptx or .odt", ErrUnknownFormat, part)
	}
	if f.UncompressedSize64 > MaxInflated {
		return nil, fmt.Errorf("%w: %s inflates to %d bytes, over the %d MB read from a Word document", ErrTooLarge, part, f.UncompressedSize64, MaxInflated>>20)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("document: read docx %s: %w", part, err)
	}
	defer rc.Close()
	w := &docxWalker{d: xml.NewDecoder(&cappedReader{r: rc, left: MaxInflated, part: part})}
	w.flows = []*flow{{}}
	if err := w.walk(0); err != nil {
		return nil, fmt.Errorf("document: read docx %s: %w", part, err)
	}
	return &Document{Format: DOCX, Text: joinLines(w.flows[0].lines(nil))}, nil
}

// mainPart returns the path of the main document part: the officeDocument
// relationship of _rels/.rels, else word/document.xml.
func mainPart(zr *zip.Reader) string {
	const fallback = "word/document.xml"
	f, err := zr.Open("_rels/.rels")
	if err != nil {
		return fallback
	}
	defer f.Close()
	var rels struct {
		Rel []struct {
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if xml.NewDecoder(io.LimitReader(f, 1<<20)).Decode(&rels) != nil {
		return fallback
	}
	for _, r := range rels.Rel {
		if strings.HasSuffix(r.Type, "/officeDocument") && r.Target != "" {
			return path.Clean(strings.TrimPrefix(r.Target, "/"))
		}
	}
	return fallback
}

// cappedReader fails with ErrTooLarge past left bytes.
type cappedReader struct {
	r    io.Reader
	left int64
	part string
}

func (c *cappedReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, fmt.Errorf("%w: %s inflates to more than %d MB", ErrTooLarge, c.part, MaxInflated>>20)
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}

// maxDepth bounds the nesting of elements walked.
const maxDepth = 256

type docxWalker struct {
	d      *xml.Decoder
	flows  []*flow  // the flow being written: the body's, or a cell's
	tables []*table // the tables being read, innermost last
	inRun  int      // inside a w:r: w:t, w:tab and w:br are text
	inText bool     // inside a w:t
}

func (w *docxWalker) cur() *flow { return w.flows[len(w.flows)-1] }

// walk reads tokens up to the end of the current element.
func (w *docxWalker) walk(depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("elements nested deeper than %d", maxDepth)
	}
	for {
		tok, err := w.d.Token()
		if errors.Is(err, io.EOF) && depth == 0 {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if err := w.element(t, depth); err != nil {
				return err
			}
		case xml.EndElement:
			return nil
		case xml.CharData:
			if w.inText {
				w.cur().write(string(t))
			}
		}
	}
}

// element reads the element that starts with t, up to its end.
func (w *docxWalker) element(t xml.StartElement, depth int) error {
	switch t.Name.Local {
	case "pPr", "rPr", "sectPr", "tblPr", "tblGrid", "delText", "instrText", "Fallback", "del",
		"footnoteReference", "endnoteReference", "commentReference", "drawing", "pict", "object":
		// properties, deleted text, field codes, a text box's fallback copy,
		// pictures: nothing a reader sees as text here
		if t.Name.Local == "drawing" || t.Name.Local == "pict" {
			return w.textBoxes(depth)
		}
		return w.d.Skip()
	case "r":
		w.inRun++
		defer func() { w.inRun-- }()
	case "t":
		if w.inRun > 0 {
			w.inText = true
			defer func() { w.inText = false }()
		}
	case "tab":
		if w.inRun > 0 {
			w.cur().write("\t")
		}
	case "br", "cr":
		if w.inRun > 0 {
			w.cur().endLine()
		}
	case "noBreakHyphen":
		if w.inRun > 0 {
			w.cur().write("-")
		}
	case "p":
		defer w.cur().endLine()
	case "tbl":
		w.tables = append(w.tables, &table{})
		err := w.walk(depth + 1)
		t := w.tables[len(w.tables)-1]
		w.tables = w.tables[:len(w.tables)-1]
		w.cur().addTable(t)
		return err
	case "tr":
		if tb := w.table(); tb != nil {
			tb.rows = append(tb.rows, row{})
		}
	case "trPr":
		return w.rowProperties(depth)
	case "tc":
		r := w.row()
		if r == nil {
			break
		}
		r.cells = append(r.cells, cell{colspan: 1, rowspan: 1})
		c := &r.cells[len(r.cells)-1]
		w.flows = append(w.flows, &c.content)
		defer func() { w.flows = w.flows[:len(w.flows)-1] }()
	case "vMerge":
		if c := w.cell(); c != nil && attr(t, "val") != "restart" {
			c.continued = true
		}
	case "gridSpan":
		if c := w.cell(); c != nil {
			if n, err := strconv.Atoi(attr(t, "val")); err == nil && n > 1 {
				c.colspan = n
			}
		}
	}
	return w.walk(depth + 1)
}

// textBoxes reads the paragraphs of the text boxes inside a drawing or
// picture, skipping everything else in it.
func (w *docxWalker) textBoxes(depth int) error {
	for {
		tok, err := w.d.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "txbxContent" {
				w.cur().endLine()
				if err := w.walk(depth + 1); err != nil {
					return err
				}
				continue
			}
			if t.Name.Local == "Fallback" {
				if err := w.d.Skip(); err != nil {
					return err
				}
				continue
			}
			if err := w.textBoxes(depth + 1); err != nil {
				return err
			}
		case xml.EndElement:
			return nil
		}
	}
}

// rowProperties reads a w:trPr: w:tblHeader marks a header row, and
// w:gridBefore leaves grid columns empty before the row's first cell.
func (w *docxWalker) rowProperties(depth int) error {
	r := w.row()
	for {
		tok, err := w.d.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if r != nil {
				switch t.Name.Local {
				case "tblHeader":
					r.header = attr(t, "val") != "0" && attr(t, "val") != "false"
				case "gridBefore":
					if n, err := strconv.Atoi(attr(t, "val")); err == nil && n > 0 {
						r.cells = append(r.cells, cell{colspan: n, rowspan: 1})
					}
				}
			}
			if err := w.d.Skip(); err != nil {
				return err
			}
		case xml.EndElement:
			return nil
		}
	}
}

func (w *docxWalker) table() *table {
	if len(w.tables) == 0 {
		return nil
	}
	return w.tables[len(w.tables)-1]
}

func (w *docxWalker) row() *row {
	t := w.table()
	if t == nil || len(t.rows) == 0 {
		return nil
	}
	return &t.rows[len(t.rows)-1]
}

func (w *docxWalker) cell() *cell {
	r := w.row()
	if r == nil || len(r.cells) == 0 {
		return nil
	}
	return &r.cells[len(r.cells)-1]
}

// attr returns the value of the attribute with the local name key.
func attr(t xml.StartElement, key string) string {
	for _, a := range t.Attr {
		if a.Name.Local == key {
			return a.Value
		}
	}
	return ""
}
