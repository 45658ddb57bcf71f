package polyrepair

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"pilotmap/internal/geoscheck"
)

func ring(pts ...float64) orb.Ring {
	var r orb.Ring
	for i := 0; i+1 < len(pts); i += 2 {
		r = append(r, orb.Point{pts[i], pts[i+1]})
	}
	return append(r, r[0])
}

// TestRepair repairs typical defects of quantized boundaries; GEOS judges
// input (invalid) and output (valid), and the area and parts are checked.
func TestRepair(t *testing.T) {
	c := geoscheck.New(t)
	cases := []struct {
		name  string
		in    orb.MultiPolygon
		area  float64
		parts int
	}{
		{"bow-tie: the inverted lobe is dropped", orb.MultiPolygon{{ring(0, 0, 2, 2, 2, 0, 0, 2)}}, 1, 1},
		{"ring touching itself: two parts", orb.MultiPolygon{{ring(0, 0, 2, 0, 2, 2, 4, 2, 4, 4, 2, 4, 2, 2, 0, 2)}}, 8, 2},
		{"overlapping parts: their union", orb.MultiPolygon{{ring(0, 0, 2, 0, 2, 2, 0, 2)}, {ring(1, 1, 3, 1, 3, 3, 1, 3)}}, 7, 1},
		{"parts sharing an edge: dissolved", orb.MultiPolygon{{ring(0, 0, 1, 0, 1, 1, 0, 1)}, {ring(1, 0, 2, 0, 2, 1, 1, 1)}}, 2, 1},
		{"hole touching its shell twice: two parts", orb.MultiPolygon{{ring(0, 0, 4, 0, 4, 4, 0, 4), ring(0, 2, 2, 3, 4, 2, 2, 1)}}, 12, 2},
		{"spike", orb.MultiPolygon{{ring(0, 0, 2, 0, 2, 1, 3, 1, 2, 1, 2, 2, 0, 2)}}, 4, 1},
		{"the same part twice", orb.MultiPolygon{{ring(0, 0, 2, 0, 2, 2, 0, 2)}, {ring(0, 0, 2, 0, 2, 2, 0, 2)}}, 4, 1},
		{"part inside another part", orb.MultiPolygon{{ring(0, 0, 4, 0, 4, 4, 0, 4)}, {ring(1, 1, 2, 1, 2, 2, 1, 2)}}, 16, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if ps := c.Invalid(t, fc(tc.in)); len(ps) != 1 {
				t.Fatalf("GEOS should find the input invalid: %v", ps)
			}
			out, st := Repair(tc.in, 1)
			if ps := c.Invalid(t, fc(out)); len(ps) > 0 {
				t.Errorf("repaired %v still invalid: %v", out, ps)
			}
			if a := math.Abs(planar.Area(out)); a != tc.area {
				t.Errorf("area %v, want %v (%v)", a, tc.area, out)
			}
			if len(out) != tc.parts {
				t.Errorf("%d parts, want %d: %v", len(out), tc.parts, out)
			}
			for _, p := range out {
				for i, r := range p {
					if (r.Orientation() == orb.CCW) != (i == 0) {
						t.Errorf("ring %d of %v wound the wrong way", i, p)
					}
				}
			}
			t.Logf("%+v", st)
		})
	}
}

// TestRepairKeepsValid: a valid multipolygon with a hole and an island in
// it comes back as it was (up to ring start and order).
func TestRepairKeepsValid(t *testing.T) {
	in := orb.MultiPolygon{{ring(0, 0, 10, 0, 10, 10, 0, 10), ring(2, 2, 2, 8, 8, 8, 8, 2)}, {ring(4, 4, 6, 4, 6, 6, 4, 6)}}
	out, st := Repair(in, 1)
	if st.Inserted != 0 || st.Dropped != 0 {
		t.Errorf("stats %+v, want nothing changed", st)
	}
	if planar.Area(out) != planar.Area(in) || len(out) != 2 || len(out[0]) != 2 {
		t.Errorf("got %v", out)
	}
}

// TestRepairRoundsCrossingsToTheGrid: a crossing off the grid becomes a
// grid point.
func TestRepairRoundsCrossingsToTheGrid(t *testing.T) {
	in := orb.MultiPolygon{{ring(0, 0, 3, 2, 3, 0, 0, 1)}}
	out, _ := Repair(in, 1)
	for _, p := range out {
		for _, r := range p {
			for _, q := range r {
				if q[0] != math.Round(q[0]) || q[1] != math.Round(q[1]) {
					t.Errorf("point %v off the grid", q)
				}
			}
		}
	}
}

func fc(mp orb.MultiPolygon) []byte {
	f := geojson.NewFeature(mp)
	f.Properties = geojson.Properties{"code": "x"}
	b, err := json.Marshal(geojson.FeatureCollection{Type: "FeatureCollection", Features: []*geojson.Feature{f}})
	if err != nil {
		panic(err)
	}
	return b
}
