package coverage

import (
	"math"
	"testing"

	"github.com/paulmach/orb"

	"pilotmap/internal/boundary"
	"pilotmap/internal/gazetteer"
)

// A tiny country: 北京 with three districts, 河北 with two prefectures and a
// county under one, 台湾 outside the program.
func fixture(t *testing.T) (*gazetteer.Gazetteer, *boundary.Layer) {
	t.Helper()
	divs := []gazetteer.Division{
		{Code: "110000", Name: "北京市", Level: gazetteer.Province},
		{Code: "110101", Name: "东城区", Level: gazetteer.County, ParentCode: "110000"},
		{Code: "110102", Name: "西城区", Level: gazetteer.County, ParentCode: "110000"},
		{Code: "110105", Name: "朝阳区", Level: gazetteer.County, ParentCode: "110000"},
		{Code: "130000", Name: "河北省", Level: gazetteer.Province},
		{Code: "130100", Name: "石家庄市", Level: gazetteer.Prefecture, ParentCode: "130000"},
		{Code: "130123", Name: "正定县", Level: gazetteer.County, ParentCode: "130100"},
		{Code: "130200", Name: "唐山市", Level: gazetteer.Prefecture, ParentCode: "130000"},
		{Code: "710000", Name: "台湾省", Level: gazetteer.Province},
	}
	gz, err := gazetteer.New(divs, nil)
	if err != nil {
		t.Fatal(err)
	}
	sq := func(code string, x float64) boundary.Feature {
		g := orb.MultiPolygon{{{{x, 0}, {x + 1, 0}, {x + 1, 1}, {x, 1}, {x, 0}}}}
		return boundary.Feature{Code: code, Geometry: g, AreaKM2: boundary.AreaKM2(g)}
	}
	l, err := boundary.NewLayer("units", []boundary.Feature{sq("110101", 0), sq("110102", 1), sq("110105", 2), sq("130100", 3), sq("130200", 4)})
	if err != nil {
		t.Fatal(err)
	}
	return gz, l
}

func TestCompute(t *testing.T) {
	gz, l := fixture(t)
	st := Compute(Input{
		Gazetteer: gz, Units: l,
		Pilots: []Pilot{
			{Code: "110101", ComparableCode: "110101", ProvinceCode: "110000"},
			{Code: "130123", ComparableCode: "130100", ProvinceCode: "130000"}, // a county counts under its prefecture
			{Code: "130100", ComparableCode: "130100", ProvinceCode: "130000"}, // the same comparable unit again
		},
		PilotProvinces: []string{"110000"},
	})
	cell := boundary.AreaKM2(orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}}})
	n := st.National
	if n.Units != 3 || n.ProvincesWithUnits != 2 || n.PilotProvinces != 1 || n.ComparableUnits != 5 || n.CoveredUnits != 2 {
		t.Errorf("national = %+v", n)
	}
	if math.Abs(n.Coverage-0.4) > 1e-9 || math.Abs(n.CoveredAreaKM2-2*cell) > 1e-6 || math.Abs(n.AreaKM2-5*cell) > 1e-6 {
		t.Errorf("national coverage/areas = %+v (cell %.1f)", n, cell)
	}
	if len(st.Provinces) != 2 {
		t.Fatalf("provinces = %d, want 2 (台湾 is outside the program)", len(st.Provinces))
	}
	bj, hb := st.Provinces[0], st.Provinces[1]
	if bj.Code != "110000" || bj.CoveredUnits != 1 || bj.ComparableUnits != 3 || !bj.PilotProvince || bj.Region != "east" {
		t.Errorf("北京 = %+v", bj)
	}
	if hb.Units != 2 || hb.CoveredUnits != 1 || hb.ComparableUnits != 2 || hb.Coverage != 0.5 || hb.PilotProvince {
		t.Errorf("河北 = %+v", hb)
	}
	east := st.Regions[0]
	if east.Key != "east" || east.Units != 3 || len(east.Provinces) != 2 || east.CoveredUnits != 2 {
		t.Errorf("east = %+v", east)
	}
	if st.Regions[2].ComparableUnits != 0 || st.Regions[2].Coverage != 0 {
		t.Errorf("west (empty) = %+v", st.Regions[2])
	}
}

func TestRegions(t *testing.T) {
	count := map[string]int{}
	for _, code := range []string{"110000", "120000", "130000", "140000", "150000", "210000", "220000", "230000", "310000", "320000", "330000", "340000", "350000", "360000", "370000", "410000", "420000", "430000", "440000", "450000", "460000", "500000", "510000", "520000", "530000", "540000", "610000", "620000", "630000", "640000", "650000"} {
		count[RegionOf(code)]++
	}
	if count["east"] != 10 || count["central"] != 6 || count["west"] != 12 || count["northeast"] != 3 || count[""] != 0 {
		t.Errorf("regions of the 31 mainland provinces = %v", count)
	}
	for _, c := range []string{"710000", "810000", "820000"} {
		if InProgram(c) {
			t.Errorf("%s should be outside the program", c)
		}
	}
}
