package tiles

import (
	"encoding/json"
	"testing"

	"github.com/paulmach/orb"
)

func TestTileJSON(t *testing.T) {
	bounds := orb.Bound{Min: orb.Point{73.5, 3.8}, Max: orb.Point{135.1, 53.6}}
	doc := TileJSONFields("units", "https://example.org/tiles/units/{z}/{x}/{y}.mvt", bounds, 0, 12, map[string]string{"code": "String", "name": "String"})
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		TileJSON     string    `json:"tilejson"`
		Tiles        []string  `json:"tiles"`
		Bounds       []float64 `json:"bounds"`
		Center       []float64 `json:"center"`
		MinZoom      int       `json:"minzoom"`
		MaxZoom      int       `json:"maxzoom"`
		VectorLayers []struct {
			ID      string            `json:"id"`
			Fields  map[string]string `json:"fields"`
			MinZoom int               `json:"minzoom"`
			MaxZoom int               `json:"maxzoom"`
		} `json:"vector_layers"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got.TileJSON != "3.0.0" || len(got.Tiles) != 1 || got.Tiles[0] != "https://example.org/tiles/units/{z}/{x}/{y}.mvt" ||
		len(got.Bounds) != 4 || got.Bounds[0] != 73.5 || got.Bounds[3] != 53.6 || got.MinZoom != 0 || got.MaxZoom != 12 ||
		len(got.Center) != 3 || got.Center[2] != 4 {
		t.Errorf("document %s", b)
	}
	if len(got.VectorLayers) != 1 || got.VectorLayers[0].ID != "units" || got.VectorLayers[0].Fields["code"] != "String" || got.VectorLayers[0].MaxZoom != 12 {
		t.Errorf("vector_layers %+v", got.VectorLayers)
	}

	doc = TileJSONFields("pilots", "/t/{z}/{x}/{y}.mvt", orb.Bound{}, 2, 3, map[string]string{"pilot": "Boolean"})
	if doc["bounds"].([]float64)[0] != -180 || doc["center"].([]float64)[2] != 3 {
		t.Errorf("defaults: %v", doc)
	}
	fields := doc["vector_layers"].([]map[string]any)[0]["fields"].(map[string]string)
	if fields["pilot"] != "Boolean" || len(fields) != 1 {
		t.Errorf("fields %v", fields)
	}
}
