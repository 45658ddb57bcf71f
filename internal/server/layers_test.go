package server

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"pilotmap/internal/geoscheck"
	"pilotmap/internal/layer"
)

func getLayer(t *testing.T, path string) *geojson.FeatureCollection {
	t.Helper()
	fc, err := geojson.UnmarshalFeatureCollection(getLayerBody(t, path))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return fc
}

// getLayerBody returns the GeoJSON of a layer request.
func getLayerBody(t *testing.T, path string) []byte {
	t.Helper()
	r := get(t, newTestRouter(t), path, "Accept-Encoding: gzip")
	wantStatus(t, r, 200, "")
	if ct := r.Header().Get("Content-Type"); ct != "application/geo+json" {
		t.Fatalf("%s: content type %q", path, ct)
	}
	body := r.body
	if r.Header().Get("Content-Encoding") == "gzip" {
		body = gunzip(t, body)
	}
	return body
}

// TestLayersGEOSValid has GEOS judge every feature of the layers a client
// asks for, as served: units, provinces, pilots and gaps at zooms 0, 4, 8
// and 12, each with one geometry type, MultiPolygon.
func TestLayersGEOSValid(t *testing.T) {
	c := geoscheck.New(t)
	for _, name := range []string{layerUnits, layerProvinces, layerPilots, layerGaps, layerNanhai} {
		for _, zoom := range []int{0, 4, 8, 12} {
			path := fmt.Sprintf("/api/v1/layers/%s?zoom=%d", name, zoom)
			body := getLayerBody(t, path)
			if name == layerGaps { // gap clusters carry no code: give GDAL their id
				fc, err := geojson.UnmarshalFeatureCollection(body)
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range fc.Features {
					f.Properties["code"] = fmt.Sprint(f.ID)
				}
				if body, err = fc.MarshalJSON(); err != nil {
					t.Fatal(err)
				}
			}
			for _, p := range c.Invalid(t, body) {
				t.Errorf("%s: %s %s", path, p.Code, p.Reason)
			}
			types := c.GeometryTypes(t, body)
			if len(types) != 1 || types["MULTIPOLYGON"] == 0 {
				t.Errorf("%s: geometry types %v, want only MULTIPOLYGON", path, types)
			}
		}
	}
}

func TestLayers(t *testing.T) {
	props := []string{"code", "name", "level", "province_code", "pilot", "pilot_province", "in_program", "batch", "status", "label_lon", "label_lat", "area_km2"}
	points := map[string]map[int]int{} // layer → zoom → coordinates served
	for _, name := range newLayerCatalog().served(ogcLayer) {
		points[name] = map[int]int{}
		for _, zoom := range []int{0, 4, 8, 12} {
			t.Run(fmt.Sprintf("%s/z%d", name, zoom), func(t *testing.T) {
				fc := getLayer(t, fmt.Sprintf("/api/v1/layers/%s?zoom=%d", name, zoom))
				if len(fc.Features) == 0 {
					t.Fatal("no features")
				}
				// At most the zoom's decimals, or 6 for a vertex the layer
				// refines to keep a tiny feature visible.
				dec, coarse, fine := 6, layer.Decimals(zoom), 0
				total := 0
				for _, f := range fc.Features {
					code, _ := f.Properties["code"].(string)
					if f.ID != code || len(code) != 6 {
						t.Fatalf("feature id %v, code %q", f.ID, code)
					}
					for _, k := range props {
						if _, ok := f.Properties[k]; !ok {
							t.Fatalf("%s lacks property %q", code, k)
						}
					}
					if name == layerProvinces {
						for _, k := range []string{"units", "comparable_units", "covered_units", "coverage"} {
							if _, ok := f.Properties[k]; !ok {
								t.Fatalf("province %s lacks %q", code, k)
							}
						}
					}
					if name == layerPilots && f.Properties["pilot"] != true {
						t.Errorf("%s in the pilots layer is no pilot", code)
					}
					mp, ok := f.Geometry.(orb.MultiPolygon)
					if !ok {
						t.Fatalf("%s: geometry %T, want a MultiPolygon", code, f.Geometry)
					}
					lon, ok1 := f.Properties["label_lon"].(float64)
					lat, ok2 := f.Properties["label_lat"].(float64)
					if !ok1 || !ok2 {
						t.Fatalf("%s: label %v, %v", code, f.Properties["label_lon"], f.Properties["label_lat"])
					}
					pt := orb.Point{lon, lat}
					if !planar.MultiPolygonContains(mp, pt) && !onBoundary(mp, pt) {
						t.Errorf("%s %s: label %v outside its geometry", code, f.Properties["name"], pt)
					}
					for _, p := range mp {
						for _, r := range p {
							for _, c := range r {
								for _, v := range c {
									total++
									if decimals(v) > coarse {
										fine++
									}
									if d := decimals(v); d > dec {
										t.Fatalf("%s: coordinate %v has %d decimals, want at most %d", code, v, d, dec)
									}
								}
							}
						}
					}
				}
				points[name][zoom] = total
				// Tiny layers are all refined vertices. At zoom 0 (1 decimal:
				// 11 km) most junctions need finer rounding to keep the
				// polygons valid (layer/untangle.go); it must stay coarser
				// than zoom 4, below.
				if zoom > 0 && total >= 1000 && fine*10 > total {
					t.Errorf("%d of %d coordinates have more than zoom %d's %d decimals", fine, total, zoom, coarse)
				}
			})
		}
		if points[name][0] >= points[name][4] {
			t.Errorf("%s: %d coordinates at zoom 0, %d at zoom 4: zoom 0 should be coarser", name, points[name][0], points[name][4])
		}
	}
}

func TestLayerCounts(t *testing.T) {
	f := shared(t)
	count := func(path string) (n, pilots int) {
		t.Helper()
		fc := getLayer(t, path)
		for _, f := range fc.Features {
			if f.Properties["pilot"] == true {
				pilots++
			}
		}
		return len(fc.Features), pilots
	}
	if n, _ := count("/api/v1/layers/provinces"); n != 34 {
		t.Errorf("%d provinces, want 34", n)
	}
	units, unitPilots := count("/api/v1/layers/units?zoom=4")
	if units != len(f.ds.Boundaries.Units.Features) {
		t.Errorf("%d units, want %d", units, len(f.ds.Boundaries.Units.Features))
	}
	pilots, _ := count("/api/v1/layers/pilots?zoom=4")
	if pilots != unitPilots || pilots < 100 || pilots > 108 {
		t.Errorf("pilots layer has %d features, the units layer %d pilots; want the same, about 108", pilots, unitPilots)
	}
	if n, _ := count("/api/v1/layers/nanhai?zoom=4"); n != 1 {
		t.Errorf("nanhai: %d features", n)
	}
	// A bbox around Beijing keeps Beijing's districts and drops most units.
	fc := getLayer(t, "/api/v1/layers/units?zoom=8&bbox=115.5,39.5,117.5,41")
	codes := map[string]bool{}
	for _, f := range fc.Features {
		codes[f.ID.(string)] = true
	}
	if !codes["110101"] || !codes["110105"] || codes["650100"] || len(fc.Features) > units/4 {
		t.Errorf("bbox around Beijing: %d features, 东城区 %v, 乌鲁木齐 %v", len(fc.Features), codes["110101"], codes["650100"])
	}
	fc = getLayer(t, "/api/v1/layers/units?zoom=4&bbox=-10,-10,0,0")
	if len(fc.Features) != 0 {
		t.Errorf("bbox off China: %d features", len(fc.Features))
	}
}

// TestLayerSizeTarget: the provinces and units layers at national zoom
// together at most 250 KB gzipped (issue 4).
func TestLayerSizeTarget(t *testing.T) {
	h := newTestRouter(t)
	total := 0
	for _, name := range []string{layerProvinces, layerUnits} {
		r := get(t, h, "/api/v1/layers/"+name+"?zoom=4", "Accept-Encoding: gzip")
		if r.Header().Get("Content-Encoding") != "gzip" {
			t.Fatalf("%s not gzipped", name)
		}
		total += len(r.body)
	}
	if total > 250_000 {
		t.Errorf("provinces + units at z=4: %d bytes gzipped, want ≤ 250 KB", total)
	}
	t.Logf("provinces + units at z=4: %d bytes gzipped", total)
}

func TestLayerBadParameters(t *testing.T) {
	h := newTestRouter(t)
	for _, tc := range []struct{ query, param string }{
		{"zoom=x", "zoom"},
		{"zoom=4.5", "zoom"},
		{"zoom=-1", "zoom"},
		{"zoom=19", "zoom"},
		{"zoom=30", "zoom"},
		{"zoom=4&zoom=5", "zoom"},
		{"bbox=1,2,3", "bbox"},
		{"bbox=1,2,3,4,5", "bbox"},
		{"bbox=", "bbox"},
		{"bbox=a,b,c,d", "bbox"},
		{"bbox=120,30,110,40", "bbox"}, // minLon > maxLon
		{"bbox=110,40,120,30", "bbox"}, // minLat > maxLat
		{"bbox=110,-95,120,30", "bbox"},
		{"bbox=-190,30,120,40", "bbox"},
		{"bbox=NaN,30,120,40", "bbox"},
	} {
		t.Run(tc.query, func(t *testing.T) {
			wantStatus(t, get(t, h, "/api/v1/layers/units?"+tc.query), 400, tc.param)
		})
	}
	wantStatus(t, get(t, h, "/api/v1/layers/counties"), 404, "layer")
	wantStatus(t, get(t, h, "/api/v1/layers/Units"), 404, "layer")
}

func multiPolygon(g orb.Geometry) orb.MultiPolygon {
	switch g := g.(type) {
	case orb.Polygon:
		return orb.MultiPolygon{g}
	case orb.MultiPolygon:
		return g
	}
	return nil
}

// onBoundary reports whether p lies on a ring of mp (a label may sit on an
// edge after rounding).
func onBoundary(mp orb.MultiPolygon, p orb.Point) bool {
	for _, poly := range mp {
		for _, r := range poly {
			for i := 0; i+1 < len(r); i++ {
				if planar.DistanceFromSegment(r[i], r[i+1], p) < 1e-9 {
					return true
				}
			}
		}
	}
	return false
}

func decimals(v float64) int {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if i := strings.IndexByte(s, '.'); i >= 0 {
		return len(s) - i - 1
	}
	return 0
}

// TestNanhaiLineLayer: the South China Sea line for the web map's inset,
// one MultiLineString of nine dashes, valid for GEOS.
func TestNanhaiLineLayer(t *testing.T) {
	c := geoscheck.New(t)
	body := getLayerBody(t, "/api/v1/layers/nanhai_line")
	fc, err := geojson.UnmarshalFeatureCollection(body)
	if err != nil || len(fc.Features) != 1 {
		t.Fatalf("%v, %d features", err, len(fc.Features))
	}
	if ml, ok := fc.Features[0].Geometry.(orb.MultiLineString); !ok || len(ml) != 9 {
		t.Errorf("geometry %v, want 9 dashes", fc.Features[0].Geometry)
	}
	if ts := c.GeometryTypes(t, body); ts["MULTILINESTRING"] != 1 || len(ts) != 1 {
		t.Errorf("types %v", ts)
	}
	if ps := c.Invalid(t, body); len(ps) > 0 {
		t.Errorf("invalid: %v", ps)
	}
}

// TestLayerCatalog: /api/v1/layers describes what each layer serves: its
// geometry type is that of every served feature, its properties those the
// features carry (with their JSON types), its bbox the served features'
// extent, and the TileJSON fields are the properties less the label point.
func TestLayerCatalog(t *testing.T) {
	h := newTestRouter(t)
	var docs []struct {
		Name         string
		GeometryType string `json:"geometry_type"`
		Properties   map[string]string
		BBox         []float64
		TileJSON     string
		OGC          string `json:"ogc_collection"`
	}
	get(t, h, "/api/v1/layers").decode(t, &docs)
	var names []string
	for _, d := range docs {
		names = append(names, d.Name)
	}
	if want := []string{layerProvinces, layerUnits, layerPilots, layerNanhai, layerNanhaiLine, layerGaps}; !slices.Equal(names, want) {
		t.Fatalf("layers %v, want %v", names, want)
	}
	jsonType := func(v any) string {
		switch v := v.(type) {
		case string:
			return string(propString)
		case float64:
			return string(propNumber)
		case bool:
			return string(propBoolean)
		case []any: // province_codes of a gap cluster: a list of strings
			if len(v) > 0 {
				if _, ok := v[0].(string); ok {
					return string(propString)
				}
			}
		}
		return fmt.Sprintf("%T", v)
	}
	for _, d := range docs {
		fc := getLayer(t, "/api/v1/layers/"+d.Name+"?zoom=12")
		if len(fc.Features) == 0 {
			t.Fatalf("%s: no features", d.Name)
		}
		b := fc.Features[0].Geometry.Bound()
		problems := map[string]bool{} // each told once per layer
		for _, f := range fc.Features {
			b = b.Union(f.Geometry.Bound())
			if gt := f.Geometry.GeoJSONType(); gt != d.GeometryType {
				problems[fmt.Sprintf("geometry %s, the catalog says %s", gt, d.GeometryType)] = true
			}
			for k, v := range f.Properties {
				typ, ok := d.Properties[k]
				switch {
				case !ok:
					problems[fmt.Sprintf("property %q is not in the catalog", k)] = true
				case v != nil && jsonType(v) != typ:
					problems[fmt.Sprintf("%s is %s, the catalog says %s", k, jsonType(v), typ)] = true
				}
			}
			for k := range d.Properties {
				if _, ok := f.Properties[k]; !ok {
					problems[fmt.Sprintf("a feature lacks the catalog's property %q", k)] = true
				}
			}
		}
		for _, p := range slices.Sorted(maps.Keys(problems)) {
			t.Errorf("%s: %s", d.Name, p)
		}
		want := []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}
		for i := range want {
			if math.Abs(d.BBox[i]-want[i]) > 1e-3 {
				t.Errorf("%s: bbox %v, its features' %v", d.Name, d.BBox, want)
				break
			}
		}
		if (d.TileJSON != "") != (d.OGC != "") || (d.TileJSON != "") == (d.Name == layerGaps || d.Name == layerNanhaiLine) {
			t.Errorf("%s: tilejson %q, ogc_collection %q", d.Name, d.TileJSON, d.OGC)
		}
		if d.TileJSON == "" {
			continue
		}
		var tj struct {
			VectorLayers []struct{ Fields map[string]string } `json:"vector_layers"`
		}
		get(t, h, "/tiles/"+d.Name+".json").decode(t, &tj)
		want2 := maps.Clone(d.Properties)
		delete(want2, "label_lon")
		delete(want2, "label_lat")
		if len(tj.VectorLayers) != 1 || !maps.Equal(tj.VectorLayers[0].Fields, want2) {
			t.Errorf("%s: TileJSON fields %v, want %v", d.Name, tj.VectorLayers, want2)
		}
	}
}

// TestNanhaiLineBBox: the line is kept by a bbox meeting it and left out
// by one that does not; zooms share one cache entry.
func TestNanhaiLineBBox(t *testing.T) {
	if fc := getLayer(t, "/api/v1/layers/nanhai_line?bbox=105,3,125,26"); len(fc.Features) != 1 {
		t.Errorf("bbox over the South China Sea: %d features, want 1", len(fc.Features))
	}
	if fc := getLayer(t, "/api/v1/layers/nanhai_line?bbox=73,40,90,50"); len(fc.Features) != 0 {
		t.Errorf("bbox over 新疆: %d features, want none", len(fc.Features))
	}
	h := newTestRouter(t)
	get(t, h, "/api/v1/layers/nanhai_line?zoom=3")
	if r := get(t, h, "/api/v1/layers/nanhai_line?zoom=9"); r.Header().Get("X-Cache") != "HIT" {
		t.Errorf("zoom 9 after zoom 3: X-Cache %q, want HIT", r.Header().Get("X-Cache"))
	}
}
