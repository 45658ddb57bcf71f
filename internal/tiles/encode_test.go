package tiles

import (
	"bytes"
	"fmt"
	"strconv"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"

	"pilotmap/geodata"
	"pilotmap/internal/boundary"
	"pilotmap/internal/layer"
)

// The national topology, built once for all tests (read-only).
var national = sync.OnceValues(func() (*layer.Topology, error) {
	set, err := boundary.Load(geodata.FS())
	if err != nil {
		return nil, err
	}
	return layer.NewTopology(set)
})

func testTopology(tb testing.TB) *layer.Topology {
	tb.Helper()
	topo, err := national()
	if err != nil {
		tb.Fatal(err)
	}
	return topo
}

var (
	beijing = orb.Point{116.40, 39.90}
	// Tiles the tests and benchmarks use.
	tileBeijing4   = maptile.At(beijing, 4)
	tileBeijing8   = maptile.At(beijing, 8)
	tileChongqing6 = maptile.At(orb.Point{106.55, 29.56}, 6)
)

func pilotProps(code string) map[string]any {
	return map[string]any{
		"code":    code,
		"pilot":   code[len(code)-1] == '1',
		"batch":   1,
		"share":   0.25,
		"label":   orb.Point{116.4, 39.9},
		"codes":   []string{code, "x"},
		"missing": nil,
	}
}

// decode unmarshals a tile and returns its layer's features by code.
func decode(t *testing.T, data []byte, name string) map[string]*geojson.Feature {
	t.Helper()
	layers, err := mvt.Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(layers) != 1 || layers[0].Name != name || layers[0].Extent != Extent || layers[0].Version != 2 {
		t.Fatalf("layers: %d, first %q extent %d version %d", len(layers), layers[0].Name, layers[0].Extent, layers[0].Version)
	}
	byCode := make(map[string]*geojson.Feature)
	for _, f := range layers[0].Features {
		code := f.Properties.MustString("code", "")
		if id, ok := f.ID.(float64); !ok || strconv.FormatFloat(id, 'f', -1, 64) != code { // orb decodes ids as float64
			t.Errorf("feature %s: id %v", code, f.ID)
		}
		byCode[code] = f
		b := f.Geometry.Bound()
		if b.Min[0] < -Buffer || b.Min[1] < -Buffer || b.Max[0] > Extent+Buffer || b.Max[1] > Extent+Buffer {
			t.Errorf("feature %s: bound %v beyond the buffer", code, b)
		}
	}
	return byCode
}

func TestEncodeBeijingZoom4(t *testing.T) {
	topo := testTopology(t)
	data, err := Render(topo, layer.Units, "units", tileBeijing4, nil, pilotProps)
	if err != nil || data == nil {
		t.Fatalf("data %d bytes, err %v", len(data), err)
	}
	feats := decode(t, data, "units")
	for _, code := range []string{"110101", "110105", "120101", "130100", "130600", "440100", "310101"} {
		if feats[code] == nil {
			t.Errorf("%s missing from tile %v", code, tileBeijing4)
		}
	}
	if feats["460200"] != nil || feats["650100"] != nil { // 三亚, 乌鲁木齐
		t.Error("features far from the tile encoded")
	}
	f := feats["110101"]
	p := f.Properties
	if p["pilot"] != true || p["batch"] != float64(1) || p["share"] != 0.25 || p["label"] != "[116.4,39.9]" || p["codes"] != `["110101","x"]` {
		t.Errorf("properties %v", p)
	}
	if _, ok := p["missing"]; ok {
		t.Error("nil property encoded")
	}

	data2, err := Render(topo, layer.Units, "units", tileBeijing4, nil, pilotProps)
	if err != nil || !bytes.Equal(data, data2) {
		t.Error("two encodes of the same tile differ")
	}
	provinces, err := Render(topo, layer.Provinces, "provinces", tileBeijing4, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	pf := decode(t, provinces, "provinces")
	if pf["110000"] == nil || pf["130000"] == nil || pf["110000"].Properties.MustString("name", "") != "北京市" {
		t.Errorf("provinces tile: %d features", len(pf))
	}
}

func TestEncodeBeijingZoom8(t *testing.T) {
	topo := testTopology(t)
	keep := func(f *boundary.Feature) bool { return f.ProvinceCode == "110000" }
	data, err := Render(topo, layer.Units, "pilots", tileBeijing8, keep, nil)
	if err != nil || data == nil {
		t.Fatalf("data %d bytes, err %v", len(data), err)
	}
	feats := decode(t, data, "pilots")
	for _, code := range []string{"110101", "110102", "110105", "110106"} {
		if feats[code] == nil {
			t.Errorf("%s missing", code)
		}
	}
	for code := range feats {
		if code[:2] != "11" {
			t.Errorf("%s passed the filter", code)
		}
	}
	// Neighbours meet in tile coordinates too: 东城 and 朝阳 share vertices.
	verts := func(g orb.Geometry) map[orb.Point]bool {
		m := make(map[orb.Point]bool)
		var mp orb.MultiPolygon
		switch g := g.(type) {
		case orb.Polygon:
			mp = orb.MultiPolygon{g}
		case orb.MultiPolygon:
			mp = g
		}
		for _, p := range mp {
			for _, r := range p {
				for _, q := range r {
					m[q] = true
				}
			}
		}
		return m
	}
	a, b := verts(feats["110101"].Geometry), verts(feats["110105"].Geometry)
	shared := 0
	for q := range a {
		if b[q] {
			shared++
		}
	}
	if shared < 3 {
		t.Errorf("110101 and 110105 share %d vertices in the tile", shared)
	}
}

func TestEncodeIslands(t *testing.T) {
	topo := testTopology(t)
	tile := maptile.At(orb.Point{112.3, 16.5}, 7) // the Paracel Islands
	data, err := Render(topo, layer.Nanhai, "nanhai", tile, nil, nil)
	if err != nil || data == nil {
		t.Fatalf("data %d bytes, err %v", len(data), err)
	}
	f := decode(t, data, "nanhai")["460300"]
	if f == nil {
		t.Fatal("三沙 missing")
	}
	// Every island decodes as its own polygon: exterior rings are
	// oriented as MVT wants (orb's decoder reads a wrongly wound one as a
	// hole of the previous polygon).
	mp, ok := f.Geometry.(orb.MultiPolygon)
	if !ok || len(mp) < 5 {
		t.Fatalf("geometry %T with %d polygons", f.Geometry, len(mp))
	}
	for _, p := range mp {
		if len(p) != 1 {
			t.Errorf("island with %d rings", len(p))
		}
	}
}

func TestEncodeEmpty(t *testing.T) {
	topo := testTopology(t)
	for _, tile := range []maptile.Tile{maptile.At(orb.Point{-150, 0}, 4), maptile.At(orb.Point{0, 51.5}, 8), maptile.New(0, 0, 1)} {
		data, err := Render(topo, layer.Units, "units", tile, nil, nil)
		if err != nil || data != nil {
			t.Errorf("tile %v: %d bytes, err %v; want nil, nil", tile, len(data), err)
		}
	}
	if data, err := Encode("units", nil, nil, maptile.New(0, 0, 0)); data != nil || err != nil {
		t.Errorf("no shapes: %d bytes, err %v", len(data), err)
	}
}

func TestEncodeInvalidTile(t *testing.T) {
	topo := testTopology(t)
	for _, tile := range []maptile.Tile{maptile.New(16, 0, 4), maptile.New(0, 1, 0), maptile.New(0, 0, 19)} {
		if _, err := Render(topo, layer.Units, "units", tile, nil, nil); err == nil {
			t.Errorf("tile %v: want an error", tile)
		}
	}
	if _, err := Encode("units", nil, nil, maptile.New(2, 0, 1)); err == nil {
		t.Error("Encode: want an error for an invalid tile")
	}
}

// TestEncodeWholeWorld encodes zoom 0: every unit, all in one tile.
func TestEncodeWholeWorld(t *testing.T) {
	topo := testTopology(t)
	data, err := Render(topo, layer.Units, "units", maptile.New(0, 0, 0), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(decode(t, data, "units")); n < 400 {
		t.Errorf("zoom 0: %d units in the tile", n)
	}
}

func BenchmarkEncodeTile(b *testing.B) {
	topo := testTopology(b)
	for _, c := range []struct {
		name string
		tile maptile.Tile
	}{{"z=4/beijing", tileBeijing4}, {"z=6/chongqing", tileChongqing6}, {"z=8/beijing", tileBeijing8}} {
		b.Run(c.name, func(b *testing.B) {
			topo.Prepare(int(c.tile.Z)) // geometry built before timing, as after the first request
			b.ReportAllocs()
			var data []byte
			for b.Loop() {
				var err error
				if data, err = Render(topo, layer.Units, "units", c.tile, nil, pilotProps); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(data)), "bytes")
		})
	}
}

func ExampleRender() {
	set, err := boundary.Load(geodata.FS())
	if err != nil {
		panic(err)
	}
	topo, err := layer.NewTopology(set)
	if err != nil {
		panic(err)
	}
	tile := maptile.New(13, 6, 4)
	data, err := Render(topo, layer.Provinces, "provinces", tile, nil, func(code string) map[string]any {
		return map[string]any{"code": code}
	})
	if err != nil {
		panic(err)
	}
	layers, _ := mvt.Unmarshal(data)
	fmt.Println(layers[0].Name, len(layers[0].Features) > 5)
	// Output: provinces true
}
