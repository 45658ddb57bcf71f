package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/gorilla/mux"
	"github.com/paulmach/orb"

	"pilotmap/internal/boundary"
	"pilotmap/internal/export"
	"pilotmap/internal/gaps"
	"pilotmap/internal/layer"
	"pilotmap/internal/polyrepair"
	"pilotmap/internal/render"
	"pilotmap/internal/world"
)

// gapReport returns the gap analysis of a world.
func gapReport(wd *world.World) (*gaps.Report, error) {
	if wd.Gaps == nil {
		return nil, fmt.Errorf("gap analysis: the world was built without a gap index")
	}
	return wd.Gaps, nil
}

// GET /api/v1/gaps
func (s *server) getGaps(w http.ResponseWriter, r *http.Request) error {
	wd, err := s.world(r.Context())
	if err != nil {
		return err
	}
	return s.cachedJSON(w, r, wd, func() (any, error) { return gapReport(wd) })
}

// gapShapes groups the zoom's unit geometry by gap cluster, dissolved into
// one valid outline per cluster (polyrepair, on the grid of 10⁻⁶° every
// served coordinate lies on: the units come from the topology, so
// neighbours inside a cluster meet exactly and their borders cancel).
func gapShapes(wd *world.World, zoom int, bbox orb.Bound) ([]layer.Shape, map[string]gaps.Cluster, error) {
	rep, err := gapReport(wd)
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
	for _, sh := range wd.Topology.Features(layer.Units, zoom, bbox) {
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
func (s *server) buildGapsLayer(wd *world.World, zoom int, bbox orb.Bound) (*representation, error) {
	shapes, byID, err := gapShapes(wd, zoom, bbox)
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

// GET /api/v1/map.svg?view=&province=&layout=&title=&subtitle=&lang=&program=&batch=
//
// With a selection (program, batch: selectedWorld) the map is of the
// selection's view: its pilot units, coverage and figures, the units new
// in the selected batches striped. The gaps view is of every stored batch
// (as /api/v1/gaps), so it takes no selection.
func (s *server) getMapSVG(w http.ResponseWriter, r *http.Request) error {
	opt, err := render.ParseQuery(queryParams(r.URL).q)
	if err != nil {
		return renderProblem(err)
	}
	opt.Approval = s.frontend.ApprovalNumber
	opt.Unapproved = s.frontend.UnapprovedNote
	wd, err := s.selectedWorld(r)
	if err != nil {
		return err
	}
	if opt.View == render.ViewGaps && !wd.Selection.IsZero() {
		return badParam("view", "%q shows every stored batch; leave out program and batch, or use view=coverage", opt.View)
	}
	key := cacheKey{version: wd.Version, kind: kindAPI, path: r.URL.Path, query: canonicalQuery(r.URL) + "\x00" + opt.Approval}
	rep, hit, err := s.cache.get(r.Context(), key, func(context.Context) (*representation, error) {
		m, err := render.NewMap(wd)
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
	var write func(io.Writer, *world.World, export.Options) error
	switch table {
	case "units":
		write = export.Units
	case "provinces":
		write = export.Provinces
	case "gaps":
		write = export.Gaps
	default:
		return notFoundParam("table", "unknown export %q; the exports are units.csv, provinces.csv and gaps.csv", clip(table))
	}
	wd, err := s.world(r.Context())
	if err != nil {
		return err
	}
	key := cacheKey{version: wd.Version, kind: kindAPI, path: r.URL.Path, query: canonicalQuery(r.URL)}
	rep, hit, err := s.cache.get(r.Context(), key, func(context.Context) (*representation, error) {
		var buf bytes.Buffer
		if err := write(&buf, wd, export.Options{Lang: lang}); err != nil {
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
