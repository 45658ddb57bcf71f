package server

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"

	"github.com/gorilla/mux"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"pilotmap/internal/boundary"
	"pilotmap/internal/layer"
	"pilotmap/internal/world"
)

// GET /api/v1/layers: the catalog of layers.
func (s *server) getLayers(w http.ResponseWriter, r *http.Request) error {
	wd, err := s.world(r.Context())
	if err != nil {
		return err
	}
	base := s.baseURL(r)
	type layerDoc struct {
		Name         string            `json:"name"`
		Title        string            `json:"title"`
		Description  string            `json:"description"`
		GeometryType string            `json:"geometry_type"`
		Properties   map[string]string `json:"properties"`
		MinZoom      int               `json:"minzoom"`
		MaxZoom      int               `json:"maxzoom"`
		BBox         [4]float64        `json:"bbox"`
		GeoJSON      string            `json:"geojson"`
		TileJSON     string            `json:"tilejson,omitempty"`
		OGC          string            `json:"ogc_collection,omitempty"`
	}
	var out []layerDoc
	for i := range s.catalog.specs {
		l := &s.catalog.specs[i]
		b := l.bound(wd)
		d := layerDoc{
			Name: l.name, Title: l.title, Description: l.description, GeometryType: l.geometryType,
			Properties: l.fields(), MinZoom: l.minZoom, MaxZoom: l.maxZoom,
			BBox:    [4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]},
			GeoJSON: base + "/api/v1/layers/" + l.name + "?zoom={z}",
		}
		if l.tiles {
			d.TileJSON = base + "/tiles/" + l.name + ".json"
		}
		if l.ogc {
			d.OGC = base + "/ogc/collections/" + l.name
		}
		out = append(out, d)
	}
	return s.writeJSON(w, r, ctypeJSON, out)
}

// GET /api/v1/layers/{layer}?zoom=&bbox=
func (s *server) getLayer(w http.ResponseWriter, r *http.Request) error {
	l, err := s.catalog.lookup("layer", mux.Vars(r)["layer"], anyLayer)
	if err != nil {
		return err
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
	wd, err := s.selectedWorld(r)
	if err != nil {
		return err
	}
	if l.name == layerGaps && !wd.Selection.IsZero() {
		return badParam("batch", "the gaps layer is of every program and batch; leave program and batch out")
	}
	// Zooms beyond layer.DataZoom serve its geometry: one cache entry
	// (the South China Sea line is the same at every zoom).
	zoom = min(zoom, layer.DataZoom)
	if l.name == layerNanhaiLine {
		zoom = 0
	}
	key := cacheKey{version: wd.Version, kind: kindLayer, layer: l.name, zoom: zoom, bbox: bbox, query: wd.Selection.Key()}
	build := func(ctx context.Context) (*representation, error) {
		if l.geojson != nil {
			return l.geojson(s, wd, zoom, bbox)
		}
		return s.buildLayer(wd, l, zoom, bbox)
	}
	var rep *representation
	hit := false
	if bbox == (orb.Bound{}) || onTileGrid(bbox, max(0, zoom-2)) {
		rep, hit, err = s.cache.get(r.Context(), key, build)
	} else {
		rep, err = s.cache.transient(r.Context(), key, build)
	}
	if err != nil {
		return err
	}
	setCacheStatus(w, hit)
	if download {
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="pilotmap-%s.geojson"`, l.name))
	}
	serve(w, r, rep)
	return nil
}

// buildLayer encodes a layer as a GeoJSON FeatureCollection.
func (s *server) buildLayer(wd *world.World, l *layerSpec, zoom int, bbox orb.Bound) (*representation, error) {
	body, err := layer.AppendFeatureCollection(nil, l.shapes(wd, zoom, bbox), l.shapeProps(wd))
	if err != nil {
		return nil, err
	}
	return s.newRepresentation(ctypeGeoJSON, cacheGeometry, body, gzip.DefaultCompression), nil
}

// gridSlack is how far a bbox edge may lie from a tile edge and still be
// on the grid: the web map sends tile edges rounded outward to 3 decimals.
const gridSlack = 0.0011

// onTileGrid reports whether every edge of b is an edge of the XYZ tile
// grid at zoom z (within gridSlack degrees): the bboxes the web map asks
// for (the blocks of zoom-2 covering its view), a bounded set worth
// caching; any other bbox is built for its request only.
func onTileGrid(b orb.Bound, z int) bool {
	n := float64(int(1) << z)
	onLon := func(lon float64) bool {
		x := math.Round((lon + 180) / 360 * n)
		return math.Abs(x/n*360-180-lon) <= gridSlack
	}
	onLat := func(lat float64) bool {
		if math.Abs(lat) >= 85.05 {
			return true // the grid's own edge, or beyond it
		}
		phi := lat * math.Pi / 180
		y := math.Round((1 - math.Log(math.Tan(phi)+1/math.Cos(phi))/math.Pi) / 2 * n)
		edge := math.Atan(math.Sinh(math.Pi*(1-2*y/n))) * 180 / math.Pi
		return math.Abs(edge-lat) <= gridSlack
	}
	return onLon(b.Min[0]) && onLon(b.Max[0]) && onLat(b.Min[1]) && onLat(b.Max[1])
}

// buildNanhaiLineLayer encodes the South China Sea line as a GeoJSON
// FeatureCollection of one feature, two points a dash, the same at every
// zoom; empty when bbox (zero: all) misses the line's bounding box or the
// boundaries have no line.
func (s *server) buildNanhaiLineLayer(wd *world.World, bbox orb.Bound) (*representation, error) {
	fc := geojson.NewFeatureCollection()
	line := wd.Boundaries.NanhaiLine
	if len(line) > 0 && (bbox == orb.Bound{} || bbox.Intersects(line.Bound())) {
		fc.Append(boundary.NanhaiLineFeature(line))
	}
	body, err := json.Marshal(fc)
	if err != nil {
		return nil, fmt.Errorf("layer %s: %w", layerNanhaiLine, err)
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
