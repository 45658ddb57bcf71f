package server

import (
	"compress/gzip"
	"context"
	"net/http"

	"github.com/gorilla/mux"
	"github.com/paulmach/orb/maptile"

	"pilotmap/internal/tiles"
	"pilotmap/internal/world"
)

const ctypeMVT = "application/vnd.mapbox-vector-tile"

// GET /tiles/{layer}/{z}/{x}/{y}.mvt
func (s *server) getTile(w http.ResponseWriter, r *http.Request) error {
	v := mux.Vars(r)
	l, err := s.catalog.lookup("layer", v["layer"], tileLayer)
	if err != nil {
		return err
	}
	t, err := tileParams(v["z"], v["x"], v["y"])
	if err != nil {
		return err
	}
	wd, err := s.world(r.Context())
	if err != nil {
		return err
	}
	key := cacheKey{version: wd.Version, kind: kindTile, layer: l.name, tile: t}
	rep, hit, err := s.cache.get(r.Context(), key, func(context.Context) (*representation, error) {
		return s.buildTile(wd, l, t)
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
func (s *server) buildTile(wd *world.World, l *layerSpec, t maptile.Tile) (*representation, error) {
	features := l.features(wd)
	props := func(code string) map[string]any {
		f, ok := features.Feature(code)
		if !ok {
			return map[string]any{"code": code}
		}
		return l.featureProps(wd, &f)
	}
	body, err := tiles.Render(wd.Topology, l.source, l.name, t, l.keeper(wd), props)
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
	l, err := s.catalog.lookup("layer", mux.Vars(r)["layer"], tileLayer)
	if err != nil {
		return err
	}
	wd, err := s.world(r.Context())
	if err != nil {
		return err
	}
	doc := tiles.TileJSONFields(l.name, s.baseURL(r)+"/tiles/"+l.name+"/{z}/{x}/{y}.mvt", l.bound(wd), l.minZoom, l.maxZoom, l.tileFields())
	if a := s.attribution(wd); a != "" {
		doc["attribution"] = a
	}
	doc["description"] = l.description
	return s.writeJSON(w, r, ctypeJSON, doc)
}
