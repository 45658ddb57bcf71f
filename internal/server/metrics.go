package server

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/mux"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"pilotmap/internal/world"
)

// metrics are the server's Prometheus metrics, in a registry of its own
// (no global state): requests by route template and status, their latency
// and bytes, the cache, the world builds and the data version, plus the Go
// runtime's and the process's collectors. GET /metrics serves them.
type metrics struct {
	reg            *prometheus.Registry
	requests       *prometheus.CounterVec
	duration       *prometheus.HistogramVec
	bytes          *prometheus.CounterVec
	inFlight       prometheus.Gauge
	cacheHits      prometheus.Counter
	cacheMisses    prometheus.Counter
	cacheEvictions prometheus.Counter
	cacheRefused   prometheus.Counter
	buildsInFlight prometheus.Gauge
	worldBuild     prometheus.Histogram
	worldBuilds    *prometheus.CounterVec
	dataVersion    *prometheus.GaugeVec
	routes         sync.Map // route template → *routeMetrics
}

// routeMetrics are one route's series, resolved once (a label lookup per
// request costs more than the rest of a cached response's accounting).
type routeMetrics struct {
	duration prometheus.Observer
	bytes    prometheus.Counter
	codes    sync.Map // status → prometheus.Counter
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pilotmap_http_requests_total", Help: "HTTP requests answered, by route template and status code.",
		}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "pilotmap_http_request_duration_seconds", Help: "Time from a request's arrival to its last byte written, by route template.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"route"}),
		bytes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pilotmap_http_response_bytes_total", Help: "Body bytes written, by route template.",
		}, []string{"route"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "pilotmap_http_requests_in_flight", Help: "Requests being answered.",
		}),
		cacheHits: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "pilotmap_cache_hits_total", Help: "Built bodies served from the cache.",
		}),
		cacheMisses: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "pilotmap_cache_misses_total", Help: "Requests whose body was not cached (built, or waited for another request's build).",
		}),
		cacheEvictions: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "pilotmap_cache_evictions_total", Help: "Bodies evicted to stay within the cache's byte budget.",
		}),
		cacheRefused: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "pilotmap_cache_builds_refused_total", Help: "Builds refused (503) because every build slot stayed taken.",
		}),
		buildsInFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "pilotmap_cache_builds_in_flight", Help: "Bodies being built.",
		}),
		worldBuild: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "pilotmap_world_build_duration_seconds", Help: "Time to build the world of a data version.",
			Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}),
		worldBuilds: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pilotmap_world_builds_total", Help: "Builds of a world, by result (ok or error).",
		}, []string{"result"}),
		dataVersion: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "pilotmap_data_version_info", Help: "The data version being served (value 1).",
		}, []string{"version"}),
	}
	m.reg.MustRegister(m.requests, m.duration, m.bytes, m.inFlight,
		m.cacheHits, m.cacheMisses, m.cacheEvictions, m.cacheRefused, m.buildsInFlight,
		m.worldBuild, m.worldBuilds, m.dataVersion,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// registerCache adds the cache's gauges.
func (m *metrics) registerCache(c *bodyCache) {
	m.reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "pilotmap_cache_bytes", Help: "Bytes of the bodies in the cache."},
			func() float64 { _, b := c.stats(); return float64(b) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "pilotmap_cache_entries", Help: "Bodies in the cache."},
			func() float64 { n, _ := c.stats(); return float64(n) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "pilotmap_cache_budget_bytes", Help: "The cache's byte budget."},
			func() float64 { return float64(c.cfg.budget) }),
	)
}

// cacheObserver counts the cache's events.
func (m *metrics) cacheObserver() cacheObserver {
	return cacheObserver{
		hit: m.cacheHits.Inc, miss: m.cacheMisses.Inc, evict: m.cacheEvictions.Inc, refused: m.cacheRefused.Inc,
		building: func(d int) { m.buildsInFlight.Add(float64(d)) },
	}
}

// worldBuilt records a world build (world.LoaderOptions.OnBuild).
func (m *metrics) worldBuilt(w *world.World, err error, took time.Duration) {
	if err != nil {
		m.worldBuilds.WithLabelValues("error").Inc()
		return
	}
	m.worldBuilds.WithLabelValues("ok").Inc()
	m.worldBuild.Observe(took.Seconds())
	m.dataVersion.Reset()
	m.dataVersion.WithLabelValues(w.Version).Set(1)
}

// handler serves the metrics.
func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// setRoute records the matched route's template in the request's info,
// for the middleware's metrics.
func setRoute(w http.ResponseWriter, r *http.Request) {
	if info := infoOf(w); info != nil {
		if rt := mux.CurrentRoute(r); rt != nil {
			if t, err := rt.GetPathTemplate(); err == nil {
				info.route = t
			}
		}
	}
}

// observe records one answered request.
func (m *metrics) observe(route string, status, bytes int, took time.Duration) {
	v, ok := m.routes.Load(route)
	if !ok {
		v, _ = m.routes.LoadOrStore(route, &routeMetrics{
			duration: m.duration.WithLabelValues(route),
			bytes:    m.bytes.WithLabelValues(route),
		})
	}
	rm := v.(*routeMetrics)
	c, ok := rm.codes.Load(status)
	if !ok {
		c, _ = rm.codes.LoadOrStore(status, m.requests.WithLabelValues(route, strconv.Itoa(status)))
	}
	c.(prometheus.Counter).Inc()
	rm.duration.Observe(took.Seconds())
	rm.bytes.Add(float64(bytes))
}
