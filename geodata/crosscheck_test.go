package geodata_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"pilotmap/geodata"
	"pilotmap/internal/boundary"
)

// atlasPath is a third-party boundary file (CTAmap 2023 edition, via the
// public cn-atlas 0.1.2, ISC) that the project's shared folder holds for
// tests only; it is never copied into the repository.
const atlasPath = "../../shared/data/cn-atlas.topojson.json"

// topology is the part of TopoJSON the cross-check reads.
type topology struct {
	Transform struct {
		Scale     [2]float64 `json:"scale"`
		Translate [2]float64 `json:"translate"`
	} `json:"transform"`
	Arcs    [][][2]float64 `json:"arcs"`
	Objects map[string]struct {
		Geometries []struct {
			Type       string            `json:"type"`
			Arcs       json.RawMessage   `json:"arcs"`
			Properties map[string]string `json:"properties"`
		} `json:"geometries"`
	} `json:"objects"`
}

// decodeArc returns arc i (~i reversed) in lon/lat from the quantized,
// delta-encoded arcs.
func (t *topology) decodeArc(i int) []orb.Point {
	rev := i < 0
	if rev {
		i = ^i
	}
	pts := make([]orb.Point, len(t.Arcs[i]))
	var x, y float64
	for k, d := range t.Arcs[i] {
		x, y = x+d[0], y+d[1]
		pts[k] = orb.Point{x*t.Transform.Scale[0] + t.Transform.Translate[0], y*t.Transform.Scale[1] + t.Transform.Translate[1]}
	}
	if rev {
		for a, b := 0, len(pts)-1; a < b; a, b = a+1, b-1 {
			pts[a], pts[b] = pts[b], pts[a]
		}
	}
	return pts
}

func (t *topology) ring(arcs []int) orb.Ring {
	var r orb.Ring
	for k, a := range arcs {
		pts := t.decodeArc(a)
		if k > 0 {
			pts = pts[1:]
		}
		r = append(r, pts...)
	}
	return r
}

// shapes decodes an object's polygons by their 区划码.
func (t *topology) shapes(object string) (map[string]orb.MultiPolygon, error) {
	out := map[string]orb.MultiPolygon{}
	for _, g := range t.Objects[object].Geometries {
		var polys [][][]int
		switch g.Type {
		case "Polygon":
			var p [][]int
			if err := json.Unmarshal(g.Arcs, &p); err != nil {
				return nil, err
			}
			polys = [][][]int{p}
		case "MultiPolygon":
			if err := json.Unmarshal(g.Arcs, &polys); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("geometry type %s", g.Type)
		}
		var mp orb.MultiPolygon
		for _, p := range polys {
			var poly orb.Polygon
			for _, r := range p {
				poly = append(poly, t.ring(r))
			}
			mp = append(mp, poly)
		}
		out[g.Properties["区划码"]] = mp
	}
	return out, nil
}

func loadAtlas(t *testing.T) *topology {
	t.Helper()
	data, err := os.ReadFile(atlasPath)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("the third-party cross-check file %s is absent (it is only in the project's shared folder)", atlasPath)
	}
	if err != nil {
		t.Fatal(err)
	}
	var top topology
	if err := json.Unmarshal(data, &top); err != nil {
		t.Fatal(err)
	}
	return &top
}

// The embedded boundaries (echarts, about 2016) agree with an independent
// 2023 boundary file on the areas and centroids of the same codes, up to
// simplification error and the changes since 2016.
func TestCrossCheckWithIndependentBoundaries(t *testing.T) {
	atlas := loadAtlas(t)
	set, err := boundary.Load(geodata.FS())
	if err != nil {
		t.Fatal(err)
	}
	check := func(t *testing.T, object string, layer *boundary.Layer, maxAreaDiff, maxShift float64, skip map[string]string) (compared int) {
		shapes, err := atlas.shapes(object)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range layer.Features {
			other, ok := shapes[f.Code]
			if !ok || skip[f.Code] != "" {
				continue
			}
			compared++
			a := boundary.AreaKM2(other)
			if d := math.Abs(f.AreaKM2-a) / a; d > maxAreaDiff {
				t.Errorf("%s %s: area %.0f km², the 2023 file %.0f km² (%.1f%% apart)", f.Code, f.Name, f.AreaKM2, a, 100*d)
			}
			c1, _ := planar.CentroidArea(f.Geometry)
			c2, _ := planar.CentroidArea(other)
			if d := planar.Distance(c1, c2); d > maxShift {
				t.Errorf("%s %s: centroid %v, the 2023 file %v (%.2f° apart)", f.Code, f.Name, c1, c2, d)
			}
		}
		return compared
	}
	t.Run("provinces", func(t *testing.T) {
		n := check(t, "provinces", set.Provinces, 0.06, 0.15, map[string]string{
			"460000": "the 2023 file draws 海南 without the South China Sea islands' reefs",
			"310000": "the embedded 上海 includes estuary water",
			"710000": "echarts' china.json draws 台湾 with a coarse coastline (+8 %)",
			"810000": "echarts' 香港 is coarse and includes water (+16 %)",
			"820000": "echarts' 澳门 is coarse (43 against 31 km²)",
		})
		if n != 34-5 {
			t.Errorf("compared %d provinces, want the 29 not listed as known differences", n)
		}
	})
	t.Run("units", func(t *testing.T) {
		// Known differences, each listed in geodata/README.md: boundary
		// changes after the echarts data was drawn, and coastlines drawn
		// coarsely or with water. Any other unit must agree.
		n := check(t, "prefectures", set.Units, 0.15, 0.25, map[string]string{
			"460300": "三沙市: reefs (embedded) against islands",
			"220100": "公主岭市 moved from 四平市 to 长春市 in 2020",
			"220300": "公主岭市 moved from 四平市 to 长春市 in 2020",
			"510100": "简阳市 moved from 资阳市 to 成都市 in 2016",
			"512000": "简阳市 moved from 资阳市 to 成都市 in 2016",
			"659006": "铁门关市 grew after 2016",
			"659007": "双河市's extent differs",
			"659009": "昆玉市 grew after 2016",
			"330900": "coastline and islands drawn coarsely",
			"440400": "coastline and islands drawn coarsely",
			"460200": "coastline drawn coarsely",
			"469005": "coastline drawn coarsely",
			"469006": "coastline drawn coarsely",
			"469028": "coastline drawn coarsely",
		})
		if n < 300 {
			t.Errorf("compared %d units, want at least 300 of the prefecture-level ones", n)
		}
	})
}
