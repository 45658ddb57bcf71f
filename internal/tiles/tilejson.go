package tiles

import "github.com/paulmach/orb"

// TileJSONFields is TileJSON listing the given attributes (name → type
// description such as "String", "Number" or "Boolean").
func TileJSONFields(layer, urlTemplate string, bounds orb.Bound, minzoom, maxzoom int, fields map[string]string) map[string]any {
	if bounds == (orb.Bound{}) {
		bounds = orb.Bound{Min: orb.Point{-180, -85.051129}, Max: orb.Point{180, 85.051129}}
	}
	if fields == nil {
		fields = map[string]string{}
	}
	c := bounds.Center()
	return map[string]any{
		"tilejson": "3.0.0",
		"name":     layer,
		"scheme":   "xyz",
		"tiles":    []string{urlTemplate},
		"minzoom":  minzoom,
		"maxzoom":  maxzoom,
		"bounds":   []float64{bounds.Min[0], bounds.Min[1], bounds.Max[0], bounds.Max[1]},
		"center":   []float64{c[0], c[1], float64(min(max(4, minzoom), maxzoom))},
		"vector_layers": []map[string]any{{
			"id":      layer,
			"fields":  fields,
			"minzoom": minzoom,
			"maxzoom": maxzoom,
		}},
	}
}
