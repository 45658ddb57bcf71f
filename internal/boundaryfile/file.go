// Package boundaryfile reads a deployment's own boundary file (GeoJSON,
// TopoJSON or a zipped Shapefile), maps its properties to division codes,
// converts GCJ-02 coordinates to WGS-84, and checks the result against the
// gazetteer and the boundaries in use before anything is stored (Check).
package boundaryfile

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// Format is the format of a boundary file.
type Format string

// The formats Read understands.
const (
	FormatGeoJSON   Format = "geojson"
	FormatTopoJSON  Format = "topojson"
	FormatShapefile Format = "shapefile" // a zip holding .shp, .dbf and .prj
)

// Feature is one feature of a file: its properties and its polygons as the
// file has them (no orientation or datum assumed).
type Feature struct {
	Object     string // the TopoJSON object, the Shapefile's layer or "features"
	Index      int    // position in the object, from 0
	Properties map[string]any
	Geometry   orb.MultiPolygon
	// Kind is the geometry type when it is not a polygon (the feature is
	// then not used, and the report says so).
	Kind string
}

// File is a decoded boundary file.
type File struct {
	Format   Format
	Objects  []string // in file order
	Features []Feature
}

// Read decodes a boundary file; the format is told by its content (a zip:
// Shapefile; JSON with "type": "Topology": TopoJSON; else GeoJSON). With
// object set, only that TopoJSON object (or Shapefile layer) is read; a
// missing one is an error naming those present.
func Read(data []byte, object string) (*File, error) {
	var f *File
	var err error
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		f, err = readShapefileZip(data)
	default:
		var head struct {
			Type string `json:"type"`
		}
		if jerr := json.Unmarshal(data, &head); jerr != nil {
			return nil, fmt.Errorf("boundary file: neither a zip nor JSON: %w", jerr)
		}
		switch head.Type {
		case "Topology":
			f, err = readTopoJSON(data)
		case "FeatureCollection":
			f, err = readGeoJSON(data)
		default:
			return nil, fmt.Errorf("boundary file: JSON of type %q: want a GeoJSON FeatureCollection or a TopoJSON Topology", head.Type)
		}
	}
	if err != nil {
		return nil, err
	}
	if object == "" {
		return f, nil
	}
	var kept []Feature
	for _, ft := range f.Features {
		if ft.Object == object {
			kept = append(kept, ft)
		}
	}
	found := false
	for _, o := range f.Objects {
		found = found || o == object
	}
	if !found {
		return nil, fmt.Errorf("boundary file: no object %q (the file has %q)", object, f.Objects)
	}
	f.Features, f.Objects = kept, []string{object}
	return f, nil
}

func readGeoJSON(data []byte) (*File, error) {
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		return nil, fmt.Errorf("boundary file: GeoJSON: %w", err)
	}
	f := &File{Format: FormatGeoJSON, Objects: []string{"features"}}
	for i, gf := range fc.Features {
		ft := Feature{Object: "features", Index: i, Properties: map[string]any(gf.Properties)}
		if gf.ID != nil {
			if ft.Properties == nil {
				ft.Properties = map[string]any{}
			}
			if _, ok := ft.Properties["id"]; !ok {
				ft.Properties["id"] = gf.ID
			}
		}
		ft.Geometry, ft.Kind = polygons(gf.Geometry)
		f.Features = append(f.Features, ft)
	}
	return f, nil
}

// polygons returns a geometry's polygons, or its type when it has none.
func polygons(g orb.Geometry) (orb.MultiPolygon, string) {
	switch g := g.(type) {
	case orb.Polygon:
		return orb.MultiPolygon{g}, ""
	case orb.MultiPolygon:
		return g, ""
	case orb.Collection:
		var mp orb.MultiPolygon
		for _, x := range g {
			p, kind := polygons(x)
			if kind != "" {
				return nil, "GeometryCollection with " + kind
			}
			mp = append(mp, p...)
		}
		return mp, ""
	case nil:
		return nil, "no geometry"
	default:
		return nil, g.GeoJSONType()
	}
}

// Text returns a property as text: strings as they are, whole numbers
// without a decimal point (a code stored as a number), "" when absent.
func Text(props map[string]any, key string) string {
	switch v := props[key].(type) {
	case nil:
		return ""
	case string:
		return v
	case float64:
		if v == float64(int64(v)) {
			return fmt.Sprintf("%d", int64(v))
		}
		return fmt.Sprint(v)
	default:
		return fmt.Sprint(v)
	}
}
