package geobuild

import (
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"pilotmap/internal/echarts"
	"pilotmap/internal/gazetteer"
)

func square(x, y, s float64) orb.Polygon {
	return orb.Polygon{{{x, y}, {x + s, y}, {x + s, y + s}, {x, y + s}, {x, y}}}
}

func TestDissolveAdjacentSquares(t *testing.T) {
	// Two unit squares side by side share the edge x=1: it cancels out.
	mp := cleanPolygons([]orb.Polygon{square(0, 0, 1), square(1, 0, 1)})
	d := dissolve(mp)
	if len(d) != 1 || len(d[0]) != 1 {
		t.Fatalf("dissolved = %v, want one polygon without holes", d)
	}
	if a := planar.Area(d); a != 2 {
		t.Errorf("area = %v, want 2", a)
	}
	if d[0][0].Orientation() != orb.CCW {
		t.Error("outer ring should wind counter-clockwise")
	}
	for _, p := range d[0][0] {
		if p == (orb.Point{1, 0.5}) {
			t.Error("the shared edge should be gone")
		}
	}
}

func TestDissolveKeepsHoleAndIslands(t *testing.T) {
	// A 3×3 ring of eight squares around an empty centre, plus an island.
	var polys []orb.Polygon
	for x := 0.0; x < 3; x++ {
		for y := 0.0; y < 3; y++ {
			if x == 1 && y == 1 {
				continue
			}
			polys = append(polys, square(x, y, 1))
		}
	}
	polys = append(polys, square(10, 10, 1))
	d := dissolve(cleanPolygons(polys))
	if len(d) != 2 {
		t.Fatalf("got %d polygons, want the ring and the island", len(d))
	}
	if len(d[0]) != 2 || d[0][1].Orientation() != orb.CW {
		t.Errorf("the ring should have one clockwise hole: %v", d[0])
	}
	if a := planar.Area(d); a != 9 {
		t.Errorf("area = %v, want 8 + 1", a)
	}
}

func TestDropSlivers(t *testing.T) {
	big := square(100, 30, 1) // about 10,000 km²
	sliverHole := orb.Ring{{100.5, 30.5}, {100.5, 30.501}, {100.501, 30.501}, {100.501, 30.5}, {100.5, 30.5}}
	big = append(big, sliverHole)        // a clockwise hole of about 0.01 km²
	overlap := square(100.2, 30.2, 0.01) // a piece inside the big one
	island := square(110, 30, 0.01)      // a small island outside
	out := dropSlivers(orb.MultiPolygon{big, overlap, island}, 1)
	if len(out) != 2 {
		t.Fatalf("got %d polygons, want the big one and the island", len(out))
	}
	if len(out[0]) != 1 {
		t.Errorf("the sliver hole should be dropped: %d rings", len(out[0]))
	}
}

func TestCleanRing(t *testing.T) {
	// Unclosed, with a repeated point: closed and deduplicated, on the grid.
	r := cleanRing(orb.Ring{{0, 0}, {1, 0}, {1, 0}, {1, 1}})
	if len(r) != 4 || r[0] != r[3] {
		t.Errorf("ring = %v", r)
	}
	if cleanRing(orb.Ring{{0, 0}, {1, 0}, {2, 0}}) != nil {
		t.Error("a ring without area should vanish")
	}
}

func TestDivisionsFromCSV(t *testing.T) {
	provinces := "code,name\n11,\"北京市\"\n46,\"海南省\"\n13,\"河北省\"\n"
	cities := "code,name,provinceCode\n1101,\"市辖区\",11\n4604,\"儋州市\",46\n4690,\"省直辖县级行政区划\",46\n1301,\"石家庄市\",13\n"
	areas := "code,name,cityCode,provinceCode\n110101,\"东城区\",1101,11\n460400,\"儋州市\",4604,46\n469005,\"文昌市\",4690,46\n130123,\"正定县\",1301,13\n"
	divs, err := divisionsFromCSV(strings.NewReader(provinces), strings.NewReader(cities), strings.NewReader(areas))
	if err != nil {
		t.Fatal(err)
	}
	g, err := gazetteer.New(divs, nil)
	if err != nil {
		t.Fatal(err)
	}
	for code, parent := range map[string]string{"110101": "110000", "469005": "460000", "460400": "460000", "130123": "130100", "130100": "130000"} {
		d, ok := g.Division(code)
		if !ok || d.ParentCode != parent {
			t.Errorf("%s: %+v, want parent %s", code, d, parent)
		}
	}
	if _, ok := g.Division("110100"); ok {
		t.Error("the pseudo prefecture 市辖区 should be left out")
	}
	if d, _ := g.Division("460400"); d.Level != gazetteer.Prefecture {
		t.Errorf("儋州市 460400 should be the prefecture, not its repeated area: %+v", d)
	}
	if got := len(g.ComparableUnits("")); got != 4 {
		t.Errorf("comparable units = %d, want 东城区, 儋州市, 文昌市, 石家庄市", got)
	}
}

func TestPlaceFailsLoudly(t *testing.T) {
	divs := []gazetteer.Division{
		{Code: "500000", Name: "重庆市", Level: gazetteer.Province},
		{Code: "500155", Name: "梁平区", Level: gazetteer.County, ParentCode: "500000"},
		{Code: "500110", Name: "綦江区", Level: gazetteer.County, ParentCode: "500000"},
	}
	aliases := []gazetteer.Alias{{Written: "梁平县", ProvinceCode: "500000", OldCode: "500228", Code: "500155", Kind: gazetteer.Renamed, Year: 2016, Source: "test"}}
	g, err := gazetteer.New(divs, aliases)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		id, name, code, rule string
		fails                bool
	}{
		{"500110", "綦江区", "500110", "", false},
		{"500228", "梁平县", "500155", "history", false},
		{"", "綦江区", "500110", "name", false},
		{"500999", "不存在区", "", "", true},
		{"500110", "梁平区", "", "", true}, // the code says 綦江区, the name another unit
	} {
		d, p, err := place(g, "500000", echarts.Feature{ID: tc.id, Name: tc.name})
		if tc.fails {
			if err == nil {
				t.Errorf("%s %s: placed on %s, want an error", tc.id, tc.name, d.Code)
			}
			continue
		}
		if err != nil || d.Code != tc.code || (p == nil) != (tc.rule == "") || (p != nil && p.Rule != tc.rule) {
			t.Errorf("%s %s: %v %+v %v, want %s by %q", tc.id, tc.name, d.Code, p, err, tc.code, tc.rule)
		}
	}
}
