package server

import (
	"compress/gzip"
	"net/http"
	"strings"

	"github.com/gorilla/mux"
	"github.com/paulmach/orb/maptile"

	"pilotmap/internal/boundary"
	"pilotmap/internal/layer"
	"pilotmap/internal/tiles"
)

const ctypeMVT = "application/vnd.mapbox-vector-tile"

// GET /tiles/{layer}/{z}/{x}/{y}.mvt
func (s *server) getTile(w http.ResponseWriter, r *http.Request) error {
	v := mux.Vars(r)
	name := v["layer"]
	if err := knownLayer("layer", name); err != nil {
		return err
	}
	t, err := tileParams(v["z"], v["x"], v["y"])
	if err != nil {
		return err
	}
	sn, err := s.snapshot(r.Context())
	if err != nil {
		return err
	}
	key := cacheKey{version: sn.version, kind: kindTile, layer: name, tile: t}
	rep, hit, err := s.cache.get(r.Context(), key, func() (*representation, error) {
		return s.buildTile(sn, name, t)
	})
	if err != nil {
		return err
	}
	setCacheStatus(w, hit)
	serve(w, r, rep)
	return nil
}

// buildTile encodes one tile of a layer (internal/tiles); an empty tile is
// a 204.
func (s *server) buildTile(sn *snapshot, name string, t maptile.Tile) (*representation, error) {
	source := name
	var keep func(*boundary.Feature) bool // nil: all
	var features *boundary.Layer
	switch name {
	case layerProvinces:
		features = s.data.Boundaries.Provinces
	case layerNanhai:
		features = s.data.Boundaries.Nanhai
	case layerPilots:
		source = layer.Units
		keep = func(f *boundary.Feature) bool { return sn.comparable[f.Code].pilot() }
		features = s.data.Boundaries.Units
	default:
		features = s.data.Boundaries.Units
	}
	props := func(code string) map[string]any {
		f, ok := features.Feature(code)
		if !ok {
			return map[string]any{"code": code}
		}
		return featureProps(sn, name, &f)
	}
	body, err := tiles.Render(s.topo, source, name, t, keep, props)
	if err != nil {
		return nil, err
	}
	if body == nil {
		return emptyRepresentation(cacheGeometry), nil
	}
	return s.newRepresentation(ctypeMVT, cacheGeometry, body, gzip.DefaultCompression), nil
}

// GET /tiles/{layer}.json: TileJSON 3.0.0.
func (s *server) getTileJSON(w http.ResponseWriter, r *http.Request) error {
	name := mux.Vars(r)["layer"]
	if err := knownLayer("layer", name); err != nil {
		return err
	}
	sn, err := s.snapshot(r.Context())
	if err != nil {
		return err
	}
	b := s.layerBound(sn, name)
	doc := tiles.TileJSONFields(name, baseURL(r)+"/tiles/"+name+"/{z}/{x}/{y}.mvt", b, 0, layer.DataZoom, propertyTypes(name))
	if s.frontend.Attribution != "" {
		doc["attribution"] = s.frontend.Attribution
	}
	doc["description"] = layerDescription(name)
	return s.writeJSON(w, r, ctypeJSON, doc)
}

// layerDescription says what a layer holds.
func layerDescription(name string) string {
	switch name {
	case layerProvinces:
		return "Province-level divisions (34, with 台湾, 香港, 澳门) and their coverage figures"
	case layerUnits:
		return "Comparable units: districts and counties of the municipalities, prefecture-level units and province-direct county-level units elsewhere"
	case layerPilots:
		return "Comparable units holding at least one active pilot unit"
	case layerNanhai:
		return "The South China Sea islands (南海诸岛), for the inset of a national map"
	}
	return ""
}

// baseURL is the scheme and host the client used, for absolute links.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p == "https" || p == "http" {
		scheme = p
	}
	host := r.Host
	if host == "" || strings.ContainsAny(host, " /\\\"<>") {
		host = "localhost"
	}
	return scheme + "://" + host
}
