package gaps_test

import (
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/paulmach/orb/geo"

	"pilotmap/geodata"
	"pilotmap/internal/boundary"
	"pilotmap/internal/coverage"
	"pilotmap/internal/gaps"
	"pilotmap/internal/gazetteer"
	"pilotmap/internal/importer"
)

// national is the default data: the embedded boundaries and gazetteer and
// the pilots of the 2013 notice.
type national struct {
	units *boundary.Layer
	gz    *gazetteer.Gazetteer
	input gaps.Input
}

func loadNational(tb testing.TB) national {
	tb.Helper()
	set, err := boundary.Load(geodata.FS())
	if err != nil {
		tb.Fatal(err)
	}
	gz, err := gazetteer.Load(geodata.FS())
	if err != nil {
		tb.Fatal(err)
	}
	raw, err := os.ReadFile("../../geodata/notices/guoweijiating-2013-5.txt")
	if err != nil {
		tb.Fatal(err)
	}
	res, err := importer.MatchText(gz, raw)
	if err != nil {
		tb.Fatal(err)
	}
	in := gaps.Input{Gazetteer: gz}
	for _, u := range res.Units {
		in.Pilots = append(in.Pilots, coverage.Pilot{Code: u.Code, ComparableCode: u.ComparableCode, ProvinceCode: u.ProvinceCode})
	}
	for _, p := range res.PilotProvinces {
		in.PilotProvinces = append(in.PilotProvinces, p.Code)
	}
	if len(in.Pilots) != 108 || len(in.PilotProvinces) != 12 {
		tb.Fatalf("default notice: %d pilots, %d pilot provinces", len(in.Pilots), len(in.PilotProvinces))
	}
	return national{units: set.Units, gz: gz, input: in}
}

// Assertions that hold by geography on the national data.
func TestNationalData(t *testing.T) {
	nd := loadNational(t)
	x, err := gaps.NewIndex(nd.units, gaps.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	rep, err := x.Analyze(nd.input)
	if err != nil {
		t.Fatal(err)
	}
	checkClusters(t, rep)
	units := byCode(rep)

	t.Run("clusters far from every pilot", func(t *testing.T) {
		in := nd.input
		in.FarKM = gaps.NationalFarKM
		far, err := x.Analyze(in)
		if err != nil {
			t.Fatal(err)
		}
		checkClusters(t, far)
		n := 0
		for _, u := range far.UncoveredUnits {
			if u.DistanceKM != nil && *u.DistanceKM >= far.FarKM {
				n++
			}
		}
		in1 := 0
		for _, c := range far.Clusters {
			in1 += len(c.Units)
			if c.MaxDistanceKM < far.FarKM {
				t.Errorf("cluster %d: farthest unit %.1f km, under %v km", c.ID, c.MaxDistanceKM, far.FarKM)
			}
		}
		t.Logf("%d units at %v km or more from every pilot, in %d clusters; #1 %s: %d units, %d provinces, %.0f km², farthest %.0f km",
			n, far.FarKM, len(far.Clusters), far.Clusters[0].Name, len(far.Clusters[0].Units), len(far.Clusters[0].ProvinceCodes), far.Clusters[0].AreaKM2, far.Clusters[0].MaxDistanceKM)
		if in1 != n || len(far.Clusters) < 5 || len(far.Clusters[0].ProvinceCodes) > 3 {
			t.Errorf("%d far units, %d in %d clusters, the largest reaching %d provinces: want every far unit in a cluster and clusters of a region, not the country", n, in1, len(far.Clusters), len(far.Clusters[0].ProvinceCodes))
		}
		// The province clusters do not depend on FarKM.
		units := func(r gaps.Report) (s []string) {
			for _, p := range r.ProvinceClusters {
				for _, c := range p.Clusters {
					s = append(s, fmt.Sprint(c.Units))
				}
			}
			return s
		}
		if fmt.Sprint(units(far)) != fmt.Sprint(units(rep)) {
			t.Error("province clusters change with FarKM")
		}
	})
	t.Run("neighbours of 攀枝花", func(t *testing.T) {
		for _, c := range []string{"532300", "530700"} { // 楚雄州, 丽江市
			if !x.Adjacent(c, "510400") {
				t.Errorf("%s is not a neighbour of 攀枝花市 510400: %v", c, x.Neighbours(c))
			}
			if u := units[c]; u.DistanceKM == nil || *u.DistanceKM != 0 || u.NearestPilotCode != "510400" ||
				u.NearestPilotName != "攀枝花市" || u.NearestPilotNameEN != "Panzhihua City" {
				t.Errorf("%s: %v km to %s %s %s, want 0 km to 510400 攀枝花市 Panzhihua City", c, u.DistanceKM, u.NearestPilotCode, u.NearestPilotName, u.NearestPilotNameEN)
			}
		}
	})
	t.Run("graph", func(t *testing.T) {
		// Neighbours across province borders (通州–廊坊, 凉山–曲靖), within
		// them, and a 兵团 city inside its prefecture (昆玉–和田); urban
		// districts facing each other across a river are not; 三沙市 has
		// no neighbour, 西双版纳 only 普洱.
		for _, e := range [][2]string{{"110112", "131000"}, {"610100", "610400"}, {"540100", "540600"}, {"513400", "530300"}, {"659009", "653200"}} {
			if !x.Adjacent(e[0], e[1]) {
				t.Errorf("%s and %s should be neighbours", e[0], e[1])
			}
		}
		for _, e := range [][2]string{{"110101", "110108"}, {"310101", "310107"}, {"500105", "500107"}, {"460200", "469001"}} {
			if x.Adjacent(e[0], e[1]) {
				t.Errorf("%s and %s should not be neighbours", e[0], e[1])
			}
		}
		if n := x.Neighbours("460300"); len(n) != 0 {
			t.Errorf("三沙市 has neighbours %v", n)
		}
		if n := x.Neighbours("532800"); len(n) != 1 || n[0].Code != "530800" {
			t.Errorf("西双版纳 neighbours = %v, want only 普洱 530800", n)
		}
		if e := len(x.Edges()); e < 1100 || e > 1300 {
			t.Errorf("%d edges for 448 units", e)
		}
	})
	t.Run("distance against brute force", func(t *testing.T) {
		// The closest pair of vertices bounds the distance from above and,
		// with segments of a few km, lies within a few hundred metres of it.
		for _, pair := range [][2]string{{"532800", "510400"}, {"659009", "652800"}, {"460300", "469005"}} {
			a, _ := nd.units.Feature(pair[0])
			b, _ := nd.units.Feature(pair[1])
			brute := math.Inf(1)
			for _, p := range a.Geometry {
				for _, q := range b.Geometry {
					for _, p := range p[0] {
						for _, q := range q[0] {
							brute = min(brute, geo.DistanceHaversine(p, q)/1000)
						}
					}
				}
			}
			got, _ := x.DistanceKM(pair[0], pair[1])
			if got > brute+1e-6 || got < brute*0.99 {
				t.Errorf("%s–%s: %.3f km, closest vertices %.3f km", pair[0], pair[1], got, brute)
			}
			if u := units[pair[0]]; u.NearestPilotCode != pair[1] || !near(*u.DistanceKM, got, 0.01) {
				t.Errorf("%s: nearest pilot %s at %v km, want %s at %.2f", pair[0], u.NearestPilotCode, *u.DistanceKM, pair[1], got)
			}
		}
	})
	t.Run("云南 and 西藏", func(t *testing.T) {
		for _, c := range nd.gz.ComparableUnits("530000") {
			if _, ok := units[c.Code]; !ok {
				t.Errorf("云南's %s %s is covered", c.Code, c.Name)
			}
		}
		for _, c := range nd.gz.ComparableUnits("540000") {
			if _, ok := units[c.Code]; ok == (c.Code == "540100") {
				t.Errorf("西藏's %s %s: uncovered = %v", c.Code, c.Name, ok)
			}
		}
		if fmt.Sprint(rep.ProvincesWithoutUnits) != "[530000]" {
			t.Errorf("provinces without units = %v, want [530000]", rep.ProvincesWithoutUnits)
		}
	})
	t.Run("北京 and 河北", func(t *testing.T) {
		bj := 0
		for _, u := range rep.UncoveredUnits {
			if u.ProvinceCode == "110000" {
				bj++
				if !u.PilotProvince {
					t.Errorf("%s is in a full-promotion province", u.Code)
				}
			}
		}
		if bj != 12 {
			t.Errorf("北京 has %d uncovered districts, want 12", bj)
		}
		var hebei *gaps.PilotProvince
		for i, p := range rep.PilotProvinces {
			if p.Code == "130000" {
				hebei = &rep.PilotProvinces[i]
			}
		}
		if len(rep.PilotProvinces) != 12 || hebei == nil || hebei.Covered != 3 || hebei.Comparable != 11 || !near(hebei.UncoveredShare, 8.0/11, 1e-12) {
			t.Errorf("pilot provinces = %+v", rep.PilotProvinces)
		}
	})
	t.Run("units without polygon", func(t *testing.T) {
		for _, c := range []string{"659010", "659011", "659012"} {
			if u, ok := units[c]; !ok || u.HasPolygon || u.DistanceKM != nil || u.Cluster != 0 {
				t.Errorf("%s = %+v", c, u)
			}
		}
	})
	t.Run("figures", func(t *testing.T) {
		withPolygon, total := 0, 0
		for _, c := range rep.Clusters {
			total += len(c.Units)
		}
		for _, u := range rep.UncoveredUnits {
			if u.HasPolygon {
				withPolygon++
				if u.DistanceKM == nil || *u.DistanceKM < 0 || *u.DistanceKM > 1000 {
					t.Errorf("%s: distance %v", u.Code, u.DistanceKM)
				}
			}
		}
		covered := map[string]bool{}
		for _, p := range nd.input.Pilots {
			covered[p.ComparableCode] = true
		}
		if len(rep.UncoveredUnits) != 451-len(covered) || withPolygon != len(rep.UncoveredUnits)-3 || total != withPolygon {
			t.Errorf("%d uncovered (%d with polygon, %d in clusters), %d comparable units covered", len(rep.UncoveredUnits), withPolygon, total, len(covered))
		}
		if len(rep.Regions) != 4 || rep.Inequality.Provinces != 31 || rep.Inequality.RegionSpread <= 0 || rep.Inequality.ProvinceGini <= 0 || rep.Inequality.ProvinceGini >= 1 {
			t.Errorf("regions %d, inequality %+v", len(rep.Regions), rep.Inequality)
		}
		if !strings.Contains(rep.Inequality.Summary, "West") {
			t.Errorf("summary %q should name the least covered region, West", rep.Inequality.Summary)
		}
	})
}
