// Package layer turns boundary layers and pilot data into the vector layers
// pilotmap serves and exports: GeoJSON features with id = division code and
// the properties the map and other clients read.
//
// A Topology holds the boundary layers (provinces, units, nanhai) as
// shared arcs, simplified once per zoom, so that neighbouring features —
// and provinces and their units — meet exactly at every zoom from 0 to
// MaxZoom: Features and Geometry serve that geometry, rounded to what the
// zoom needs, and AppendFeatureCollection writes it as GeoJSON quickly.
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
