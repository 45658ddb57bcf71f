package server

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"math"
	"net/http"

	"github.com/gorilla/mux"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"pilotmap/internal/boundary"
	"pilotmap/internal/coverage"
	"pilotmap/internal/layer"
)

// The vector layers served (/api/v1/layers, /tiles, /ogc collections).
const (
	layerProvinces = layer.Provinces
	layerUnits     = layer.Units
	layerPilots    = "pilots"
	layerNanhai    = layer.Nanhai
	// layerNanhaiLine is the South China Sea line (MultiLineString), for
	// the 南海诸岛 inset: a layer of its own (one geometry type per
	// layer), served as GeoJSON only.
	layerNanhaiLine = "nanhai_line"
)

// layerNames lists the served layers in the order documents list them.
func layerNames() []string {
	return []string{layerProvinces, layerUnits, layerPilots, layerNanhai}
}

// knownLayer checks a layer name taken from the path; unknown is a 404.
func knownLayer(param, name string) error {
	switch name {
	case layerProvinces, layerUnits, layerPilots, layerNanhai:
		return nil
	}
	return notFoundParam(param, "unknown layer %q; the layers are provinces, units, pilots and nanhai", clip(name))
}

// shapes returns a layer's features at a zoom within bbox (zero: all):
// pilots are the units that hold an active pilot unit.
func (s *server) shapes(sn *snapshot, name string, zoom int, bbox orb.Bound) []layer.Shape {
	switch name {
	case layerPilots:
		return s.topo.FeaturesFunc(layer.Units, zoom, bbox, func(f *boundary.Feature) bool {
			return sn.comparable[f.Code].pilot()
		})
	default:
		return s.topo.Features(name, zoom, bbox)
	}
}

// layerBound is the bounding box of a served layer's own features (pilots:
// the units holding an active pilot unit in the snapshot; the zero Bound
// when there are none).
func (s *server) layerBound(sn *snapshot, name string) orb.Bound {
	switch name {
	case layerProvinces:
		return s.data.Boundaries.Provinces.Bound()
	case layerNanhai:
		return s.data.Boundaries.Nanhai.Bound()
	case layerPilots:
		var b orb.Bound
		first := true
		for _, f := range s.data.Boundaries.Units.Features {
			if !sn.comparable[f.Code].pilot() {
				continue
			}
			if fb := f.Geometry.Bound(); first {
				b, first = fb, false
			} else {
				b = b.Union(fb)
			}
		}
		return b
	default:
		return s.data.Boundaries.Units.Bound()
	}
}

// featureProps returns the properties of a layer's feature (docs/api.md):
// code, name, level, province_code, pilot, pilot_province, in_program,
// batch, status and area_km2; on provinces also the coverage figures.
func featureProps(sn *snapshot, name string, f *boundary.Feature) map[string]any {
	p := map[string]any{
		"code":          f.Code,
		"name":          f.Name,
		"level":         f.Level,
		"province_code": f.ProvinceCode,
		"area_km2":      round(f.AreaKM2, 0),
	}
	if name == layerProvinces {
		st, ok := sn.provinceStats[f.Code]
		p["pilot"] = ok && st.Units > 0
		p["pilot_province"] = sn.pilotProvinces[f.Code]
		p["in_program"] = coverage.InProgram(f.Code)
		p["batch"] = nil
		p["status"] = nil
		p["units"] = st.Units
		p["comparable_units"] = st.ComparableUnits
		p["covered_units"] = st.CoveredUnits
		p["coverage"] = round(st.Coverage, 4)
		return p
	}
	ci := sn.comparable[f.Code]
	p["pilot"] = ci.pilot()
	p["pilot_province"] = sn.pilotProvinces[f.ProvinceCode]
	p["in_program"] = coverage.InProgram(f.ProvinceCode)
	p["batch"], p["status"] = nil, nil
	if ci != nil {
		p["batch"], p["status"] = ci.batch, string(ci.status)
	}
	return p
}

// propertyTypes are the properties of a layer as TileJSON fields.
func propertyTypes(name string) map[string]string {
	m := map[string]string{
		"code": "String", "name": "String", "level": "String", "province_code": "String",
		"pilot": "Boolean", "pilot_province": "Boolean", "in_program": "Boolean",
		"batch": "Number", "status": "String", "area_km2": "Number",
	}
	if name == layerProvinces {
		for _, k := range []string{"units", "comparable_units", "covered_units", "coverage"} {
			m[k] = "Number"
		}
	}
	return m
}

// shapeProps are featureProps plus the label point of the zoom's geometry.
func shapeProps(sn *snapshot, name string) func(*layer.Shape) map[string]any {
	return func(sh *layer.Shape) map[string]any {
		p := featureProps(sn, name, &sh.Feature)
		layer.SetLabel(p, sh.Label)
		return p
	}
}

// GET /api/v1/layers/{layer}?zoom=&bbox=
func (s *server) getLayer(w http.ResponseWriter, r *http.Request) error {
	name := mux.Vars(r)["layer"]
	if name != layerGaps && name != layerNanhaiLine {
		if err := knownLayer("layer", name); err != nil {
			return err
		}
	}
	p := queryParams(r.URL)
	download, err := p.download()
	if err != nil {
		return err
	}
	zoom, err := p.zoom()
	if err != nil {
		return err
	}
	bbox, err := p.bbox()
	if err != nil {
		return err
	}
	sn, err := s.snapshot(r.Context())
	if err != nil {
		return err
	}
	// Zooms beyond layer.DataZoom serve its geometry: one cache entry.
	key := cacheKey{version: sn.version, kind: kindLayer, layer: name, zoom: min(zoom, layer.DataZoom), bbox: bbox}
	rep, hit, err := s.cache.get(r.Context(), key, func() (*representation, error) {
		switch name {
		case layerGaps:
			return s.buildGapsLayer(r.Context(), zoom, bbox)
		case layerNanhaiLine: // two points a dash: the same at every zoom
			fc := geojson.NewFeatureCollection()
			if line := s.data.Boundaries.NanhaiLine; len(line) > 0 {
				fc.Append(boundary.NanhaiLineFeature(line))
			}
			body, err := json.Marshal(fc)
			if err != nil {
				return nil, err
			}
			return s.newRepresentation(ctypeGeoJSON, cacheGeometry, body, gzip.DefaultCompression), nil
		}
		return s.buildLayer(sn, name, zoom, bbox)
	})
	if err != nil {
		return err
	}
	setCacheStatus(w, hit)
	if download {
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="pilotmap-%s.geojson"`, name))
	}
	serve(w, r, rep)
	return nil
}

// buildLayer encodes a layer as a GeoJSON FeatureCollection.
func (s *server) buildLayer(sn *snapshot, name string, zoom int, bbox orb.Bound) (*representation, error) {
	body, err := layer.AppendFeatureCollection(nil, s.shapes(sn, name, zoom, bbox), shapeProps(sn, name))
	if err != nil {
		return nil, err
	}
	return s.newRepresentation(ctypeGeoJSON, cacheGeometry, body, gzip.DefaultCompression), nil
}

func setCacheStatus(w http.ResponseWriter, hit bool) {
	if hit {
		w.Header()["X-Cache"] = []string{"HIT"}
	} else {
		w.Header()["X-Cache"] = []string{"MISS"}
	}
}

// round rounds x to d decimals.
func round(x float64, d int) float64 {
	p := math.Pow10(d)
	return math.Round(x*p) / p
}
