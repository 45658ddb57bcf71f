package layer

import (
	"bytes"
	"compress/gzip"
	"math"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"pilotmap/internal/boundary"
)

// decimalsOf reports whether v has at most d decimals.
func hasDecimals(v float64, d int) bool {
	s := v * math.Pow10(d)
	return math.Abs(s-math.Round(s)) < 1e-6
}

// TestValidOutput checks every feature of every layer at every zoom:
// present, rings closed with at least 4 points, outer rings
// counter-clockwise and holes clockwise, coordinates rounded to the zoom's
// decimals (vertices refined to keep a tiny feature visible: at most 6),
// and the label point inside.
func TestValidOutput(t *testing.T) {
	topo := testTopology(t)
	for z := 0; z <= DataZoom; z++ {
		lv := topo.levelFor(z)
		for li, tl := range topo.layers {
			if tl.src == nil {
				continue
			}
			bumped := make(map[orb.Point]bool) // where refined vertices are served
			for v, d := range lv.bumped {
				p, pow := topo.verts[v], math.Pow10(d)
				bumped[orb.Point{roundTo(float64(p.x)/gridScale, pow), roundTo(float64(p.y)/gridScale, pow)}] = d <= maxDecimals
			}
			for fi, s := range lv.shapes[li] {
				code := tl.src.Features[fi].Code
				if len(s.Geometry) == 0 {
					t.Errorf("zoom %d: %s %s is missing", z, tl.name, code)
					continue
				}
				for _, p := range s.Geometry {
					for ri, r := range p {
						if len(r) < 4 || r[0] != r[len(r)-1] {
							t.Errorf("zoom %d: %s %s: ring of %d points, closed %v", z, tl.name, code, len(r), r[0] == r[len(r)-1])
							continue
						}
						if a := signedArea(r); (ri == 0) != (a > 0) {
							t.Errorf("zoom %d: %s %s: ring %d has signed area %g", z, tl.name, code, ri, a)
						}
						for _, q := range r {
							if !hasDecimals(q[0], lv.decimals) || !hasDecimals(q[1], lv.decimals) {
								if !bumped[q] {
									t.Errorf("zoom %d: %s %s: point %v has more than %d decimals", z, tl.name, code, q, lv.decimals)
								}
							}
						}
					}
				}
				if !planar.MultiPolygonContains(s.Geometry, s.Label) {
					t.Errorf("zoom %d: %s %s: label %v outside", z, tl.name, code, s.Label)
				}
				if s.Bound != s.Geometry.Bound() {
					t.Errorf("zoom %d: %s %s: bound %v, want %v", z, tl.name, code, s.Bound, s.Geometry.Bound())
				}
			}
		}
		if len(lv.rescued) > 0 {
			t.Logf("zoom %d: %d features kept visible by finer simplification", z, len(lv.rescued))
		}
	}
}

// TestDecimals pins the rounding per zoom.
func TestDecimals(t *testing.T) {
	want := map[int]int{0: 1, 1: 2, 3: 2, 4: 3, 7: 3, 8: 4, 11: 5, 12: 5, 18: 5}
	for z, d := range want {
		if got := Decimals(z); got != d {
			t.Errorf("Decimals(%d) = %d, want %d", z, got, d)
		}
	}
	if Tolerance(18) != Tolerance(DataZoom) || Tolerance(0) != 1 {
		t.Errorf("Tolerance(0) = %g, Tolerance(18) = %g", Tolerance(0), Tolerance(18))
	}
}

func gzipSize(tb testing.TB, b []byte) int {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		tb.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Len()
}

// TestSizeZoom4 keeps the national provinces and units at zoom 4, as
// GeoJSON with the base properties, within 250 KB gzipped (the output is
// deterministic, so this is a stable property of the data).
func TestSizeZoom4(t *testing.T) {
	topo := testTopology(t)
	total, totalGz := 0, 0
	for _, l := range []string{Provinces, Units} {
		b, err := AppendFeatureCollection(nil, topo.Features(l, 4, orb.Bound{}), ShapeProperties)
		if err != nil {
			t.Fatal(err)
		}
		gz := gzipSize(t, b)
		t.Logf("%s at zoom 4: %d bytes, %d gzipped", l, len(b), gz)
		total, totalGz = total+len(b), totalGz+gz
	}
	t.Logf("together: %d bytes, %d gzipped", total, totalGz)
	if totalGz > 250_000 {
		t.Errorf("provinces + units at zoom 4: %d bytes gzipped, want ≤ 250000", totalGz)
	}
}

func TestQueries(t *testing.T) {
	topo := testTopology(t)
	if got := topo.Layers(); len(got) != 3 || got[0] != Provinces || got[1] != Units || got[2] != Nanhai {
		t.Errorf("Layers() = %v", got)
	}
	all := topo.Features(Units, 4, orb.Bound{})
	if len(all) != 448 {
		t.Errorf("units at zoom 4: %d, want 448", len(all))
	}
	for i := 1; i < len(all); i++ {
		if all[i-1].Feature.Code >= all[i].Feature.Code {
			t.Fatalf("units not in code order: %s before %s", all[i-1].Feature.Code, all[i].Feature.Code)
		}
	}
	if n := len(topo.Features(Provinces, 0, orb.Bound{})); n != 34 {
		t.Errorf("provinces: %d, want 34", n)
	}
	if n := len(topo.Features(Nanhai, 6, orb.Bound{})); n != 1 {
		t.Errorf("nanhai: %d, want 1", n)
	}
	if topo.Features("pilots", 4, orb.Bound{}) != nil {
		t.Error("unknown layer: want nil")
	}

	// A box around Beijing finds Beijing's districts and a few neighbours, not the country.
	box := orb.Bound{Min: orb.Point{116.3, 39.8}, Max: orb.Point{116.5, 40.0}}
	near := topo.Features(Units, 8, box)
	found := false
	for _, s := range near {
		if s.Feature.Code == "110101" {
			found = true
		}
		if !s.Bound.Intersects(box) {
			t.Errorf("%s does not reach into the box", s.Feature.Code)
		}
	}
	if !found || len(near) > 20 {
		t.Errorf("units near Beijing: %d, 110101 found %v", len(near), found)
	}

	beijing := topo.FeaturesFunc(Units, 4, orb.Bound{}, func(f *boundary.Feature) bool { return f.ProvinceCode == "110000" })
	if len(beijing) != 16 {
		t.Errorf("Beijing's units: %d, want 16", len(beijing))
	}

	g4, ok := topo.Geometry(Provinces, "110000", 4)
	if !ok || len(g4) == 0 {
		t.Fatal("no geometry for 110000")
	}
	g12, _ := topo.Geometry(Provinces, "110000", 12)
	g18, _ := topo.Geometry(Provinces, "110000", 18)
	if pointCount(g4) >= pointCount(g12) || pointCount(g12) != pointCount(g18) {
		t.Errorf("points at zoom 4, 12, 18: %d, %d, %d", pointCount(g4), pointCount(g12), pointCount(g18))
	}
	if _, ok := topo.Geometry(Provinces, "999999", 4); ok {
		t.Error("unknown code found")
	}
	if _, ok := topo.Shape("nowhere", "110000", 4); ok {
		t.Error("unknown layer found")
	}
	// Shared geometry is the same slice every time (built once per zoom).
	a, _ := topo.Shape(Units, "110101", 6)
	b, _ := topo.Shape(Units, "110101", 6)
	if &a.Geometry[0][0][0] != &b.Geometry[0][0][0] {
		t.Error("geometry rebuilt on a second request")
	}
}

// TestConcurrentLevels builds zooms from many goroutines (run with -race).
// TestConcurrentLevels asks for four zooms from 16 goroutines at once:
// each zoom's level is built once, every goroutine gets that one, with all
// the units (run with -race).
func TestConcurrentLevels(t *testing.T) {
	topo := testTopology(t)
	var wg sync.WaitGroup
	got := make([]*level, 16)
	counts := make([]int, 16)
	for i := range got {
		wg.Go(func() {
			counts[i] = len(topo.Features(Units, i%4, orb.Bound{}))
			got[i] = topo.levelFor(i % 4)
		})
	}
	wg.Wait()
	for i := range got {
		if got[i] != got[i%4] || got[i] == nil {
			t.Errorf("goroutine %d got another level of zoom %d", i, i%4)
		}
		if want := len(topo.Features(Units, i%4, orb.Bound{})); counts[i] != want || want == 0 {
			t.Errorf("goroutine %d: %d units at zoom %d, want %d", i, counts[i], i%4, want)
		}
	}
}

// TestTopologyStats: the embedded data is settled by the generator
// (geobuild.settle), so snapping it moves, inserts and drops nothing.
func TestTopologyStats(t *testing.T) {
	st := testTopology(t).Stats()
	t.Logf("%+v", st)
	if st.Arcs == 0 || st.Vertices == 0 {
		t.Errorf("stats %+v", st)
	}
	if st.Snapped != 0 || st.Inserted != 0 || st.DroppedRings != 0 {
		t.Errorf("snapping changed the embedded data (run make geodata): %+v", st)
	}
}

func TestEmptySet(t *testing.T) {
	topo, err := NewTopology(&boundary.Set{})
	if err != nil {
		t.Fatal(err)
	}
	if topo.Features(Units, 3, orb.Bound{}) != nil {
		t.Error("features from an empty set")
	}
	if _, err := NewTopology(nil); err == nil {
		t.Error("nil set: want an error")
	}
}
