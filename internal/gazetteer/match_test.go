package gazetteer_test

import (
	"io/fs"
	"strings"
	"sync"
	"testing"

	"pilotmap/geodata"
	"pilotmap/internal/gazetteer"
)

var (
	loadOnce sync.Once
	loaded   *gazetteer.Gazetteer
	loadErr  error
)

// realGazetteer loads the embedded gazetteer once per test binary.
func realGazetteer(tb testing.TB) *gazetteer.Gazetteer {
	tb.Helper()
	loadOnce.Do(func() { loaded, loadErr = gazetteer.Load(geodata.FS()) })
	if loadErr != nil {
		tb.Fatalf("load gazetteer: %v", loadErr)
	}
	return loaded
}

// noticeUnit is one unit of the 2013 notice with the division it must match.
type noticeUnit struct {
	province, written, code string
	rule                    gazetteer.Rule
}

// notice2013 lists the 108 second-batch units of 国卫家庭发〔2013〕5号 as
// written there, with the codes looked up by hand in divisions.csv.
var notice2013 = []noticeUnit{
	{"110000", "东城区", "110101", gazetteer.RuleExact},
	{"110000", "西城区", "110102", gazetteer.RuleExact},
	{"110000", "海淀区", "110108", gazetteer.RuleExact},
	{"110000", "怀柔区", "110116", gazetteer.RuleExact},
	{"120000", "河西区", "120103", gazetteer.RuleExact},
	{"120000", "津南区", "120112", gazetteer.RuleExact},
	{"120000", "河东区", "120102", gazetteer.RuleExact},
	{"120000", "西青区", "120111", gazetteer.RuleExact},
	{"120000", "红桥区", "120106", gazetteer.RuleExact},
	{"130000", "石家庄市", "130100", gazetteer.RuleExact},
	{"130000", "邯郸市", "130400", gazetteer.RuleExact},
	{"130000", "唐山市", "130200", gazetteer.RuleExact},
	{"140000", "阳泉市", "140300", gazetteer.RuleExact},
	{"140000", "晋中市", "140700", gazetteer.RuleExact},
	{"140000", "长治市", "140400", gazetteer.RuleExact},
	{"140000", "晋城市", "140500", gazetteer.RuleExact},
	{"150000", "呼和浩特市", "150100", gazetteer.RuleExact},
	{"150000", "鄂尔多斯市", "150600", gazetteer.RuleExact},
	{"150000", "锡林郭勒盟", "152500", gazetteer.RuleExact},
	{"150000", "呼伦贝尔市", "150700", gazetteer.RuleExact},
	{"210000", "沈阳市", "210100", gazetteer.RuleExact},
	{"210000", "锦州市", "210700", gazetteer.RuleExact},
	{"210000", "盘锦市", "211100", gazetteer.RuleExact},
	{"210000", "朝阳市", "211300", gazetteer.RuleExact},
	{"220000", "延边州", "222400", gazetteer.RuleShortForm},
	{"220000", "白城市", "220800", gazetteer.RuleExact},
	{"230000", "哈尔滨市", "230100", gazetteer.RuleExact},
	{"230000", "大兴安岭地区", "232700", gazetteer.RuleExact},
	{"230000", "鹤岗市", "230400", gazetteer.RuleExact},
	{"230000", "齐齐哈尔市", "230200", gazetteer.RuleExact},
	{"310000", "杨浦区", "310110", gazetteer.RuleExact},
	{"310000", "宝山区", "310113", gazetteer.RuleExact},
	{"310000", "金山区", "310116", gazetteer.RuleExact},
	{"320000", "南京市", "320100", gazetteer.RuleExact},
	{"320000", "常州市", "320400", gazetteer.RuleExact},
	{"320000", "淮安市", "320800", gazetteer.RuleExact},
	{"320000", "徐州市", "320300", gazetteer.RuleExact},
	{"320000", "泰州市", "321200", gazetteer.RuleExact},
	{"320000", "无锡市", "320200", gazetteer.RuleExact},
	{"320000", "盐城市", "320900", gazetteer.RuleExact},
	{"330000", "杭州市", "330100", gazetteer.RuleExact},
	{"330000", "湖州市", "330500", gazetteer.RuleExact},
	{"330000", "温州市", "330300", gazetteer.RuleExact},
	{"330000", "衢州市", "330800", gazetteer.RuleExact},
	{"330000", "绍兴市", "330600", gazetteer.RuleExact},
	{"330000", "台州市", "331000", gazetteer.RuleExact},
	{"330000", "嘉兴市", "330400", gazetteer.RuleExact},
	{"330000", "金华市", "330700", gazetteer.RuleExact},
	{"340000", "合肥市", "340100", gazetteer.RuleExact},
	{"350000", "福州市", "350100", gazetteer.RuleExact},
	{"350000", "厦门市", "350200", gazetteer.RuleExact},
	{"350000", "三明市", "350400", gazetteer.RuleExact},
	{"350000", "泉州市", "350500", gazetteer.RuleExact},
	{"360000", "赣州市", "360700", gazetteer.RuleExact},
	{"360000", "九江市", "360400", gazetteer.RuleExact},
	{"360000", "宜春市", "360900", gazetteer.RuleExact},
	{"370000", "济南市", "370100", gazetteer.RuleExact},
	{"370000", "青岛市", "370200", gazetteer.RuleExact},
	{"370000", "潍坊市", "370700", gazetteer.RuleExact},
	{"370000", "泰安市", "370900", gazetteer.RuleExact},
	{"370000", "滨州市", "371600", gazetteer.RuleExact},
	{"410000", "鹤壁市", "410600", gazetteer.RuleExact},
	{"410000", "焦作市", "410800", gazetteer.RuleExact},
	{"410000", "许昌市", "411000", gazetteer.RuleExact},
	{"410000", "平顶山市", "410400", gazetteer.RuleExact},
	{"420000", "宜昌市", "420500", gazetteer.RuleExact},
	{"420000", "荆门市", "420800", gazetteer.RuleExact},
	{"420000", "荆州市", "421000", gazetteer.RuleExact},
	{"420000", "恩施州", "422800", gazetteer.RuleShortForm},
	{"430000", "湘潭市", "430300", gazetteer.RuleExact},
	{"430000", "常德市", "430700", gazetteer.RuleExact},
	{"440000", "佛山市", "440600", gazetteer.RuleExact},
	{"440000", "江门市", "440700", gazetteer.RuleExact},
	{"450000", "南宁市", "450100", gazetteer.RuleExact},
	{"450000", "桂林市", "450300", gazetteer.RuleExact},
	{"450000", "贺州市", "451100", gazetteer.RuleExact},
	{"450000", "来宾市", "451300", gazetteer.RuleExact},
	{"450000", "防城港市", "450600", gazetteer.RuleExact},
	{"460000", "文昌市", "469005", gazetteer.RuleExact},
	{"460000", "昌江县", "469026", gazetteer.RuleShortForm},
	{"500000", "綦江区", "500110", gazetteer.RuleExact},
	{"500000", "丰都县", "500230", gazetteer.RuleExact},
	{"500000", "北碚区", "500109", gazetteer.RuleExact},
	{"510000", "成都市", "510100", gazetteer.RuleExact},
	{"510000", "攀枝花市", "510400", gazetteer.RuleExact},
	{"510000", "宜宾市", "511500", gazetteer.RuleExact},
	{"520000", "贵阳市", "520100", gazetteer.RuleExact},
	{"520000", "安顺市", "520400", gazetteer.RuleExact},
	{"540000", "拉萨市", "540100", gazetteer.RuleExact},
	{"610000", "西安市", "610100", gazetteer.RuleExact},
	{"610000", "咸阳市", "610400", gazetteer.RuleExact},
	{"610000", "榆林市", "610800", gazetteer.RuleExact},
	{"610000", "汉中市", "610700", gazetteer.RuleExact},
	{"620000", "兰州市", "620100", gazetteer.RuleExact},
	{"620000", "张掖市", "620700", gazetteer.RuleExact},
	{"620000", "天水市", "620500", gazetteer.RuleExact},
	{"620000", "平凉市", "620800", gazetteer.RuleExact},
	{"620000", "金昌市", "620300", gazetteer.RuleExact},
	{"620000", "嘉峪关市", "620200", gazetteer.RuleExact},
	{"630000", "西宁市", "630100", gazetteer.RuleExact},
	{"630000", "海东地区", "630200", gazetteer.RuleHistory},
	{"630000", "海西州", "632800", gazetteer.RuleShortForm},
	{"640000", "吴忠市", "640300", gazetteer.RuleExact},
	{"650000", "乌鲁木齐市", "650100", gazetteer.RuleExact},
	{"650000", "伊犁哈萨克自治州", "654000", gazetteer.RuleExact},
	{"650000", "克拉玛依市", "650200", gazetteer.RuleExact},
	{"650000", "哈密地区", "650500", gazetteer.RuleHistory},
	{"650000", "巴音郭楞蒙古族自治州", "652800", gazetteer.RuleApproximate},
}

// TestNotice2013Table checks the hand-made table against the notice itself:
// 108 units in 30 provinces, each on its province's line of the list.
func TestNotice2013Table(t *testing.T) {
	g := realGazetteer(t)
	raw, err := fs.ReadFile(geodata.FS(), geodata.DefaultNotice)
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	if len(notice2013) != 108 {
		t.Errorf("table has %d units, the notice 108", len(notice2013))
	}
	provinces := map[string]bool{}
	for _, u := range notice2013 {
		provinces[u.province] = true
		p, ok := g.Division(u.province)
		if !ok {
			t.Errorf("%s: unknown province %s", u.written, u.province)
			continue
		}
		found := false
		for _, line := range strings.Split(text, "\n") {
			if _, list, ok := strings.Cut(line, p.Name+":"); ok {
				for _, w := range strings.Split(list, "、") {
					found = found || strings.TrimSpace(w) == u.written
				}
			}
		}
		if !found {
			t.Errorf("%s is not on the line of %s in the notice", u.written, p.Name)
		}
	}
	if len(provinces) != 30 {
		t.Errorf("table has %d provinces, the notice 30", len(provinces))
	}
}

func TestMatchUnitNotice2013(t *testing.T) {
	g := realGazetteer(t)
	for _, u := range notice2013 {
		t.Run(u.written, func(t *testing.T) {
			m, cands, ok := g.MatchUnit(u.province, u.written)
			if !ok {
				t.Fatalf("MatchUnit(%s, %s) not matched; candidates %v", u.province, u.written, cands)
			}
			if m.Division.Code != u.code || m.Rule != u.rule {
				t.Errorf("MatchUnit(%s, %s) = %s %s by %s, want %s by %s (%s)", u.province, u.written, m.Division.Code, m.Division.Name, m.Rule, u.code, u.rule, m.Reason)
			}
			if !g.IsComparable(m.Comparable.Code) {
				t.Errorf("comparable %s %s is not a comparable unit", m.Comparable.Code, m.Comparable.Name)
			}
			if c, _ := g.ComparableOf(m.Division.Code); c.Code != m.Comparable.Code {
				t.Errorf("comparable %s, ComparableOf says %s", m.Comparable.Code, c.Code)
			}
			want := map[gazetteer.Rule]float64{gazetteer.RuleExact: 1, gazetteer.RuleShortForm: 0.9, gazetteer.RuleHistory: 0.85}
			if w, fixed := want[m.Rule]; fixed && m.Confidence != w {
				t.Errorf("confidence %v for %s, want %v", m.Confidence, m.Rule, w)
			}
			if m.Reason == "" {
				t.Error("no reason")
			}
		})
	}
}

func TestMatchUnit(t *testing.T) {
	g := realGazetteer(t)
	tests := []struct {
		name, province, written string
		code, comparable        string // "" when it must not match
		rule                    gazetteer.Rule
		maxConf                 float64  // when > 0: confidence must be below or at it
		reasonHas               []string // substrings of the reason (or of the candidates' reasons when unmatched)
		candidates              []string // codes that must be among the candidates
	}{
		{name: "exact prefecture", province: "130000", written: "石家庄市", code: "130100", comparable: "130100", rule: gazetteer.RuleExact},
		{name: "without suffix", province: "130000", written: "石家庄", code: "130100", comparable: "130100", rule: gazetteer.RuleSuffix, reasonHas: []string{"市"}},
		{name: "short form 州", province: "220000", written: "延边州", code: "222400", comparable: "222400", rule: gazetteer.RuleShortForm, reasonHas: []string{"朝鲜族", "自治州 → 州"}},
		{name: "short form two groups", province: "420000", written: "恩施州", code: "422800", comparable: "422800", rule: gazetteer.RuleShortForm, reasonHas: []string{"土家族苗族"}},
		{name: "short form 湘西州", province: "430000", written: "湘西州", code: "433100", comparable: "433100", rule: gazetteer.RuleShortForm},
		{name: "short form 黔东南州", province: "520000", written: "黔东南州", code: "522600", comparable: "522600", rule: gazetteer.RuleShortForm},
		{name: "short form 凉山州", province: "510000", written: "凉山州", code: "513400", comparable: "513400", rule: gazetteer.RuleShortForm},
		{name: "short form county", province: "460000", written: "昌江县", code: "469026", comparable: "469026", rule: gazetteer.RuleShortForm, reasonHas: []string{"黎族", "自治县 → 县"}},
		{name: "short form keeping the ethnic part", province: "520000", written: "黔东南苗族侗族州", code: "522600", comparable: "522600", rule: gazetteer.RuleShortForm, reasonHas: []string{"自治州 → 州"}},
		{name: "short form keeping 自治州", province: "420000", written: "恩施自治州", code: "422800", comparable: "422800", rule: gazetteer.RuleShortForm},
		{name: "short form of a group-named county", province: "620000", written: "东乡县", code: "622926", comparable: "622900", rule: gazetteer.RuleShortForm},
		{name: "short form 旗", province: "150000", written: "莫力达瓦旗", code: "150722", comparable: "150700", rule: gazetteer.RuleShortForm, reasonHas: []string{"达斡尔族"}},
		{name: "short form in a municipality", province: "500000", written: "石柱县", code: "500240", comparable: "500240", rule: gazetteer.RuleShortForm},
		{name: "bare short form", province: "220000", written: "延边", code: "222400", comparable: "222400", rule: gazetteer.RuleShortForm},
		{name: "bare name of a prefecture and its city", province: "420000", written: "恩施", candidates: []string{"422800", "422801"}, reasonHas: []string{"ambiguous"}},
		{name: "青海 海南州", province: "630000", written: "海南州", code: "632500", comparable: "632500", rule: gazetteer.RuleShortForm},
		{name: "伊犁 exact", province: "650000", written: "伊犁哈萨克自治州", code: "654000", comparable: "654000", rule: gazetteer.RuleExact},
		{name: "伊犁州", province: "650000", written: "伊犁州", code: "654000", comparable: "654000", rule: gazetteer.RuleShortForm},
		{name: "alias 博州", province: "650000", written: "博州", code: "652700", comparable: "652700", rule: gazetteer.RuleAlias, reasonHas: []string{"aliases.csv"}},
		{name: "alias 克州", province: "650000", written: "克州", code: "653000", comparable: "653000", rule: gazetteer.RuleAlias},
		{name: "alias 巴州", province: "650000", written: "巴州", code: "652800", comparable: "652800", rule: gazetteer.RuleAlias},
		{name: "alias in the wrong province", province: "620000", written: "博州", candidates: []string{"652700"}, reasonHas: []string{"新疆维吾尔自治区"}},
		{name: "history renamed 地区", province: "630000", written: "海东地区", code: "630200", comparable: "630200", rule: gazetteer.RuleHistory, reasonHas: []string{"632100", "2013"}},
		{name: "history 哈密地区", province: "650000", written: "哈密地区", code: "650500", comparable: "650500", rule: gazetteer.RuleHistory},
		{name: "history merged", province: "370000", written: "莱芜市", code: "370116", comparable: "370100", rule: gazetteer.RuleHistory, maxConf: 0.8, reasonHas: []string{"merged", "济南市"}},
		{name: "history renamed, code kept", province: "420000", written: "襄樊市", code: "420600", comparable: "420600", rule: gazetteer.RuleHistory, reasonHas: []string{"襄阳市"}},
		{name: "history without suffix", province: "420000", written: "襄樊", code: "420600", comparable: "420600", rule: gazetteer.RuleHistory},
		{name: "history 思茅市", province: "530000", written: "思茅市", code: "530800", comparable: "530800", rule: gazetteer.RuleHistory},
		{name: "history 梁平县", province: "500000", written: "梁平县", code: "500155", comparable: "500155", rule: gazetteer.RuleHistory},
		{name: "history 开县", province: "500000", written: "开县", code: "500154", comparable: "500154", rule: gazetteer.RuleHistory},
		{name: "recoded 儋州市 is exact today", province: "460000", written: "儋州市", code: "460400", comparable: "460400", rule: gazetteer.RuleExact},
		{name: "approximate 族", province: "650000", written: "巴音郭楞蒙古族自治州", code: "652800", comparable: "652800", rule: gazetteer.RuleApproximate, maxConf: 0.8, reasonHas: []string{"族", "巴音郭楞蒙古自治州"}},
		{name: "approximate damaged suffix", province: "130000", written: "石家庄币", code: "130100", comparable: "130100", rule: gazetteer.RuleApproximate, maxConf: 0.75, reasonHas: []string{"币", "市"}},
		{name: "approximate long name", province: "230000", written: "齐齐哈休市", code: "230200", comparable: "230200", rule: gazetteer.RuleApproximate, maxConf: 0.6, reasonHas: []string{"休", "尔"}},
		{name: "approximate changed suffix", province: "130000", written: "裕华县", code: "130108", comparable: "130100", rule: gazetteer.RuleApproximate, maxConf: 0.7, reasonHas: []string{"裕华区"}},
		{name: "changed suffix next to a one-character-off name", province: "130000", written: "长安县", candidates: []string{"130102", "130424"}, reasonHas: []string{"长安区", "成安县"}},
		{name: "history: 藁城市 became 藁城区", province: "130000", written: "藁城市", code: "130109", comparable: "130100", rule: gazetteer.RuleHistory, reasonHas: []string{"130182", "藁城区", "between 2013 and 2014"}},
		{name: "OCR damage in a two-character name", province: "130000", written: "邯単市", candidates: []string{"130400"}, reasonHas: []string{"単", "郸"}},
		{name: "changed suffix that fits elsewhere", province: "110000", written: "朝阳市", candidates: []string{"211300", "110105"}, reasonHas: []string{"辽宁省"}},
		{name: "other province", province: "130000", written: "杭州市", candidates: []string{"330100"}, reasonHas: []string{"in 浙江省, not 河北省"}},
		{name: "county below comparable level", province: "130000", written: "正定县", code: "130123", comparable: "130100", rule: gazetteer.RuleExact},
		{name: "北京 朝阳区", province: "110000", written: "朝阳区", code: "110105", comparable: "110105", rule: gazetteer.RuleExact},
		{name: "吉林 朝阳区", province: "220000", written: "朝阳区", code: "220104", comparable: "220100", rule: gazetteer.RuleExact},
		{name: "辽宁 朝阳市", province: "210000", written: "朝阳市", code: "211300", comparable: "211300", rule: gazetteer.RuleExact},
		{name: "天津 河东区", province: "120000", written: "河东区", code: "120102", comparable: "120102", rule: gazetteer.RuleExact},
		{name: "山东 河东区", province: "370000", written: "河东区", code: "371312", comparable: "371300", rule: gazetteer.RuleExact},
		{name: "two 城区 in 山西", province: "140000", written: "城区", candidates: []string{"140302", "140502"}, reasonHas: []string{"ambiguous", "阳泉市", "晋城市"}},
		{name: "two 桥西区 in 河北", province: "130000", written: "桥西区", candidates: []string{"130104", "130703"}, reasonHas: []string{"ambiguous"}},
		{name: "written with its parent", province: "130000", written: "张家口市桥西区", code: "130703", comparable: "130700", rule: gazetteer.RuleExact, reasonHas: []string{"张家口市"}},
		{name: "written with province and parent", province: "130000", written: "河北省石家庄市正定县", code: "130123", comparable: "130100", rule: gazetteer.RuleExact},
		{name: "written with its province", province: "450000", written: "广西南宁市", code: "450100", comparable: "450100", rule: gazetteer.RuleExact},
		{name: "bare name of a city and its county", province: "210000", written: "朝阳", candidates: []string{"211300", "211321"}},
		{name: "same name, city and its own entry", province: "620000", written: "嘉峪关市", code: "620200", comparable: "620200", rule: gazetteer.RuleExact},
		{name: "county-level city named like its 地区", province: "650000", written: "阿克苏市", code: "652901", comparable: "652900", rule: gazetteer.RuleExact},
		{name: "地区 without suffix vs its city", province: "650000", written: "阿克苏", candidates: []string{"652900", "652901"}},
		{name: "province-direct county-level city", province: "420000", written: "仙桃市", code: "429004", comparable: "429004", rule: gazetteer.RuleExact},
		{name: "林区 without suffix", province: "420000", written: "神农架", code: "429021", comparable: "429021", rule: gazetteer.RuleSuffix},
		{name: "spaces trimmed and dropped", province: "130000", written: " 邯 郸　市\u3000", code: "130400", comparable: "130400", rule: gazetteer.RuleExact},
		{name: "empty", province: "130000", written: " \u3000"},
		{name: "unknown province code", province: "990000", written: "杭州市", candidates: []string{"330100"}},
		{name: "nonsense", province: "130000", written: "火星市"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, cands, ok := g.MatchUnit(tc.province, tc.written)
			if tc.code == "" {
				if ok {
					t.Fatalf("MatchUnit(%s, %q) = %s %s (%s), want no match", tc.province, tc.written, m.Division.Code, m.Division.Name, m.Reason)
				}
				if len(cands) > 5 {
					t.Errorf("%d candidates, want at most 5", len(cands))
				}
				var reasons []string
				have := map[string]bool{}
				for _, c := range cands {
					have[c.Division.Code] = true
					reasons = append(reasons, c.Reason)
				}
				for _, code := range tc.candidates {
					if !have[code] {
						t.Errorf("candidate %s missing from %v", code, cands)
					}
				}
				all := strings.Join(reasons, " | ")
				for _, s := range tc.reasonHas {
					if !strings.Contains(all, s) {
						t.Errorf("candidate reasons %q lack %q", all, s)
					}
				}
				return
			}
			if !ok {
				t.Fatalf("MatchUnit(%s, %q) not matched; candidates %v", tc.province, tc.written, cands)
			}
			if m.Division.Code != tc.code || m.Comparable.Code != tc.comparable || m.Rule != tc.rule {
				t.Errorf("MatchUnit(%s, %q) = %s (under %s) by %s, want %s (under %s) by %s; %s",
					tc.province, tc.written, m.Division.Code, m.Comparable.Code, m.Rule, tc.code, tc.comparable, tc.rule, m.Reason)
			}
			if m.Confidence <= 0 || m.Confidence > 1 || (tc.maxConf > 0 && m.Confidence > tc.maxConf) {
				t.Errorf("confidence %v, want in (0, %v]", m.Confidence, max(tc.maxConf, 1))
			}
			if m.Rule != gazetteer.RuleExact && m.Confidence >= 1 {
				t.Errorf("confidence %v for rule %s, want < 1", m.Confidence, m.Rule)
			}
			for _, s := range tc.reasonHas {
				if !strings.Contains(m.Reason, s) {
					t.Errorf("reason %q lacks %q", m.Reason, s)
				}
			}
			if cands != nil {
				t.Errorf("candidates %v with a match", cands)
			}
		})
	}
}

// TestMatchUnitEveryOfficialName matches every division by its official
// name within its province: itself, or an ambiguity between divisions of
// that very name (two 桥西区), never another division.
func TestMatchUnitEveryOfficialName(t *testing.T) {
	g := realGazetteer(t)
	for _, d := range g.Divisions() {
		if d.Level == gazetteer.Province {
			continue
		}
		m, cands, ok := g.MatchUnit(d.ProvinceCode(), d.Name)
		if !ok {
			same := len(g.ByName(d.ProvinceCode(), d.Name))
			if same < 2 || len(cands) < 2 {
				t.Errorf("%s %s not matched (%d of that name in its province); candidates %v", d.Code, d.Name, same, cands)
			}
			continue
		}
		if m.Rule != gazetteer.RuleExact || m.Division.Name != d.Name {
			t.Errorf("%s %s matched %s %s by %s", d.Code, d.Name, m.Division.Code, m.Division.Name, m.Rule)
		}
		if m.Division.Code != d.Code && len(g.ByName(d.ProvinceCode(), d.Name)) < 2 {
			t.Errorf("%s %s matched %s", d.Code, d.Name, m.Division.Code)
		}
	}
}

// TestMatchUnitDamageNeverWrong damages every official name by one
// character in many ways and checks that a match, when there is one, is the
// division itself (or a division whose name is exactly the damaged one, or
// one that the name fits by a rule other than approximate).
func TestMatchUnitDamageNeverWrong(t *testing.T) {
	g := realGazetteer(t)
	if testing.Short() {
		t.Skip("long")
	}
	fillers := []rune("币巿区县市族自治州口日土")
	checked, approx := 0, 0
	// Every 16th division keeps the test near a second; set stride to 1
	// to damage them all (about 150,000 names, half a minute).
	const stride = 16
	for i, d := range g.Divisions() {
		if d.Level == gazetteer.Province || i%stride != 0 {
			continue
		}
		name := []rune(d.Name)
		var damaged []string
		for i := range name {
			for _, f := range fillers {
				if f == name[i] {
					continue
				}
				r := append([]rune(nil), name...)
				r[i] = f
				damaged = append(damaged, string(r))
			}
			r := append(append([]rune(nil), name[:i]...), name[i+1:]...)
			damaged = append(damaged, string(r))
		}
		for _, w := range damaged {
			m, _, ok := g.MatchUnit(d.ProvinceCode(), w)
			checked++
			if !ok || m.Rule != gazetteer.RuleApproximate {
				continue
			}
			approx++
			if m.Division.Code == d.Code {
				continue
			}
			if c, _ := g.ComparableOf(d.Code); m.Division.Name == d.Name && m.Division.Code == c.Code {
				continue
			}
			t.Errorf("%s (damaged %s %s) matched %s %s approximately: %s", w, d.Code, d.Name, m.Division.Code, m.Division.Name, m.Reason)
		}
	}
	t.Logf("%d damaged names, %d matched approximately, all to the right division", checked, approx)
}

func TestMatchProvince(t *testing.T) {
	g := realGazetteer(t)
	tests := []struct {
		written, code string
		rule          gazetteer.Rule
		candidates    []string
	}{
		{"北京", "110000", gazetteer.RuleSuffix, nil},
		{"北京市", "110000", gazetteer.RuleExact, nil},
		{"内蒙古自治区", "150000", gazetteer.RuleExact, nil},
		{"内蒙古", "150000", gazetteer.RuleSuffix, nil},
		{"内蒙", "150000", gazetteer.RuleAlias, nil},
		{"广西壮族自治区", "450000", gazetteer.RuleExact, nil},
		{"广西", "450000", gazetteer.RuleShortForm, nil},
		{"新疆维吾尔自治区", "650000", gazetteer.RuleExact, nil},
		{"新疆", "650000", gazetteer.RuleShortForm, nil},
		{"宁夏", "640000", gazetteer.RuleShortForm, nil},
		{"西藏", "540000", gazetteer.RuleSuffix, nil},
		{"台湾", "710000", gazetteer.RuleSuffix, nil},
		{"香港", "810000", gazetteer.RuleSuffix, nil},
		{"澳门特别行政区", "820000", gazetteer.RuleExact, nil},
		{" 河北省 ", "130000", gazetteer.RuleExact, nil},
		{"冀", "130000", gazetteer.RuleAlias, nil},
		{"内蒙古自冶区", "150000", gazetteer.RuleApproximate, nil},
		{"沏北", "", "", []string{"130000", "420000"}},
		{"沏北省", "", "", []string{"130000", "420000"}},
		{"", "", "", nil},
		{"火星", "", "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.written, func(t *testing.T) {
			d, rule, cands, ok := g.MatchProvince(tc.written)
			if tc.code == "" {
				if ok {
					t.Fatalf("MatchProvince(%q) = %s %s by %s, want no match", tc.written, d.Code, d.Name, rule)
				}
				have := map[string]bool{}
				for _, c := range cands {
					have[c.Division.Code] = true
				}
				for _, code := range tc.candidates {
					if !have[code] {
						t.Errorf("candidate %s missing from %v", code, cands)
					}
				}
				return
			}
			if !ok || d.Code != tc.code || rule != tc.rule {
				t.Errorf("MatchProvince(%q) = %s %s by %s (ok %v), want %s by %s; candidates %v", tc.written, d.Code, d.Name, rule, ok, tc.code, tc.rule, cands)
			}
		})
	}
	m, _, ok := g.ResolveProvince("内蒙古自冶区")
	if !ok || m.Confidence >= 1 || !strings.Contains(m.Reason, "冶") {
		t.Errorf("ResolveProvince(内蒙古自冶区) = %+v, %v; want approximate naming 冶", m, ok)
	}
}

func TestInferProvince(t *testing.T) {
	g := realGazetteer(t)
	tests := []struct {
		name      string
		units     []string
		code      string
		reasonHas string
	}{
		{"three cities of 河北", []string{"石家庄市", "邯郸市", "唐山市"}, "130000", "all 3 units are in 河北省 only"},
		{"朝阳区 alone", []string{"朝阳区"}, "", "北京市"},
		{"none", nil, "", "no units"},
		{"blank only", []string{" ", ""}, "", "no units"},
		{"a shared name narrowed by another", []string{"长春市", "朝阳区"}, "220000", "朝阳区 alone also fits 北京市"},
		{"no common province", []string{"朝阳区", "河东区"}, "", "no province has all"},
		{"unknown unit", []string{"石家庄市", "火星市"}, "", "火星市 fits no province"},
		{"short forms and history", []string{"海西州", "海东地区", "西宁"}, "630000", "青海省"},
		{"notice list of 新疆", []string{"乌鲁木齐市", "伊犁哈萨克自治州", "克拉玛依市", "哈密地区"}, "650000", "all 4 units are in 新疆维吾尔自治区 only"},
		{"with an approximate unit", []string{"克拉玛依市", "巴音郭楞蒙古族自治州"}, "650000", "巴音郭楞蒙古族自治州 only approximately"},
		{"single approximate unit", []string{"石家庄币"}, "130000", "approximately"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, reason, ok := g.InferProvince(tc.units)
			if ok != (tc.code != "") || d.Code != tc.code {
				t.Errorf("InferProvince(%v) = %s %s, %v (%s); want %q", tc.units, d.Code, d.Name, ok, reason, tc.code)
			}
			if !strings.Contains(reason, tc.reasonHas) {
				t.Errorf("reason %q lacks %q", reason, tc.reasonHas)
			}
		})
	}
}

// TestInferProvinceNotice2013 infers the province of every list of the
// 2013 notice from its units alone.
func TestInferProvinceNotice2013(t *testing.T) {
	g := realGazetteer(t)
	lists := map[string][]string{}
	var order []string
	for _, u := range notice2013 {
		if _, seen := lists[u.province]; !seen {
			order = append(order, u.province)
		}
		lists[u.province] = append(lists[u.province], u.written)
	}
	for _, p := range order {
		d, reason, ok := g.InferProvince(lists[p])
		if !ok || d.Code != p {
			t.Errorf("%v: inferred %s (ok %v), the notice says %s (%s)", lists[p], d.Code, ok, p, reason)
		}
	}
}

func BenchmarkMatchNotice(b *testing.B) {
	g := realGazetteer(b)
	b.ReportAllocs()
	for b.Loop() {
		for _, u := range notice2013 {
			if _, _, ok := g.MatchUnit(u.province, u.written); !ok {
				b.Fatalf("%s not matched", u.written)
			}
		}
	}
}

// units2000 returns 2,000 units as a list writes them: within their
// province, by official name, names unique in their province.
func units2000(tb testing.TB, g *gazetteer.Gazetteer) [][2]string {
	var out [][2]string
	for _, d := range g.Divisions() {
		if d.Level == gazetteer.Province || len(g.ByName(d.ProvinceCode(), d.Name)) != 1 {
			continue
		}
		out = append(out, [2]string{d.ProvinceCode(), d.Name})
		if len(out) == 2000 {
			return out
		}
	}
	tb.Fatalf("only %d units", len(out))
	return nil
}

// BenchmarkMatch2000 matches the 2,000 units of a large list, each within
// its province (issue 10: reading and matching such a list ≤ 50 ms).
func BenchmarkMatch2000(b *testing.B) {
	g := realGazetteer(b)
	units := units2000(b, g)
	b.ReportAllocs()
	for b.Loop() {
		for _, u := range units {
			if _, _, ok := g.MatchUnit(u[0], u[1]); !ok {
				b.Fatalf("%s not matched", u[1])
			}
		}
	}
}

// BenchmarkNamesAt finds the known names in the text of 2,000 units, as the
// notice reader does at every character.
func BenchmarkNamesAt(b *testing.B) {
	g := realGazetteer(b)
	var text []rune
	for _, u := range units2000(b, g) {
		text = append(append(text, []rune(u[1])...), '、')
	}
	var buf []gazetteer.Spot
	b.ReportAllocs()
	for b.Loop() {
		found := 0
		for i := range text {
			buf = g.NamesAt(text, i, buf[:0])
			found += len(buf)
		}
		if found < 2000 {
			b.Fatalf("%d names found", found)
		}
	}
}
