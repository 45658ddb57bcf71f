package geodata_test

import (
	"encoding/json"
	"io/fs"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"pilotmap/geodata"
	"pilotmap/internal/boundary"
	"pilotmap/internal/gazetteer"
)

type provenance struct {
	Missing []struct{ Code, Name, Reason string } `json:"missing"`
}

// TestGeodata loads the embedded data once and checks it in subtests.
func TestGeodata(t *testing.T) {
	gz, err := gazetteer.Load(geodata.FS())
	if err != nil {
		t.Fatal(err)
	}
	set, err := boundary.Load(geodata.FS())
	if err != nil {
		t.Fatal(err)
	}
	for name, check := range map[string]func(*testing.T, *gazetteer.Gazetteer, *boundary.Set){
		"GazetteerCounts":                       testGazetteerCounts,
		"EveryComparableUnitHasPolygonOrReason": testEveryComparableUnitHasPolygonOrReason,
		"FeaturesCarryOfficialNames":            testFeaturesCarryOfficialNames,
		"GeometryValid":                         testGeometryValid,
		"UnitsWithinProvinces":                  testUnitsWithinProvinces,
		"ProvinceAreas":                         testProvinceAreas,
		"NanhaiIslands":                         testNanhaiIslands,
		"LabelPointsInside":                     testLabelPointsInside,
	} {
		t.Run(name, func(t *testing.T) { check(t, gz, set) })
	}
}

func testGazetteerCounts(t *testing.T, gz *gazetteer.Gazetteer, set *boundary.Set) {
	if n := len(gz.Provinces()); n != 34 {
		t.Errorf("provinces = %d, want 34 (31 mainland + 台湾, 香港, 澳门)", n)
	}
	var mainland int
	for _, d := range gz.ComparableUnits("") {
		if !strings.HasPrefix(d.Code, "71") && !strings.HasPrefix(d.Code, "81") && !strings.HasPrefix(d.Code, "82") {
			mainland++
		}
	}
	if mainland != 451 {
		t.Errorf("mainland comparable units = %d, want 451", mainland)
	}
	for code, want := range map[string]int{"110000": 16, "460000": 19, "420000": 17, "650000": 26, "500000": 38} {
		if got := len(gz.ComparableUnits(code)); got != want {
			t.Errorf("comparable units of %s = %d, want %d", code, got, want)
		}
	}
	for code, name := range map[string]string{"222400": "延边朝鲜族自治州", "630200": "海东市", "650500": "哈密市", "460400": "儋州市", "469026": "昌江黎族自治县", "652800": "巴音郭楞蒙古自治州"} {
		d, ok := gz.Division(code)
		if !ok || d.Name != name {
			t.Errorf("division %s = %+v, want %s", code, d, name)
		}
	}
	if c, ok := gz.ComparableOf("130121"); !ok || c.Code != "130100" {
		t.Errorf("井陉县 130121 counts under %+v, want 石家庄市 130100", c)
	}
}

// Every comparable unit of the gazetteer has exactly one polygon or is
// listed as missing, with a reason, in provenance.json and README.md.
func testEveryComparableUnitHasPolygonOrReason(t *testing.T, gz *gazetteer.Gazetteer, set *boundary.Set) {
	data, err := fs.ReadFile(geodata.FS(), "provenance.json")
	if err != nil {
		t.Fatal(err)
	}
	var prov provenance
	if err := json.Unmarshal(data, &prov); err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	missing := map[string]bool{}
	for _, m := range prov.Missing {
		missing[m.Code] = true
		if m.Reason == "" {
			t.Errorf("missing unit %s has no reason", m.Code)
		}
		if !strings.Contains(string(readme), m.Code) {
			t.Errorf("geodata/README.md does not account for missing unit %s %s", m.Code, m.Name)
		}
	}
	comparable := map[string]bool{}
	for _, d := range gz.ComparableUnits("") {
		if d.ProvinceCode() == "710000" || d.ProvinceCode() == "810000" || d.ProvinceCode() == "820000" {
			continue
		}
		comparable[d.Code] = true
		_, has := set.Units.Feature(d.Code)
		if has == missing[d.Code] {
			t.Errorf("unit %s %s: polygon %v, listed missing %v", d.Code, d.Name, has, missing[d.Code])
		}
	}
	for _, f := range set.Units.Features {
		if !comparable[f.Code] {
			t.Errorf("units layer has %s %s, which is not a mainland comparable unit", f.Code, f.Name)
		}
	}
	if n := len(set.Units.Features); n < 440 {
		t.Errorf("units with polygons = %d, want ≥ 440", n)
	}
	if n := len(set.Provinces.Features); n != 34 {
		t.Errorf("provinces layer = %d features, want 34", n)
	}
}

func testFeaturesCarryOfficialNames(t *testing.T, gz *gazetteer.Gazetteer, set *boundary.Set) {
	for _, l := range []*boundary.Layer{set.Provinces, set.Units, set.Nanhai} {
		for _, f := range l.Features {
			d, ok := gz.Division(f.Code)
			if !ok {
				t.Errorf("%s: %s is not in the gazetteer", l.Name, f.Code)
				continue
			}
			if d.Name != f.Name || string(d.Level) != f.Level || d.ProvinceCode() != f.ProvinceCode {
				t.Errorf("%s: feature %s %s %s %s disagrees with gazetteer %+v", l.Name, f.Code, f.Name, f.Level, f.ProvinceCode, d)
			}
		}
	}
}

// RFC 7946: closed rings of at least four positions, outer rings
// counter-clockwise, holes clockwise, lon/lat within China's extent.
func testGeometryValid(t *testing.T, gz *gazetteer.Gazetteer, set *boundary.Set) {
	china := orb.Bound{Min: orb.Point{73, 3}, Max: orb.Point{136, 54}}
	for _, l := range []*boundary.Layer{set.Provinces, set.Units, set.Nanhai} {
		for _, f := range l.Features {
			if len(f.Geometry) == 0 {
				t.Errorf("%s %s: no polygon", l.Name, f.Code)
			}
			for _, p := range f.Geometry {
				for i, r := range p {
					if len(r) < 4 || !r.Closed() {
						t.Errorf("%s %s: ring %d not closed or too short (%d points)", l.Name, f.Code, i, len(r))
					}
					want := orb.CCW
					if i > 0 {
						want = orb.CW
					}
					if r.Orientation() != want {
						t.Errorf("%s %s: ring %d winds %v, want %v", l.Name, f.Code, i, r.Orientation(), want)
					}
					for _, pt := range r {
						if !china.Contains(pt) {
							t.Errorf("%s %s: point %v outside China's extent", l.Name, f.Code, pt)
							break
						}
					}
				}
			}
		}
	}
}

// The mainland provinces are dissolved from their units (geodata/README.md),
// so this checks the dissolve: it must keep every unit inside its province
// (nearly all vertices inside or within 0.05° of it, the difference being
// the slivers it drops) and lose no area (the units add up to the province).
// The independent check of the geometry is crosscheck_test.go.
func testUnitsWithinProvinces(t *testing.T, gz *gazetteer.Gazetteer, set *boundary.Set) {
	sum := map[string]float64{}
	for _, u := range set.Units.Features {
		sum[u.ProvinceCode] += u.AreaKM2
		p, ok := set.Provinces.Feature(u.ProvinceCode)
		if !ok {
			t.Errorf("unit %s: no province %s", u.Code, u.ProvinceCode)
			continue
		}
		var n, off int
		for _, poly := range u.Geometry {
			step := max(1, len(poly[0])/20) // a sample of each outer ring keeps the test fast
			for i := 0; i < len(poly[0]); i += step {
				pt := poly[0][i]
				n++
				if !planar.MultiPolygonContains(p.Geometry, pt) && planar.DistanceFrom(p.Geometry, pt) > 0.05 {
					off++
				}
			}
		}
		if float64(off) > 0.02*float64(n) {
			t.Errorf("unit %s %s: %d of %d vertices lie more than 0.05° outside %s", u.Code, u.Name, off, n, p.Name)
		}
	}
	for _, p := range set.Provinces.Features {
		if p.Code == "710000" || p.Code == "810000" || p.Code == "820000" {
			continue
		}
		s := sum[p.Code]
		if p.Code == "460000" {
			continue // 三沙's islands are in the units layer but not in china.json's 海南
		}
		if math.Abs(s-p.AreaKM2)/p.AreaKM2 > 0.03 {
			t.Errorf("province %s %s: units add up to %.0f km², province polygon %.0f km²", p.Code, p.Name, s, p.AreaKM2)
		}
	}
}

// Areas computed with orb/geo agree with published figures.
func testProvinceAreas(t *testing.T, gz *gazetteer.Gazetteer, set *boundary.Set) {
	var mainland float64
	for _, p := range set.Provinces.Features {
		if p.Code != "710000" && p.Code != "810000" && p.Code != "820000" {
			mainland += p.AreaKM2
		}
	}
	// China's land area is about 9.6 million km²; the mainland's 31
	// provinces hold all of it but 台湾 (36,000), 香港 (1,100) and 澳门 (33).
	if want := 9.6e6 - 37e3; math.Abs(mainland-want)/want > 0.04 {
		t.Errorf("mainland provinces add up to %.0f km², want about %.0f", mainland, want)
	}
	published := map[string]float64{ // 国家统计局 / provincial yearbooks, km²
		"110000": 16410, "650000": 1664900, "540000": 1228400, "370000": 157900, "150000": 1183000, "510000": 486000, "230000": 473000,
	}
	for code, want := range published {
		p, _ := set.Provinces.Feature(code)
		if math.Abs(p.AreaKM2-want)/want > 0.06 {
			t.Errorf("%s %s: area %.0f km², published %.0f", code, p.Name, p.AreaKM2, want)
		}
	}
}

func testNanhaiIslands(t *testing.T, gz *gazetteer.Gazetteer, set *boundary.Set) {
	f, ok := set.Nanhai.Feature("460300")
	if !ok {
		t.Fatal("nanhai layer has no 三沙市 460300")
	}
	b := f.Geometry.Bound()
	if b.Min[1] > 5 || b.Max[1] < 16 || b.Min[0] > 110 || b.Max[0] < 116 {
		t.Errorf("South China Sea islands bound %v does not reach from the Paracels to the Spratlys", b)
	}
	if len(f.Geometry) < 50 {
		t.Errorf("only %d island polygons", len(f.Geometry))
	}
}

func testLabelPointsInside(t *testing.T, gz *gazetteer.Gazetteer, set *boundary.Set) {
	for _, l := range []*boundary.Layer{set.Provinces, set.Units} {
		for _, f := range l.Features {
			if !planar.MultiPolygonContains(f.Geometry, f.Label) {
				t.Errorf("%s %s %s: label point %v outside", l.Name, f.Code, f.Name, f.Label)
			}
		}
	}
}

func TestVersionStable(t *testing.T) {
	a, err := geodata.Version()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := geodata.Version()
	if a != b || len(a) != 16 {
		t.Errorf("Version() = %q then %q", a, b)
	}
}

// TestHistoryMatchesProvenance reads history.csv and checks it against the
// generator's report in provenance.json (rows by kind), and that every row
// leads to a division of today within its province, at or below the
// prefecture level.
func TestHistoryMatchesProvenance(t *testing.T) {
	f, err := geodata.FS().Open("history.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := gazetteer.ReadHistoryCSV(f)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := fs.ReadFile(geodata.FS(), "provenance.json")
	if err != nil {
		t.Fatal(err)
	}
	var prov struct {
		History struct {
			Rows  int                         `json:"rows"`
			Kinds map[gazetteer.AliasKind]int `json:"kinds"`
		} `json:"history"`
	}
	if err := json.Unmarshal(raw, &prov); err != nil {
		t.Fatal(err)
	}
	kinds := map[gazetteer.AliasKind]int{}
	gz, err := gazetteer.Load(geodata.FS())
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range rows {
		kinds[a.Kind]++
		d, ok := gz.Division(a.Code)
		if !ok || d.ProvinceCode() != a.ProvinceCode || d.Level == gazetteer.Province {
			t.Errorf("history row %s %s → %s: not a division of province %s today", a.Written, a.OldCode, a.Code, a.ProvinceCode)
		}
		if a.ListedUntil == 0 || a.ListedUntil > a.Year || !strings.Contains(a.Source, "GB/T 2260") {
			t.Errorf("history row %s: listed until %d, year %d, source %q", a.Written, a.ListedUntil, a.Year, a.Source)
		}
	}
	if len(rows) != prov.History.Rows || len(kinds) != len(prov.History.Kinds) {
		t.Errorf("history.csv has %d rows %v, provenance.json says %d %v", len(rows), kinds, prov.History.Rows, prov.History.Kinds)
	}
	for k, n := range prov.History.Kinds {
		if kinds[k] != n {
			t.Errorf("history.csv has %d %s rows, provenance.json says %d", kinds[k], k, n)
		}
	}
}

// TestEnglishNames checks that every division has an English name and that
// no two divisions of one province share one (the search by pinyin tells
// them apart by it).
func TestEnglishNames(t *testing.T) {
	g, err := gazetteer.Load(geodata.FS())
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	for _, d := range g.Divisions() {
		if d.NameEN == "" || strings.ContainsFunc(d.NameEN, func(r rune) bool { return r > 0x2e80 }) {
			t.Errorf("%s %s: English name %q", d.Code, d.Name, d.NameEN)
		}
		key := d.ProvinceCode() + "\x00" + d.NameEN
		if other, ok := seen[key]; ok && d.Level != gazetteer.County {
			t.Errorf("%s %s and %s share the English name %q", d.Code, d.Name, other, d.NameEN)
		}
		seen[key] = d.Code
	}
	for code, want := range map[string]string{"510000": "Sichuan", "630200": "Haidong City", "500000": "Chongqing", "430100": "Changsha City", "350200": "Xiamen City", "341500": "Lu'an City", "340300": "Bengbu City", "440113": "Panyu District", "140400": "Changzhi City"} {
		if d, _ := g.Division(code); d.NameEN != want {
			t.Errorf("%s %s: English name %q, want %q", code, d.Name, d.NameEN, want)
		}
	}
}
