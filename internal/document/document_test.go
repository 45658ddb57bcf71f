package document_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"pilotmap/internal/document"
	"pilotmap/internal/document/documenttest"
	"pilotmap/internal/notice"
)

const noticePath = "../../geodata/notices/guoweijiating-2013-5.txt"

func noticeText(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(noticePath)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// summary is what a notice lists, without line numbers (which differ
// between formats) and with a province's groups that follow one another
// as one (a table that a page break cuts is two tables).
type summary struct {
	DocNumber, Title                          string
	Pilot                                     []string
	DeclaredUnits, DeclaredPilot, Batch, Unit int
	Groups                                    []string // "北京市: 东城区 西城区 ..."
}

func summarize(n *notice.Notice) summary {
	s := summary{DocNumber: n.DocNumber, Title: n.Title, Pilot: n.PilotProvinceNames,
		DeclaredUnits: n.DeclaredUnits, DeclaredPilot: n.DeclaredPilotProvinces, Batch: n.Batch, Unit: n.UnitCount()}
	// a province's units in one group, also where a page break cut its table
	var last string
	for _, g := range n.Groups {
		var units []string
		for _, u := range g.Units {
			units = append(units, u.Text)
		}
		if len(s.Groups) > 0 && g.ProvinceName == last {
			s.Groups[len(s.Groups)-1] += " " + strings.Join(units, " ")
			continue
		}
		s.Groups = append(s.Groups, g.ProvinceName+": "+strings.Join(units, " "))
		last = g.ProvinceName
	}
	return s
}

// golden is the summary of the 2013 notice as the notice package's golden
// file records it: 12 pilot provinces, 108 units.
func golden(t *testing.T) summary {
	t.Helper()
	b, err := os.ReadFile("../notice/testdata/guoweijiating-2013-5.golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var n notice.Notice
	if err := json.Unmarshal(b, &n); err != nil {
		t.Fatal(err)
	}
	s := summarize(&n)
	if len(s.Pilot) != 12 || s.Unit != 108 {
		t.Fatalf("golden file: %d pilot provinces, %d units; want 12 and 108", len(s.Pilot), s.Unit)
	}
	return s
}

// sameNotice converts data, parses the text and compares it with the golden
// summary of the 2013 notice.
func sameNotice(t *testing.T, c *document.Converter, data []byte, name string, want document.Format) *document.Document {
	t.Helper()
	doc, err := c.Convert(data, name, "")
	if err != nil {
		t.Fatalf("convert: %v", err)
	}
	if doc.Format != want {
		t.Fatalf("format %q, want %q", doc.Format, want)
	}
	n, err := notice.Parse(doc.Text)
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, doc.Text)
	}
	got, exp := summarize(n), golden(t)
	if fmt.Sprint(got) != fmt.Sprint(exp) {
		gj, _ := json.MarshalIndent(got, "", " ")
		ej, _ := json.MarshalIndent(exp, "", " ")
		t.Errorf("notice read from %s differs from the .txt:\ngot  %s\nwant %s\ntext:\n%s", want, gj, ej, doc.Text)
	}
	return doc
}

func TestHTMLGivesTheNotice(t *testing.T) {
	lines := documenttest.Lines(noticeText(t))
	c := document.New()
	defer c.Close()
	for _, tc := range []struct {
		name  string
		table documenttest.Table
		rows  string // a row the text must hold
	}{
		{"paragraphs", documenttest.Paragraphs, "1. 北京市:东城区、西城区、海淀区、怀柔区"},
		{"province-units table", documenttest.ProvinceUnits, "| 1 | 北京市 | 东城区、西城区、海淀区、怀柔区 |"},
		{"rowspan table", documenttest.RowSpans, "| 1 | 北京市 | 西城区 |"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := sameNotice(t, c, documenttest.HTML(lines, tc.table), "notice.html", document.HTML)
			if !strings.Contains(string(doc.Text), tc.rows+"\n") {
				t.Errorf("no line %q in\n%s", tc.rows, doc.Text)
			}
			if doc.Encoding != "utf-8 (declared)" {
				t.Errorf("encoding %q", doc.Encoding)
			}
		})
	}
}

func TestDOCXGivesTheNotice(t *testing.T) {
	data, err := documenttest.DOCX(documenttest.Lines(noticeText(t)))
	if err != nil {
		t.Fatal(err)
	}
	c := document.New()
	defer c.Close()
	doc := sameNotice(t, c, data, "", document.DOCX)
	for _, l := range []string{
		"| 序号 | 省份 | 试点单位 |", "| --- | --- | --- |",
		"| 10 | 江苏省 | 南京市、常州市、淮安市、徐州市 |", "| 10 | 江苏省 | 泰州市、无锡市、盐城市 |", // vMerge continues 江苏省
		"国家卫生计生委关于深入开展创建\n幸福家庭活动的通知", // w:br
	} {
		if !strings.Contains(string(doc.Text), l+"\n") {
			t.Errorf("no %q in\n%s", l, doc.Text)
		}
	}
}

// requireBrowser skips without Debian's Chromium, unless
// PILOTMAP_REQUIRE_BROWSER=1 (as in CI) makes that a failure.
func requireBrowser(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(documenttest.Chromium); err != nil {
		if os.Getenv("PILOTMAP_REQUIRE_BROWSER") == "1" {
			t.Fatalf("PILOTMAP_REQUIRE_BROWSER=1 but %s is missing: %v", documenttest.Chromium, err)
		}
		t.Skipf("%s is missing (apt-get install chromium fonts-noto-cjk): the PDF is printed with it", documenttest.Chromium)
	}
}

// The notice printed to PDF by Chromium, with its header and footer, reads
// as the .txt does: as paragraphs, and as a table whose cell borders give
// its rows and cells back, also with row spans cut by page breaks.
func TestPDFPrintedByChromiumGivesTheNotice(t *testing.T) {
	requireBrowser(t)
	lines := documenttest.Lines(noticeText(t))
	c := document.New()
	defer c.Close()
	for _, tc := range []struct {
		name  string
		table documenttest.Table
		line  string // a line the text must hold
	}{
		// the province list wraps at the right margin; joined, it is one line again
		{"paragraphs", documenttest.Paragraphs, "北京市、河北省、内蒙古自治区、吉林省、江苏省、浙江省、福建省、河南省、湖北省、广东省、贵州省、甘肃省"},
		// 新疆维吾尔自治区 wraps inside its cell
		{"province-units table", documenttest.ProvinceUnits, "| 30 | 新疆维吾尔自治区 | 乌鲁木齐市、伊犁哈萨克自治州、克拉玛依市、哈密地区、巴音郭楞蒙古族自治州 |"},
		{"rowspan table", documenttest.RowSpans, "| 10 | 江苏省 | 盐城市 |"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pdf, err := documenttest.PrintPDF(context.Background(), documenttest.HTML(lines, tc.table), true)
			if err != nil {
				t.Fatal(err)
			}
			doc := sameNotice(t, c, pdf, "notice.pdf", document.PDF)
			if doc.Pages < 2 {
				t.Errorf("%d pages: the test wants a notice over several pages", doc.Pages)
			}
			if !strings.Contains(string(doc.Text), "\n"+tc.line+"\n") {
				t.Errorf("no line %q in\n%s", tc.line, doc.Text)
			}
			if len(doc.Notes) != 1 || !strings.Contains(doc.Notes[0], "joined") {
				t.Errorf("notes %q, want one saying how many wrapped lines were joined", doc.Notes)
			}
		})
	}
}

func TestPDFWithoutTextLayerIsRefused(t *testing.T) {
	requireBrowser(t)
	// a page with nothing but a drawing: a PDF without a text layer, as a scan is
	page := []byte(`<!DOCTYPE html><html><body><svg width="400" height="300"><rect x="10" y="10" width="300" height="200" fill="black"/></svg></body></html>`)
	pdf, err := documenttest.PrintPDF(context.Background(), page, false)
	if err != nil {
		t.Fatal(err)
	}
	c := document.New()
	defer c.Close()
	_, err = c.Convert(pdf, "scan.pdf", "")
	if !errors.Is(err, document.ErrNoTextLayer) || !strings.Contains(err.Error(), "OCR it first") {
		t.Fatalf("err %v, want ErrNoTextLayer", err)
	}
	// a page of text, then a page of nothing but a drawing: read, and the
	// page without text is named
	page = []byte(`<!DOCTYPE html><html><body><p>1. 河北省:唐山市</p><div style="break-before: page"><svg width="400" height="300"><rect width="300" height="200"/></svg></div></body></html>`)
	if pdf, err = documenttest.PrintPDF(context.Background(), page, false); err != nil {
		t.Fatal(err)
	}
	doc, err := c.Convert(pdf, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if doc.Pages != 2 || string(doc.Text) != "1. 河北省:唐山市\n\f\n" || len(doc.Notes) != 1 || !strings.Contains(doc.Notes[0], "PDF pages without a text layer (scanned?): 2 of 2") {
		t.Errorf("%d pages, text %q, notes %q", doc.Pages, doc.Text, doc.Notes)
	}
}
