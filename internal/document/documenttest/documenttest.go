// Package documenttest makes test documents from a notice's text: saved web
// pages (the unit list as paragraphs or as a table), a Word document written
// as Word writes one, and a PDF printed by headless Chromium. Tests of the
// document package and of the command line use them.
package documenttest

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"html"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Item is one entry of a notice's unit list: "1. 北京市:东城区、西城区".
type Item struct {
	Number   string
	Province string
	Units    []string
}

// Line is one line of a notice: a heading (level 1–6), a list item, a rule
// (---) or a paragraph.
type Line struct {
	Heading int
	Text    string
	Item    *Item
	Rule    bool
}

var itemRE = regexp.MustCompile(`^(\d+)\.\s*([^:：]+)[:：](.+)$`)

// Lines reads a notice written as markdown-like text, as the embedded
// notices are: "## " headings, "---" rules, numbered list items with a
// province, a colon and units separated by 、. Blank lines are dropped.
func Lines(text string) []Line {
	var out []Line
	for _, l := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		l = strings.TrimSpace(l)
		switch {
		case l == "":
		case l == "---":
			out = append(out, Line{Rule: true})
		case strings.HasPrefix(l, "#"):
			h := len(l) - len(strings.TrimLeft(l, "#"))
			out = append(out, Line{Heading: min(h, 6), Text: strings.TrimSpace(l[h:])})
		default:
			if m := itemRE.FindStringSubmatch(l); m != nil {
				out = append(out, Line{Text: l, Item: &Item{Number: m[1], Province: m[2], Units: strings.Split(m[3], "、")}})
				continue
			}
			out = append(out, Line{Text: l})
		}
	}
	return out
}

// Table says how HTML writes the unit list.
type Table int

const (
	// Paragraphs writes each list item as a <p>.
	Paragraphs Table = iota
	// ProvinceUnits writes a <table> with a row per province: 序号 | 省份 | 试点单位.
	ProvinceUnits
	// RowSpans writes a <table> with a row per unit, the number and
	// province cells spanning the province's rows (rowspan).
	RowSpans
)

// noise is what saved pages carry besides the notice: scripts, styles, a
// navigation menu, hidden text, comments and entities. None of it names a
// unit a reader sees; the hidden parts name units that must not be read.
const (
	headNoise = `<meta http-equiv="X-UA-Compatible" content="IE=edge">
<title>国家卫生计生委关于深入开展创建幸福家庭活动的通知_政策文件</title>
<style>p { text-indent: 2em } .x:before { content: "上海市:浦东新区" }</style>
<script>var units = "1. 上海市:浦东新区、徐汇区"; var more = "<p>天津市:滨海新区</p>";</script>
`
	bodyNoise = `<nav><a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 政策文件</nav>
<script type="text/javascript">window.dataLayer = ["2. 重庆市:渝中区"];</script>
<div style="display: none">3. 四川省:锦江区、青羊区</div>
<!-- 4. 云南省:五华区 -->
<noscript>请启用 JavaScript &amp; 刷新页面</noscript>
`
)

// HTML writes a notice as a saved web page (UTF-8, declared with a meta
// charset), with the noise such pages carry, paragraphs indented with
// &nbsp;, and the unit list written as t says.
func HTML(lines []Line, t Table) []byte {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\n" + headNoise + "</head>\n<body>\n" + bodyNoise)
	b.WriteString("<div class=\"content\">\n")
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		switch {
		case l.Rule:
			b.WriteString("<hr>\n")
		case l.Heading > 0:
			fmt.Fprintf(&b, "<h%d>%s</h%d>\n", l.Heading, html.EscapeString(l.Text), l.Heading)
		case l.Item != nil && t != Paragraphs:
			j := i
			for j < len(lines) && lines[j].Item != nil {
				j++
			}
			writeHTMLTable(&b, lines[i:j], t)
			i = j - 1
		default:
			fmt.Fprintf(&b, "<p>&nbsp;&nbsp;%s</p>\n", html.EscapeString(l.Text))
		}
	}
	b.WriteString("</div>\n<div class=\"footer\"><p>版权所有&copy;国家卫生健康委员会 <span style=\"display:none\">5. 贵州省:南明区</span></p></div>\n</body></html>\n")
	return []byte(b.String())
}

func writeHTMLTable(b *strings.Builder, items []Line, t Table) {
	b.WriteString("<table border=\"1\" cellspacing=\"0\">\n<thead><tr><th>序号</th><th>省份</th><th>试点单位</th></tr></thead>\n<tbody>\n")
	for _, l := range items {
		it := l.Item
		if t == ProvinceUnits {
			fmt.Fprintf(b, "<tr><td>%s</td><td><p>%s</p></td><td>%s</td></tr>\n", it.Number, html.EscapeString(it.Province), html.EscapeString(strings.Join(it.Units, "、")))
			continue
		}
		for k, u := range it.Units {
			b.WriteString("<tr>")
			if k == 0 {
				fmt.Fprintf(b, "<td rowspan=\"%d\">%s</td><td rowspan=\"%d\">%s</td>", len(it.Units), it.Number, len(it.Units), html.EscapeString(it.Province))
			}
			fmt.Fprintf(b, "<td>%s</td></tr>\n", html.EscapeString(u))
		}
	}
	b.WriteString("</tbody></table>\n")
}

// DOCX writes a notice as a Word document, in the parts and markup Word
// writes: headings with heading styles, each paragraph split into several
// runs (as Word splits them at edits and proofing marks), a line break
// (w:br) where the title breaks, and the unit list as a table 序号 | 省份 |
// 试点单位 with a repeated header row, where a province with more than four
// units takes two rows and its number and province cells are merged
// vertically (w:vMerge).
func DOCX(lines []Line) ([]byte, error) {
	var body strings.Builder
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		switch {
		case l.Rule:
			body.WriteString(`<w:p><w:pPr><w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="auto"/></w:pBdr></w:pPr></w:p>`)
		case l.Item != nil:
			j := i
			for j < len(lines) && lines[j].Item != nil {
				j++
			}
			writeDOCXTable(&body, lines[i:j])
			i = j - 1
		case l.Heading > 0:
			fmt.Fprintf(&body, `<w:p><w:pPr><w:pStyle w:val="Heading%d"/><w:jc w:val="center"/></w:pPr>`, l.Heading)
			if before, after, ok := strings.Cut(l.Text, " "); ok { // the title, broken where the notice breaks it
				writeRuns(&body, before)
				body.WriteString(`<w:r><w:br/></w:r>`)
				writeRuns(&body, after)
			} else {
				writeRuns(&body, l.Text)
			}
			body.WriteString(`</w:p>`)
		default:
			body.WriteString(`<w:p><w:pPr><w:ind w:firstLineChars="200" w:firstLine="640"/><w:tabs><w:tab w:val="left" w:pos="420"/></w:tabs></w:pPr>`)
			writeRuns(&body, l.Text)
			body.WriteString(`</w:p>`)
		}
	}
	return WordDocument(body.String())
}

// WordDocument packs the body XML of a Word document (what goes inside
// w:body) into a .docx: the content types, the package relationship and
// word/document.xml.
func WordDocument(body string) ([]byte, error) {
	doc := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:wpc="http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:v="urn:schemas-microsoft-com:vml" mc:Ignorable="w14 wps"><w:body>` +
		body +
		`<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1588" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr></w:body></w:document>`
	return Zip(map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
		"_rels/.rels": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`,
		"word/document.xml": doc,
	})
}

// Zip writes a zip archive of the named files, in name order.
func Zip(files map[string]string) ([]byte, error) {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			return nil, err
		}
		if _, err := io.WriteString(w, files[n]); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeRuns writes text as runs of at most five characters, with the
// proofing and bookmark marks Word puts between runs.
func writeRuns(b *strings.Builder, text string) {
	rs := []rune(text)
	for i := 0; i < len(rs); i += 5 {
		part := string(rs[i:min(i+5, len(rs))])
		if i == 5 {
			b.WriteString(`<w:proofErr w:type="gramStart"/><w:bookmarkStart w:id="0" w:name="_GoBack"/>`)
		}
		fmt.Fprintf(b, `<w:r w:rsidRPr="00A1B2C3"><w:rPr><w:rFonts w:ascii="仿宋_GB2312" w:eastAsia="仿宋_GB2312" w:hint="eastAsia"/><w:sz w:val="32"/></w:rPr><w:t xml:space="preserve">%s</w:t></w:r>`, xmlEscape(part))
		if i == 5 {
			b.WriteString(`<w:bookmarkEnd w:id="0"/><w:proofErr w:type="gramEnd"/>`)
		}
	}
}

func xmlEscape(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s)) // a bytes.Buffer does not fail
	return b.String()
}

func writeDOCXTable(b *strings.Builder, items []Line) {
	b.WriteString(`<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/><w:tblLook w:val="04A0"/></w:tblPr><w:tblGrid><w:gridCol w:w="900"/><w:gridCol w:w="2400"/><w:gridCol w:w="5500"/></w:tblGrid>`)
	b.WriteString(`<w:tr><w:trPr><w:tblHeader/></w:trPr>`)
	for _, h := range []string{"序号", "省份", "试点单位"} {
		docxCell(b, "", h)
	}
	b.WriteString(`</w:tr>`)
	for _, l := range items {
		it := l.Item
		groups := [][]string{it.Units}
		if len(it.Units) > 4 {
			groups = [][]string{it.Units[:4], it.Units[4:]}
		}
		for k, g := range groups {
			b.WriteString(`<w:tr>`)
			merge, num, prov := "", it.Number, it.Province
			if len(groups) > 1 {
				merge = `<w:vMerge w:val="restart"/>`
				if k > 0 {
					merge, num, prov = `<w:vMerge/>`, "", ""
				}
			}
			docxCell(b, merge, num)
			docxCell(b, merge, prov)
			docxCell(b, "", strings.Join(g, "、"))
			b.WriteString(`</w:tr>`)
		}
	}
	b.WriteString(`</w:tbl><w:p/>`)
}

func docxCell(b *strings.Builder, merge, text string) {
	fmt.Fprintf(b, `<w:tc><w:tcPr><w:tcW w:w="0" w:type="auto"/>%s<w:vAlign w:val="center"/></w:tcPr><w:p><w:pPr><w:jc w:val="center"/></w:pPr>`, merge)
	if text != "" {
		writeRuns(b, text)
	}
	b.WriteString(`</w:p></w:tc>`)
}

// Chromium is Debian's Chromium, which prints the test PDFs.
const Chromium = "/usr/bin/chromium"

// PrintPDF prints an HTML page to PDF with headless Chromium and returns
// the PDF. With headers, as a person prints a page: the browser's header
// and footer carry the date, the title, the file's address and page numbers;
// without, the PDF holds only the page's own text.
func PrintPDF(ctx context.Context, page []byte, headers bool) ([]byte, error) {
	dir, err := os.MkdirTemp("", "documenttest-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	in, out := filepath.Join(dir, "notice.html"), filepath.Join(dir, "notice.pdf")
	if err := os.WriteFile(in, page, 0o644); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	args := []string{"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + filepath.Join(dir, "profile"), "--print-to-pdf=" + out}
	if !headers {
		args = append(args, "--no-pdf-header-footer")
	}
	cmd := exec.CommandContext(ctx, Chromium, append(args, in)...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("%s --print-to-pdf: %w\n%s", Chromium, err, msg)
	}
	return os.ReadFile(out)
}

// TextPDF writes a one-page PDF, by hand, whose text layer holds lines
// (ASCII, set in the standard Helvetica font): a PDF that needs no browser
// to make.
func TextPDF(lines []string) []byte {
	var content strings.Builder
	content.WriteString("BT /F1 12 Tf 40 760 Td 14 TL\n")
	for _, l := range lines {
		r := strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`)
		fmt.Fprintf(&content, "(%s) Tj T*\n", r.Replace(l))
	}
	content.WriteString("ET\n")
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", content.Len(), content.String()),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}
