package tiles

import "github.com/paulmach/orb"

// DefaultFields are the attributes every feature of pilotmap's tile
// layers carries, as TileJSON's vector_layers fields.
func DefaultFields() map[string]string {
	return map[string]string{
		"code": "String",
		"name": "String",
	}
}

// TileJSON describes a vector tile layer as a TileJSON 3.0.0 document
// (one vector layer with the same id as the tile set, DefaultFields).
// urlTemplate is the absolute tile URL with {z}/{x}/{y}; bounds the data's
// lon/lat extent (the zero Bound: the whole world).
func TileJSON(layer, urlTemplate string, bounds orb.Bound, minzoom, maxzoom int) map[string]any {
	return TileJSONFields(layer, urlTemplate, bounds, minzoom, maxzoom, DefaultFields())
}

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
