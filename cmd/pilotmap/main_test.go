package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCmd runs the command line in-process with a clean environment.
func runCmd(t *testing.T, vars map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdout: &out, stderr: &errb, getenv: func(k string) string { return vars[k] }}
	code = run(context.Background(), e, args)
	return code, out.String(), errb.String()
}

const noticePath = "../../geodata/notices/guoweijiating-2013-5.txt"

func TestMatchNotice(t *testing.T) {
	code, out, errs := runCmd(t, nil, "match", "--json", noticePath)
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errs)
	}
	var res struct {
		PilotProvinces []struct{ Name, Code string } `json:"pilot_provinces"`
		Units          []map[string]any              `json:"units"`
		Unmatched      []map[string]any              `json:"unmatched"`
		Unreadable     []map[string]any              `json:"unreadable"`
		Counts         []map[string]any              `json:"counts"`
	}
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&res); err != nil {
		t.Fatalf("decode: %v\n%s", err, out)
	}
	if len(res.PilotProvinces) != 12 || len(res.Units) != 108 || len(res.Unmatched) != 0 || res.Unreadable == nil || len(res.Unreadable) != 0 {
		t.Fatalf("pilot provinces %d, units %d, unmatched %d, unreadable %v", len(res.PilotProvinces), len(res.Units), len(res.Unmatched), res.Unreadable)
	}
	if len(res.Counts) != 1 || res.Counts[0]["declared"] != 108.0 || res.Counts[0]["read"] != 108.0 {
		t.Errorf("counts = %v, want the declared 108 read as 108", res.Counts)
	}
	want := []string{"province", "province_code", "written", "code", "name", "level", "rule", "confidence", "line"}
	for _, k := range want {
		if _, ok := res.Units[0][k]; !ok {
			t.Errorf("unit lacks %q: %v", k, res.Units[0])
		}
	}
	if len(res.Units[0]) != len(want) {
		t.Errorf("unit has fields %v, want exactly %v", res.Units[0], want)
	}
	byWritten := map[string]map[string]any{}
	for _, u := range res.Units {
		byWritten[u["written"].(string)] = u
	}
	for written, code := range map[string]string{"延边州": "222400", "海东地区": "630200", "昌江县": "469026", "巴音郭楞蒙古族自治州": "652800", "河东区": "120102", "朝阳市": "211300"} {
		if u := byWritten[written]; u == nil || u["code"] != code {
			t.Errorf("%s → %v, want %s", written, u, code)
		}
	}
}

func TestMatchExitCodes(t *testing.T) {
	dir := t.TempDir()
	unmatched := filepath.Join(dir, "unmatched.txt")
	os.WriteFile(unmatched, []byte("附件\n二、第二批试点单位名单(2个)\n1. 河北省:石家庄市、杭州市\n"), 0o644)
	prose := filepath.Join(dir, "prose.txt")
	os.WriteFile(prose, []byte("这是一段没有名单的文字。各地要加强领导。\n"), 0o644)
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"unmatched unit", []string{"match", unmatched}, 1, "1 of 2 units unmatched"},
		{"no list", []string{"match", prose}, 2, "no list"},
		{"missing file", []string{"match", filepath.Join(dir, "nope.txt")}, 2, "no such file"},
		{"no file", []string{"match"}, 2, "exactly one notice FILE"},
		{"unknown command", []string{"frobnicate"}, 2, "unknown command"},
		{"bad flag", []string{"match", "--nope", prose}, 2, "flag provided but not defined"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runCmd(t, nil, tc.args...)
			if code != tc.code || !strings.Contains(errs+out, tc.msg) {
				t.Errorf("exit %d (want %d), output %q / %q, want it to mention %q", code, tc.code, out, errs, tc.msg)
			}
		})
	}
	code, out, _ := runCmd(t, nil, "match", unmatched)
	if code != 1 || !strings.Contains(out, "330100") || !strings.Contains(out, "浙江") {
		t.Errorf("the unmatched 杭州市 should list its candidate in 浙江省: %s", out)
	}
}

type statsJSON struct {
	National struct {
		Units, ProvincesWithUnits, PilotProvinces, ComparableUnits, CoveredUnits int
		Coverage, AreaKM2, CoveredAreaKM2                                        float64
	} `json:"national"`
	Provinces []struct {
		Code, Name, Region                   string
		PilotProvince                        bool `json:"pilot_province"`
		Units, ComparableUnits, CoveredUnits int
		Coverage                             float64
	} `json:"provinces"`
	Regions []map[string]any `json:"regions"`
}

func TestStatsOnFreshDatabase(t *testing.T) {
	db := filepath.Join(t.TempDir(), "pm.db")
	code, out, errs := runCmd(t, nil, "stats", "--json", "--db", db)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	raw := map[string]json.RawMessage{}
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatal(err)
	}
	var nat map[string]any
	json.Unmarshal(raw["national"], &nat)
	for _, k := range []string{"units", "provinces_with_units", "pilot_provinces", "comparable_units", "covered_units", "coverage", "area_km2", "covered_area_km2"} {
		if _, ok := nat[k]; !ok {
			t.Errorf("national lacks %q", k)
		}
	}
	var st statsJSON
	if err := json.Unmarshal([]byte(strings.NewReplacer(`"provinces_with_units"`, `"ProvincesWithUnits"`, `"pilot_provinces"`, `"PilotProvinces"`, `"comparable_units"`, `"ComparableUnits"`, `"covered_units"`, `"CoveredUnits"`, `"area_km2"`, `"AreaKM2"`, `"covered_area_km2"`, `"CoveredAreaKM2"`).Replace(out)), &st); err != nil {
		t.Fatal(err)
	}
	n := st.National
	if n.Units != 108 || n.ProvincesWithUnits != 30 || n.PilotProvinces != 12 || n.ComparableUnits != 451 {
		t.Errorf("national = %+v, want 108 units in 30 provinces, 12 pilot provinces, 451 comparable units", n)
	}
	by := map[string]int{}
	for i, p := range st.Provinces {
		by[p.Name] = i
	}
	for name, want := range map[string][2]int{"北京市": {4, 16}, "海南省": {2, 19}, "云南省": {0, 16}, "湖北省": {4, 17}, "新疆维吾尔自治区": {5, 26}, "河北省": {3, 11}} {
		p := st.Provinces[by[name]]
		if p.CoveredUnits != want[0] || p.ComparableUnits != want[1] {
			t.Errorf("%s coverage %d/%d, want %d/%d", name, p.CoveredUnits, p.ComparableUnits, want[0], want[1])
		}
	}
	if len(st.Regions) != 4 {
		t.Errorf("regions = %d", len(st.Regions))
	}
	// The table form names the same figures.
	code, out, _ = runCmd(t, nil, "stats", "--db", db)
	if code != 0 || !strings.Contains(out, "108 pilot units in 30 provinces") || !strings.Contains(out, "4/16") {
		t.Errorf("stats table: exit %d\n%s", code, out)
	}
}

func TestImportCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "pm.db")
	if code, _, errs := runCmd(t, nil, "init", "--db", db); code != 0 {
		t.Fatalf("init: %s", errs)
	}
	if code, out, _ := runCmd(t, nil, "init", "--db", db); code != 0 || !strings.Contains(out, "already initialized") {
		t.Errorf("second init: %d %s", code, out)
	}
	// The default notice is already in: importing it again changes nothing.
	if code, out, errs := runCmd(t, nil, "import", "--db", db, noticePath); code != 0 || !strings.Contains(out, "nothing changed") {
		t.Errorf("re-import: exit %d %q %q", code, out, errs)
	}
	third := filepath.Join(dir, "third.txt")
	os.WriteFile(third, []byte("关于开展创建幸福家庭活动的通知\n第三批试点单位名单(2个)\n1. 云南省:昆明市、大理州\n2. 河北省:杭州市\n"), 0o644)
	// One unit is unmatched: nothing is stored.
	code, _, errs := runCmd(t, nil, "import", "--db", db, third)
	if code != 1 || !strings.Contains(errs, "unmatched") {
		t.Fatalf("import with an unmatched unit: exit %d %q", code, errs)
	}
	_, out, _ := runCmd(t, nil, "stats", "--json", "--db", db)
	if !strings.Contains(out, `"units": 108`) {
		t.Fatalf("a refused import changed the data:\n%s", out[:200])
	}
	// A dry run stores nothing either.
	// PILOTMAP_DB configures; PILOTMAP_DRY_RUN must not turn a real import into a dry run.
	if code, out, errs := runCmd(t, map[string]string{"PILOTMAP_DB": db}, "import", "--dry-run", "--allow-unmatched", third); code != 0 || !strings.Contains(out, "dry run") {
		t.Fatalf("dry run: %d %q %q", code, out, errs)
	}
	code, out, errs = runCmd(t, map[string]string{"PILOTMAP_DRY_RUN": "true"}, "import", "--db", db, "--allow-unmatched", third)
	if code != 0 || !strings.Contains(out, "imported 2 units") {
		t.Fatalf("import --allow-unmatched: %d %q %q", code, out, errs)
	}
	_, out, _ = runCmd(t, nil, "stats", "--json", "--db", db)
	if !strings.Contains(out, `"units": 110`) || !strings.Contains(out, `"provinces_with_units": 31`) {
		t.Errorf("after a third batch in 云南 the stats should show 110 units in 31 provinces:\n%s", out[:300])
	}
}

func TestExportUnitsPilotFlags(t *testing.T) {
	db := filepath.Join(t.TempDir(), "pm.db")
	code, out, errs := runCmd(t, nil, "export", "--layer", "units", "--db", db)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var fc struct {
		Type     string `json:"type"`
		Features []struct {
			ID         string                `json:"id"`
			Properties map[string]any        `json:"properties"`
			Geometry   struct{ Type string } `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal([]byte(out), &fc); err != nil {
		t.Fatal(err)
	}
	pilots := 0
	for _, f := range fc.Features {
		if f.ID != f.Properties["code"] || f.Properties["name"] == "" || f.Properties["province_code"] == "" {
			t.Fatalf("feature %v lacks id/code/name/province_code", f)
		}
		if f.Properties["pilot"] == true {
			pilots++
		}
	}
	if fc.Type != "FeatureCollection" || len(fc.Features) < 440 {
		t.Errorf("type %s with %d features", fc.Type, len(fc.Features))
	}
	// 108 pilot units, of which all are comparable units in the 2013 notice:
	// 108 minus those without polygon (none).
	if pilots != 108 {
		t.Errorf("pilot features = %d, want 108", pilots)
	}
	for _, layer := range []string{"provinces", "nanhai"} {
		code, out, _ := runCmd(t, nil, "export", "--layer", layer, "--db", db)
		n := strings.Count(out, `"type":"Feature"`)
		// nanhai: the islands (三沙市) and the South China Sea line.
		if code != 0 || (layer == "provinces" && n != 34) || (layer == "nanhai" && n != 2) {
			t.Errorf("export %s: exit %d, %d features", layer, code, n)
		}
		if layer == "nanhai" {
			var fc struct {
				Features []struct {
					ID       string
					Geometry struct {
						Type        string
						Coordinates json.RawMessage
					}
				}
			}
			if err := json.Unmarshal([]byte(out), &fc); err != nil {
				t.Fatal(err)
			}
			var lines [][][2]float64
			for _, f := range fc.Features {
				if f.Geometry.Type == "MultiLineString" {
					json.Unmarshal(f.Geometry.Coordinates, &lines)
				}
			}
			if len(lines) != 9 {
				t.Errorf("export nanhai: %d dashes of the South China Sea line, want 9", len(lines))
			}
		}
	}
}

// A pilot below the comparable level makes its comparable unit a pilot on
// the exported layer, as on the server's layers.
func TestExportPilotBelowComparableLevel(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "pm.db")
	notice := filepath.Join(dir, "third.txt")
	os.WriteFile(notice, []byte("关于开展创建幸福家庭活动的通知\n第三批试点单位名单\n1. 山东省:河东区\n"), 0o644)
	if code, out, errs := runCmd(t, nil, "import", "--db", db, notice); code != 0 {
		t.Fatalf("import: %d %s %s", code, out, errs)
	}
	_, out, _ := runCmd(t, nil, "export", "--layer", "units", "--db", db)
	var fc struct {
		Features []struct {
			ID         string         `json:"id"`
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal([]byte(out), &fc); err != nil {
		t.Fatal(err)
	}
	pilots := 0
	for _, f := range fc.Features {
		if f.Properties["pilot"] == true {
			pilots++
			if f.ID == "371300" {
				pilots += 1000
			}
		}
	}
	if pilots != 1000+109 {
		t.Errorf("临沂市 371300 should be a pilot through its 河东区, with 108 others: got %d", pilots)
	}
}
