package gazetteer

import (
	"strings"
	"testing"
)

func TestEthnicGroups(t *testing.T) {
	groups := EthnicGroups()
	if len(groups) != 55 {
		t.Fatalf("%d ethnic groups, want 55", len(groups))
	}
	seen := map[string]bool{}
	for _, g := range groups {
		if seen[g] || !strings.HasSuffix(g, "族") {
			t.Errorf("group %q repeated or without 族", g)
		}
		seen[g] = true
	}
	for _, g := range []string{"朝鲜族", "土家族", "苗族", "蒙古族", "藏族", "黎族", "哈萨克族", "柯尔克孜族", "维吾尔族", "达斡尔族"} {
		if !seen[g] {
			t.Errorf("%s missing", g)
		}
	}
	groups[0] = "changed"
	if EthnicGroups()[0] == "changed" {
		t.Error("EthnicGroups shares its slice")
	}
}

func TestStripEthnicGroups(t *testing.T) {
	tests := []struct{ stem, left, dropped string }{
		{"延边朝鲜族", "延边", "朝鲜族"},
		{"恩施土家族苗族", "恩施", "土家族苗族"},
		{"海西蒙古族藏族", "海西", "蒙古族藏族"},
		{"伊犁哈萨克", "伊犁", "哈萨克"},
		{"克孜勒苏柯尔克孜", "克孜勒苏", "柯尔克孜"},
		{"巴音郭楞蒙古", "巴音郭楞", "蒙古"},
		{"积石山保安族东乡族撒拉族", "积石山", "保安族东乡族撒拉族"},
		{"龙胜各族", "龙胜", "各族"},
		{"东乡族", "东乡", "族"},
		{"鄂伦春", "鄂伦春", ""},
		{"鄂温克族", "鄂温克", "族"},
		{"内蒙古", "内蒙古", ""},
		{"新疆维吾尔", "新疆", "维吾尔"},
		{"西藏", "西藏", ""},
		{"三都水族", "三都", "水族"},
	}
	for _, tc := range tests {
		left, dropped := stripEthnicGroups(tc.stem)
		if left != tc.left || dropped != tc.dropped {
			t.Errorf("stripEthnicGroups(%s) = %s, %s; want %s, %s", tc.stem, left, dropped, tc.left, tc.dropped)
		}
	}
}

func TestSplitSuffix(t *testing.T) {
	tests := []struct{ name, core, suffix string }{
		{"石家庄市", "石家庄", "市"},
		{"延边朝鲜族自治州", "延边朝鲜族", "自治州"},
		{"大兴安岭地区", "大兴安岭", "地区"},
		{"锡林郭勒盟", "锡林郭勒", "盟"},
		{"神农架林区", "神农架", "林区"},
		{"万柏林区", "万柏林", "区"},
		{"碑林区", "碑林", "区"},
		{"六枝特区", "六枝", "特区"},
		{"浦东新区", "浦东新", "区"},
		{"香港特别行政区", "香港", "特别行政区"},
		{"城区", "城区", ""},
		{"忠县", "忠县", ""},
		{"嘉峪关", "嘉峪关", ""},
	}
	for _, tc := range tests {
		if core, suffix := splitSuffix(tc.name); core != tc.core || suffix != tc.suffix {
			t.Errorf("splitSuffix(%s) = %s, %s; want %s, %s", tc.name, core, suffix, tc.core, tc.suffix)
		}
	}
}

func TestNormalizeName(t *testing.T) {
	for in, want := range map[string]string{
		" 石家庄市 ":       "石家庄市",
		"\u3000邯 郸市\t": "邯郸市",
		"正定\u200b县":    "正定县",
		"\ufeff北京":     "北京",
		" \u3000 ":     "",
	} {
		if got := normalizeName(in); got != want {
			t.Errorf("normalizeName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		max  int
		want int
	}{
		{"石家庄市", "石家庄市", 2, 0},
		{"石家庄币", "石家庄市", 2, 1},
		{"巴音郭楞蒙古族自治州", "巴音郭楞蒙古自治州", 2, 1},
		{"沏北", "河北", 2, 1},
		{"沏北", "湖北省", 2, 2},
		{"北京", "乌鲁木齐市", 2, 3},
		{"", "河北", 2, 2},
	}
	for _, tc := range tests {
		if got := editDistance([]rune(tc.a), []rune(tc.b), tc.max); got != tc.want {
			t.Errorf("editDistance(%s, %s, %d) = %d, want %d", tc.a, tc.b, tc.max, got, tc.want)
		}
	}
}

func TestOneEdit(t *testing.T) {
	tests := []struct {
		written, name string
		kind          editKind
		pos           int
		w, n          rune
		ok            bool
	}{
		{"石家庄币", "石家庄市", editReplaced, 3, '币', '市', true},
		{"巴音郭楞蒙古族自治州", "巴音郭楞蒙古自治州", editInserted, 6, '族', 0, true},
		{"巴音郭楞蒙古自治州", "巴音郭楞蒙古族自治州", editRemoved, 6, 0, '族', true},
		{"石家庄", "石家庄", 0, 0, 0, 0, false},
		{"河南", "湖北", 0, 0, 0, 0, false},
	}
	for _, tc := range tests {
		kind, pos, w, n, ok := oneEdit([]rune(tc.written), []rune(tc.name))
		if kind != tc.kind || pos != tc.pos || w != tc.w || n != tc.n || ok != tc.ok {
			t.Errorf("oneEdit(%s, %s) = %v %d %q %q %v", tc.written, tc.name, kind, pos, w, n, ok)
		}
	}
}

// TestMatchUnitSynthetic checks rules on a made-up province: two
// autonomous divisions with the same short form are ambiguous; a city and
// its own county-level entry of the same name are the city; a short row of
// aliases.csv matches.
func TestMatchUnitSynthetic(t *testing.T) {
	divs := []Division{
		{Code: "990000", Name: "测试省", Level: Province},
		{Code: "990100", Name: "甲乙朝鲜族自治州", Level: Prefecture, ParentCode: "990000"},
		{Code: "990200", Name: "甲乙苗族自治州", Level: Prefecture, ParentCode: "990000"},
		{Code: "990300", Name: "丙丁市", Level: Prefecture, ParentCode: "990000"},
		{Code: "990301", Name: "丙丁市", Level: County, ParentCode: "990300"},
		{Code: "990302", Name: "戊己县", Level: County, ParentCode: "990300"},
	}
	aliases := []Alias{{Written: "丙州", ProvinceCode: "990000", Code: "990300", Kind: Short, Source: "test"}}
	g, err := New(divs, aliases)
	if err != nil {
		t.Fatal(err)
	}
	if _, cands, ok := g.MatchUnit("990000", "甲乙州"); ok || len(cands) != 2 {
		t.Errorf("甲乙州: ok %v, candidates %v; want ambiguous between 990100 and 990200", ok, cands)
	}
	if m, _, ok := g.MatchUnit("990000", "丙丁市"); !ok || m.Division.Code != "990300" || m.Comparable.Code != "990300" {
		t.Errorf("丙丁市 = %+v, %v; want 990300, the containing division of that name", m, ok)
	}
	if m, _, ok := g.MatchUnit("990000", "丙州"); !ok || m.Rule != RuleAlias || m.Division.Code != "990300" {
		t.Errorf("丙州 = %+v, %v; want alias 990300", m, ok)
	}
	if m, _, ok := g.MatchUnit("990000", "戊己"); !ok || m.Division.Code != "990302" || m.Comparable.Code != "990300" {
		t.Errorf("戊己 = %+v, %v; want 990302 under 990300", m, ok)
	}
	// 甲乙 is the bare short form of two divisions: ambiguous too.
	if _, _, ok := g.MatchUnit("990000", "甲乙"); ok {
		t.Error("甲乙 matched, want ambiguous")
	}
}
