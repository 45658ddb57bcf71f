package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"github.com/gorilla/mux"
	"github.com/paulmach/orb"

	"pilotmap/internal/boundary"
	"pilotmap/internal/dataset"
	"pilotmap/internal/export"
	"pilotmap/internal/gaps"
	"pilotmap/internal/layer"
	"pilotmap/internal/polyrepair"
	"pilotmap/internal/render"
)

// layerGaps is the layer of gap clusters: one feature per cluster of
// uncovered comparable units, its units' polygons grouped.
const layerGaps = "gaps"

// gapReport returns the gap analysis of the current data (computed once per
// data version by the dataset's GapCache).
func (s *server) gapReport(ctx context.Context) (gaps.Report, error) {
	rep, _, err := s.gapCache.Report(ctx)
	if err != nil {
		return gaps.Report{}, fmt.Errorf("gap analysis: %w", err)
	}
	return rep, nil
}

// GET /api/v1/gaps
func (s *server) getGaps(w http.ResponseWriter, r *http.Request) error {
	sn, err := s.snapshot(r.Context())
	if err != nil {
		return err
	}
	return s.cachedJSON(w, r, sn, func() (any, error) { return s.gapReport(r.Context()) })
}

// gapShapes groups the zoom's unit geometry by gap cluster, dissolved into
// one valid outline per cluster (polyrepair, on the grid of 10⁻⁶° every
// served coordinate lies on: the units come from the topology, so
// neighbours inside a cluster meet exactly and their borders cancel).
func (s *server) gapShapes(ctx context.Context, zoom int, bbox orb.Bound) ([]layer.Shape, map[string]gaps.Cluster, error) {
	rep, err := s.gapReport(ctx)
	if err != nil {
		return nil, nil, err
	}
	clusterOf := map[string]int{}
	for i, c := range rep.Clusters {
		for _, code := range c.Units {
			clusterOf[code] = i
		}
	}
	geoms := make([]orb.MultiPolygon, len(rep.Clusters))
	bounds := make([]orb.Bound, len(rep.Clusters))
	seen := make([]bool, len(rep.Clusters))
	for _, sh := range s.topo.Features(layer.Units, zoom, bbox) {
		i, ok := clusterOf[sh.Feature.Code]
		if !ok {
			continue
		}
		geoms[i] = append(geoms[i], sh.Geometry...)
		if seen[i] {
			bounds[i] = bounds[i].Union(sh.Bound)
		} else {
			bounds[i], seen[i] = sh.Bound, true
		}
	}
	byID := map[string]gaps.Cluster{}
	var out []layer.Shape
	for i, c := range rep.Clusters {
		if len(geoms[i]) == 0 {
			continue
		}
		geoms[i], _ = polyrepair.Repair(geoms[i], servedGrid)
		id := fmt.Sprint(c.ID)
		byID[id] = c
		out = append(out, layer.Shape{
			Feature:  boundary.Feature{Code: id, Name: c.Name, AreaKM2: c.AreaKM2},
			Geometry: geoms[i], Label: c.Label, Bound: bounds[i],
		})
	}
	return out, byID, nil
}

// servedGrid is the grid every coordinate the layers serve lies on: at most
// 6 decimals (layer.Decimals, refined vertices).
const servedGrid = 1e6

// buildGapsLayer encodes the clusters as a GeoJSON FeatureCollection: id =
// cluster id (its rank by area); properties id, rank, name, units (count),
// province_codes, area_km2, max_distance_km, label_lon, label_lat.
func (s *server) buildGapsLayer(ctx context.Context, zoom int, bbox orb.Bound) (*representation, error) {
	shapes, byID, err := s.gapShapes(ctx, zoom, bbox)
	if err != nil {
		return nil, err
	}
	body, err := layer.AppendFeatureCollection(nil, shapes, func(sh *layer.Shape) map[string]any {
		c := byID[sh.Feature.Code]
		p := map[string]any{
			"id": c.ID, "rank": c.ID, "name": c.Name, "units": len(c.Units),
			"province_codes": c.ProvinceCodes, "area_km2": round(c.AreaKM2, 0),
			"max_distance_km": round(c.MaxDistanceKM, 1),
		}
		layer.SetLabel(p, c.Label)
		return p
	})
	if err != nil {
		return nil, err
	}
	return s.newRepresentation(ctypeGeoJSON, cacheGeometry, body, gzip.DefaultCompression), nil
}

// renderMaps keeps the render.Map of the current data version.
type renderMaps struct {
	mu      sync.Mutex
	version string
	m       render.Map
}

// renderMap returns the map data for the snapshot's version, building it
// when the version changed; with gaps it also carries the gap analysis.
func (s *server) renderMap(ctx context.Context, sn *snapshot, withGaps bool) (render.Map, error) {
	s.maps.mu.Lock()
	defer s.maps.mu.Unlock()
	if s.maps.version != sn.version {
		m, err := render.NewMap(ctx, s.data, s.topo)
		if err != nil {
			return render.Map{}, fmt.Errorf("map data: %w", err)
		}
		s.maps.m, s.maps.version = m, sn.version
	}
	m := s.maps.m
	if withGaps && m.Gaps == nil {
		rep, err := s.gapReport(ctx)
		if err != nil {
			return render.Map{}, err
		}
		s.maps.m.Gaps = render.GapsFromReport(rep)
		m = s.maps.m
	}
	return m, nil
}

// GET /api/v1/map.svg?view=&province=&layout=&title=&subtitle=&lang=
func (s *server) getMapSVG(w http.ResponseWriter, r *http.Request) error {
	opt, err := render.ParseQuery(queryParams(r.URL).q)
	if err != nil {
		return renderProblem(err)
	}
	opt.Approval = s.frontend.ApprovalNumber
	opt.Unapproved = s.frontend.UnapprovedNote
	sn, err := s.snapshot(r.Context())
	if err != nil {
		return err
	}
	key := cacheKey{version: sn.version, kind: kindAPI, path: r.URL.Path, query: canonicalQuery(r.URL) + "\x00" + opt.Approval}
	rep, hit, err := s.cache.get(r.Context(), key, func() (*representation, error) {
		m, err := s.renderMap(r.Context(), sn, opt.View == render.ViewGaps)
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		if err := render.SVG(&buf, m, opt); err != nil {
			return nil, renderProblem(err)
		}
		return s.newRepresentation("image/svg+xml; charset=utf-8", cacheRevalidate, buf.Bytes(), gzip.DefaultCompression), nil
	})
	if err != nil {
		return err
	}
	setCacheStatus(w, hit)
	serve(w, r, rep)
	return nil
}

// renderProblem turns the renderer's invalid options into 400s naming the
// parameter and its value.
func renderProblem(err error) error {
	var pe *render.ParamError
	if errors.As(err, &pe) {
		return badParam(pe.Param, "%q: %s", clip(pe.Value), pe.Reason)
	}
	return err
}

// GET /api/v1/export/{table}.csv?lang=
func (s *server) getExport(w http.ResponseWriter, r *http.Request) error {
	lang, err := queryParams(r.URL).text("lang", false)
	if err != nil {
		return err
	}
	if lang != "" && lang != "zh" && lang != "en" {
		return badParam("lang", "want zh or en, got %q", clip(lang))
	}
	table := mux.Vars(r)["table"]
	var write func(context.Context, *bytes.Buffer, *dataset.Dataset, export.Options) error
	switch table {
	case "units":
		write = func(ctx context.Context, b *bytes.Buffer, ds *dataset.Dataset, o export.Options) error {
			return export.Units(ctx, b, ds, o)
		}
	case "provinces":
		write = func(ctx context.Context, b *bytes.Buffer, ds *dataset.Dataset, o export.Options) error {
			return export.Provinces(ctx, b, ds, o)
		}
	default:
		return notFoundParam("table", "unknown export %q; the exports are units.csv and provinces.csv", clip(table))
	}
	sn, err := s.snapshot(r.Context())
	if err != nil {
		return err
	}
	key := cacheKey{version: sn.version, kind: kindAPI, path: r.URL.Path, query: canonicalQuery(r.URL)}
	rep, hit, err := s.cache.get(r.Context(), key, func() (*representation, error) {
		var buf bytes.Buffer
		if err := write(r.Context(), &buf, s.data, export.Options{Lang: lang}); err != nil {
			return nil, fmt.Errorf("export %s: %w", table, err)
		}
		return s.newRepresentation("text/csv; charset=utf-8", cacheRevalidate, buf.Bytes(), gzip.DefaultCompression), nil
	})
	if err != nil {
		return err
	}
	setCacheStatus(w, hit)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="pilotmap-%s.csv"`, table))
	serve(w, r, rep)
	return nil
}
