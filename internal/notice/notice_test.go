package notice

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// realNotice is the default notice the product embeds (geodata/notices).
const realNotice = "../../geodata/notices/guoweijiating-2013-5.txt"

func readNotice(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(realNotice)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustParse(t *testing.T, data []byte) *Notice {
	t.Helper()
	n, err := Parse(data)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return n
}

// TestRealNotice checks the default notice against facts checked by hand.
func TestRealNotice(t *testing.T) {
	n := mustParse(t, readNotice(t))
	if n.DocNumber != "国卫家庭发〔2013〕5号" {
		t.Errorf("DocNumber = %q", n.DocNumber)
	}
	if n.Title != "国家卫生计生委关于深入开展创建幸福家庭活动的通知" {
		t.Errorf("Title = %q", n.Title)
	}
	if n.Encoding != "utf-8" {
		t.Errorf("Encoding = %q", n.Encoding)
	}
	if n.DeclaredPilotProvinces != 12 || len(n.PilotProvinces) != 12 {
		t.Errorf("pilot provinces: declared %d, found %d", n.DeclaredPilotProvinces, len(n.PilotProvinces))
	}
	wantProv := "北京市 河北省 内蒙古自治区 吉林省 江苏省 浙江省 福建省 河南省 湖北省 广东省 贵州省 甘肃省"
	var got []string
	for i, p := range n.PilotProvinces {
		got = append(got, p.Text)
		if p.Line != 65 || n.PilotProvinceNames[i] != p.Text {
			t.Errorf("pilot province %d = %+v, canonical %q; want line 65, canonical = text", i, p, n.PilotProvinceNames[i])
		}
	}
	if strings.Join(got, " ") != wantProv {
		t.Errorf("pilot provinces = %v", got)
	}
	if n.DeclaredUnits != 108 || n.UnitCount() != 108 {
		t.Errorf("units: declared %d, found %d; want 108", n.DeclaredUnits, n.UnitCount())
	}
	if len(n.Groups) != 30 {
		t.Fatalf("%d groups, want 30", len(n.Groups))
	}
	for _, g := range n.Groups {
		if g.ProvinceName == "" || g.ProvinceName != g.Province.Text || g.Region != "" || g.DeclaredCount != 0 {
			t.Errorf("group %+v: want a recognized province, no region, no count", g.Province)
		}
		if g.ProvinceName == "云南省" {
			t.Errorf("云南省 lists no unit in this notice")
		}
	}
	last := n.Groups[29]
	if last.ProvinceName != "新疆维吾尔自治区" || last.Units[len(last.Units)-1].Text != "巴音郭楞蒙古族自治州" {
		t.Errorf("last group = %+v", last)
	}
	// line numbers checked against the file with `grep -n`
	checks := []struct {
		group int
		unit  string
		line  int
	}{
		{0, "东城区", 69}, {0, "怀柔区", 69}, {2, "石家庄市", 71}, {10, "金华市", 79},
		{11, "合肥市", 81}, {29, "巴音郭楞蒙古族自治州", 99},
	}
	for _, c := range checks {
		g := n.Groups[c.group]
		found := false
		for _, u := range g.Units {
			if u.Text == c.unit {
				found = true
				if u.Line != c.line || u.Written != c.unit {
					t.Errorf("%s: %+v, want line %d", c.unit, u, c.line)
				}
			}
		}
		if !found {
			t.Errorf("group %d (%s) has no %s", c.group, g.Province.Text, c.unit)
		}
	}
	if g := n.Groups[11]; g.Province.Line != 81 || g.Province.Written != "安徽省" {
		t.Errorf("安徽省 = %+v, want line 81 after the blank line", g.Province)
	}
	golden(t, "guoweijiating-2013-5.golden.json", n)
}

// golden compares v, as indented JSON, with testdata/name; go test -update
// rewrites the file.
func golden(t *testing.T, name string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("result differs from %s (run go test -update and review the diff)", path)
	}
}

// units renders the groups without line numbers, to compare variants.
func units(n *Notice) string {
	var b strings.Builder
	for _, g := range n.Groups {
		b.WriteString(g.Province.Text + "[" + g.ProvinceName + "]:")
		for _, u := range g.Units {
			b.WriteString(" " + u.Text + "/" + u.Written)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// TestRealNoticeVariants parses the notice re-encoded and damaged the ways
// files arrive, and expects the same 108 units.
func TestRealNoticeVariants(t *testing.T) {
	orig := readNotice(t)
	want := mustParse(t, orig)
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes(orig)
	if err != nil {
		t.Fatal(err)
	}
	replace := func(old, new string) []byte {
		if !bytes.Contains(orig, []byte(old)) {
			t.Fatalf("notice has no %q", old)
		}
		return bytes.Replace(orig, []byte(old), []byte(new), 1)
	}
	tests := []struct {
		name     string
		data     []byte
		encoding string
		shift    int // lines added before 合肥市 (line 81)
	}{
		{"gbk", gbk, "gb18030", 0},
		{"crlf", bytes.ReplaceAll(orig, []byte("\n"), []byte("\r\n")), "utf-8", 0},
		{"bom", append([]byte("\xEF\xBB\xBF"), orig...), "utf-8-bom", 0},
		{"gbk crlf", bytes.ReplaceAll(gbk, []byte("\n"), []byte("\r\n")), "gb18030", 0},
		{"line broken after a separator", replace("衢州市、绍兴市", "衢州市、\n绍兴市"), "utf-8", 1},
		{"line broken inside a name", replace("绍兴市、台州市", "绍兴市、台\n州市"), "utf-8", 1},
		{"blank line inside a list", replace("衢州市、绍兴市", "衢州市、\n\n绍兴市"), "utf-8", 2},
		{"page break between lines", replace("\n7. 吉林省", "\n\n— 3 —\n\f7. 吉林省"), "utf-8", 2},
		{"page break inside a list", replace("衢州市、绍兴市", "衢州市、\n\n- 4 -\n\n第4页\n\f\n绍兴市"), "utf-8", 6},
		{"cut in the middle of a character", append(bytes.Clone(orig), "\n附"[:3]...), "utf-8", 0},
		{"full-width colons", bytes.ReplaceAll(orig, []byte("市:"), []byte("市：")), "utf-8", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := mustParse(t, tc.data)
			if n.Encoding != tc.encoding {
				t.Errorf("Encoding = %q, want %q", n.Encoding, tc.encoding)
			}
			if got, w := units(n), units(want); got != w {
				t.Errorf("units differ:\ngot\n%s\nwant\n%s", got, w)
			}
			if n.UnitCount() != 108 || n.DeclaredUnits != 108 || len(n.PilotProvinces) != 12 || n.DocNumber != want.DocNumber || n.Title != want.Title {
				t.Errorf("units %d, declared %d, pilot provinces %d, doc %q, title %q", n.UnitCount(), n.DeclaredUnits, len(n.PilotProvinces), n.DocNumber, n.Title)
			}
			if u := n.Groups[11].Units[0]; u.Text != "合肥市" || u.Line != 81+tc.shift {
				t.Errorf("合肥市 = %+v, want line %d", u, 81+tc.shift)
			}
		})
	}
}

func TestBatchNumber(t *testing.T) {
	for in, want := range map[string]int{"全国创建幸福家庭活动第二批试点单位名单(108个)": 2, "第3批试点单位名单": 3, "第十二批试点单位": 12, "试点单位名单": 0, "第批": 0, "次第进行批准": 0, "首批16个试点城市名单": 1} {
		if got := batchNumber(in); got != want {
			t.Errorf("batchNumber(%q) = %d, want %d", in, got, want)
		}
	}
	data, err := os.ReadFile(realNotice)
	if err != nil {
		t.Fatal(err)
	}
	n, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if n.Batch != 2 {
		t.Errorf("the 2013 notice's batch = %d, want 2", n.Batch)
	}
}
