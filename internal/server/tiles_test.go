package server

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
)

// beijing is the tile at zoom z holding 东城区.
func beijing(z maptile.Zoom) maptile.Tile {
	return maptile.At([2]float64{116.41, 39.92}, z)
}

func TestTileRoundTrip(t *testing.T) {
	h := newTestRouter(t)
	for _, z := range []maptile.Zoom{4, 8, 12} {
		tile := beijing(z)
		for _, gz := range []bool{false, true} {
			var hdr []string
			if gz {
				hdr = append(hdr, "Accept-Encoding: gzip")
			}
			r := get(t, h, tilePath("units", tile), hdr...)
			wantStatus(t, r, 200, "")
			if ct := r.Header().Get("Content-Type"); ct != ctypeMVT {
				t.Errorf("content type %q", ct)
			}
			var layers mvt.Layers
			var err error
			if r.Header().Get("Content-Encoding") == "gzip" {
				layers, err = mvt.UnmarshalGzipped(r.body)
			} else {
				if gz && len(r.body) >= minGzip {
					t.Errorf("z%d: gzip asked for, identity sent", z)
				}
				layers, err = mvt.Unmarshal(r.body)
			}
			if err != nil {
				t.Fatalf("z%d: decode: %v", z, err)
			}
			if len(layers) != 1 || layers[0].Name != "units" || layers[0].Version != 2 || layers[0].Extent != 4096 {
				t.Fatalf("z%d: layers %v", z, layers)
			}
			var found map[string]any
			for _, f := range layers[0].Features {
				if f.Properties["code"] == "110101" {
					found = f.Properties
				}
			}
			if found == nil || found["name"] != "东城区" || found["pilot"] != true || found["province_code"] != "110000" || found["status"] != "active" {
				t.Errorf("z%d: 东城区 = %v", z, found)
			}
		}
	}
	// The pilots layer only holds pilots, named as the URL's layer.
	r := get(t, h, tilePath("pilots", beijing(6)))
	wantStatus(t, r, 200, "")
	layers, err := mvt.Unmarshal(r.body)
	if err != nil || len(layers) != 1 || layers[0].Name != "pilots" || len(layers[0].Features) == 0 {
		t.Fatalf("pilots tile: %v %v", layers, err)
	}
	for _, f := range layers[0].Features {
		if f.Properties["pilot"] != true {
			t.Errorf("%v in the pilots tile is no pilot", f.Properties["code"])
		}
	}
	// Provinces carry their coverage figures.
	r = get(t, h, tilePath("provinces", beijing(3)))
	layers, _ = mvt.Unmarshal(r.body)
	if len(layers) != 1 || len(layers[0].Features) == 0 || layers[0].Features[0].Properties["comparable_units"] == nil {
		t.Errorf("provinces tile without coverage figures")
	}
}

func TestTileCaching(t *testing.T) {
	h := newTestRouter(t)
	p := tilePath("units", beijing(7))
	a := get(t, h, p)
	b := get(t, h, p)
	if a.Header().Get("X-Cache") != "MISS" || b.Header().Get("X-Cache") != "HIT" {
		t.Errorf("X-Cache %q then %q, want MISS then HIT", a.Header().Get("X-Cache"), b.Header().Get("X-Cache"))
	}
	if string(a.body) != string(b.body) || a.Header().Get("ETag") == "" || a.Header().Get("ETag") != b.Header().Get("ETag") {
		t.Error("cached tile differs")
	}
	if r := get(t, h, p, "If-None-Match: "+a.Header().Get("ETag")); r.Code != 304 || len(r.body) != 0 {
		t.Errorf("If-None-Match: %d", r.Code)
	}
	if cc := a.Header().Get("Cache-Control"); !strings.Contains(cc, "max-age") {
		t.Errorf("Cache-Control %q", cc)
	}
}

func TestTileEmptyAndBad(t *testing.T) {
	h := newTestRouter(t)
	// The Atlantic: no feature.
	if r := get(t, h, "/tiles/units/4/6/6.mvt"); r.Code != 204 || len(r.body) != 0 {
		t.Errorf("empty tile: %d, %d bytes", r.Code, len(r.body))
	}
	for _, tc := range []struct{ path, param string }{
		{"/tiles/units/30/1/1.mvt", "z"},
		{"/tiles/units/19/1/1.mvt", "z"},
		{"/tiles/units/-1/0/0.mvt", "z"},
		{"/tiles/units/z/1/1.mvt", "z"},
		{"/tiles/units/4/16/1.mvt", "x"}, // x beyond 2^z
		{"/tiles/units/4/1/16.mvt", "y"},
		{"/tiles/units/0/1/0.mvt", "x"},
		{"/tiles/units/4/-1/1.mvt", "x"},
		{"/tiles/units/4/1/y.mvt", "y"},
		{"/tiles/units/4/99999999999999999999/1.mvt", "x"},
	} {
		t.Run(tc.path, func(t *testing.T) { wantStatus(t, get(t, h, tc.path), 400, tc.param) })
	}
	wantStatus(t, get(t, h, "/tiles/roads/4/13/6.mvt"), 404, "layer")
	wantStatus(t, get(t, h, "/tiles/roads.json"), 404, "layer")
}

func TestTileJSON(t *testing.T) {
	h := newTestRouter(t)
	for _, name := range newLayerCatalog().served(ogcLayer) {
		r := get(t, h, "/tiles/"+name+".json")
		wantStatus(t, r, 200, "")
		var doc struct {
			TileJSON     string   `json:"tilejson"`
			Tiles        []string `json:"tiles"`
			Bounds       []float64
			MinZoom      int `json:"minzoom"`
			MaxZoom      int `json:"maxzoom"`
			VectorLayers []struct {
				ID     string
				Fields map[string]string
			} `json:"vector_layers"`
		}
		if err := json.Unmarshal(r.body, &doc); err != nil {
			t.Fatal(err)
		}
		if doc.TileJSON != "3.0.0" || len(doc.Tiles) != 1 || doc.Tiles[0] != "http://example.com/tiles/"+name+"/{z}/{x}/{y}.mvt" ||
			len(doc.Bounds) != 4 || doc.MaxZoom < 8 || len(doc.VectorLayers) != 1 || doc.VectorLayers[0].ID != name ||
			doc.VectorLayers[0].Fields["pilot"] != "Boolean" {
			t.Errorf("%s: %s", name, r.body)
		}
	}
}

func tilePath(layer string, t maptile.Tile) string {
	return fmt.Sprintf("/tiles/%s/%d/%d/%d.mvt", layer, t.Z, t.X, t.Y)
}
