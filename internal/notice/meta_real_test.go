package notice_test

import (
	"os"
	"path/filepath"
	"testing"

	"pilotmap/internal/importer"
)

// TestRealListMetadata checks what the layout parser supplies for each real
// list of testdata/real (batch, declared total, title, document number,
// pilot provinces), checked by hand against the text: a batch or a total is
// expected only where a heading of the list (or the title of its table's
// units column) states it; counts written in sentences (01 38個…公布, 06
// 共计33个, 09 拟命名的120个, 10 等50个城市, 11 這27個城市是, 16 34个城市上榜 …)
// are not headings and stay 0 (02's 71 is read by Read from a row that
// holds 共计). None of the
// lists designates pilot provinces, and none of the stored copies holds a
// document number.
func TestRealListMetadata(t *testing.T) {
	tests := []struct {
		file         string
		batch, total int
		title        string
	}{
		{"01-jiankang-chengshi-2016", 0, 0, ""}, // 38個 in a headline sentence (…公布,你的家鄉入選了嗎?)
		{"02-quanyu-lvyou-1-2019", 0, 71, ""},   // 首批 only in the lead paragraph; 71个 read by Read from the row with 共计
		{"03-shengtai-wenming-1-2017", 1, 0, ""},
		{"04-shengtai-wenming-3-2019", 3, 0, ""},
		{"05-shengtai-shifanqu-7-2011", 7, 0, "关于授予北京市顺义区等138个地区及山东新汶矿区“国家级生态示范区”称号的公告"},
		{"06-tuoyu-shifan-2023", 1, 0, ""},
		{"07-quanyu-lvyou-2-2020", 2, 0, ""},
		{"08-quanyu-lvyou-1-2019-numbered", 1, 0, ""}, // “首批国家全域旅游示范区”名单一览
		{"09-weisheng-chengshi-2020", 0, 0, "全国爱卫办关于拟命名国家卫生城市(区)名单的公示"},
		{"10-weisheng-chengshi-fushen-2019", 0, 0, ""},
		{"11-senlin-chengshi-2018", 0, 0, ""},
		{"12-senlin-chengshi-2020", 0, 0, ""},
		{"13-xiancheng-chengzhenhua-2020", 0, 120, ""}, // | 縣及縣級市(120個) |
		{"14-zonghe-jianzai-2025", 0, 0, ""},
		{"15-haimian-chengshi-2015", 1, 16, ""}, // 2015年海绵城市建设首批16个试点城市名单
		{"16-jieshui-chengshi-10-2020", 10, 0, ""},
		{"17-shidian-xian-province-table", 0, 0, ""},
		{"18-zhihui-chengshi-pinggu-2019", 0, 0, ""},
		{"19-tuoyu-shifan-gongshi-2023", 1, 0, ""}, // 第一批…示范城市 / 擬命名名單, one heading on two lines
	}
	files, err := filepath.Glob(filepath.Join("testdata", "real", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(tests) {
		t.Fatalf("%d real lists, %d cases: add the new list's metadata here", len(files), len(tests))
	}
	g := gaz(t)
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", "real", tc.file+".txt"))
			if err != nil {
				t.Fatal(err)
			}
			res, err := importer.MatchText(g, raw)
			if err != nil {
				t.Fatal(err)
			}
			n := res.Notice
			if n.Batch != tc.batch || n.DeclaredUnits != tc.total || n.Title != tc.title {
				t.Errorf("batch %d, declared total %d, title %q; want %d, %d, %q", n.Batch, n.DeclaredUnits, n.Title, tc.batch, tc.total, tc.title)
			}
			if n.DocNumber != "" || len(n.PilotProvinces) != 0 || n.DeclaredPilotProvinces != 0 {
				t.Errorf("document number %q, pilot provinces %v (declared %d); want none", n.DocNumber, n.PilotProvinces, n.DeclaredPilotProvinces)
			}
		})
	}
}
