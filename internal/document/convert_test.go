package document_test

import (
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"

	"pilotmap/internal/document"
	"pilotmap/internal/document/documenttest"
)

func convert(t *testing.T, data []byte, name string) *document.Document {
	t.Helper()
	doc, err := document.New().Convert(data, name, "")
	if err != nil {
		t.Fatalf("convert %s: %v", name, err)
	}
	return doc
}

func TestHTMLDropsNoiseAndKeepsLines(t *testing.T) {
	page := `<!DOCTYPE html>
<html><head><title>标题不读</title><style>body { color: red }</style>
<script>var x = "北京市:东城区";</script></head>
<body>
<script>document.title = "天津市:和平区";</script>
<noscript>请启用脚本</noscript>
<div hidden>河北省:石家庄市</div>
<p style="DISPLAY : none">山西省:太原市</p>
<!-- 辽宁省:沈阳市 -->
<h2>附件　名单</h2>
<p>&nbsp;&nbsp;1.&nbsp;北京市:东城区、<b>西城区</b>、
   海淀区</p>
<p>2. 天津市:河西区&nbsp;&nbsp;津南区<br>3. 河北省:唐山市<br/>
4. 山西省:阳泉市 &amp; 晋中市 &lt;试点&gt;</p>
<ul><li>5. 吉林省:白城市</li><li>6. 黑龙江省:鹤岗市</li></ul>
<div>7. 上海市:<span>杨浦区</span>、<span> 宝山区</span><div>8. 江苏省:南京市</div>9. 浙江省:杭州市</div>
<pre>10. 安徽省:合肥市
11. 福建省:福州市</pre>
</body></html>`
	doc := convert(t, []byte(page), "notice.htm")
	want := strings.Join([]string{
		"附件　名单",
		"1. 北京市:东城区、西城区、 海淀区",
		"2. 天津市:河西区  津南区",
		"3. 河北省:唐山市",
		"4. 山西省:阳泉市 & 晋中市 <试点>",
		"5. 吉林省:白城市",
		"6. 黑龙江省:鹤岗市",
		"7. 上海市:杨浦区、 宝山区",
		"8. 江苏省:南京市",
		"9. 浙江省:杭州市",
		"10. 安徽省:合肥市",
		"11. 福建省:福州市",
	}, "\n") + "\n"
	if string(doc.Text) != want {
		t.Errorf("text:\n%s\nwant:\n%s", doc.Text, want)
	}
	if doc.Format != document.HTML || len(doc.Notes) != 0 {
		t.Errorf("format %s, notes %q", doc.Format, doc.Notes)
	}
}

func TestHTMLTables(t *testing.T) {
	page := `<html><body>
<table><tr><td>
  <p>附件</p>
  <table>
    <caption>试点单位名单</caption>
    <tr><th>地区</th><th>省份</th><th>数量</th><th>城市</th></tr>
    <tr><td colspan="4">东部地区</td></tr>
    <tr><td rowspan="2">东部</td><td rowspan="2">河北省</td><td rowspan="2">3</td><td>石家庄市、唐山市</td></tr>
    <tr><td>邯郸市<br>（新增）</td></tr>
    <tr><td></td><td>北京市</td><td>1</td><td>东城区 | 西城区</td></tr>
    <tr><td></td><td></td><td></td><td></td></tr>
  </table>
</td><td>右栏</td></tr></table>
<table><tr><td>一栏的表</td></tr><tr><td>1. 北京市:东城区</td></tr></table>
</body></html>`
	doc := convert(t, []byte(page), "")
	want := strings.Join([]string{
		"附件",
		"试点单位名单",
		"| 地区 | 省份 | 数量 | 城市 |",
		"| --- | --- | --- | --- |",
		"| 东部地区 |  |  |  |",
		"| 东部 | 河北省 | 3 | 石家庄市、唐山市 |",
		"| 东部 | 河北省 | 3 | 邯郸市  （新增） |",
		`|  | 北京市 | 1 | 东城区 \| 西城区 |`,
		"右栏",                 // the outer table holds a table: a layout table, its cells are lines
		"一栏的表", "1. 北京市:东城区", // a table of one column: lines
	}, "\n") + "\n"
	if string(doc.Text) != want {
		t.Errorf("text:\n%s\nwant:\n%s", doc.Text, want)
	}
}

func TestHTMLEncodings(t *testing.T) {
	body := "<p>1. 河北省:石家庄市、唐山市</p>"
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(body)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, page, contentType, encoding string
	}{
		{"meta charset", `<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>` + gbk, "", "gbk (declared)"},
		{"content type", "<html><body>" + gbk, "text/html; charset=GBK", "gbk (declared)"},
		{"undeclared gbk", "<html><body>" + gbk, "", "gb18030 (detected: not UTF-8, no other charset declared)"},
		{"wrongly declared latin-1", `<html><head><meta charset="iso-8859-1"></head><body>` + gbk, "", "gb18030 (detected: not UTF-8, no other charset declared)"},
		{"undeclared utf-8", "<html><body>" + body, "", "utf-8 (detected)"},
		{"utf-8 bom", "\xEF\xBB\xBF<html><body>" + body, "", "utf-8 (declared)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := document.New().Convert([]byte(tc.page), "", tc.contentType)
			if err != nil {
				t.Fatal(err)
			}
			if string(doc.Text) != "1. 河北省:石家庄市、唐山市\n" || doc.Encoding != tc.encoding {
				t.Errorf("text %q encoding %q, want encoding %q", doc.Text, doc.Encoding, tc.encoding)
			}
		})
	}
}

func TestDOCXMarkup(t *testing.T) {
	body := `<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="420"/></w:tabs></w:pPr>` +
		`<w:r><w:t>1.</w:t></w:r><w:r><w:tab/><w:t xml:space="preserve">北京市:东城区、</w:t></w:r>` +
		`<w:del w:id="1" w:author="x"><w:r><w:delText>朝阳区、</w:delText></w:r></w:del>` +
		`<w:ins w:id="2" w:author="x"><w:r><w:t>西城区</w:t></w:r></w:ins>` +
		`<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>HYPERLINK "http://x"</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>、海淀区</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>` +
		`<w:r><w:br/><w:t>2. 天津市:河西区</w:t><w:cr/><w:t>3. 河北省:唐山市</w:t></w:r></w:p>` +
		`<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"><wps:txbx><w:txbxContent><w:p><w:r><w:t>4. 山西省:阳泉市</w:t></w:r></w:p></w:txbxContent></wps:txbx></wp:inline></w:drawing></mc:Choice>` +
		`<mc:Fallback><w:pict><v:textbox><w:txbxContent><w:p><w:r><w:t>4. 山西省:阳泉市</w:t></w:r></w:p></w:txbxContent></v:textbox></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>` +
		`<w:tbl><w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr><w:tc><w:p><w:r><w:t>河北省</w:t></w:r></w:p></w:tc><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>石家庄市</w:t></w:r></w:p><w:p><w:r><w:t>唐山市</w:t></w:r></w:p></w:tc></w:tr>` +
		`<w:tr><w:tc><w:p><w:r><w:t>华北</w:t></w:r></w:p></w:tc><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc><w:tc><w:p><w:r><w:t>邯郸市</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc></w:tr></w:tbl>`
	data, err := documenttest.WordDocument(body)
	if err != nil {
		t.Fatal(err)
	}
	doc := convert(t, data, "notice.docx")
	want := strings.Join([]string{
		"1.\t北京市:东城区、西城区、海淀区",
		"2. 天津市:河西区",
		"3. 河北省:唐山市",
		"4. 山西省:阳泉市", // the text box once: its fallback copy is not read
		"|  | 河北省 | 石家庄市  唐山市 |  |",
		"| 华北 | 河北省 | 邯郸市 | x |", // vMerge continues 河北省
	}, "\n") + "\n"
	if string(doc.Text) != want {
		t.Errorf("text:\n%s\nwant:\n%s", doc.Text, want)
	}
}

func TestNotAWordDocument(t *testing.T) {
	data, err := documenttest.Zip(map[string]string{"xl/workbook.xml": "<workbook/>"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = document.New().Convert(data, "list.xlsx", "")
	if !errors.Is(err, document.ErrUnknownFormat) || !strings.Contains(err.Error(), "word/document.xml") {
		t.Errorf("err %v", err)
	}
}

// A Word document whose XML inflates past MaxInflated is refused: 64 MB of
// spaces deflate to some 64 KB.
func TestDOCXZipBombRefused(t *testing.T) {
	data, err := documenttest.Zip(map[string]string{"word/document.xml": `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` +
		strings.Repeat(" ", document.MaxInflated+1024)})
	if err != nil {
		t.Fatal(err)
	}
	if len(data) > 1<<20 {
		t.Fatalf("the bomb is %d bytes", len(data))
	}
	_, err = document.New().Convert(data, "bomb.docx", "")
	if !errors.Is(err, document.ErrTooLarge) {
		t.Fatalf("err %v, want ErrTooLarge", err)
	}
}

// endless counts the bytes read from it; it never ends.
type endless struct{ n int64 }

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	e.n += int64(len(p))
	return len(p), nil
}

func TestTooLargeRefusedWithoutReadingIt(t *testing.T) {
	r := &endless{}
	_, err := document.New().Read(r, "-", "")
	if !errors.Is(err, document.ErrTooLarge) || !strings.Contains(err.Error(), "over 20 MB are refused") {
		t.Fatalf("err %v, want ErrTooLarge", err)
	}
	if r.n != document.MaxBytes+1 {
		t.Errorf("read %d bytes of an endless input, want %d", r.n, document.MaxBytes+1)
	}
	big := io.LimitReader(&endless{}, 21<<20)
	if _, err := document.New().Read(big, "big.txt", ""); !errors.Is(err, document.ErrTooLarge) {
		t.Errorf("21 MB: err %v", err)
	}
	if err := document.CheckSize(21 << 20); err == nil || !strings.Contains(err.Error(), "21.0 MB") {
		t.Errorf("CheckSize(21 MB) = %v", err)
	}
	if err := document.CheckSize(document.MaxBytes); err != nil {
		t.Errorf("CheckSize(MaxBytes) = %v", err)
	}
}

func TestUnknownFormats(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, 4096)
	for i := range random {
		random[i] = byte(rng.UintN(256))
	}
	for _, tc := range []struct {
		name string
		data []byte
		says string
	}{
		{"random.bin", random, "binary data"},
		{"scan.png", append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), random...), "image/png"},
		{"old.doc", append([]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), random...), "old binary Word .doc"},
		{"notice.rtf", []byte(`{\rtf1\ansi 北京市}`), "RTF"},
		{"utf16.txt", []byte("1\x00.\x00 \x00\x17S\xacN\x02^"), "UTF-16"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := document.New().Convert(tc.data, tc.name, "")
			if !errors.Is(err, document.ErrUnknownFormat) || !strings.Contains(err.Error(), tc.says) {
				t.Errorf("err %v, want ErrUnknownFormat saying %q", err, tc.says)
			}
		})
	}
}

func TestDetectByContentNotName(t *testing.T) {
	// a page saved under the name .txt is read as a page, and that is noted
	doc := convert(t, []byte("<!DOCTYPE html><p>1. 河北省:唐山市</p>"), "notice.txt")
	if doc.Format != document.HTML || len(doc.Notes) != 1 || !strings.Contains(doc.Notes[0], "name notice.txt says text") {
		t.Errorf("format %s notes %q", doc.Format, doc.Notes)
	}
	// text stays the bytes it was: the notice parser detects the encoding
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String("1. 河北省:唐山市\n")
	doc = convert(t, []byte(gbk), "notice.txt")
	if doc.Format != document.Text || string(doc.Text) != gbk || len(doc.Notes) != 0 {
		t.Errorf("format %s text %q notes %q", doc.Format, doc.Text, doc.Notes)
	}
	// a page saved as UTF-16 is a page
	u16, _ := xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM).NewEncoder().String("<html><body><p>1. 河北省:唐山市</p>")
	if doc := convert(t, []byte(u16), ""); doc.Format != document.HTML || string(doc.Text) != "1. 河北省:唐山市\n" || doc.Encoding != "utf-16le (declared)" {
		t.Errorf("UTF-16 page: %s %q %q", doc.Format, doc.Text, doc.Encoding)
	}
	// %PDF- in a line of text is no PDF header
	if doc := convert(t, []byte("说明:文件格式为 %PDF-1.7。\n1. 河北省:唐山市\n"), ""); doc.Format != document.Text {
		t.Errorf("text quoting %%PDF-: %s", doc.Format)
	}
	// a fragment that starts with a tag is a page only when named one
	if doc := convert(t, []byte("<p>1. 河北省:唐山市</p>"), "list.html"); doc.Format != document.HTML {
		t.Errorf("fragment named .html: %s", doc.Format)
	}
	if doc := convert(t, []byte("<p>1. 河北省:唐山市</p>"), "list.txt"); doc.Format != document.Text {
		t.Errorf("fragment named .txt: %s", doc.Format)
	}
}
