package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"pilotmap/geodata"
	"pilotmap/internal/dataset"
	"pilotmap/internal/layer"
)

// fixture is a seeded database with its topology, opened once per test
// binary: seeding and building the topology take a moment. Tests that
// write open their own (see openDataset).
type fixture struct {
	ds   *dataset.Dataset
	topo *layer.Topology
	dir  string
}

var (
	fixtureOnce sync.Once
	sharedFix   fixture
	fixtureErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedFix.ds != nil {
		sharedFix.ds.Close()
	}
	if sharedFix.dir != "" {
		os.RemoveAll(sharedFix.dir)
	}
	os.Exit(code)
}

// openDataset creates and seeds a database at path from the embedded data.
func openDataset(ctx context.Context, path string) (*dataset.Dataset, error) {
	v, err := geodata.Version()
	if err != nil {
		return nil, err
	}
	return dataset.Open(ctx, path, dataset.Source{FS: geodata.FS(), Version: v})
}

func shared(tb testing.TB) fixture {
	tb.Helper()
	fixtureOnce.Do(func() {
		dir, err := os.MkdirTemp("", "pilotmap-server-test")
		if err != nil {
			fixtureErr = err
			return
		}
		sharedFix.dir = dir
		if sharedFix.ds, fixtureErr = openDataset(context.Background(), filepath.Join(dir, "pm.db")); fixtureErr != nil {
			return
		}
		sharedFix.topo, fixtureErr = layer.NewTopology(sharedFix.ds.Boundaries)
	})
	if fixtureErr != nil {
		tb.Fatalf("test dataset: %v", fixtureErr)
	}
	return sharedFix
}

// testWeb is a small built frontend.
func testWeb() fstest.MapFS {
	return fstest.MapFS{
		"index.html":      {Data: []byte("<!doctype html><title>pilotmap</title>" + strings.Repeat("<p>map</p>", 200))},
		"app.js":          {Data: []byte("console.log('pilotmap');")},
		"app.css":         {Data: []byte("body{margin:0}")},
		"images/logo.svg": {Data: []byte("<svg xmlns='http://www.w3.org/2000/svg'/>")},
		".keep":           {Data: nil},
	}
}

// newTestRouter returns the routes over the shared dataset.
func newTestRouter(tb testing.TB) http.Handler {
	f := shared(tb)
	return New(Deps{Data: f.ds, Topology: f.topo, Web: testWeb(), Frontend: FrontendConfig{Attribution: "test attribution", ApprovalNumber: "GS(2024)0000号"}})
}

type response struct {
	*httptest.ResponseRecorder
	body []byte
}

// get requests path with the headers given as "Name: value".
func get(tb testing.TB, h http.Handler, path string, headers ...string) response {
	tb.Helper()
	return do(tb, h, http.MethodGet, path, headers...)
}

func do(tb testing.TB, h http.Handler, method, path string, headers ...string) response {
	tb.Helper()
	req := httptest.NewRequest(method, path, nil)
	for _, hd := range headers {
		k, v, _ := strings.Cut(hd, ":")
		req.Header.Set(k, strings.TrimSpace(v))
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return response{rec, rec.Body.Bytes()}
}

// decode decodes the body as JSON into v, gunzipping when needed.
func (r response) decode(tb testing.TB, v any) {
	tb.Helper()
	body := r.body
	if r.Header().Get("Content-Encoding") == "gzip" {
		body = gunzip(tb, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		tb.Fatalf("decode %s: %v\n%.300s", r.Header().Get("Content-Type"), err, body)
	}
}

func gunzip(tb testing.TB, b []byte) []byte {
	tb.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		tb.Fatalf("gunzip: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		tb.Fatalf("gunzip: %v", err)
	}
	return out
}

// wantStatus checks the status and, for errors, that the body is a
// problem naming param (when not "").
func wantStatus(tb testing.TB, r response, status int, param string) {
	tb.Helper()
	if r.Code != status {
		tb.Fatalf("status %d, want %d: %.300s", r.Code, status, r.body)
	}
	if status < 400 {
		return
	}
	if ct := r.Header().Get("Content-Type"); ct != "application/problem+json" {
		tb.Fatalf("error content type %q, want application/problem+json", ct)
	}
	var p struct {
		Type, Title, Detail, Parameter string
		Status                         int
	}
	r.decode(tb, &p)
	if p.Status != status || p.Title == "" || p.Detail == "" || p.Type == "" {
		tb.Errorf("problem %+v lacks status/title/detail/type", p)
	}
	if param != "" && p.Parameter != param {
		tb.Errorf("problem names parameter %q, want %q (%s)", p.Parameter, param, p.Detail)
	}
}

func TestHealthAndReady(t *testing.T) {
	h := newTestRouter(t)
	r := get(t, h, "/healthz")
	if r.Code != 200 || strings.TrimSpace(string(r.body)) != "ok" {
		t.Errorf("healthz: %d %q", r.Code, r.body)
	}
	r = get(t, h, "/readyz")
	var ready struct{ Status, DataVersion string }
	wantStatus(t, r, 200, "")
	r.decode(t, &ready)
	v, _ := shared(t).ds.Version(context.Background())
	if ready.Status != "ready" || !strings.Contains(string(r.body), `"data_version":"`+v+`"`) {
		t.Errorf("readyz: %s, want data version %s", r.body, v)
	}
	// Without data: up but not ready.
	bare := New(Deps{})
	if r := get(t, bare, "/healthz"); r.Code != 200 {
		t.Errorf("healthz without data: %d", r.Code)
	}
	wantStatus(t, get(t, bare, "/readyz"), 503, "")
	wantStatus(t, get(t, bare, "/api/v1/stats"), 503, "")
}

func TestRequestIDAndAccessLog(t *testing.T) {
	f := shared(t)
	var buf syncBuffer
	h := New(Deps{Data: f.ds, Topology: f.topo, Log: slogTo(&buf)})
	r := get(t, h, "/api/v1/stats", "X-Request-Id: abc-123")
	if id := r.Header().Get("X-Request-Id"); id != "abc-123" {
		t.Errorf("request id %q, want the client's abc-123", id)
	}
	r = get(t, h, "/api/v1/stats", "X-Request-Id: bad id with spaces")
	if id := r.Header().Get("X-Request-Id"); id == "" || strings.Contains(id, " ") {
		t.Errorf("request id %q, want a fresh one", id)
	}
	if r.Header().Get("Access-Control-Allow-Origin") != "*" {
		t.Error("the API is not open to other origins")
	}
	log := buf.String()
	for _, want := range []string{"request_id=abc-123", "path=/api/v1/stats", "status=200", "duration="} {
		if !strings.Contains(log, want) {
			t.Errorf("access log lacks %q:\n%s", want, log)
		}
	}
}

func TestPanicIsA500Problem(t *testing.T) {
	var buf syncBuffer
	s := newServer(Deps{Log: slogTo(&buf)})
	h := s.middleware(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	wantStatus(t, get(t, h, "/x"), 500, "")
	if !strings.Contains(buf.String(), "boom") {
		t.Errorf("the panic is not logged:\n%s", buf.String())
	}
}

func TestUnknownRoutesAndMethods(t *testing.T) {
	h := newTestRouter(t)
	for _, p := range []string{"/api/v1/nope", "/api/v2/stats", "/tiles/units/4/1/1.png", "/ogc/collections/units/items/110101/x", "/nope.js", "/images/", "/.keep"} {
		t.Run(p, func(t *testing.T) { wantStatus(t, get(t, h, p), 404, "") })
	}
	r := do(t, h, http.MethodPost, "/api/v1/stats")
	wantStatus(t, r, 405, "")
	if r.Header().Get("Allow") == "" {
		t.Error("405 without Allow")
	}
	r = do(t, h, http.MethodHead, "/api/v1/stats")
	if r.Code != 200 || len(r.body) != 0 || r.Header().Get("Content-Length") == "" {
		t.Errorf("HEAD: %d, body %d bytes, length %q", r.Code, len(r.body), r.Header().Get("Content-Length"))
	}
	wantStatus(t, get(t, h, "/api/v1/stats?"+strings.Repeat("x", maxURIBytes)), 414, "")
}

// TestNoInputPanics throws odd paths and parameters at every route: all
// must answer, none with a 5xx.
func TestNoInputPanics(t *testing.T) {
	h := newTestRouter(t)
	odd := []string{"", "%00", "%ff%fe", "-1", "1e309", "NaN", "999999999999999999999", "..%2f..%2fetc%2fpasswd", "'%3B DROP TABLE pilot_units;--", "%E2%80%AE", strings.Repeat("9", 300)}
	paths := []string{
		"/api/v1/provinces/%s", "/api/v1/units/%s", "/api/v1/units?q=%s", "/api/v1/units?province=%s", "/api/v1/units?batch=%s",
		"/api/v1/units?status=%s", "/api/v1/search?q=%s", "/api/v1/search?q=a&limit=%s", "/api/v1/layers/%s", "/api/v1/layers/units?zoom=%s",
		"/api/v1/layers/units?bbox=%s", "/tiles/%s/1/1/1.mvt", "/tiles/units/%s/1/1.mvt", "/tiles/units/4/%s/1.mvt", "/tiles/%s.json",
		"/ogc/collections/%s", "/ogc/collections/units/items?limit=%s", "/ogc/collections/units/items?offset=%s",
		"/ogc/collections/units/items?bbox=%s", "/ogc/collections/units/items/%s", "/%s",
	}
	for _, p := range paths {
		for _, v := range odd {
			path := fmt.Sprintf(p, v)
			if path == "/api/v1/layers/" || strings.HasSuffix(path, "//1/1/1.mvt") {
				continue
			}
			func() {
				defer func() {
					if v := recover(); v != nil {
						t.Errorf("%s panics: %v", path, v)
					}
				}()
				req, err := http.NewRequest(http.MethodGet, "http://x"+path, nil)
				if err != nil {
					return // not a request a client can send
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code >= 500 {
					t.Errorf("%s: %d %s", path, rec.Code, rec.Body.Bytes())
				}
				if rec.Code >= 400 && rec.Header().Get("Content-Type") != "application/problem+json" {
					t.Errorf("%s: %d as %s", path, rec.Code, rec.Header().Get("Content-Type"))
				}
			}()
		}
	}
}

func TestStatic(t *testing.T) {
	h := newTestRouter(t)
	for path, ctype := range map[string]string{
		"/":                "text/html; charset=utf-8",
		"/index.html":      "text/html; charset=utf-8",
		"/app.js":          "text/javascript; charset=utf-8",
		"/app.css":         "text/css; charset=utf-8",
		"/images/logo.svg": "image/svg+xml",
	} {
		r := get(t, h, path, "Accept-Encoding: gzip")
		wantStatus(t, r, 200, "")
		if got := r.Header().Get("Content-Type"); got != ctype {
			t.Errorf("%s: content type %q, want %q", path, got, ctype)
		}
		if r.Header().Get("ETag") == "" || r.Header().Get("Cache-Control") == "" {
			t.Errorf("%s: no ETag or Cache-Control", path)
		}
	}
	if r := get(t, h, "/", "Accept-Encoding: gzip"); r.Header().Get("Content-Encoding") != "gzip" || !bytes.Contains(gunzip(t, r.body), []byte("<title>pilotmap")) {
		t.Errorf("index.html not gzipped or not the index")
	}
	// The frontend not built: a page saying so, not an error.
	for _, web := range []fstest.MapFS{nil, {".keep": {}}} {
		r := get(t, New(Deps{Web: web}), "/")
		if r.Code != 200 || !strings.Contains(string(r.body), "make build") {
			t.Errorf("fallback page: %d %.200s", r.Code, r.body)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a logger.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func slogTo(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }
