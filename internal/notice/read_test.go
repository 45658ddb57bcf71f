package notice_test

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"pilotmap/geodata"
	"pilotmap/internal/gazetteer"
	"pilotmap/internal/importer"
	"pilotmap/internal/notice"
)

func defaultNotice(t testing.TB) []byte {
	t.Helper()
	raw, err := fs.ReadFile(geodata.FS(), importer.DefaultNotice)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func parseNotice(raw []byte) (*notice.Notice, error) { return notice.Parse(raw) }

var loadOnce struct {
	sync.Once
	g   *gazetteer.Gazetteer
	err error
}

// gaz loads the embedded gazetteer once per test binary.
func gaz(t testing.TB) *gazetteer.Gazetteer {
	t.Helper()
	loadOnce.Do(func() { loadOnce.g, loadOnce.err = gazetteer.Load(geodata.FS()) })
	if loadOnce.err != nil {
		t.Fatal(loadOnce.err)
	}
	return loadOnce.g
}

// readList matches text and returns the matched codes in order.
func readList(t *testing.T, text string) (*importer.Result, []string) {
	t.Helper()
	res, err := importer.MatchText(gaz(t), []byte(text))
	if err != nil {
		t.Fatalf("read %q: %v", text, err)
	}
	codes := make([]string, len(res.Units))
	for i, u := range res.Units {
		codes[i] = u.Code
	}
	return res, codes
}

func describe(res *importer.Result) string {
	var b strings.Builder
	for _, u := range res.Units {
		fmt.Fprintf(&b, "  unit line %d %s %s → %s %s (%s)\n", u.Line, u.Province, u.Written, u.Code, u.Name, u.Rule)
	}
	for _, u := range res.Unmatched {
		fmt.Fprintf(&b, "  unmatched line %d %s %s %s\n", u.Line, u.Province, u.Written, u.Reason)
	}
	for _, u := range res.Unreadable {
		fmt.Fprintf(&b, "  unreadable line %d %q %s\n", u.Line, u.Text, u.Reason)
	}
	for _, c := range res.Counts {
		fmt.Fprintf(&b, "  count %s %s line %d declared %d read %d\n", c.Scope, c.Name, c.Line, c.Declared, c.Read)
	}
	for _, n := range res.Notes {
		fmt.Fprintf(&b, "  note %s\n", n)
	}
	return b.String()
}

// TestReadShapes reads each shape of list seen in published lists (issue 10)
// and checks the codes, what is reported and the count checks.
func TestReadShapes(t *testing.T) {
	for _, tc := range []struct {
		name       string
		text       string
		codes      []string // matched, in order
		unmatched  []string // written
		unreadable int
		differs    int // declared counts that differ from what was read
		note       string
	}{
		{name: "run-on, province glued to its first unit",
			text:  "北京市延庆区,山西省右玉县,江苏省苏州市、无锡市",
			codes: []string{"110119", "140623", "320500", "320200"}},
		{name: "flattened table with count cells",
			text:    "| 河北 |\n| 3 |\n| 石家庄市,唐山市 |\n| 山西 |\n| 1 |\n| 太原市 |",
			codes:   []string{"130100", "130200", "140100"},
			differs: 1, note: "河北 declares 3 units, 2 were read"},
		{name: "region on a row of its own, rows one column short",
			text:    "| 区域 | 省份 | 试点城市 |\n|---|---|---|\n| 東部 3個 |\n| 北京 | 東城區 |\n| 河北 | 石家莊市、唐山市 |\n| 中部 1個 |\n| 山西 | 太原市 |",
			codes:   []string{"110101", "130100", "130200", "140100"},
			differs: 0},
		{name: "unit column before the province column",
			text:  "序号 | 市县名称 | 来源省市\n1 | 延庆区 | 北京市\n2 | 右玉县 | 山西省\n3 | 朝阳区 | 吉林省",
			codes: []string{"110119", "140623", "220104"}},
		{name: "a table pasted with every separator lost",
			text:  "序号区域名称所属省市1延庆区北京市2怀柔区北京市3右玉县山西省4朝阳区吉林省",
			codes: []string{"110119", "110116", "140623", "220104"}},
		{name: "numbered province headings, units on the next paragraph",
			text:  "1、北京市\n\n延庆区、怀柔区\n\n2、吉林省\n\n朝阳区",
			codes: []string{"110119", "110116", "220104"}},
		{name: "a province name spaced out on its own line",
			text:  "北 京\n东城区 西城区\n吉 林\n朝阳区",
			codes: []string{"110101", "110102", "220104"}},
		{name: "look-alikes, compatibility ideographs, mixed punctuation",
			text:  "陜西省：西安市，寶雞市、漢中市;\n浙江省:\uf90a華市、杭州市；",
			codes: []string{"610100", "610300", "610700", "330700", "330100"}},
		{name: "pinyin a web site inserted",
			text:  "上海市：黃浦區(qū)、徐匯區(qū)\n內(nèi)蒙古自治區(qū):呼和浩特市",
			codes: []string{"310101", "310104", "150100"}},
		{name: "mojibake that ate a delimiter",
			text:       "黑龍江省:大慶市\n黑龍江?。汗枮I市\n吉林省:长春市",
			codes:      []string{"230600", "220100"},
			unreadable: 1},
		{name: "stray markup and entities",
			text:  "<p>北京市：东城区</p><p>西城区&nbsp;海淀区<br>怀柔区</p>\n天津市：河&#19996;区",
			codes: []string{"110101", "110102", "110108", "110116", "120102"}},
		{name: "Latin text, a URL and quotes inside a row",
			text:  "陕西省：“宝鸡市”、汉中市(见 http://www.example.cn/a.html)、Xi'an 西安市",
			codes: []string{"610300", "610700", "610100"}},
		{name: "a row without its province, the name in one province only",
			text:  "1. 北京市：东城区\n2. 太原市",
			codes: []string{"110101", "140100"}, note: "it is one only in 山西省"},
		{name: "a row without its province, the name in several",
			text:      "1. 北京市：东城区\n2. 河东区",
			codes:     []string{"110101"},
			unmatched: []string{"河东区"}},
		{name: "declared counts held",
			text:  "第二批试点单位名单(3个)\n北京市(2个)：东城区、西城区\n河北省（1個）：石家庄市",
			codes: []string{"110101", "110102", "130100"}},
		{name: "declared counts not held",
			text:    "第二批试点单位名单(4个)\n北京市(2个)：东城区、西城区\n河北省（2個）：石家庄市",
			codes:   []string{"110101", "110102", "130100"},
			differs: 2, note: "declares 4 units, 3 were read"},
		{name: "a wrong province written in the row is not overridden",
			text:      "1. 河北省:石家庄市、杭州市",
			codes:     []string{"130100"},
			unmatched: []string{"杭州市"}},
		{name: "a unit written inside its parent",
			text:  "浙江省杭州市西湖区、宁波市、湖州市安吉县",
			codes: []string{"330106", "330200", "330523"}},
		{name: "unit(province)",
			text:  "迁安(河北)、白城(吉林省)、镇江(江苏)",
			codes: []string{"130283", "220800", "321100"}},
		{name: "a municipality named as a unit is reported, not dropped",
			text:      "河北省承德市、上海市、江苏省南通市",
			codes:     []string{"130800", "320600"},
			unmatched: []string{"上海市"}},
		{name: "a province damaged beyond reading",
			text:  "沏北：石家庄市、邯郸市",
			codes: []string{"130100", "130400"}, note: "inferred 河北省"},
		{name: "a name the gazetteer does not know is unmatched, never dropped",
			text:      "北京市：东城区、中关村区、海淀区",
			codes:     []string{"110101", "110108"},
			unmatched: []string{"中关村区"}},
		{name: "old names from earlier years",
			text:  "湖北省：襄樊市、京山县\n河北省：栾城县、冀州市\n黑龙江省：双城市、漠河县\n江苏省：铜山县\n江西省：湾里区",
			codes: []string{"420600", "420882", "130111", "131103", "230113", "232701", "320312", "360112"}},
		{name: "an item of a 、 list without a suffix is read, never dropped",
			text:      "河北省：石家荘、唐山市、冀中南",
			codes:     []string{"130100", "130200"},
			unmatched: []string{"冀中南"}},
		{name: "production and construction corps",
			text:  "新疆生产建设兵团：石河子市、五家渠市",
			codes: []string{"659001", "659004"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, codes := readList(t, tc.text)
			var um []string
			for _, u := range res.Unmatched {
				um = append(um, u.Written)
			}
			if strings.Join(codes, " ") != strings.Join(tc.codes, " ") || strings.Join(um, " ") != strings.Join(tc.unmatched, " ") ||
				len(res.Unreadable) != tc.unreadable || len(res.CountsDiffer()) != tc.differs {
				t.Errorf("codes %v, unmatched %v, %d unreadable, %d counts differ; want %v, %v, %d, %d\n%s",
					codes, um, len(res.Unreadable), len(res.CountsDiffer()), tc.codes, tc.unmatched, tc.unreadable, tc.differs, describe(res))
			}
			if tc.note != "" && !strings.Contains(strings.Join(res.Notes, "\n"), tc.note) {
				t.Errorf("notes should say %q:\n%s", tc.note, describe(res))
			}
		})
	}
}

// TestReadAsParse2013 checks that Read gives the 2013 notice's units exactly
// as the layout parser does: same names, lines and provinces.
func TestReadAsParse2013(t *testing.T) {
	raw := defaultNotice(t)
	res, err := importer.MatchText(gaz(t), raw)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Units) != 108 || len(res.PilotProvinces) != 12 || !res.Complete() {
		t.Fatalf("units %d, pilot provinces %d, complete %v\n%s", len(res.Units), len(res.PilotProvinces), res.Complete(), describe(res))
	}
	n, err := parseNotice(raw)
	if err != nil {
		t.Fatal(err)
	}
	old := importer.Match(gaz(t), n)
	if len(old.Units) != len(res.Units) {
		t.Fatalf("Parse gives %d units, Read %d", len(old.Units), len(res.Units))
	}
	for i := range old.Units {
		a, b := old.Units[i], res.Units[i]
		if a.Code != b.Code || a.Line != b.Line || a.Written != b.Written || a.ProvinceCode != b.ProvinceCode || a.Rule != b.Rule {
			t.Errorf("unit %d: Parse %+v, Read %+v", i, a, b)
		}
	}
}

// perturbations damage a list the way pages do. Each takes the text and a
// seed and returns the damaged text.
var perturbations = map[string]func(string, int) string{
	"pinyin after characters": func(s string, seed int) string {
		return everyNth(s, 3+seed%4, func(r rune) string { return string(r) + "(qū)" })
	},
	"markup between characters": func(s string, seed int) string {
		tags := []string{"</p>", "<br>", "&nbsp;", "<span class=\"x\">", "</span>"}
		return everyNth(s, 4+seed%5, func(r rune) string { return string(r) + tags[seed%len(tags)] })
	},
	"spaces inside names": func(s string, seed int) string {
		return everyNth(s, 2+seed%3, func(r rune) string { return string(r) + " " })
	},
	"look-alikes and full width": func(s string, seed int) string {
		return strings.NewReplacer("陕", "陜", "、", "，", ":", "：", "青", "靑", "高", "髙").Replace(s)
	},
	"Traditional characters": func(s string, seed int) string {
		return strings.NewReplacer("区", "區", "县", "縣", "东", "東", "门", "門", "龙", "龍", "阳", "陽", "兰", "蘭").Replace(s)
	},
	"a province dropped": func(s string, seed int) string {
		lines := strings.Split(s, "\n")
		var rows []int
		for i, l := range lines {
			if strings.Contains(l, ":") {
				rows = append(rows, i)
			}
		}
		if len(rows) == 0 {
			return s
		}
		i := rows[seed%len(rows)]
		lines[i] = lines[i][strings.Index(lines[i], ":")+1:]
		return strings.Join(lines, "\n")
	},
	"a line broken": func(s string, seed int) string {
		rs := []rune(s)
		at := (seed*7919)%(len(rs)-2) + 1
		return string(rs[:at]) + "\n" + string(rs[at:])
	},
	"separators lost": func(s string, seed int) string {
		return strings.NewReplacer("、", "", ",", "").Replace(s)
	},
}

// everyNth applies f to every nth Chinese character of s.
func everyNth(s string, n int, f func(rune) string) string {
	var b strings.Builder
	k := 0
	for _, r := range s {
		if r >= 0x4E00 && r <= 0x9FFF {
			k++
			if k%n == 0 {
				b.WriteString(f(r))
				continue
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}

// TestPerturbations damages the 2013 notice and each real list in many ways
// and checks that no damage ever yields a wrong code or loses a unit
// without a word: every unit read before is read again or reported
// (unmatched, unreadable, or a declared count that differs).
func TestPerturbations(t *testing.T) {
	inputs := map[string]string{"2013 notice": string(defaultNotice(t))}
	keys := map[string]map[string]bool{} // the codes a real list's key holds
	files, _ := filepath.Glob(filepath.Join("testdata", "real", "*.txt"))
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(f)
		inputs[name] = string(raw)
		keys[name] = map[string]bool{}
		for _, k := range readKey(t, strings.TrimSuffix(f, ".txt")+".key.tsv") {
			keys[name][k.code] = true
		}
	}
	names := make([]string, 0, len(perturbations))
	for name := range perturbations {
		names = append(names, name)
	}
	sort.Strings(names)
	for in, text := range inputs {
		base, err := importer.MatchText(gaz(t), []byte(text))
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]bool{} // units read before the damage
		for _, u := range base.Units {
			want[u.Code] = true
		}
		right := want // codes that are not wrong
		if k, ok := keys[in]; ok {
			right = k
		}
		for _, name := range names {
			for seed := 0; seed < 5; seed++ {
				damaged := perturbations[name](text, seed)
				res, err := importer.MatchText(gaz(t), []byte(damaged))
				if err != nil {
					t.Errorf("%s, %s #%d: %v", in, name, seed, err)
					continue
				}
				got := map[string]bool{}
				for _, u := range res.Units {
					got[u.Code] = true
					if !right[u.Code] {
						t.Errorf("%s, %s #%d: wrong code: line %d %s → %s %s (%s)", in, name, seed, u.Line, u.Written, u.Code, u.Name, u.Reason)
					}
				}
				missing := 0
				for c := range want {
					if !got[c] {
						missing++
					}
				}
				if reported := len(res.Unmatched) + len(res.Unreadable); missing > reported && len(res.CountsDiffer()) == 0 {
					t.Errorf("%s, %s #%d: %d units missing, %d reported, no count differs: lost without a word\n%s", in, name, seed, missing, reported, describe(res))
				}
			}
		}
	}
}

// TestUnreadableKeepsItsProvince checks that mojibake after a province is
// reported under that province, not under the province that follows it
// after a space.
func TestUnreadableKeepsItsProvince(t *testing.T) {
	res, _ := readList(t, "黑龍江?。汗枮I市 上海市:黃浦區(qū)")
	if len(res.Unreadable) != 1 || res.Unreadable[0].Province != "黑龍江" || res.Unreadable[0].Line != 1 || !strings.Contains(res.Unreadable[0].Reason, "Latin letter I") {
		t.Fatalf("unreadable %+v, want 汗枮I市 under 黑龍江 with its reason\n%s", res.Unreadable, describe(res))
	}
	if len(res.Units) != 1 || res.Units[0].Code != "310101" {
		t.Errorf("units %+v, want 黄浦区 310101", res.Units)
	}
}
