package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

type gapsJSON struct {
	UncoveredUnits []struct {
		Code             string   `json:"code"`
		Name             string   `json:"name"`
		ProvinceCode     string   `json:"province_code"`
		DistanceKM       *float64 `json:"distance_km"`
		NearestPilotCode string   `json:"nearest_pilot_code"`
		Cluster          int      `json:"cluster"`
	} `json:"uncovered_units"`
	Clusters []struct {
		ID            int      `json:"id"`
		Units         []string `json:"units"`
		ProvinceCodes []string `json:"province_codes"`
		AreaKM2       float64  `json:"area_km2"`
		MaxDistanceKM float64  `json:"max_distance_km"`
	} `json:"clusters"`
	ProvincesWithoutUnits []string `json:"provinces_without_units"`
	PilotProvinces        []struct {
		Code           string  `json:"code"`
		Covered        int     `json:"covered"`
		Comparable     int     `json:"comparable"`
		UncoveredShare float64 `json:"uncovered_share"`
	} `json:"pilot_provinces"`
	Regions []map[string]any `json:"regions"`
}

func runGapsJSON(t *testing.T, db string) gapsJSON {
	t.Helper()
	code, out, errs := runCmd(t, nil, "gaps", "--json", "--db", db)
	if code != 0 {
		t.Fatalf("gaps --json: exit %d: %s", code, errs)
	}
	var g gapsJSON
	if err := json.Unmarshal([]byte(out), &g); err != nil {
		t.Fatalf("decode: %v", err)
	}
	return g
}

func (g gapsJSON) clusterOf(code string) []string {
	for _, c := range g.Clusters {
		for _, u := range c.Units {
			if u == code {
				return c.Units
			}
		}
	}
	return nil
}

func TestGapsCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "pm.db")
	g := runGapsJSON(t, db)
	if !reflect.DeepEqual(g.ProvincesWithoutUnits, []string{"530000"}) || len(g.PilotProvinces) != 12 || len(g.Regions) != 4 || len(g.Clusters) == 0 {
		t.Errorf("without units %v, %d pilot provinces, %d regions, %d clusters", g.ProvincesWithoutUnits, len(g.PilotProvinces), len(g.Regions), len(g.Clusters))
	}
	yunnan := 0
	for _, u := range g.UncoveredUnits {
		if u.ProvinceCode == "530000" {
			yunnan++
		}
		if (u.Code == "532300" || u.Code == "530700") && (u.DistanceKM == nil || *u.DistanceKM != 0 || u.NearestPilotCode != "510400") {
			t.Errorf("%s %s should be 0 km from 攀枝花市 510400: %v %s", u.Code, u.Name, u.DistanceKM, u.NearestPilotCode)
		}
	}
	if yunnan != 16 {
		t.Errorf("云南 has %d uncovered units, want all 16", yunnan)
	}
	code, out, errs := runCmd(t, map[string]string{"PILOTMAP_DB": db}, "gaps", "--top", "3")
	for _, want := range []string{"largest gap clusters", "50 km or more from every pilot", "云南省 530000", "3 of 11", "河北省", "inequality: region spread", "Gini"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("summary (exit %d, %s) lacks %q:\n%s", code, errs, want, out)
		}
	}
	if code, _, errs := runCmd(t, nil, "gaps", "--top", "0", "--db", db); code != 2 || !strings.Contains(errs, "--top") {
		t.Errorf("--top 0: exit %d %q", code, errs)
	}
}

// After importing a batch with 昆明市 the gaps follow: 昆明 is covered, the
// national cluster of 曲靖 (50 km or more from every pilot before) is gone
// or smaller, 曲靖 is in none, and 云南 has a unit.
func TestGapsAfterImport(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "pm.db")
	before := runGapsJSON(t, db)
	old := before.clusterOf("530300")
	if old == nil {
		t.Fatal("曲靖市 530300 is in no cluster before the import")
	}
	third := filepath.Join(dir, "third.txt")
	os.WriteFile(third, []byte("关于开展创建幸福家庭活动的通知\n第三批试点单位名单(1个)\n1. 云南省:昆明市\n"), 0o644)
	if code, out, errs := runCmd(t, nil, "import", "--db", db, third); code != 0 {
		t.Fatalf("import: exit %d %q %q", code, out, errs)
	}
	after := runGapsJSON(t, db)
	if after.clusterOf("530100") != nil || len(after.UncoveredUnits) != len(before.UncoveredUnits)-1 {
		t.Errorf("昆明 still in a cluster, or uncovered %d → %d", len(before.UncoveredUnits), len(after.UncoveredUnits))
	}
	for _, c := range after.Clusters {
		if reflect.DeepEqual(c.Units, old) {
			t.Errorf("the cluster that held 曲靖 (%d units) is unchanged", len(old))
		}
	}
	if len(after.ProvincesWithoutUnits) != 0 {
		t.Errorf("provinces without units after the import: %v", after.ProvincesWithoutUnits)
	}
	if n := after.clusterOf("530300"); n != nil {
		t.Errorf("曲靖 borders the new pilot and is still in a cluster of %d units", len(n))
	}
}
