package document

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/enums"
	pdfiumerrors "github.com/klippa-app/go-pdfium/errors"
	"github.com/klippa-app/go-pdfium/requests"
	"github.com/klippa-app/go-pdfium/webassembly"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// pdfMemoryPages bounds the memory of the PDF engine: 16,384 WebAssembly
// pages of 64 KiB, 1 GiB.
const pdfMemoryPages = 16384

// pdfEngine is PDFium, the PDF engine of Chromium, compiled to WebAssembly
// and run by wazero: no cgo and no shared library. It sees no file system:
// documents are passed as bytes.
type pdfEngine struct {
	pool   pdfium.Pool
	cancel context.CancelFunc // stops the engine's calls
}

func startPDF() (*pdfEngine, error) {
	ctx, cancel := context.WithCancel(context.Background())
	pool, err := webassembly.Init(webassembly.Config{
		MinIdle: 1, MaxIdle: 1, MaxTotal: 1,
		FSConfig: wazero.NewFSConfig(), // no directory mounted
		// The bundled module needs the exception-handling feature; a call
		// stops when the engine's context is cancelled.
		RuntimeConfig: wazero.NewRuntimeConfig().
			WithCoreFeatures(api.CoreFeaturesV2 | experimental.CoreFeaturesExceptionHandling).
			WithMemoryLimitPages(pdfMemoryPages).
			WithCloseOnContextDone(true),
		Stdout: io.Discard, Stderr: io.Discard,
		Context: ctx,
	})
	if err != nil {
		cancel()
		return nil, fmt.Errorf("document: start the PDF engine: %w", err)
	}
	return &pdfEngine{pool: pool, cancel: cancel}, nil
}

func (e *pdfEngine) close() error {
	e.cancel()
	return e.pool.Close()
}

// engine returns the PDF engine, started on first use (or after a PDF that
// took too long stopped the last one).
func (c *Converter) engine() (*pdfEngine, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pdf == nil {
		e, err := startPDF()
		if err != nil {
			return nil, err
		}
		c.pdf = e
	}
	return c.pdf, nil
}

// convertPDF reads a PDF (see readPDF) within PDFTimeout. A PDF that takes
// longer is refused with ErrTimeout, and the engine is stopped (a PDF being
// read at the same time fails too) and started anew for the next PDF.
func (c *Converter) convertPDF(data []byte) (*Document, error) {
	e, err := c.engine()
	if err != nil {
		return nil, err
	}
	type result struct {
		doc *Document
		err error
	}
	done := make(chan result, 1)
	go func() {
		d, err := e.readPDF(data)
		done <- result{d, err}
	}()
	limit := c.pdfTimeout
	if limit == 0 {
		limit = PDFTimeout
	}
	timer := time.NewTimer(limit)
	defer timer.Stop()
	select {
	case r := <-done:
		return r.doc, r.err
	case <-timer.C:
		c.mu.Lock()
		if c.pdf == e {
			c.pdf = nil
		}
		c.mu.Unlock()
		e.cancel()
		go func() { <-done; e.pool.Close() }()
		return nil, fmt.Errorf("%w: reading the PDF took more than %s", ErrTimeout, limit)
	}
}

// readPDF extracts the text layer of every page, pages separated by a
// form feed on a line of its own, lines wrapped at the right margin joined
// (see reflow). A PDF without any text is refused with
// ErrNoTextLayer; pages without text among pages with text are noted.
func (e *pdfEngine) readPDF(data []byte) (*Document, error) {
	inst, err := e.pool.GetInstance(time.Minute)
	if err != nil {
		return nil, fmt.Errorf("document: the PDF engine: %w", err)
	}
	defer inst.Close()
	doc, err := inst.OpenDocument(&requests.OpenDocument{File: &data})
	switch {
	case errors.Is(err, pdfiumerrors.ErrPassword):
		return nil, fmt.Errorf("document: the PDF is protected by a password: save it without one")
	case err != nil:
		return nil, fmt.Errorf("document: open pdf: %w", err)
	}
	defer inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: doc.Document})
	count, err := inst.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: doc.Document})
	if err != nil {
		return nil, fmt.Errorf("document: pdf page count: %w", err)
	}
	var pages []pdfPage
	var empty []string
	for i := 0; i < count.PageCount; i++ {
		pg, err := readPDFPage(inst, requests.Page{ByIndex: &requests.PageByIndex{Document: doc.Document, Index: i}})
		if err != nil {
			return nil, fmt.Errorf("document: pdf page %d: %w", i+1, err)
		}
		if len(pg.lines) == 0 {
			empty = append(empty, fmt.Sprint(i+1))
		}
		pages = append(pages, pg)
	}
	continueTables(pages)
	text, joined := reflow(pages)
	d := &Document{Format: PDF, Pages: count.PageCount, Text: text}
	switch {
	case count.PageCount == 0 || len(empty) == count.PageCount:
		return nil, fmt.Errorf("%w (%d pages, none with text)", ErrNoTextLayer, count.PageCount)
	case len(empty) > 0:
		d.Notes = append(d.Notes, fmt.Sprintf("PDF pages without a text layer (scanned?): %s of %d; nothing on them is read; OCR them first", strings.Join(empty, ", "), count.PageCount))
	}
	if joined > 0 {
		d.Notes = append(d.Notes, fmt.Sprintf("%d PDF lines that end at the right margin were joined with the next line: a paragraph the PDF wraps is one line", joined))
	}
	return d, nil
}

// pdfPage is the text of a page as PDFium reads it, line by line, with
// where each line starts and ends.
type pdfPage struct {
	width float64 // points
	lines []pdfLine
}

type pdfLine struct {
	text        string
	left, right float64   // of its visible characters, in points from the page's left edge
	em          float64   // the height of its tallest character
	gap         float64   // the widest space between two of its visible characters
	table       *pdfTable // when not nil, the line is this table
}

func readPDFPage(inst pdfium.Pdfium, page requests.Page) (pdfPage, error) {
	w, err := inst.FPDF_GetPageWidthF(&requests.FPDF_GetPageWidthF{Page: page})
	if err != nil {
		return pdfPage{}, err
	}
	rules, err := pageRules(inst, page)
	if err != nil {
		return pdfPage{}, err
	}
	tables := findTables(rules)
	t, err := inst.GetPageTextStructured(&requests.GetPageTextStructured{Page: page, Mode: requests.GetPageTextStructuredModeChars})
	if err != nil {
		return pdfPage{}, err
	}
	pg := pdfPage{width: float64(w.PageWidth)}
	var b strings.Builder
	l := pdfLine{left: math.Inf(1)}
	end := func() {
		l.text = strings.TrimRightFunc(b.String(), unicode.IsSpace)
		if strings.TrimFunc(l.text, unicode.IsSpace) != "" {
			pg.lines = append(pg.lines, l)
		}
		b.Reset()
		l = pdfLine{left: math.Inf(1)}
	}
	placed := map[*pdfTable]int{} // a table's place among the lines
	line := 0
	for _, c := range t.Chars {
		switch c.Text {
		case "\n":
			end()
			line++
			continue
		case "\r":
			continue
		}
		p := c.PointPosition
		if intable(tables, c.Text, p.Left, p.Bottom, p.Right, p.Top, line, func(t *pdfTable) {
			end()
			placed[t] = len(pg.lines)
			pg.lines = append(pg.lines, pdfLine{})
		}) {
			continue
		}
		b.WriteString(c.Text)
		if strings.TrimFunc(c.Text, unicode.IsSpace) != "" && p.Right > p.Left {
			if l.right > 0 {
				l.gap = math.Max(l.gap, p.Left-l.right)
			}
			l.left, l.right = math.Min(l.left, p.Left), math.Max(l.right, p.Right)
			l.em = math.Max(l.em, math.Abs(p.Top-p.Bottom))
		}
	}
	end()
	for t, i := range placed {
		pg.lines[i].table = t
	}
	return pg, nil
}

// intable writes a character to the table whose cell holds it and reports
// whether one did; the first character of a table calls first, so the
// table takes its place in the page's flow.
func intable(tables []*pdfTable, ch string, left, bottom, right, top float64, line int, first func(*pdfTable)) bool {
	if right <= left && strings.TrimFunc(ch, unicode.IsSpace) == "" {
		return false // a space with no place on the page
	}
	x, y := (left+right)/2, (bottom+top)/2
	for _, t := range tables {
		if !t.extent.contains(x, y) {
			continue
		}
		if !t.used {
			t.used = true
			first(t)
		}
		return t.add(ch, x, y, line)
	}
	return false
}

// pageRules returns the bounds of the page's path objects: borders, rules
// and drawings.
func pageRules(inst pdfium.Pdfium, page requests.Page) ([]box, error) {
	n, err := inst.FPDFPage_CountObjects(&requests.FPDFPage_CountObjects{Page: page})
	if err != nil {
		return nil, err
	}
	var rules []box
	for i := 0; i < n.Count; i++ {
		o, err := inst.FPDFPage_GetObject(&requests.FPDFPage_GetObject{Page: page, Index: i})
		if err != nil {
			return nil, err
		}
		ty, err := inst.FPDFPageObj_GetType(&requests.FPDFPageObj_GetType{PageObject: o.PageObject})
		if err != nil {
			return nil, err
		}
		if ty.Type != enums.FPDF_PAGEOBJ_PATH {
			continue
		}
		bd, err := inst.FPDFPageObj_GetBounds(&requests.FPDFPageObj_GetBounds{PageObject: o.PageObject})
		if err != nil {
			return nil, err
		}
		rules = append(rules, box{float64(bd.Left), float64(bd.Bottom), float64(bd.Right), float64(bd.Top)})
		if len(rules) > 4*maxRules {
			return nil, nil // a drawing, not tables
		}
	}
	return rules, nil
}

// reflow joins the lines of each page into text. A PDF has no paragraphs,
// only lines where the layout wrapped them. A line is taken for a
// paragraph going on, and joined with the next line of its page, when it
// reaches the right margin: it ends within 2.5 of its character height of
// the rightmost end of the lines set in its size (character heights within
// 15%; a line breaks up to two characters early where the next may not
// start a line, as 、 may not), and within 3 of the page's right edge less
// the left margin of those lines (margins are about as wide on both sides),
// and not with a mark that ends a sentence (。：；！？). A line with a gap
// wider than two characters is a table's row, not a paragraph. The next
// line must be set in the same size and not start with a list number. It returns the text
// and how many lines it joined.
func reflow(pages []pdfPage) ([]byte, int) {
	type extent struct{ left, right float64 }
	sizes := map[int]extent{} // by character height in half points
	for _, pg := range pages {
		for _, l := range pg.lines {
			if l.table != nil {
				continue
			}
			k := int(l.em * 2)
			e, ok := sizes[k]
			if !ok {
				e = extent{left: math.Inf(1)}
			}
			sizes[k] = extent{math.Min(e.left, l.left), math.Max(e.right, l.right)}
		}
	}
	same := func(a, b float64) bool { return math.Abs(a-b) <= 0.15*math.Max(a, b) }
	wraps := func(width float64, l pdfLine) bool {
		e := extent{left: math.Inf(1)}
		for k, x := range sizes {
			if same(float64(k)/2, l.em) {
				e = extent{math.Min(e.left, x.left), math.Max(e.right, x.right)}
			}
		}
		return l.em > 0 && l.gap < 2*l.em && l.right >= e.right-2.5*l.em && l.right >= width-e.left-3*l.em &&
			!strings.ContainsRune("。！？!?；;：:", lastRune(l.text))
	}
	var b strings.Builder
	joined := 0
	for i, pg := range pages {
		if i > 0 {
			b.WriteString("\f\n")
		}
		for k, l := range pg.lines {
			if l.table != nil {
				for _, row := range l.table.table().lines(nil) {
					b.WriteString(row + "\n")
				}
				continue
			}
			b.WriteString(l.text)
			if k+1 < len(pg.lines) {
				next := pg.lines[k+1]
				if same(l.em, next.em) && !startsList(next.text) && wraps(pg.width, l) {
					if isASCIIAlnum(lastRune(l.text)) && isASCIIAlnum(firstRune(next.text)) {
						b.WriteByte(' ')
					}
					joined++
					continue
				}
			}
			b.WriteByte('\n')
		}
	}
	return []byte(b.String()), joined
}

// startsList reports a line that starts with a list number: 1. 1、 (1) （一）
// 一、 ①, or a number and a space, as a table's numbered row does.
func startsList(s string) bool {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	rs := []rune(s)
	if len(rs) < 2 {
		return false
	}
	if rs[0] == '(' || rs[0] == '（' || rs[0] >= '①' && rs[0] <= '⑳' {
		return true
	}
	i := 0
	for i < len(rs) && (unicode.IsDigit(rs[i]) || strings.ContainsRune("一二三四五六七八九十", rs[i])) {
		i++
	}
	return i > 0 && i < len(rs) && strings.ContainsRune(".、．,，)）:： ", rs[i])
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(strings.TrimLeftFunc(s, unicode.IsSpace))
	return r
}

func isASCIIAlnum(r rune) bool {
	return r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// continueTables carries a table that a page break cut over to the next
// page: when a page's last table and the next page's first table have the
// same columns, with no more than page furniture (three lines: a running
// header or footer, a page number) between them, the empty cells at the top
// of the second (below a repeated header row) are the spans the break cut,
// and take the text of the first table's last row.
func continueTables(pages []pdfPage) {
	for i := 1; i < len(pages); i++ {
		a, after := lastTable(pages[i-1])
		b, before := firstTable(pages[i])
		if a == nil || b == nil || after > 3 || before > 3 || a.cols != b.cols ||
			math.Abs(a.extent.left-b.extent.left) > 3 || math.Abs(a.extent.right-b.extent.right) > 3 {
			continue
		}
		b.carry(a)
	}
}

func lastTable(pg pdfPage) (*pdfTable, int) {
	for k := len(pg.lines) - 1; k >= 0; k-- {
		if pg.lines[k].table != nil {
			return pg.lines[k].table, len(pg.lines) - 1 - k
		}
	}
	return nil, 0
}

func firstTable(pg pdfPage) (*pdfTable, int) {
	for k, l := range pg.lines {
		if l.table != nil {
			return l.table, k
		}
	}
	return nil, 0
}
