package notice_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"pilotmap/internal/importer"
	"pilotmap/internal/notice"
)

// FuzzRead checks that Read never panics, and that whatever it returns is
// within the text: units, unreadable parts and counts on lines that exist,
// with text as written.
func FuzzRead(f *testing.F) {
	for _, s := range []string{
		"北京市延庆区,山西省右玉县,江苏省苏州市、无锡市",
		"| 河北 |\n| 3 |\n| 石家庄市,唐山市 |",
		"| 区域 | 省份 | 城市 |\n| 東部 58個 |\n| 北京 | 東城區 |",
		"序号区域名称所属省市1延庆区北京市2怀柔区北京市",
		"1、北京市\n延庆区、怀柔区\n北 京\n东城区",
		"上海市：黃浦區(qū)、內(nèi)蒙古\n黑龍江?。汗枮I市</p>&nbsp;<br>",
		"陕西省：“宝鸡市”(见 http://x.cn/a)、迁安(河北)、*自治区昭苏县",
		"第二批试点单位名单(3个)\n北京市(2个)：东城区\n黔南\n布依族苗族自治州福泉市",
	} {
		f.Add([]byte(s))
	}
	lex := importer.Lexicon(gaz(f))
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := notice.Read(data, lex)
		if err != nil {
			if n != nil {
				t.Fatalf("error %v with a result", err)
			}
			return
		}
		lines := strings.Count(string(data), "\n") + strings.Count(string(data), "\r") + 1
		check := func(what, written string, line int) {
			if line < 1 || line > lines {
				t.Fatalf("%s %q on line %d, outside 1..%d", what, written, line, lines)
			}
			if written == "" || !utf8.ValidString(written) {
				t.Fatalf("%s %q on line %d: empty or invalid UTF-8", what, written, line)
			}
		}
		for _, g := range n.Groups {
			for _, u := range g.Units {
				check("unit", u.Written, u.Line)
			}
		}
		for _, u := range n.Unreadable {
			check("unreadable", u.Text, u.Line)
		}
		for _, c := range n.Counts {
			if c.Declared < 0 || c.Read < 0 {
				t.Fatalf("count %+v", c)
			}
		}
	})
}
