package notice

import (
	"strings"
	"testing"
)

// TestTableContinuationRows reads a table whose long unit cells wrap onto a
// row of their own, with the province and count cells left empty. The rows
// are those of testdata/real/09-weisheng-chengshi-2020 (拟命名国家卫生城市(区)
// 名单, 全国爱卫办 2020: 吉林, 黑龙江, 江西, 山东), laid out as the table the
// page flattened (省份 | 数量 | 城市(区)); the wrap of 江西's cell is the
// one that copy shows (…抚州市、 / 共青城市、德兴市). No list in testdata/real
// holds a continuation row in a table, so the layout is built here. A unit
// cell holding 城市 (共青城市) is no header row: the row's units belong to
// 江西, whose declared 7 must be what is read.
func TestTableContinuationRows(t *testing.T) {
	tests := []struct {
		name string
		in   string
	}{
		{"markdown table",
			"拟命名国家卫生城市(区)名单\n" +
				"| 省 份 | 数量 | 城市(区) |\n| --- | --- | --- |\n" +
				"| 吉 林 | 3 | 吉林市、松原市、白城市 |\n" +
				"| 黑龙江 | 1 | 铁力市 |\n" +
				"| 江 西 | 7 | 赣州市、上饶市、九江市、景德镇市、抚州市、 |\n" +
				"| | | 共青城市、德兴市 |\n" +
				"| 山 东 | 5 | 昌邑市、高密市、邹城市、荣成市、邹平市 |"},
		{"tab-separated table",
			"拟命名国家卫生城市(区)名单\n" +
				"省份\t数量\t城市(区)\n" +
				"吉林\t3\t吉林市、松原市、白城市\n" +
				"黑龙江\t1\t铁力市\n" +
				"江西\t7\t赣州市、上饶市、九江市、景德镇市、抚州市、\n" +
				"\t\t共青城市、德兴市\n" +
				"山东\t5\t昌邑市、高密市、邹城市、荣成市、邹平市"},
	}
	want := []string{
		"吉林[吉林省]#3: 吉林市,松原市,白城市",
		"黑龙江[黑龙江省]#1: 铁力市",
		"江西[江西省]#7: 赣州市,上饶市,九江市,景德镇市,抚州市,共青城市,德兴市",
		"山东[山东省]#5: 昌邑市,高密市,邹城市,荣成市,邹平市",
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := mustParse(t, []byte(tc.in))
			if got := summary(n); strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
			}
			for _, g := range n.Groups {
				if g.DeclaredCount != len(g.Units) {
					t.Errorf("%s declares %d units, %d read", g.Province.Text, g.DeclaredCount, len(g.Units))
				}
			}
		})
	}
}

// TestHeaderRole checks the column titles of the tables in testdata/real
// (17: 所在省(区、市), 试点县(市、区); 04: 序号, 市县名称, 来源省市; 13:
// 區域, 省份(24個), 縣及縣級市(120個); 18: 地区, 数量, 城市; 09: 省 份,
// 数量, 城市(区); 05: 数量(个)) and titles of the package's tests, and that
// unit names holding a title word are no title.
func TestHeaderRole(t *testing.T) {
	s := newSimplifier("區") // a text with Traditional characters
	titles := map[string]role{
		"所在省(区、市)": roleProvince, "试点县(市、区)": roleUnits,
		"序号": roleIndex, "市县名称": roleUnits, "来源省市": roleProvince,
		"區域": roleRegion, "省份(24個)": roleProvince, "縣及縣級市(120個)": roleUnits,
		"地区": roleRegion, "数量": roleCount, "城市": roleUnits,
		"省 份": roleProvince, "城市(区)": roleUnits, "数量(个)": roleCount,
		"省（区、市）": roleProvince, "试点单位": roleUnits, "試點單位": roleUnits, "单位": roleUnits,
		"区域名称": roleUnits, "所属地区": roleRegion, "备注": roleRemark, "No.": roleIndex,
		"来源省市</p>": roleProvince, "序号<br>": roleIndex, "省&nbsp;份": roleProvince, "数(qū)量(个)": roleCount,
	}
	for text, want := range titles {
		if got, ok := headerRole(s.normalize(text)); !ok || got != want {
			t.Errorf("headerRole(%q) = %v, %v; want %v, true", text, got, ok, want)
		}
	}
	for _, text := range []string{"晋城市", "盐城市", "白城市", "海城市", "共青城市、德兴市", "共青城市", "城区", "市中区", "郊区",
		"阿里地区", "长三角城市群", "省直辖县级行政区划", "市", "区", "个", "1", "晋城市</p>", "城区&nbsp;"} {
		if got, ok := headerRole(s.normalize(text)); ok {
			t.Errorf("headerRole(%q) = %v, true; want no title", text, got)
		}
	}
}

// TestHeaderCellNoTitle reads the table of testdata/real/17-shidian-xian-
// province-table with its first header cell cut the way a line break cuts
// it (所 / 在省(区、市)): a header cell that is no column title leaves its
// column's role to the cells below it, here provinces.
func TestHeaderCellNoTitle(t *testing.T) {
	in := "所\n在省(区、市) | 试点县(市、区) |\n北京市 | 大兴区、平谷区 |\n天津市 | 宝坻区、武清区 |\n" +
		"河北省 | 玉田县、邱县、张北县、平乡县、威县、饶阳县 |"
	want := []string{"北京市[北京市]: 大兴区,平谷区", "天津市[天津市]: 宝坻区,武清区", "河北省[河北省]: 玉田县,邱县,张北县,平乡县,威县,饶阳县"}
	if got := summary(mustParse(t, []byte(in))); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// TestHeadingMetadata checks the batch and declared total that headings
// written like those of the real lists give (15: 首批16个试点城市名单; 19: a
// heading on two paragraphs; 13: a count in the units column's title), and
// that a sentence or a heading with two counts gives no total.
func TestHeadingMetadata(t *testing.T) {
	tests := []struct {
		name, in     string
		batch, total int
	}{
		{"首批 and a count without brackets", "2015年海绵城市建设首批16个试点城市名单(按行政区划序列排列)\n北京市：东城区", 1, 16},
		{"a count in brackets wins", "第二批试点单位名单（108个）\n北京市：东城区", 2, 108},
		{"two counts without brackets", "12个省份16个城市试点单位名单\n北京市：东城区", 0, 0},
		{"a count of provinces", "全国12个省份试点单位名单\n北京市：东城区", 0, 0},
		{"a count of departments", "3个部门联合公布试点城市名单\n北京市：东城区", 0, 0},
		{"a sentence naming a list", "现公布16个试点城市名单，请各地做好工作\n北京市：东城区", 0, 0},
		{"a heading on two paragraphs", "第一批全国婴幼儿照护服务示范城市\n\n拟命名名单\n北京市：东城区", 1, 0},
		{"a sentence above a heading", "经研究，开展第二批试点工作\n试点单位名单\n北京市：东城区", 0, 0},
		{"a count in the units column's title", "| 省份 | 试点单位(3个) |\n|---|---|\n| 北京市 | 东城区、西城区、海淀区 |", 0, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := mustParse(t, []byte(tc.in))
			if n.Batch != tc.batch || n.DeclaredUnits != tc.total {
				t.Errorf("batch %d, declared total %d; want %d, %d", n.Batch, n.DeclaredUnits, tc.batch, tc.total)
			}
		})
	}
}
