package server

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/maptile/tilecover"
)

// benchRouter is the router over the shared dataset with the zooms of the
// web map prepared, as `pilotmap serve` starts.
func benchRouter(b *testing.B) http.Handler {
	f := shared(b)
	f.topo.Prepare(8)
	return New(Deps{Data: f.ds, Topology: f.topo, VersionTTL: time.Second})
}

// benchGet serves path b.N times and reports the body size.
func benchGet(b *testing.B, h http.Handler, path string, headers ...string) {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req) // warm the caches
	if rec.Code != 200 {
		b.Fatalf("%s: %d", path, rec.Code)
	}
	b.ReportMetric(float64(rec.Body.Len()), "bytes/resp")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
	}
}

func BenchmarkStats(b *testing.B) {
	h := benchRouter(b)
	b.Run("national", func(b *testing.B) { benchGet(b, h, "/api/v1/stats") })
	b.Run("provinces", func(b *testing.B) { benchGet(b, h, "/api/v1/stats/provinces", "Accept-Encoding", "gzip") })
	b.Run("provinces-list", func(b *testing.B) { benchGet(b, h, "/api/v1/provinces", "Accept-Encoding", "gzip") })
}

// BenchmarkLayerCached serves layers from the cache (gzip); the size
// reported is the gzipped body.
func BenchmarkLayerCached(b *testing.B) {
	h := benchRouter(b)
	for _, name := range []string{"provinces", "units", "pilots"} {
		for _, z := range []int{4, 6, 8} {
			b.Run(fmt.Sprintf("%s/z%d", name, z), func(b *testing.B) {
				benchGet(b, h, fmt.Sprintf("/api/v1/layers/%s?zoom=%d", name, z), "Accept-Encoding", "gzip")
			})
		}
	}
}

// BenchmarkLayerUncached builds a layer response (properties, GeoJSON,
// hash and gzip at the best level) from the prepared topology.
func BenchmarkLayerUncached(b *testing.B) {
	f := shared(b)
	f.topo.Prepare(8)
	s := newServer(Deps{Data: f.ds, Topology: f.topo})
	wd, err := s.world(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	for _, name := range []string{"provinces", "units"} {
		for _, z := range []int{3, 4, 6, 8} {
			b.Run(fmt.Sprintf("%s/z%d", name, z), func(b *testing.B) {
				var rep *representation
				b.ReportAllocs()
				for b.Loop() {
					if rep, err = s.buildLayer(wd, s.catalog.byName[name], z, orb.Bound{}); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(len(rep.body)), "bytes")
				b.ReportMetric(float64(len(rep.gz)), "gzip-bytes")
			})
		}
	}
}

func BenchmarkTileCached(b *testing.B) {
	h := benchRouter(b)
	benchGet(b, h, tilePath("units", beijing(6)), "Accept-Encoding", "gzip")
}

// BenchmarkTileUncached encodes one tile (MVT, hash, gzip) at a zoom, for
// the densest tiles around Beijing.
func BenchmarkTileUncached(b *testing.B) {
	f := shared(b)
	f.topo.Prepare(8)
	s := newServer(Deps{Data: f.ds, Topology: f.topo})
	wd, err := s.world(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	for _, z := range []maptile.Zoom{2, 4, 6, 8} {
		b.Run(fmt.Sprintf("units/z%d", z), func(b *testing.B) {
			t := beijing(z)
			var rep *representation
			b.ReportAllocs()
			for b.Loop() {
				if rep, err = s.buildTile(wd, s.catalog.byName["units"], t); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(rep.body)), "bytes")
		})
	}
}

// BenchmarkTileUncachedAll builds every tile over China at a zoom, each
// once per iteration, and reports the slowest tile (its fastest build over
// the iterations, so a GC pause does not count as the tile's cost; the
// target is ≤ 20 ms) and the mean.
func BenchmarkTileUncachedAll(b *testing.B) {
	f := shared(b)
	f.topo.Prepare(8)
	s := newServer(Deps{Data: f.ds, Topology: f.topo})
	wd, err := s.world(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	china := f.ds.Boundaries.Units.Bound()
	for _, z := range []maptile.Zoom{0, 2, 4, 6, 8} {
		b.Run(fmt.Sprintf("units/z%d", z), func(b *testing.B) {
			var tilesAt []maptile.Tile
			for tile := range tilecover.Bound(china, z) {
				tilesAt = append(tilesAt, tile)
			}
			best := make([]time.Duration, len(tilesAt))
			var total time.Duration
			n := 0
			for b.Loop() {
				for i, t := range tilesAt {
					start := time.Now()
					if _, err := s.buildTile(wd, s.catalog.byName["units"], t); err != nil {
						b.Fatal(err)
					}
					d := time.Since(start)
					if best[i] == 0 || d < best[i] {
						best[i] = d
					}
					total, n = total+d, n+1
				}
			}
			worst := 0
			for i := range best {
				if best[i] > best[worst] {
					worst = i
				}
			}
			t := tilesAt[worst]
			b.Logf("slowest tile at z%d: %d/%d/%d, %v", z, t.Z, t.X, t.Y, best[worst])
			b.ReportMetric(float64(len(tilesAt)), "tiles")
			b.ReportMetric(float64(best[worst].Microseconds())/1000, "max-ms")
			b.ReportMetric(float64(total.Microseconds())/1000/float64(n), "mean-ms")
		})
	}
}

// discardWriter is a ResponseWriter that drops the body, so a benchmark of
// a large body measures the server, not a recorder's copy.
type discardWriter struct {
	h    http.Header
	n    int
	code int
}

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) WriteHeader(code int)        { w.code = code }
func (w *discardWriter) Write(b []byte) (int, error) { w.n += len(b); return len(b), nil }

// BenchmarkOGCItemsCached serves the OGC page of all units (limit=1000)
// from the cache: the shared features part and the links added for the
// request (serveTail), gzipped and not.
func BenchmarkOGCItemsCached(b *testing.B) {
	h := benchRouter(b)
	for _, enc := range []string{"gzip", "identity"} {
		b.Run(enc, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, "/ogc/collections/units/items?limit=1000", nil)
			req.Header.Set("Accept-Encoding", enc)
			w := &discardWriter{h: http.Header{}}
			h.ServeHTTP(w, req) // warm
			if w.code != 200 && w.code != 0 {
				b.Fatalf("%d", w.code)
			}
			b.ReportMetric(float64(w.n), "bytes/resp")
			b.ReportAllocs()
			for b.Loop() {
				h.ServeHTTP(&discardWriter{h: http.Header{}}, req)
			}
		})
	}
}
