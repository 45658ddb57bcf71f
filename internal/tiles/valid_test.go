package tiles

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"

	"pilotmap/internal/geoscheck"
	"pilotmap/internal/layer"
)

// TestTilesGEOSValid decodes every tile over China of every layer at
// zooms 0 to 6, and some at 8, 10 and 12 (about Beijing, Chongqing and
// the Pearl River delta's islands), and has GEOS judge each feature's
// geometry in tile coordinates: none may be invalid.
func TestTilesGEOSValid(t *testing.T) {
	c := geoscheck.New(t)
	topo := testTopology(t)
	china := orb.Bound{Min: orb.Point{73, 3}, Max: orb.Point{136, 54}}
	var tiles []maptile.Tile
	for z := maptile.Zoom(0); z <= 6; z++ {
		lo, hi := maptile.At(orb.Point{china.Min[0], china.Max[1]}, z), maptile.At(orb.Point{china.Max[0], china.Min[1]}, z)
		for x := lo.X; x <= hi.X; x++ {
			for y := lo.Y; y <= hi.Y; y++ {
				tiles = append(tiles, maptile.New(x, y, z))
			}
		}
	}
	for _, p := range []orb.Point{{116.40, 39.90}, {106.55, 29.56}, {113.55, 22.2}, {122.1, 30.0}} {
		for _, z := range []maptile.Zoom{8, 10, 12} {
			tiles = append(tiles, maptile.At(p, z))
		}
	}
	fc := geojson.NewFeatureCollection()
	for _, tile := range tiles {
		for _, name := range topo.Layers() {
			data, err := Render(topo, name, name, tile, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if data == nil {
				continue
			}
			ls, err := mvt.Unmarshal(data)
			if err != nil {
				t.Fatalf("tile %v %s: %v", tile, name, err)
			}
			for _, f := range ls[0].Features {
				f.Properties = geojson.Properties{"code": fmt.Sprintf("%s %d/%d/%d %v", name, tile.Z, tile.X, tile.Y, f.Properties["code"])}
				fc.Append(f)
			}
		}
	}
	b, err := json.Marshal(fc)
	if err != nil {
		t.Fatal(err)
	}
	ps := c.Invalid(t, b)
	for i, p := range ps {
		if i < 10 {
			t.Errorf("%s: %s", p.Code, p.Reason)
		}
	}
	if len(ps) > 0 {
		t.Errorf("%d of %d tile features invalid", len(ps), len(fc.Features))
	}
	t.Logf("%d tiles, %d features", len(tiles), len(fc.Features))
	_ = layer.DataZoom
}
