package server

import (
	"fmt"
	"slices"
	"testing"
)

// The catalog drives /api/v1/layers, the OGC collections and TileJSON, and
// says the truth about the features: every property a layer's GeoJSON
// carries is listed with its type (label aside, a point), and every listed
// one is there.
func TestCatalogDrivesTheRoutes(t *testing.T) {
	h := newTestRouter(t)
	cat := newLayerCatalog()
	var docs []struct {
		Name         string
		GeometryType string `json:"geometry_type"`
		Properties   map[string]string
		TileJSON     string `json:"tilejson"`
		OGC          string `json:"ogc_collection"`
		GeoJSON      string
	}
	get(t, h, "/api/v1/layers").decode(t, &docs)
	if len(docs) != len(cat.specs) {
		t.Fatalf("/api/v1/layers lists %d layers, the catalog %d", len(docs), len(cat.specs))
	}
	var colls struct{ Collections []struct{ ID string } }
	get(t, h, "/ogc/collections").decode(t, &colls)
	var ids []string
	for _, c := range colls.Collections {
		ids = append(ids, c.ID)
	}
	if !slices.Equal(ids, cat.served(ogcLayer)) {
		t.Errorf("OGC collections %v, catalog %v", ids, cat.served(ogcLayer))
	}
	for i, l := range cat.specs {
		d := docs[i]
		if d.Name != l.name || d.GeometryType != l.geometryType || (d.TileJSON != "") != l.tiles || (d.OGC != "") != l.ogc || d.GeoJSON == "" {
			t.Errorf("%s: entry %+v", l.name, d)
		}
		if l.tiles {
			wantStatus(t, get(t, h, "/tiles/"+l.name+".json"), 200, "")
		} else {
			wantStatus(t, get(t, h, "/tiles/"+l.name+".json"), 404, "layer")
		}
		var fc struct {
			Features []struct {
				Geometry   struct{ Type string }
				Properties map[string]any
			}
		}
		get(t, h, fmt.Sprintf("/api/v1/layers/%s?zoom=3", l.name)).decode(t, &fc)
		if len(fc.Features) == 0 {
			t.Fatalf("%s: no features", l.name)
		}
		seen := map[string]bool{}
		types := map[string]bool{}
		for _, f := range fc.Features {
			types[f.Geometry.Type] = true
			for k, v := range f.Properties {
				seen[k] = true
				if k == "label" {
					continue
				}
				typ, ok := d.Properties[k]
				if !ok {
					t.Errorf("%s: property %s not in the catalog", l.name, k)
					continue
				}
				if v != nil && typ != jsonType(v) {
					t.Errorf("%s: property %s is a %s, the catalog says %s", l.name, k, jsonType(v), typ)
				}
			}
		}
		// A feature of one part is still written as a Polygon (a layer
		// change on another branch makes them all MultiPolygons).
		delete(types, "Polygon")
		if len(types) > 1 || (len(types) == 1 && !types[l.geometryType]) {
			t.Errorf("%s: geometries %v, the catalog says %s", l.name, types, l.geometryType)
		}
		for k := range d.Properties {
			if !seen[k] {
				t.Errorf("%s: the catalog lists %s, no feature has it", l.name, k)
			}
		}
	}
}

// jsonType names a decoded JSON value's type as TileJSON does (arrays of
// strings count as String: they are lists of codes).
func jsonType(v any) string {
	switch x := v.(type) {
	case string:
		return "String"
	case float64:
		return "Number"
	case bool:
		return "Boolean"
	case []any:
		if len(x) > 0 {
			return jsonType(x[0])
		}
		return "String"
	}
	return fmt.Sprintf("%T", v)
}
