package server

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"pilotmap/internal/importer"
)

func TestETagAndNotModified(t *testing.T) {
	h := newTestRouter(t)
	for _, p := range []string{"/api/v1/stats", "/api/v1/stats/provinces", "/api/v1/provinces", "/api/v1/provinces/110000", "/api/v1/config",
		"/api/v1/search?q=%E6%B5%B7%E4%B8%9C", "/api/v1/layers/units?zoom=4", "/tiles/units.json", "/ogc/collections", "/ogc/collections/units/items", "/"} {
		t.Run(p, func(t *testing.T) {
			a := get(t, h, p)
			tag := a.Header().Get("ETag")
			if a.Code != 200 || !strings.HasPrefix(tag, `"`) || strings.HasPrefix(tag, "W/") {
				t.Fatalf("%d, ETag %q: want a strong ETag", a.Code, tag)
			}
			if a.Header().Get("Cache-Control") == "" {
				t.Error("no Cache-Control")
			}
			if b := get(t, h, p); b.Header().Get("ETag") != tag || string(b.body) != string(a.body) {
				t.Error("the same data gave another ETag or body")
			}
			for _, inm := range []string{tag, `"other", ` + tag, "W/" + tag, "*"} {
				r := get(t, h, p, "If-None-Match: "+inm)
				if r.Code != 304 || len(r.body) != 0 || r.Header().Get("ETag") != tag {
					t.Errorf("If-None-Match %s: %d, %d bytes, ETag %q", inm, r.Code, len(r.body), r.Header().Get("ETag"))
				}
			}
			if r := get(t, h, p, `If-None-Match: "stale"`); r.Code != 200 {
				t.Errorf("stale If-None-Match: %d", r.Code)
			}
		})
	}
}

func TestGzipNegotiation(t *testing.T) {
	h := newTestRouter(t)
	p := "/api/v1/layers/provinces?zoom=3"
	plain := get(t, h, p)
	if plain.Header().Get("Content-Encoding") != "" || plain.Header().Get("Vary") != "Accept-Encoding" {
		t.Errorf("no Accept-Encoding: encoding %q, Vary %q", plain.Header().Get("Content-Encoding"), plain.Header().Get("Vary"))
	}
	for ae, want := range map[string]bool{
		"gzip":                 true,
		"gzip, deflate, br":    true,
		"br;q=1.0, gzip;q=0.8": true,
		"*":                    true,
		"gzip;q=0":             false,
		"br":                   false,
		"identity":             false,
		"*;q=0":                false,
	} {
		r := get(t, h, p, "Accept-Encoding: "+ae)
		got := r.Header().Get("Content-Encoding") == "gzip"
		if got != want {
			t.Errorf("Accept-Encoding %q: gzip %v, want %v", ae, got, want)
			continue
		}
		if r.Header().Get("Vary") != "Accept-Encoding" {
			t.Errorf("Accept-Encoding %q: Vary %q", ae, r.Header().Get("Vary"))
		}
		body := r.body
		if got {
			body = gunzip(t, body)
			if r.Header().Get("ETag") == plain.Header().Get("ETag") {
				t.Error("gzip and identity share one strong ETag")
			}
		}
		if string(body) != string(plain.body) {
			t.Errorf("Accept-Encoding %q: another body", ae)
		}
	}
	// Small bodies go uncompressed.
	if r := get(t, h, "/api/v1/stats", "Accept-Encoding: gzip"); r.Header().Get("Content-Encoding") != "" {
		t.Error("a small body was gzipped")
	}
}

// TestImportAfterStart: another process imports a notice into the
// database the server has open; the statistics, the layers and their ETags
// follow without a restart.
func TestImportAfterStart(t *testing.T) {
	ctx := context.Background()
	dbPath := filepath.Join(t.TempDir(), "pm.db")
	ds, err := openDataset(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer ds.Close()
	topo := shared(t).topo // the boundaries are the same embedded data
	h := New(Deps{Data: ds, Topology: topo, VersionTTL: 50 * time.Millisecond})

	stats := func() (units int, etag string) {
		t.Helper()
		r := get(t, h, "/api/v1/stats")
		var n struct{ Units int }
		r.decode(t, &n)
		return n.Units, r.Header().Get("ETag")
	}
	units0, tag0 := stats()
	layer0 := get(t, h, "/api/v1/layers/pilots?zoom=4")
	tile0 := get(t, h, "/tiles/units/5/25/12.mvt")
	if units0 != 108 || layer0.Header().Get("X-Cache") != "MISS" {
		t.Fatalf("before: %d units, layer %s", units0, layer0.Header().Get("X-Cache"))
	}

	// Another process (its own connection pool) imports a third batch.
	other, err := openDataset(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	notice := "关于开展创建幸福家庭活动的通知\n第三批试点单位名单(3个)\n1. 云南省:昆明市、大理州\n2. 河北省:正定县\n"
	if _, _, err := importer.Import(ctx, other.Store, other.Gazetteer, []byte(notice), importer.Options{Program: "创建幸福家庭活动", Batch: 3, Filename: "third.txt"}); err != nil {
		t.Fatalf("import: %v", err)
	}
	other.Close()

	deadline := time.Now().Add(5 * time.Second)
	units1, tag1 := stats()
	for units1 == units0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		units1, tag1 = stats()
	}
	if units1 != 111 || tag1 == tag0 {
		t.Fatalf("after the import: %d units (want 111), ETag %s → %s", units1, tag0, tag1)
	}
	if r := get(t, h, "/api/v1/stats", "If-None-Match: "+tag0); r.Code != 200 {
		t.Errorf("the old ETag still gives %d", r.Code)
	}

	layer1 := get(t, h, "/api/v1/layers/pilots?zoom=4")
	if layer1.Header().Get("X-Cache") != "MISS" || layer1.Header().Get("ETag") == layer0.Header().Get("ETag") {
		t.Errorf("pilots layer after the import: %s, ETag unchanged %v", layer1.Header().Get("X-Cache"), layer1.Header().Get("ETag") == layer0.Header().Get("ETag"))
	}
	if !strings.Contains(string(layer1.body), `"id":"530100"`) || strings.Contains(string(layer0.body), `"id":"530100"`) {
		t.Error("昆明市 did not join the pilots layer")
	}
	// A tile far from the new pilots keeps its bytes and so its ETag.
	if tile1 := get(t, h, "/tiles/units/5/25/12.mvt"); tile1.Header().Get("ETag") != tile0.Header().Get("ETag") {
		t.Errorf("an unchanged tile changed its ETag")
	}
	// Batches, search and the province follow too.
	if r := get(t, h, "/api/v1/provinces/530000"); !strings.Contains(string(r.body), `"units":2`) {
		t.Errorf("云南 after the import: %.300s", r.body)
	}
	var hits []struct {
		Code  string
		Pilot bool
	}
	get(t, h, "/api/v1/search?q="+url.QueryEscape("正定县")).decode(t, &hits)
	if len(hits) == 0 || hits[0].Code != "130123" || !hits[0].Pilot {
		t.Errorf("search 正定县 after the import: %+v", hits)
	}
	if r := get(t, h, "/api/v1/units/130123"); r.Code != 200 || !strings.Contains(string(r.body), `"comparable_code":"130100"`) {
		t.Errorf("unit 130123: %d %.200s", r.Code, r.body)
	}
}

func TestBodyCacheEvictsAndBuildsOnce(t *testing.T) {
	var evictions atomic.Int32
	c := newBodyCache(cacheConfig{budget: 10_000}, cacheObserver{evict: func() { evictions.Add(1) }})
	builds := 0
	build := func(context.Context) (*representation, error) {
		builds++
		return &representation{body: make([]byte, 3000)}, nil
	}
	for i := range 5 {
		if _, hit, _ := c.get(context.Background(), cacheKey{layer: "units", zoom: i}, build); hit {
			t.Error("hit on a new key")
		}
	}
	if entries, bytes := c.stats(); bytes > 10_000 || entries != 3 || evictions.Load() != 2 {
		t.Errorf("%d entries, %d bytes, %d evictions; want 3 within 10000, 2 evicted", entries, bytes, evictions.Load())
	}
	if _, hit, _ := c.get(context.Background(), cacheKey{layer: "units", zoom: 4}, build); !hit {
		t.Error("the most recent entry was evicted")
	}
	if _, hit, _ := c.get(context.Background(), cacheKey{layer: "units", zoom: 0}, build); hit {
		t.Error("the oldest entry was kept")
	}
	// Keys whose parts would run into each other if joined stay apart as
	// singleflight keys.
	for _, pair := range [][2]cacheKey{
		{{version: "a-1", layer: "b"}, {version: "a", layer: "1-b"}},
		{{path: `a" "b`}, {path: "a", query: "b"}},
		{{layer: "units", zoom: 12}, {layer: "units 1", zoom: 2}},
	} {
		if pair[0].flightKey() == pair[1].flightKey() {
			t.Errorf("%+v and %+v share the flight key %s", pair[0], pair[1], pair[0].flightKey())
		}
	}
	// Concurrent requests for a missing key wait for one build.
	var mu sync.Mutex
	slow := 0
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			c.get(context.Background(), cacheKey{layer: "pilots"}, func(context.Context) (*representation, error) {
				mu.Lock()
				slow++
				mu.Unlock()
				time.Sleep(50 * time.Millisecond)
				return &representation{body: []byte("x")}, nil
			})
		})
	}
	wg.Wait()
	if slow != 1 {
		t.Errorf("%d concurrent builds of one key, want 1", slow)
	}
}

// TestResponseCacheTrims: what the cache keeps has no spare capacity (a
// body grown by doubling would otherwise keep up to twice its size).
func TestBodyCacheTrims(t *testing.T) {
	c := newBodyCache(cacheConfig{budget: 1 << 20}, cacheObserver{})
	body, gz := make([]byte, 1000, 4000), make([]byte, 100, 1000)
	rep, _, err := c.get(context.Background(), cacheKey{layer: "units"}, func(context.Context) (*representation, error) {
		return &representation{body: body, gz: gz}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.body) != 1000 || cap(rep.body) > 1100 || len(rep.gz) != 100 || cap(rep.gz) > 200 {
		t.Errorf("kept body %d/%d, gz %d/%d (len/cap)", len(rep.body), cap(rep.body), len(rep.gz), cap(rep.gz))
	}
}

// TestLayerBeyondDataZoomShared: zooms beyond layer.DataZoom serve its
// geometry from one cache entry, not one copy per zoom.
func TestLayerBeyondDataZoomShared(t *testing.T) {
	h := newTestRouter(t)
	// A tile of zoom 10 around Beijing: on the grid, so cached.
	b := maptile.At(orb.Point{116.4, 39.9}, 10).Bound()
	bbox := fmt.Sprintf("&bbox=%g,%g,%g,%g", b.Min[0], b.Min[1], b.Max[0], b.Max[1])
	first := get(t, h, "/api/v1/layers/units?zoom=12"+bbox)
	if first.Code != 200 || first.Header().Get("X-Cache") != "MISS" {
		t.Fatalf("%d, X-Cache %q", first.Code, first.Header().Get("X-Cache"))
	}
	for _, z := range []string{"13", "18"} {
		r := get(t, h, "/api/v1/layers/units?zoom="+z+bbox)
		if r.Header().Get("X-Cache") != "HIT" || r.Header().Get("ETag") != first.Header().Get("ETag") {
			t.Errorf("zoom %s: X-Cache %q, ETag %q; want a hit on zoom 12's %q", z, r.Header().Get("X-Cache"), r.Header().Get("ETag"), first.Header().Get("ETag"))
		}
	}
}

// TestLargeBodyKeptGzipped: a cached body of gzOnlyBytes or more is kept
// only gzipped; a client without gzip still gets the same bytes, length
// and ETag, from the cache as from the build.
func TestLargeBodyKeptGzipped(t *testing.T) {
	f := shared(t)
	s := newServer(Deps{Data: f.ds, Topology: f.topo})
	h := s.middleware(s.router())
	p := "/api/v1/layers/units?zoom=9"
	first := get(t, h, p) // builds
	plain := get(t, h, p) // cached
	zipped := get(t, h, p, "Accept-Encoding: gzip")
	head := do(t, h, http.MethodHead, p)
	if len(first.body) < gzOnlyBytes {
		t.Fatalf("%s: %d bytes, under %d: pick a larger layer", p, len(first.body), gzOnlyBytes)
	}
	if plain.Header().Get("X-Cache") != "HIT" || string(plain.body) != string(first.body) || plain.Header().Get("ETag") != first.Header().Get("ETag") {
		t.Errorf("cached identity: X-Cache %q, %d bytes (built: %d), ETag %q (built: %q)", plain.Header().Get("X-Cache"), len(plain.body), len(first.body), plain.Header().Get("ETag"), first.Header().Get("ETag"))
	}
	for _, r := range []response{first, plain, head} {
		if r.Header().Get("Content-Length") != strconv.Itoa(len(first.body)) || r.Header().Get("Content-Encoding") != "" {
			t.Errorf("Content-Length %q, Content-Encoding %q; want %d, none", r.Header().Get("Content-Length"), r.Header().Get("Content-Encoding"), len(first.body))
		}
	}
	if len(head.body) != 0 {
		t.Errorf("HEAD: %d bytes of body", len(head.body))
	}
	if zipped.Header().Get("Content-Encoding") != "gzip" || string(gunzip(t, zipped.body)) != string(first.body) {
		t.Error("the gzipped body differs")
	}
	key := cacheKey{version: s.worlds.Loaded().Version, kind: kindLayer, layer: "units", zoom: 9}
	rep, ok := s.cache.lru.Peek(key)
	if !ok {
		t.Fatal("not cached")
	}
	if rep.body != nil || rep.size() > int64(len(zipped.body))+256 {
		t.Errorf("cached: %d bytes identity, size %d", len(rep.body), rep.size())
	}
}

// A build runs on a context of its own: the request that started it
// leaving cancels it for no one, and a request still waiting gets it.
func TestBodyCacheBuildOutlivesFirstCaller(t *testing.T) {
	c := newBodyCache(cacheConfig{budget: 1 << 20}, cacheObserver{})
	started, release := make(chan struct{}), make(chan struct{})
	build := func(ctx context.Context) (*representation, error) {
		close(started)
		select {
		case <-release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		return &representation{body: []byte("built")}, nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	firstErr := make(chan error, 1)
	go func() {
		_, _, err := c.get(ctx, cacheKey{layer: "units"}, build)
		firstErr <- err
	}()
	<-started
	second := make(chan *representation, 1)
	go func() {
		rep, _, _ := c.get(context.Background(), cacheKey{layer: "units"}, build)
		second <- rep
	}()
	cancel()
	if err := <-firstErr; !errors.Is(err, context.Canceled) {
		t.Errorf("first caller: %v, want its own cancellation", err)
	}
	close(release)
	if rep := <-second; rep == nil || string(rep.body) != "built" {
		t.Fatalf("second caller got %v", rep)
	}
	if _, hit, _ := c.get(context.Background(), cacheKey{layer: "units"}, build); !hit {
		t.Error("the build was not kept")
	}
}

// Builds beyond the slots wait, and are refused with errBusy when no slot
// frees in time; a panicking build is an error and frees its slot.
func TestBodyCacheAdmission(t *testing.T) {
	var refused atomic.Int32
	c := newBodyCache(cacheConfig{budget: 1 << 20, slots: 1, wait: 20 * time.Millisecond}, cacheObserver{refused: func() { refused.Add(1) }})
	release := make(chan struct{})
	started := make(chan struct{})
	go c.get(context.Background(), cacheKey{zoom: 1}, func(context.Context) (*representation, error) {
		close(started)
		<-release
		return &representation{}, nil
	})
	<-started
	_, _, err := c.get(context.Background(), cacheKey{zoom: 2}, func(context.Context) (*representation, error) { return &representation{}, nil })
	if !errors.Is(err, errBusy) || refused.Load() != 1 {
		t.Errorf("second build while the slot is taken: %v (%d refused), want errBusy", err, refused.Load())
	}
	close(release)
	_, _, err = c.get(context.Background(), cacheKey{zoom: 3}, func(context.Context) (*representation, error) { panic("boom") })
	if err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("panicking build: %v", err)
	}
	if _, _, err := c.get(context.Background(), cacheKey{zoom: 3}, func(context.Context) (*representation, error) { return &representation{}, nil }); err != nil {
		t.Errorf("after the panic: %v (the slot or the key stayed taken)", err)
	}
}

// The server answers a refused build with 503 and Retry-After.
func TestBusyIs503(t *testing.T) {
	f := shared(t)
	s := newServer(Deps{Data: f.ds, Topology: f.topo, BuildSlots: 1, BuildWait: time.Millisecond})
	h := s.middleware(s.router())
	s.cache.slots <- struct{}{} // the one slot taken
	defer func() { <-s.cache.slots }()
	r := get(t, h, "/api/v1/layers/units?zoom=5")
	wantStatus(t, r, http.StatusServiceUnavailable, "")
	if r.Header().Get("Retry-After") != "1" {
		t.Errorf("Retry-After %q", r.Header().Get("Retry-After"))
	}
}

// A bbox on the tile grid of zoom-2 (what the web map sends) is cached; any
// other is built for its request only, so clients' own boxes cannot evict
// what every client shares.
func TestOffGridBBoxNotKept(t *testing.T) {
	f := shared(t)
	s := newServer(Deps{Data: f.ds, Topology: f.topo})
	h := s.middleware(s.router())
	grid := maptile.At(orb.Point{116.4, 39.9}, 7).Bound()
	// The web map's rounding: outward to 3 decimals.
	on := fmt.Sprintf("bbox=%.3f,%.3f,%.3f,%.3f", math.Floor(grid.Min[0]*1000)/1000, math.Floor(grid.Min[1]*1000)/1000, math.Ceil(grid.Max[0]*1000)/1000, math.Ceil(grid.Max[1]*1000)/1000)
	off := "bbox=116.3,39.8,116.5,40.0"
	for _, c := range []struct {
		query string
		kept  bool
	}{{on, true}, {off, false}} {
		n0, _ := s.cache.stats()
		p := "/api/v1/layers/units?zoom=9&" + c.query
		get(t, h, p)
		second := get(t, h, p)
		n1, _ := s.cache.stats()
		if hit := second.Header().Get("X-Cache") == "HIT"; hit != c.kept || (n1 > n0) != c.kept {
			t.Errorf("%s: second X-Cache %q, entries %d → %d; want kept %v", c.query, second.Header().Get("X-Cache"), n0, n1, c.kept)
		}
	}
	if !onTileGrid(maptile.New(843, 388, 10).Bound(), 10) || onTileGrid(orb.Bound{Min: orb.Point{116.3, 39.8}, Max: orb.Point{116.5, 40}}, 7) {
		t.Error("onTileGrid")
	}
}
