package gaps_test

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"pilotmap/internal/boundary"
	"pilotmap/internal/coverage"
	"pilotmap/internal/gaps"
	"pilotmap/internal/gazetteer"
)

// square is the unit cell [x, x+size] × [y, y+size], counter-clockwise.
func square(x, y, size float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{x, y}, {x + size, y}, {x + size, y + size}, {x, y + size}, {x, y}}}}
}

// world is a synthetic country: provinces with comparable units (districts
// of municipalities, so that their parent is the province) and polygons.
type world struct {
	divs  []gazetteer.Division
	feats []boundary.Feature
}

func (w *world) province(code string) {
	w.divs = append(w.divs, gazetteer.Division{Code: code, Name: "省" + code, Level: gazetteer.Province})
}

// unit adds a comparable unit; a nil geometry leaves it without polygon.
func (w *world) unit(code string, g orb.MultiPolygon) {
	prov := code[:2] + "0000"
	w.divs = append(w.divs, gazetteer.Division{Code: code, Name: "单位" + code, Level: gazetteer.County, ParentCode: prov})
	if g != nil {
		w.feats = append(w.feats, boundary.Feature{Code: code, Name: "单位" + code, ProvinceCode: prov, Geometry: g, AreaKM2: boundary.AreaKM2(g), Label: boundary.LabelPoint(g)})
	}
}

func (w *world) build(t testing.TB, opt gaps.Options) (*gaps.Index, *gazetteer.Gazetteer) {
	t.Helper()
	g, err := gazetteer.New(w.divs, nil)
	if err != nil {
		t.Fatal(err)
	}
	l, err := boundary.NewLayer("units", w.feats)
	if err != nil {
		t.Fatal(err)
	}
	x, err := gaps.NewIndex(l, opt)
	if err != nil {
		t.Fatal(err)
	}
	return x, g
}

func pilots(codes ...string) []coverage.Pilot {
	var out []coverage.Pilot
	for _, c := range codes {
		out = append(out, coverage.Pilot{Code: c, ComparableCode: c, ProvinceCode: c[:2] + "0000"})
	}
	return out
}

func analyze(t *testing.T, x *gaps.Index, g *gazetteer.Gazetteer, pilotProvinces []string, ps ...string) gaps.Report {
	t.Helper()
	rep, err := x.Analyze(gaps.Input{Gazetteer: g, Pilots: pilots(ps...), PilotProvinces: pilotProvinces})
	if err != nil {
		t.Fatal(err)
	}
	checkClusters(t, rep)
	return rep
}

// checkClusters asserts the invariants of every report: the clusters are
// disjoint, hold exactly the uncovered units with polygon, and agree with
// the units' cluster ids; ids are ranks by area.
func checkClusters(t *testing.T, rep gaps.Report) {
	t.Helper()
	in := map[string]int{}
	for i, c := range rep.Clusters {
		if c.ID != i+1 {
			t.Errorf("cluster %d has id %d", i+1, c.ID)
		}
		if i > 0 && c.AreaKM2 > rep.Clusters[i-1].AreaKM2 {
			t.Errorf("cluster %d (%.1f km²) is larger than cluster %d (%.1f km²)", c.ID, c.AreaKM2, i, rep.Clusters[i-1].AreaKM2)
		}
		for _, u := range c.Units {
			if prev, dup := in[u]; dup {
				t.Errorf("unit %s in clusters %d and %d", u, prev, c.ID)
			}
			in[u] = c.ID
		}
	}
	for _, u := range rep.UncoveredUnits {
		far := u.HasPolygon && (u.DistanceKM == nil || *u.DistanceKM >= rep.FarKM)
		if far != (in[u.Code] != 0) || u.Cluster != in[u.Code] {
			t.Errorf("unit %s (polygon %v) has cluster %d, clusters hold it in %d", u.Code, u.HasPolygon, u.Cluster, in[u.Code])
		}
		delete(in, u.Code)
	}
	if len(in) > 0 {
		t.Errorf("clusters hold units that are not uncovered: %v", in)
	}
}

func byCode(rep gaps.Report) map[string]gaps.UncoveredUnit {
	m := map[string]gaps.UncoveredUnit{}
	for _, u := range rep.UncoveredUnits {
		m[u.Code] = u
	}
	return m
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// A 3×3 grid of 1° squares with the pilot in the centre: the four edge
// neighbours share a border with it, the four corners only touch it at a
// point. Distance is geometric, so all eight are at 0 km; adjacency needs a
// shared border, so the corners are not the pilot's neighbours but are
// each other's through the edge squares, and the eight form one ring.
func TestGridWithPilotInCentre(t *testing.T) {
	var w world
	w.province("110000")
	code := func(r, c int) string { return fmt.Sprintf("1101%d%d", r, c) }
	for r := 0; r < 3; r++ {
		for c := 0; c < 3; c++ {
			w.unit(code(r, c), square(100+float64(c), 30+float64(r), 1))
		}
	}
	x, g := w.build(t, gaps.DefaultOptions())
	centre := code(1, 1)
	if got := len(x.Edges()); got != 12 {
		t.Errorf("edges = %d, want the 12 of a 3×3 grid: %v", got, x.Edges())
	}
	var ns []string
	for _, n := range x.Neighbours(centre) {
		ns = append(ns, n.Code)
		if !near(n.SharedKM, geo.DistanceHaversine(orb.Point{100, 31}, orb.Point{100, 32})/1000, 3) && !near(n.SharedKM, geo.DistanceHaversine(orb.Point{101, 31}, orb.Point{102, 31})/1000, 3) {
			t.Errorf("shared border with %s = %.1f km, want about a side", n.Code, n.SharedKM)
		}
	}
	if want := []string{code(0, 1), code(1, 0), code(1, 2), code(2, 1)}; !reflect.DeepEqual(ns, want) {
		t.Errorf("neighbours of the centre = %v, want the edge squares %v", ns, want)
	}
	if x.Adjacent(centre, code(0, 0)) {
		t.Error("a corner touching the centre at a point is a neighbour")
	}
	rep := analyze(t, x, g, nil, centre)
	if len(rep.UncoveredUnits) != 8 {
		t.Fatalf("uncovered = %d, want 8", len(rep.UncoveredUnits))
	}
	for _, u := range rep.UncoveredUnits {
		if u.DistanceKM == nil || *u.DistanceKM != 0 || u.NearestPilotCode != centre {
			t.Errorf("%s: distance %v to %q, want 0 km to the centre", u.Code, u.DistanceKM, u.NearestPilotCode)
		}
	}
	if len(rep.Clusters) != 1 || len(rep.Clusters[0].Units) != 8 || rep.Clusters[0].MaxDistanceKM != 0 {
		t.Fatalf("clusters = %+v, want the ring of 8", rep.Clusters)
	}
	var area float64
	for _, u := range rep.UncoveredUnits {
		area += u.AreaKM2
	}
	if c := rep.Clusters[0]; !near(c.AreaKM2, area, 0.5) || !reflect.DeepEqual(c.ProvinceCodes, []string{"110000"}) {
		t.Errorf("ring cluster = %+v, want area %.1f in 110000", c, area)
	}
	// Without the centre's pilot the whole grid is one cluster of 9.
	rep = analyze(t, x, g, nil)
	if len(rep.Clusters) != 1 || len(rep.Clusters[0].Units) != 9 || rep.UncoveredUnits[0].DistanceKM != nil {
		t.Errorf("no pilot: clusters %+v, first unit %+v", rep.Clusters, rep.UncoveredUnits[0])
	}
}

// Two squares touching only at a corner are not neighbours, yet 0 km apart.
func TestPointContactIsNotAdjacency(t *testing.T) {
	var w world
	w.province("110000")
	w.unit("110101", square(100, 30, 1))
	w.unit("110102", square(101, 31, 1))
	x, g := w.build(t, gaps.DefaultOptions())
	if x.Adjacent("110101", "110102") || len(x.Edges()) != 0 {
		t.Errorf("point contact made an edge: %v", x.Edges())
	}
	if d, ok := x.DistanceKM("110101", "110102"); !ok || d > 1e-6 {
		t.Errorf("distance = %v (%v), want 0", d, ok)
	}
	rep := analyze(t, x, g, nil, "110101")
	if u := rep.UncoveredUnits[0]; *u.DistanceKM != 0 || u.NearestPilotCode != "110101" || len(rep.Clusters) != 1 {
		t.Errorf("unit touching the pilot at a point: %+v, clusters %+v", u, rep.Clusters)
	}
}

// A row of eight 1° squares on the equator with pilots at both ends: the
// distances grow by one degree of longitude per square from the nearer pilot
// and are measured where the squares' boundaries are closest (the top
// corners, latitude 1°, where meridians are closer together).
func TestLineWithTwoPilots(t *testing.T) {
	var w world
	w.province("110000")
	code := func(i int) string { return fmt.Sprintf("1101%02d", i) }
	for i := 0; i < 8; i++ {
		w.unit(code(i), square(float64(i), 0, 1))
	}
	x, g := w.build(t, gaps.DefaultOptions())
	rep := analyze(t, x, g, nil, code(0), code(7))
	deg := func(n float64) float64 { return geo.DistanceHaversine(orb.Point{0, 1}, orb.Point{n, 1}) / 1000 }
	want := map[string]struct {
		km    float64
		pilot string
	}{
		code(1): {0, code(0)}, code(2): {deg(1), code(0)}, code(3): {deg(2), code(0)},
		code(4): {deg(2), code(7)}, code(5): {deg(1), code(7)}, code(6): {0, code(7)},
	}
	units := byCode(rep)
	if len(units) != len(want) {
		t.Fatalf("uncovered = %v", units)
	}
	for c, wu := range want {
		u := units[c]
		if u.DistanceKM == nil || !near(*u.DistanceKM, wu.km, 0.01) || u.NearestPilotCode != wu.pilot {
			t.Errorf("%s: %v km to %s, want %.2f km to %s", c, u.DistanceKM, u.NearestPilotCode, wu.km, wu.pilot)
		}
		if exact, _ := x.DistanceKM(c, wu.pilot); !near(exact, wu.km, 1e-6) && wu.km > 0 {
			t.Errorf("%s: DistanceKM = %.6f, want %.6f", c, exact, wu.km)
		}
	}
	if len(rep.Clusters) != 1 || len(rep.Clusters[0].Units) != 6 || !near(rep.Clusters[0].MaxDistanceKM, deg(2), 0.01) {
		t.Errorf("clusters = %+v, want one of 6 with max distance %.2f", rep.Clusters, deg(2))
	}
}

// The distance matches a brute-force minimum over densely sampled
// boundaries of two irregular shapes far apart, to well under 1%.
func TestDistanceAgainstBruteForce(t *testing.T) {
	a := orb.MultiPolygon{{{{100, 40}, {101.3, 40.2}, {101.1, 41.5}, {100.4, 41.1}, {99.8, 41.7}, {100, 40}}}}
	b := orb.MultiPolygon{{{{103.2, 43.9}, {104.1, 44.2}, {103.9, 45.3}, {102.6, 44.8}, {103.2, 43.9}}}}
	var w world
	w.province("110000")
	w.unit("110101", a)
	w.unit("110102", b)
	x, _ := w.build(t, gaps.DefaultOptions())
	got, ok := x.DistanceKM("110101", "110102")
	if !ok {
		t.Fatal("no distance")
	}
	sample := func(mp orb.MultiPolygon) []orb.Point {
		var out []orb.Point
		r := mp[0][0]
		for i := 0; i+1 < len(r); i++ {
			for s := 0; s < 200; s++ {
				f := float64(s) / 200
				out = append(out, orb.Point{r[i][0] + f*(r[i+1][0]-r[i][0]), r[i][1] + f*(r[i+1][1]-r[i][1])})
			}
		}
		return out
	}
	best := math.Inf(1)
	for _, p := range sample(a) {
		for _, q := range sample(b) {
			best = min(best, geo.DistanceHaversine(p, q)/1000)
		}
	}
	if got > best*1.001 || got < best*0.99 {
		t.Errorf("distance %.3f km, brute force %.3f km", got, best)
	}
	if back, _ := x.DistanceKM("110102", "110101"); !near(back, got, 1e-6) {
		t.Errorf("distance is not symmetric: %.6f vs %.6f", got, back)
	}
}

// Borders that differ by a grid step or are drawn with different vertices
// still make neighbours; a gap wider than the tolerance does not; a unit
// overlapping or inside another is its neighbour (the 兵团 cities).
func TestMismatchedBordersAndOverlaps(t *testing.T) {
	const step = 1.0 / 1024
	var w world
	w.province("110000")
	w.province("120000")
	w.unit("110101", square(100, 30, 1))
	// Across a province border: its left edge one grid step to the right,
	// with vertices the other does not have.
	w.unit("120101", orb.MultiPolygon{{{{101 + step, 30}, {102, 30}, {102, 31}, {101 + step, 31}, {101 - step, 30.7}, {101 + step, 30.3}, {101 + step, 30}}}})
	// A gap of 0.05° (≈5 km) from 110101.
	w.unit("110102", square(99.95-1, 30, 1))
	// A small unit inside 110101 touching nothing, and one overlapping its edge.
	w.unit("110103", square(100.4, 30.4, 0.2))
	w.unit("110104", square(100.5, 30.9, 0.2))
	x, g := w.build(t, gaps.DefaultOptions())
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"110101", "120101", true}, {"110101", "110102", false}, {"110101", "110103", true}, {"110101", "110104", true},
		{"110103", "110104", false}, {"120101", "110104", false},
	} {
		if got := x.Adjacent(tc.a, tc.b); got != tc.want {
			t.Errorf("Adjacent(%s, %s) = %v, want %v (neighbours of %s: %v)", tc.a, tc.b, got, tc.want, tc.a, x.Neighbours(tc.a))
		}
	}
	if d, _ := x.DistanceKM("110101", "110102"); !near(d, geo.DistanceHaversine(orb.Point{99.95, 31}, orb.Point{100, 31})/1000, 0.01) {
		t.Errorf("distance across the gap = %.3f km", d)
	}
	rep := analyze(t, x, g, []string{"120000"}, "110101")
	units := byCode(rep)
	for _, c := range []string{"120101", "110103", "110104"} {
		if u := units[c]; *u.DistanceKM != 0 || u.NearestPilotCode != "110101" {
			t.Errorf("%s: %v km to %s, want 0 to 110101", c, *u.DistanceKM, u.NearestPilotCode)
		}
	}
	if u := units["110102"]; *u.DistanceKM < 4 || *u.DistanceKM > 5 || u.PilotProvince {
		t.Errorf("110102 = %+v, want 4–5 km, not in a pilot province", u)
	}
	if !units["120101"].PilotProvince {
		t.Error("120101 is in a full-promotion province")
	}
	// Four uncovered units, no two of which are neighbours: four clusters.
	if len(rep.Clusters) != 4 {
		t.Errorf("clusters = %+v", rep.Clusters)
	}
}

// Clusters cross province borders; the province clusters split them, and
// a unit without polygon is uncovered with unknown distance and no cluster.
func TestClustersAcrossProvinces(t *testing.T) {
	var w world
	w.province("110000")
	w.province("130000")
	w.province("140000")
	// 110101 110102 | 130101 130102 in a row, 140101 far away, 130103 without polygon.
	w.unit("110101", square(100, 30, 1))
	w.unit("110102", square(101, 30, 1))
	w.unit("130101", square(102, 30, 1))
	w.unit("130102", square(103, 30, 2))
	w.unit("130103", nil)
	w.unit("140101", square(110, 30, 1))
	w.unit("140102", square(111, 30, 1))
	x, g := w.build(t, gaps.DefaultOptions())
	rep := analyze(t, x, g, []string{"130000"}, "140102")
	if len(rep.Clusters) != 2 {
		t.Fatalf("clusters = %+v", rep.Clusters)
	}
	big := rep.Clusters[0]
	if !reflect.DeepEqual(big.Units, []string{"110101", "110102", "130101", "130102"}) || !reflect.DeepEqual(big.ProvinceCodes, []string{"110000", "130000"}) || big.Name != "单位130102" {
		t.Errorf("largest cluster = %+v", big)
	}
	if far := byCode(rep)["110101"]; !near(*far.DistanceKM, geo.DistanceHaversine(orb.Point{101, 31}, orb.Point{111, 31})/1000, 0.01) || far.NearestPilotCode != "140102" {
		t.Errorf("110101 = %+v", far)
	}
	if !near(big.MaxDistanceKM, *byCode(rep)["110101"].DistanceKM, 1e-9) {
		t.Errorf("max distance %.2f", big.MaxDistanceKM)
	}
	none := byCode(rep)["130103"]
	if none.HasPolygon || none.DistanceKM != nil || none.NearestPilotCode != "" || none.Cluster != 0 || none.ProvinceCluster != 0 || !none.PilotProvince {
		t.Errorf("unit without polygon = %+v", none)
	}
	var provs []string
	for _, p := range rep.ProvinceClusters {
		provs = append(provs, fmt.Sprintf("%s:%d:%d", p.ProvinceCode, p.Uncovered, len(p.Clusters)))
		for _, c := range p.Clusters {
			if c.Cluster != big.ID && p.ProvinceCode != "140000" {
				t.Errorf("province cluster %+v is not inside national cluster %d", c, big.ID)
			}
		}
	}
	if want := []string{"110000:2:1", "130000:3:1", "140000:1:1"}; !reflect.DeepEqual(provs, want) {
		t.Errorf("province clusters = %v, want %v", provs, want)
	}
	if !reflect.DeepEqual(rep.ProvincesWithoutUnits, []string{"110000", "130000"}) {
		t.Errorf("provinces without units = %v", rep.ProvincesWithoutUnits)
	}
	if len(rep.PilotProvinces) != 1 || rep.PilotProvinces[0] != (gaps.PilotProvince{Code: "130000", Name: "省130000", Covered: 0, Comparable: 3, UncoveredShare: 1, UncoveredAreaShare: 1}) {
		t.Errorf("pilot provinces = %+v", rep.PilotProvinces)
	}
	// East (北京, 河北): 0/6; central (山西): 1/2.
	q := rep.Inequality
	if q.BestRegion != "central" || q.WorstRegion != "east" || q.RegionSpread != 0.5 || q.Provinces != 3 || !near(q.ProvinceGini, gaps.Gini([]float64{0, 0, 0.5}), 1e-12) || q.Summary == "" {
		t.Errorf("inequality = %+v", q)
	}
	if r := rep.Regions[0]; r.Key != "east" || r.Covered != 0 || r.Comparable != 5 || r.Uncovered != 5 || r.ProvincesWithoutUnits != 2 {
		t.Errorf("east = %+v", r)
	}
}

func TestGini(t *testing.T) {
	for _, tc := range []struct {
		in   []float64
		want float64
	}{
		{nil, 0}, {[]float64{0, 0}, 0}, {[]float64{0.3, 0.3, 0.3}, 0}, {[]float64{1, 0, 0, 0}, 0.75},
		{[]float64{0, 0, 0.5}, 2.0 / 3}, {[]float64{1, 2, 3, 4}, 0.25},
	} {
		if got := gaps.Gini(tc.in); !near(got, tc.want, 1e-12) {
			t.Errorf("Gini(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestOptionsValidated(t *testing.T) {
	l, _ := boundary.NewLayer("units", nil)
	for _, o := range []gaps.Options{{}, {ToleranceDeg: -1, MinSharedKM: 1}, {ToleranceDeg: math.NaN()}, {ToleranceDeg: 0.01, MinSharedKM: -1}, {ToleranceDeg: 0.01, TouchKM: math.Inf(1)}} {
		if _, err := gaps.NewIndex(l, o); err == nil {
			t.Errorf("options %+v accepted", o)
		}
	}
	if _, err := gaps.NewIndex(nil, gaps.DefaultOptions()); err == nil {
		t.Error("nil layer accepted")
	}
	x, err := gaps.NewIndex(l, gaps.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := x.Analyze(gaps.Input{}); err != gaps.ErrNoGazetteer {
		t.Errorf("analyze without gazetteer: %v", err)
	}
}

// The JSON has the fields of the issue, with [] rather than null for empty
// lists, and Clone gives an independent copy.
func TestReportJSON(t *testing.T) {
	var w world
	w.province("110000")
	w.unit("110101", square(100, 30, 1))
	w.unit("110102", square(101, 30, 1))
	w.unit("110103", nil)
	x, g := w.build(t, gaps.DefaultOptions())
	rep := analyze(t, x, g, nil, "110101")
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]json.RawMessage
	json.Unmarshal(b, &raw)
	keys := func(v json.RawMessage) []string {
		var m map[string]any
		if err := json.Unmarshal(v, &m); err != nil {
			t.Fatal(err)
		}
		var ks []string
		for k := range m {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		return ks
	}
	first := func(v json.RawMessage) json.RawMessage {
		var l []json.RawMessage
		json.Unmarshal(v, &l)
		if len(l) == 0 {
			t.Fatalf("empty list %s", v)
		}
		return l[0]
	}
	top := keys(b)
	for _, k := range []string{"uncovered_units", "clusters", "provinces_without_units", "pilot_provinces", "regions"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("report lacks %q (has %v)", k, top)
		}
	}
	if string(raw["pilot_provinces"]) != "[]" {
		t.Errorf("pilot_provinces = %s, want []", raw["pilot_provinces"])
	}
	for list, want := range map[string][]string{
		"uncovered_units": {"code", "name", "province_code", "distance_km", "nearest_pilot_code", "cluster"},
		"clusters":        {"id", "units", "province_codes", "area_km2", "max_distance_km"},
		"regions":         {"key", "coverage", "covered", "comparable"},
	} {
		got := keys(first(raw[list]))
		for _, k := range want {
			if i := sort.SearchStrings(got, k); i == len(got) || got[i] != k {
				t.Errorf("%s items lack %q: %v", list, k, got)
			}
		}
	}
	if !strings.Contains(string(b), `"distance_km":null`) {
		t.Errorf("the unit without polygon should have distance_km null: %s", b)
	}
	c := rep.Clone()
	c.Clusters[0].Units[0] = "changed"
	*c.UncoveredUnits[0].DistanceKM = 99
	if rep.Clusters[0].Units[0] == "changed" || *rep.UncoveredUnits[0].DistanceKM == 99 {
		t.Error("Clone shares memory with the original")
	}
}
