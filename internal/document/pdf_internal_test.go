package document

import (
	"strings"
	"testing"
)

// reflow joins a line that reaches the right margin with the next one, and
// nothing else. The page is 600 points wide with margins of 40: lines end
// at most at 560; characters are 12 high.
func TestReflow(t *testing.T) {
	body := func(text string, left, right float64) pdfLine {
		return pdfLine{text: text, left: left, right: right, em: 12}
	}
	page := pdfPage{width: 600, lines: []pdfLine{
		body("北京市、河北省、内蒙古自治区、吉林省、江苏省、浙江省、福建省、广东", 40, 552), // wraps (省、 may not start a line)
		body("省、甘肃省", 40, 100),
		body("这是一段话的最后一行,它正好写到了右边的边距为止。", 40, 560), // a sentence ends: no join
		body("下一段。", 64, 110),
		body("11. 浙江省:杭州市、湖州市、温州市、衢州市、绍兴市、台州市、嘉兴市、金华", 40, 559),
		body("12. 安徽省:合肥市", 40, 150),                                    // a list number: no join
		{text: "11 浙江省 杭州市、湖州市", left: 40, right: 558, em: 12, gap: 60}, // a table row: no join
		body("嘉兴市", 120, 160),
		body("This English sentence runs to the margin and", 40, 557),
		body("goes on", 40, 90), // Latin words keep their space
		body("a body line that reaches the margin", 40, 560),
		{text: "12/1/26, 6:42 AM", left: 25, right: 200, em: 6.7}, // the browser's footer: another size
		{text: "file:///tmp/notice.html 1/4", left: 25, right: 580, em: 6.7},
	}}
	text, joined := reflow([]pdfPage{page, {width: 600, lines: []pdfLine{body("第二页", 40, 80)}}})
	want := strings.Join([]string{
		"北京市、河北省、内蒙古自治区、吉林省、江苏省、浙江省、福建省、广东省、甘肃省",
		"这是一段话的最后一行,它正好写到了右边的边距为止。",
		"下一段。",
		"11. 浙江省:杭州市、湖州市、温州市、衢州市、绍兴市、台州市、嘉兴市、金华",
		"12. 安徽省:合肥市",
		"11 浙江省 杭州市、湖州市",
		"嘉兴市",
		"This English sentence runs to the margin and goes on",
		"a body line that reaches the margin",
		"12/1/26, 6:42 AM",
		"file:///tmp/notice.html 1/4",
		"\f",
		"第二页",
	}, "\n") + "\n"
	if string(text) != want || joined != 2 {
		t.Errorf("joined %d (want 2):\n%s\nwant:\n%s", joined, text, want)
	}
}
