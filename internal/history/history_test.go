package history_test

import (
	"strings"
	"testing"

	"pilotmap/internal/gazetteer"
	"pilotmap/internal/history"
)

// source names the pair of tables a change shows between.
func source(from, to history.Table) string { return from.Label + " → " + to.Label }

// table builds a code table from code, name pairs.
func table(label string, year int, pairs ...string) history.Table {
	t := history.Table{Label: label, Year: year, Names: map[string]string{}}
	for i := 0; i+1 < len(pairs); i += 2 {
		t.Names[pairs[i]] = pairs[i+1]
	}
	return t
}

// rowsByName indexes derived rows by written name and old code.
func rowsByName(rows []gazetteer.Alias) map[string]gazetteer.Alias {
	out := map[string]gazetteer.Alias{}
	for _, r := range rows {
		out[r.Written+" "+r.OldCode] = r
	}
	return out
}

func TestDeriveRules(t *testing.T) {
	// Province 13 with prefecture 1301 and a 地区 1323 that becomes 1311;
	// 1399 is a pseudo prefecture.
	t1 := table("A", 2010,
		"130000", "河北省", "130100", "石家庄市", "130101", "市辖区",
		"130124", "栾城县", // 县 → 区, code changed: stem
		"130181", "辛集市", // moved to a province-direct code, and back
		"130102", "旧名区", // renamed, code kept
		"130105", "城东区", // abolished: no stem, no code, no name
		"132300", "某某地区", "132301", "某某市", "132321", "甲县", // 地区 → 市; its county follows it
		"130125", "双桥县", "130126", "双桥市", // two divisions of one stem: ambiguity for 双桥县 → 双桥区?
	)
	t2 := table("B", 2012,
		"130000", "河北省", "130100", "石家庄市",
		"130111", "栾城区",
		"130102", "新名区",
		"131100", "某某市", "131102", "某某区", "131121", "甲县",
		"139001", "辛集市",
		"130125", "双桥县", "130126", "双桥市",
	)
	t3 := table("C", 2016,
		"130000", "河北省", "130100", "石家庄市",
		"130111", "栾城区", "130102", "新名区",
		"131100", "某某市", "131102", "某某区", "131121", "甲县",
		"130181", "辛集市",
		"130112", "双桥区", // both 双桥县 and 双桥市 are gone, one 双桥区 is new
	)
	rows, rep, err := history.Derive([]history.Table{t1, t2, t3}, nil, source)
	if err != nil {
		t.Fatal(err)
	}
	got := rowsByName(rows)
	want := []struct {
		key, code string
		kind      gazetteer.AliasKind
		year      int
		listed    int
	}{
		{"栾城县 130124", "130111", gazetteer.Renamed, 2012, 2010},
		{"旧名区 ", "130102", gazetteer.Renamed, 2012, 2010},
		{"某某地区 132300", "131100", gazetteer.Renamed, 2012, 2010},
		{"甲县 132321", "131121", gazetteer.Recoded, 2012, 2010},
		{"某某市 132301", "131102", gazetteer.Renamed, 2012, 2010}, // 县级市 → 区 of the prefecture its own became
		{"辛集市 139001", "130181", gazetteer.Recoded, 2016, 2012}, // back to its first code, listed today again
	}
	for _, w := range want {
		r, ok := got[w.key]
		if !ok {
			t.Errorf("no row %q; rows %v", w.key, rows)
			continue
		}
		if r.Code != w.code || r.Kind != w.kind || r.Year != w.year || r.ListedUntil != w.listed || r.ProvinceCode != "130000" {
			t.Errorf("row %q = %+v, want code %s kind %s year %d listed until %d", w.key, r, w.code, w.kind, w.year, w.listed)
		}
	}
	if len(rows) != len(want) {
		t.Errorf("%d rows, want %d: %v", len(rows), len(want), rows)
	}
	if got["某某地区 132300"].Source != "A → B" {
		t.Errorf("source %q, want the pair of tables", got["某某地区 132300"].Source)
	}
	var names []string
	for _, u := range append(rep.Ambiguous, rep.Unresolved...) {
		names = append(names, u.Name)
	}
	joined := strings.Join(names, ",")
	for _, n := range []string{"城东区", "双桥县", "双桥市"} {
		if !strings.Contains(joined, n) {
			t.Errorf("%s not reported as unresolved or ambiguous: %v", n, names)
		}
	}
	if len(rep.Ambiguous) != 2 || !strings.Contains(rep.Ambiguous[0].Reason, "ambiguous") {
		t.Errorf("ambiguous = %+v, want 双桥县 and 双桥市 (both fit 双桥区)", rep.Ambiguous)
	}
	if rep.Kinds[gazetteer.Renamed] != 4 || rep.Kinds[gazetteer.Recoded] != 2 {
		t.Errorf("kinds %v, want 4 renamed and 2 recoded", rep.Kinds)
	}
}

// A code that comes back with another name after a gap is not a rename:
// 加格达奇区 232701 left the tables in 2009; 漠河市 232701 is a new unit.
func TestDeriveReusedCodeAfterGap(t *testing.T) {
	t1 := table("A", 2008, "232700", "大兴安岭地区", "232701", "加格达奇区", "232723", "漠河县")
	t2 := table("B", 2009, "232700", "大兴安岭地区", "232723", "漠河县")
	t3 := table("C", 2023, "232700", "大兴安岭地区", "232701", "漠河市")
	rows, rep, err := history.Derive([]history.Table{t1, t2, t3}, nil, source)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Written != "漠河县" || rows[0].Code != "232701" || rows[0].OldCode != "232723" {
		t.Errorf("rows %+v, want only 漠河县 232723 → 232701", rows)
	}
	if len(rep.Unresolved) != 1 || rep.Unresolved[0].Name != "加格达奇区" || rep.Unresolved[0].LastListed != "A" {
		t.Errorf("unresolved %+v, want 加格达奇区 last listed in A", rep.Unresolved)
	}
}

// A name the next table gives to another code in the same prefecture is
// that division recoded, even when its old code now has another name
// (Hainan's renumbering of 2007).
func TestDeriveRecodeBeforeRename(t *testing.T) {
	t1 := table("A", 2006, "469025", "定安县", "469030", "白沙黎族自治县")
	t2 := table("B", 2007, "469021", "定安县", "469025", "白沙黎族自治县")
	rows, _, err := history.Derive([]history.Table{t1, t2}, nil, source)
	if err != nil {
		t.Fatal(err)
	}
	got := rowsByName(rows)
	if r := got["定安县 469025"]; r.Code != "469021" || r.Kind != gazetteer.Recoded {
		t.Errorf("定安县 469025 → %+v, want recoded 469021", r)
	}
	if r := got["白沙黎族自治县 469030"]; r.Code != "469025" || r.Kind != gazetteer.Recoded {
		t.Errorf("白沙黎族自治县 469030 → %+v, want recoded 469025", r)
	}
}

func TestDeriveCurated(t *testing.T) {
	t1 := table("A", 2015, "360105", "湾里区", "360122", "新建县", "420821", "京山县")
	t2 := table("B", 2023, "360112", "新建区", "420882", "京山市")
	curated := []gazetteer.Alias{
		{Written: "湾里区", ProvinceCode: "360000", OldCode: "360105", Code: "360112", Kind: gazetteer.Merged, Year: 2019, Source: "test"},
		{Written: "京山县", ProvinceCode: "420000", OldCode: "420821", Code: "420882", Kind: gazetteer.Renamed, Year: 2018, Source: "test"},
	}
	rows, rep, err := history.Derive([]history.Table{t1, t2}, curated, source)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Written != "新建县" {
		t.Errorf("rows %+v, want only 新建县 (京山县 is curated)", rows)
	}
	if rep.Curated != 1 || len(rep.Unresolved) != 0 {
		t.Errorf("curated %d, unresolved %+v; want 1 and none (湾里区 is curated)", rep.Curated, rep.Unresolved)
	}
	for _, bad := range []gazetteer.Alias{
		{Written: "湾里区", ProvinceCode: "360000", OldCode: "360199", Code: "360112", Kind: gazetteer.Merged, Year: 2019, Source: "test"},
		{Written: "湾里区", ProvinceCode: "360000", OldCode: "360105", Code: "360112", Kind: gazetteer.Merged, Year: 2012, Source: "test"},
		{Written: "湾里区", ProvinceCode: "360000", OldCode: "360105", Code: "360112", Kind: gazetteer.Merged, Year: 2024, Source: "test"},
	} {
		if _, _, err := history.Derive([]history.Table{t1, t2}, []gazetteer.Alias{bad}, source); err == nil {
			t.Errorf("curated row %+v accepted; the tables contradict it", bad)
		}
	}
}

func TestIsPseudo(t *testing.T) {
	for name, want := range map[string]bool{"市辖区": true, "县": true, "市": true, "省直辖县级行政区划": true, "自治区直辖县级行政单位": true,
		"晋城市市辖区": true, "郊区": false, "城区": false, "开县": false} {
		if history.IsPseudo(name) != want {
			t.Errorf("IsPseudo(%s) = %v, want %v", name, !want, want)
		}
	}
}
