// Package layer turns boundary layers and pilot data into the vector layers
// pilotmap serves and exports: GeoJSON features with id = division code and
// the properties the map and other clients read.
package layer

import (
	"github.com/paulmach/orb/geojson"

	"pilotmap/internal/boundary"
)

// Properties returns the properties every feature carries: code, name,
// level and province_code.
func Properties(f boundary.Feature) geojson.Properties {
	return geojson.Properties{
		"code":          f.Code,
		"name":          f.Name,
		"level":         f.Level,
		"province_code": f.ProvinceCode,
	}
}

// FeatureCollection builds a GeoJSON FeatureCollection of the layer's
// features (full geometry). extend, when not nil, adds properties to each.
func FeatureCollection(l *boundary.Layer, extend func(boundary.Feature, geojson.Properties)) *geojson.FeatureCollection {
	fc := geojson.NewFeatureCollection()
	for _, f := range l.Features {
		gf := geojson.NewFeature(f.Geometry)
		gf.ID = f.Code
		gf.Properties = Properties(f)
		if extend != nil {
			extend(f, gf.Properties)
		}
		fc.Append(gf)
	}
	return fc
}
