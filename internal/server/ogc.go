package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"
	"github.com/paulmach/orb"

	"pilotmap/internal/layer"
	"pilotmap/internal/world"
)

// OGC API – Features, Part 1 Core, under /ogc: the four layers as
// collections, items in GeoJSON at the data's full resolution (the
// topology's DataZoom geometry), paged with limit and offset.

const (
	crs84        = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
	ctypeOpenAPI = "application/vnd.oai.openapi+json;version=3.0"
	relData      = "http://www.opengis.net/def/rel/ogc/1.0/data"
	relConform   = "http://www.opengis.net/def/rel/ogc/1.0/conformance"
)

// conformance classes implemented.
func conformance() []string {
	return []string{
		"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
		"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
		"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
	}
}

type ogcLink struct {
	Href  string `json:"href"`
	Rel   string `json:"rel"`
	Type  string `json:"type,omitempty"`
	Title string `json:"title,omitempty"`
}

// ogcParams are the parameters a path takes ("f" is accepted everywhere,
// with a JSON value).
func ogcParams(r *http.Request, allowed ...string) (params, error) {
	p := queryParams(r.URL)
	if err := p.only(append(allowed, "f")...); err != nil {
		return p, err
	}
	f, _, err := p.value("f")
	if err != nil {
		return p, err
	}
	switch f {
	case "", "json", "geojson", "application/json", "application/geo+json":
		return p, nil
	}
	return p, badParam("f", "format %q is not offered; use json", clip(f))
}

// GET /ogc
func (s *server) ogcLanding(w http.ResponseWriter, r *http.Request) error {
	if _, err := ogcParams(r); err != nil {
		return err
	}
	base := s.baseURL(r) + "/ogc"
	return s.writeJSON(w, r, ctypeJSON, map[string]any{
		"title":       "pilotmap",
		"description": "Where a Chinese pilot program reaches: provinces, comparable units and pilot units with coverage figures (OGC API – Features).",
		"links": []ogcLink{
			{base, "self", ctypeJSON, "This document"},
			{base + "/api", "service-desc", ctypeOpenAPI, "The API definition (OpenAPI 3.0)"},
			{base + "/conformance", "conformance", ctypeJSON, "Conformance classes implemented"},
			{base + "/conformance", relConform, ctypeJSON, "Conformance classes implemented"},
			{base + "/collections", "data", ctypeJSON, "The collections"},
			{base + "/collections", relData, ctypeJSON, "The collections"},
		},
	})
}

// GET /ogc/conformance
func (s *server) ogcConformance(w http.ResponseWriter, r *http.Request) error {
	if _, err := ogcParams(r); err != nil {
		return err
	}
	return s.writeJSON(w, r, ctypeJSON, map[string]any{"conformsTo": conformance()})
}

// ogcCollection describes one collection.
func (s *server) ogcCollection(wd *world.World, base string, l *layerSpec) map[string]any {
	b := l.bound(wd)
	name := l.name
	self := base + "/collections/" + name
	return map[string]any{
		"id":          name,
		"title":       l.title,
		"description": l.description,
		"itemType":    "feature",
		"crs":         []string{crs84},
		"extent": map[string]any{
			"spatial": map[string]any{"bbox": [][4]float64{{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}}, "crs": crs84},
		},
		"links": []ogcLink{
			{self, "self", ctypeJSON, "This collection"},
			{self + "/items", "items", ctypeGeoJSON, "The features of " + name},
			{baseURL0(base) + "/tiles/" + name + ".json", "describedby", ctypeJSON, "The same layer as vector tiles (TileJSON)"},
		},
	}
}

// baseURL0 strips the /ogc of an OGC base URL.
func baseURL0(base string) string { return strings.TrimSuffix(base, "/ogc") }

// GET /ogc/collections
func (s *server) ogcCollections(w http.ResponseWriter, r *http.Request) error {
	if _, err := ogcParams(r); err != nil {
		return err
	}
	wd, err := s.world(r.Context())
	if err != nil {
		return err
	}
	base := s.baseURL(r) + "/ogc"
	var cs []map[string]any
	for i := range s.catalog.specs {
		if l := &s.catalog.specs[i]; l.ogc {
			cs = append(cs, s.ogcCollection(wd, base, l))
		}
	}
	return s.writeJSON(w, r, ctypeJSON, map[string]any{
		"links":       []ogcLink{{base + "/collections", "self", ctypeJSON, "The collections"}},
		"collections": cs,
	})
}

// GET /ogc/collections/{id}
func (s *server) ogcCollectionDoc(w http.ResponseWriter, r *http.Request) error {
	l, err := s.catalog.lookup("collectionId", mux.Vars(r)["id"], ogcLayer)
	if err != nil {
		return err
	}
	if _, err := ogcParams(r); err != nil {
		return err
	}
	wd, err := s.world(r.Context())
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, ctypeJSON, s.ogcCollection(wd, s.baseURL(r)+"/ogc", l))
}

// GET /ogc/collections/{id}/items?limit=&offset=&bbox=
//
// The features of a page are cached like any built body (the key: the
// collection, the boxes, limit and offset); the members that name the
// host (links) are added per request (serveTail).
func (s *server) ogcItems(w http.ResponseWriter, r *http.Request) error {
	l, err := s.catalog.lookup("collectionId", mux.Vars(r)["id"], ogcLayer)
	if err != nil {
		return err
	}
	p, err := ogcParams(r, "limit", "offset", "bbox", "datetime")
	if err != nil {
		return err
	}
	limit, err := p.int("limit", defaultOGCLimit, 1, 1<<31-1)
	if err != nil {
		return err
	}
	limit = min(limit, maxOGCLimit)
	offset, err := p.int("offset", 0, 0, maxOGCOffset)
	if err != nil {
		return err
	}
	boxes, err := ogcBBox(p)
	if err != nil {
		return err
	}
	// Features have no time: any datetime selects them all (when valid).
	if dt, _, err := p.value("datetime"); err != nil {
		return err
	} else if dt != "" && !validDatetime(dt) {
		return badParam("datetime", "want an RFC 3339 instant or interval (../2024-01-01T00:00:00Z), got %q", clip(dt))
	}
	wd, err := s.world(r.Context())
	if err != nil {
		return err
	}
	var matched, returned int
	key := cacheKey{version: wd.Version, kind: kindOGCItems, layer: l.name, query: fmt.Sprintf("limit=%d offset=%d boxes=%v", limit, offset, boxes)}
	build := func(context.Context) (*representation, error) {
		all := ogcShapes(wd, l, boxes)
		page := all[min(offset, len(all)):min(offset+limit, len(all))]
		body, err := layer.AppendFeatureCollection(nil, page, l.shapeProps(wd))
		if err != nil {
			return nil, err
		}
		// The FeatureCollection's object stays open for the members
		// added per request (counts and links).
		rep := newOpenRepresentation(ctypeGeoJSON, cacheRevalidate, body[:len(body)-1], gzip.DefaultCompression)
		rep.matched, rep.returned = len(all), len(page)
		return rep, nil
	}
	// A page of a client's own bbox (a GIS client panning) is built for
	// its request only: those keys have no bound.
	var rep *representation
	hit := false
	if boxes == nil {
		rep, hit, err = s.cache.get(r.Context(), key, build)
	} else {
		rep, err = s.cache.transient(r.Context(), key, build)
	}
	if err != nil {
		return err
	}
	matched, returned = rep.matched, rep.returned
	self := s.baseURL(r) + "/ogc/collections/" + l.name
	pageURL := func(off int) string {
		q := url.Values{}
		q.Set("limit", strconv.Itoa(limit))
		q.Set("offset", strconv.Itoa(off))
		if b, ok, _ := p.value("bbox"); ok {
			q.Set("bbox", b)
		}
		return self + "/items?" + q.Encode()
	}
	links := []ogcLink{
		{pageURL(offset), "self", ctypeGeoJSON, "This page"},
		{self, "collection", ctypeJSON, "The collection"},
	}
	if offset+limit < matched {
		links = append(links, ogcLink{pageURL(offset + limit), "next", ctypeGeoJSON, "Next page"})
	}
	if offset > 0 {
		links = append(links, ogcLink{pageURL(max(0, offset-limit)), "prev", ctypeGeoJSON, "Previous page"})
	}
	tail, err := marshalJSON(links)
	if err != nil {
		return err
	}
	end := fmt.Appendf(nil, `,"numberMatched":%d,"numberReturned":%d,"links":`, matched, returned)
	end = append(append(end, bytes.TrimSpace(tail)...), "}\n"...)
	setCacheStatus(w, hit)
	serveTail(w, r, rep, end)
	return nil
}

// ogcShapes are a collection's features at full resolution within any of
// the boxes (nil: all), each once.
func ogcShapes(wd *world.World, l *layerSpec, boxes []orb.Bound) []layer.Shape {
	if boxes == nil {
		return l.shapes(wd, layer.DataZoom, orb.Bound{})
	}
	var all []layer.Shape
	seen := map[string]bool{}
	for _, b := range boxes {
		for _, sh := range l.shapes(wd, layer.DataZoom, b) {
			if !seen[sh.Feature.Code] {
				seen[sh.Feature.Code] = true
				all = append(all, sh)
			}
		}
	}
	return all
}

// ogcBBox reads an OGC bbox: 4 numbers, or 6 with heights (ignored);
// a box crossing the antimeridian (minLon > maxLon) is split in two. nil
// when absent.
func ogcBBox(p params) ([]orb.Bound, error) {
	s, ok, err := p.value("bbox")
	if err != nil || !ok {
		return nil, err
	}
	parts := strings.Split(s, ",")
	if len(parts) == 6 {
		parts = []string{parts[0], parts[1], parts[3], parts[4]}
	}
	if len(parts) == 4 {
		minLon, err1 := strconv.ParseFloat(strings.TrimSpace(parts[0]), 64)
		maxLon, err2 := strconv.ParseFloat(strings.TrimSpace(parts[2]), 64)
		if err1 == nil && err2 == nil && minLon > maxLon {
			west, err := parseBBox(strings.Join([]string{parts[0], parts[1], "180", parts[3]}, ","))
			if err != nil {
				return nil, err
			}
			east, err := parseBBox(strings.Join([]string{"-180", parts[1], parts[2], parts[3]}, ","))
			if err != nil {
				return nil, err
			}
			return []orb.Bound{west, east}, nil
		}
	} else {
		return nil, badParam("bbox", "want 4 numbers minLon,minLat,maxLon,maxLat (or 6 with heights), got %d in %q", len(parts), clip(s))
	}
	b, err := parseBBox(strings.Join(parts, ","))
	if err != nil {
		return nil, err
	}
	return []orb.Bound{b}, nil
}

// validDatetime accepts an RFC 3339 date-time or an interval of two with
// ".." or "" for an open end.
func validDatetime(s string) bool {
	for part := range strings.SplitSeq(s, "/") {
		if part == ".." || part == "" {
			continue
		}
		if !isDateTime(part) {
			return false
		}
	}
	return true
}

// GET /ogc/collections/{id}/items/{featureId}
func (s *server) ogcItem(w http.ResponseWriter, r *http.Request) error {
	v := mux.Vars(r)
	id := v["featureId"]
	l, err := s.catalog.lookup("collectionId", v["id"], ogcLayer)
	if err != nil {
		return err
	}
	if _, err := ogcParams(r); err != nil {
		return err
	}
	wd, err := s.world(r.Context())
	if err != nil {
		return err
	}
	sh, ok := wd.Topology.Shape(l.source, id, layer.DataZoom)
	if keep := l.keeper(wd); ok && keep != nil && !keep(&sh.Feature) {
		ok = false
	}
	if !ok || len(sh.Geometry) == 0 {
		return notFoundParam("featureId", "no feature %q in collection %s", clip(id), l.name)
	}
	key := cacheKey{version: wd.Version, kind: kindOGCItem, layer: l.name, query: id}
	rep, hit, err := s.cache.get(r.Context(), key, func(context.Context) (*representation, error) {
		fc, err := layer.AppendFeatureCollection(nil, []layer.Shape{sh}, l.shapeProps(wd))
		if err != nil {
			return nil, err
		}
		const head, end = `{"type":"FeatureCollection","features":[`, `]}`
		if !bytes.HasPrefix(fc, []byte(head)) || !bytes.HasSuffix(fc, []byte(end)) {
			return nil, fmt.Errorf("ogc item %s/%s: unexpected encoding", l.name, id)
		}
		feature := fc[len(head) : len(fc)-len(end)]
		return newOpenRepresentation(ctypeGeoJSON, cacheRevalidate, feature[:len(feature)-1], gzip.DefaultCompression), nil
	})
	if err != nil {
		return err
	}
	coll := s.baseURL(r) + "/ogc/collections/" + l.name
	tail, err := marshalJSON([]ogcLink{
		{coll + "/items/" + url.PathEscape(id), "self", ctypeGeoJSON, "This feature"},
		{coll, "collection", ctypeJSON, "The collection"},
	})
	if err != nil {
		return err
	}
	end := append([]byte(`,"links":`), bytes.TrimSpace(tail)...)
	setCacheStatus(w, hit)
	serveTail(w, r, rep, append(end, "}\n"...))
	return nil
}

func isDateTime(s string) bool {
	if _, err := time.Parse(time.RFC3339, s); err == nil {
		return true
	}
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// GET /ogc/api: the OpenAPI 3.0 definition of the OGC API.
func (s *server) ogcAPI(w http.ResponseWriter, r *http.Request) error {
	if _, err := ogcParams(r); err != nil {
		return err
	}
	return s.writeJSON(w, r, ctypeOpenAPI, openAPI(s.baseURL(r)+"/ogc", s.catalog.served(ogcLayer)))
}

// openAPI is the API definition: the paths of Part 1 Core with their
// parameters.
func openAPI(server string, collections []string) map[string]any {
	obj := map[string]any{"type": "object"}
	problem := map[string]any{"description": "A problem (RFC 9457) naming the bad parameter", "content": map[string]any{"application/problem+json": map[string]any{"schema": obj}}}
	ok := func(desc, ctype string) map[string]any {
		return map[string]any{
			"200": map[string]any{"description": desc, "content": map[string]any{ctype: map[string]any{"schema": obj}}},
			"400": problem, "404": problem,
		}
	}
	param := func(name, in, desc string, required bool, schema map[string]any) map[string]any {
		return map[string]any{"name": name, "in": in, "description": desc, "required": required, "schema": schema}
	}
	collectionID := param("collectionId", "path", "The collection", true, map[string]any{"type": "string", "enum": collections})
	get := func(id, summary string, params []map[string]any, responses map[string]any) map[string]any {
		op := map[string]any{"operationId": id, "summary": summary, "responses": responses}
		if params != nil {
			op["parameters"] = params
		}
		return map[string]any{"get": op}
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{
			"title":   "pilotmap OGC API – Features",
			"version": "1.0.0",
			"description": "Provinces, comparable units, pilot units and the South China Sea islands of pilotmap " +
				"as OGC API – Features Part 1 Core collections.",
		},
		"servers": []map[string]any{{"url": server}},
		"paths": map[string]any{
			"/":            get("getLandingPage", "Landing page", nil, ok("The landing page", ctypeJSON)),
			"/conformance": get("getConformance", "Conformance classes", nil, ok("The conformance classes", ctypeJSON)),
			"/api":         get("getAPI", "This API definition", nil, ok("The API definition", ctypeOpenAPI)),
			"/collections": get("getCollections", "The collections", nil, ok("The collections", ctypeJSON)),
			"/collections/{collectionId}": get("describeCollection", "One collection",
				[]map[string]any{collectionID}, ok("The collection", ctypeJSON)),
			"/collections/{collectionId}/items": get("getFeatures", "The features of a collection", []map[string]any{
				collectionID,
				param("limit", "query", "Features per page", false, map[string]any{"type": "integer", "minimum": 1, "maximum": maxOGCLimit, "default": defaultOGCLimit}),
				param("offset", "query", "Features to skip", false, map[string]any{"type": "integer", "minimum": 0, "default": 0}),
				map[string]any{"name": "bbox", "in": "query", "description": "minLon,minLat,maxLon,maxLat in CRS84", "required": false, "style": "form", "explode": false,
					"schema": map[string]any{"type": "array", "minItems": 4, "maxItems": 6, "items": map[string]any{"type": "number"}}},
				param("datetime", "query", "Accepted; the features have no time", false, map[string]any{"type": "string"}),
			}, ok("A page of features (GeoJSON FeatureCollection)", ctypeGeoJSON)),
			"/collections/{collectionId}/items/{featureId}": get("getFeature", "One feature", []map[string]any{
				collectionID,
				param("featureId", "path", "The division code", true, map[string]any{"type": "string"}),
			}, ok("The feature (GeoJSON Feature)", ctypeGeoJSON)),
		},
	}
}
