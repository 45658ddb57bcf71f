package document

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// convertHTML decodes a page (its byte-order mark, the charset of
// contentType or of its meta tag decides; else UTF-8 when the bytes are
// valid UTF-8, GB18030 when not), parses it as a browser does and writes
// its visible text as lines.
func convertHTML(data []byte, contentType string) (*Document, error) {
	text, enc, err := decodeHTML(data, contentType)
	if err != nil {
		return nil, err
	}
	root, err := html.Parse(strings.NewReader(text))
	if err != nil {
		return nil, fmt.Errorf("document: parse html: %w", err)
	}
	var f flow
	walkHTML(&f, root, false)
	return &Document{Format: HTML, Text: joinLines(f.lines(nil)), Encoding: enc}, nil
}

// decodeHTML decodes a page. A byte-order mark or the content type's
// charset decides, then a meta charset. Windows-1252, which browsers assume
// when nothing is declared (and which pages declare as "iso-8859-1" by
// mistake), is no encoding of a Chinese notice: then, and when nothing is
// declared, valid UTF-8 is UTF-8 and anything else GB18030.
func decodeHTML(data []byte, contentType string) (text, enc string, err error) {
	e, name, certain := charset.DetermineEncoding(data, contentType)
	how := "declared"
	switch {
	case certain:
	case e == encoding.Nop || name == "windows-1252":
		if utf8.Valid(data) {
			return strings.TrimPrefix(string(data), "\ufeff"), "utf-8 (detected)", nil
		}
		e, name, how = simplifiedchinese.GB18030, "gb18030", "detected: not UTF-8, no other charset declared"
	}
	b, err := e.NewDecoder().Bytes(data)
	if err != nil {
		return "", "", fmt.Errorf("document: decode html as %s: %w", name, err)
	}
	return strings.TrimPrefix(string(b), "\ufeff"), name + " (" + how + ")", nil
}

// skipped elements hold no text a reader sees.
var skipped = map[atom.Atom]bool{
	atom.Head: true, atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Iframe: true, atom.Object: true, atom.Embed: true, atom.Svg: true, atom.Math: true,
	atom.Canvas: true, atom.Audio: true, atom.Video: true, atom.Select: true, atom.Textarea: true,
	atom.Input: true, atom.Button: true,
}

// blocks start and end a line.
var blocks = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true,
	atom.H5: true, atom.H6: true, atom.Li: true, atom.Ul: true, atom.Ol: true, atom.Dl: true,
	atom.Dt: true, atom.Dd: true, atom.Blockquote: true, atom.Pre: true, atom.Section: true,
	atom.Article: true, atom.Header: true, atom.Footer: true, atom.Nav: true, atom.Aside: true,
	atom.Main: true, atom.Address: true, atom.Center: true, atom.Form: true, atom.Fieldset: true,
	atom.Figure: true, atom.Figcaption: true, atom.Hr: true, atom.Caption: true, atom.Legend: true,
	atom.Details: true, atom.Summary: true, atom.Body: true, atom.Html: true,
}

// hidden reports an element the page does not show.
func hidden(n *html.Node) bool {
	for _, a := range n.Attr {
		switch strings.ToLower(a.Key) {
		case "hidden":
			return true
		case "style":
			s := strings.ToLower(strings.Join(strings.Fields(a.Val), ""))
			if strings.Contains(s, "display:none") || strings.Contains(s, "visibility:hidden") {
				return true
			}
		}
	}
	return false
}

// walkHTML writes the visible text under n to f.
func walkHTML(f *flow, n *html.Node, pre bool) {
	switch n.Type {
	case html.TextNode:
		writeText(f, n.Data, pre)
		return
	case html.ElementNode:
	case html.DocumentNode:
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walkHTML(f, c, pre)
		}
		return
	default: // comments, doctype
		return
	}
	if skipped[n.DataAtom] || hidden(n) {
		return
	}
	switch n.DataAtom {
	case atom.Br:
		f.endLine()
		return
	case atom.Table:
		f.addTable(htmlTable(n))
		return
	case atom.Pre, atom.Textarea, atom.Listing:
		pre = true
	}
	if blocks[n.DataAtom] {
		f.endLine()
		defer f.endLine()
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walkHTML(f, c, pre)
	}
}

// writeText writes a text node as a page shows it: outside <pre>, runs of
// HTML white space collapse to one space, also across elements, and none
// starts a line; a line feed in <pre> ends the line. A no-break space
// (&nbsp;) does not collapse: two of them separate names as two spaces do.
func writeText(f *flow, s string, pre bool) {
	if pre {
		for i, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
			if i > 0 {
				f.endLine()
			}
			f.write(l)
		}
		return
	}
	var b strings.Builder
	space := strings.HasSuffix(f.cur.String(), " ") || f.cur.Len() == 0
	for _, r := range s {
		if r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' {
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(r)
	}
	f.write(b.String())
}

// htmlTable reads a <table>: its caption and its rows, in <thead>, <tbody>,
// <tfoot> or directly under the table, each cell with its spans.
func htmlTable(n *html.Node) *table {
	t := &table{}
	var rows func(n *html.Node, head bool)
	rows = func(n *html.Node, head bool) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode || hidden(c) {
				continue
			}
			switch c.DataAtom {
			case atom.Caption:
				var f flow
				walkHTML(&f, c, false)
				t.caption = f.lines(t.caption)
			case atom.Thead:
				rows(c, true)
			case atom.Tbody, atom.Tfoot:
				rows(c, false)
			case atom.Tr:
				t.rows = append(t.rows, htmlRow(c, head))
			}
		}
	}
	rows(n, false)
	return t
}

func htmlRow(tr *html.Node, head bool) row {
	r := row{header: head}
	allTH := true
	for c := tr.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode || (c.DataAtom != atom.Td && c.DataAtom != atom.Th) {
			continue
		}
		if c.DataAtom == atom.Td {
			allTH = false
		}
		x := cell{colspan: spanAttr(c, "colspan"), rowspan: spanAttr(c, "rowspan")}
		if !hidden(c) {
			for k := c.FirstChild; k != nil; k = k.NextSibling {
				walkHTML(&x.content, k, false)
			}
		}
		r.cells = append(r.cells, x)
	}
	r.header = r.header || (allTH && len(r.cells) > 0)
	return r
}

// spanAttr returns a colspan or rowspan, 1 when absent or not a positive
// number (rowspan="0", to the end of the table, counts as the rows left).
func spanAttr(n *html.Node, key string) int {
	for _, a := range n.Attr {
		if a.Key != key {
			continue
		}
		v, err := strconv.Atoi(strings.TrimSpace(a.Val))
		if err == nil && v == 0 && key == "rowspan" {
			return 1 << 16
		}
		if err != nil || v < 1 {
			return 1
		}
		return v
	}
	return 1
}
