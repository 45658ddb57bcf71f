package server

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// request runs one request with a Host and headers ("Name: value").
func request(tb testing.TB, h http.Handler, method, host, path string, headers ...string) response {
	tb.Helper()
	req := httptest.NewRequest(method, path, nil)
	req.Host = host
	for _, hd := range headers {
		k, v, _ := strings.Cut(hd, ":")
		req.Header.Set(k, strings.TrimSpace(v))
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return response{rec, rec.Body.Bytes()}
}

func TestCORSPreflight(t *testing.T) {
	h := newTestRouter(t)
	for _, p := range []string{"/api/v1/stats", "/tiles/units/4/12/6.mvt", "/ogc/collections/units/items"} {
		r := do(t, h, http.MethodOptions, p, "Origin: https://other.example", "Access-Control-Request-Method: GET", "Access-Control-Request-Headers: if-none-match")
		if r.Code != http.StatusNoContent {
			t.Fatalf("%s: preflight %d, want 204", p, r.Code)
		}
		hd := r.Header()
		if hd.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(hd.Get("Access-Control-Allow-Methods"), "GET") ||
			!strings.Contains(hd.Get("Access-Control-Allow-Headers"), "If-None-Match") {
			t.Errorf("%s: preflight headers %v", p, hd)
		}
	}
	// The answers themselves let a script read the ETag, the file name
	// and the request id.
	r := get(t, h, "/api/v1/export/units.csv", "Origin: https://other.example")
	exposed := r.Header().Get("Access-Control-Expose-Headers")
	for _, want := range []string{"ETag", "Content-Disposition", "X-Request-Id"} {
		if !strings.Contains(exposed, want) {
			t.Errorf("Access-Control-Expose-Headers %q lacks %s", exposed, want)
		}
	}
	// An OPTIONS that is not a preflight is not allowed.
	if r := do(t, h, http.MethodOptions, "/api/v1/stats"); r.Code != http.StatusMethodNotAllowed {
		t.Errorf("plain OPTIONS: %d, want 405", r.Code)
	}
}

// The links of OGC documents and TileJSON name the request's host, the
// proxy's only behind --trust-proxy, and --public-url when set; a forged
// Host never reaches another client through the cache.
func TestAbsoluteLinks(t *testing.T) {
	f := shared(t)
	plain := New(Deps{Data: f.ds, Topology: f.topo})
	items := "/ogc/collections/provinces/items?limit=2"

	evil := request(t, plain, "GET", "evil.example", items, "Accept-Encoding: gzip")
	if evil.Code != 200 || !strings.Contains(string(gunzip(t, evil.body)), "http://evil.example/ogc/") {
		t.Fatalf("evil host: %d %.200s", evil.Code, evil.body)
	}
	for _, enc := range []string{"", "gzip"} {
		r := request(t, plain, "GET", "maps.example.org", items, "Accept-Encoding: "+enc)
		body := r.body
		if enc == "gzip" {
			body = gunzip(t, body)
		}
		if r.Header().Get("X-Cache") != "HIT" || strings.Contains(string(body), "evil") || !strings.Contains(string(body), "http://maps.example.org/ogc/collections/provinces/items?limit=2&offset=2") {
			t.Errorf("after a forged Host, %q gets X-Cache %s and %.300s", enc, r.Header().Get("X-Cache"), body)
		}
		if r.Header().Get("ETag") == evil.Header().Get("ETag") {
			t.Error("two hosts share an ETag for different links")
		}
	}
	// Forwarded headers are ignored unless the proxy is trusted.
	fwd := []string{"X-Forwarded-Proto: https", "X-Forwarded-Host: public.example"}
	if r := request(t, plain, "GET", "internal:8080", "/tiles/units.json", fwd...); !strings.Contains(string(r.body), "http://internal:8080/tiles/units/") {
		t.Errorf("untrusted X-Forwarded-*: %.300s", r.body)
	}
	trusted := New(Deps{Data: f.ds, Topology: f.topo, TrustProxy: true})
	if r := request(t, trusted, "GET", "internal:8080", "/tiles/units.json", fwd...); !strings.Contains(string(r.body), "https://public.example/tiles/units/") {
		t.Errorf("trusted X-Forwarded-*: %.300s", r.body)
	}
	if r := request(t, trusted, "GET", "internal:8080", "/ogc", `Forwarded: for=1.2.3.4;proto=https;host="fwd.example", for=5.6.7.8`); !strings.Contains(string(r.body), "https://fwd.example/ogc/") {
		t.Errorf("trusted Forwarded: %.300s", r.body)
	}
	pub, err := ParsePublicURL("https://maps.example.org/pilotmap/")
	if err != nil {
		t.Fatal(err)
	}
	public := New(Deps{Data: f.ds, Topology: f.topo, PublicURL: pub, TrustProxy: true})
	for _, p := range []string{items, "/ogc/collections/units/items/110101", "/tiles/units.json", "/ogc/collections"} {
		r := request(t, public, "GET", "evil.example", p, fwd...)
		if !strings.Contains(string(r.body), "https://maps.example.org/pilotmap/") || strings.Contains(string(r.body), "evil") || strings.Contains(string(r.body), "public.example") {
			t.Errorf("%s with --public-url: %.300s", p, r.body)
		}
	}
	for _, bad := range []string{"maps.example.org", "ftp://x.example", "https://x.example/?a=1", "/relative"} {
		if _, err := ParsePublicURL(bad); err == nil {
			t.Errorf("ParsePublicURL(%q) accepted", bad)
		}
	}
}

// An open representation's gzip, ended per request, is a valid gzip of
// the identity body; a 304 answers its ETag.
func TestOGCItemsCachedWithTail(t *testing.T) {
	h := newTestRouter(t)
	p := "/ogc/collections/units/items?limit=1000"
	first := get(t, h, p)
	zipped := get(t, h, p, "Accept-Encoding: gzip")
	if first.Header().Get("X-Cache") != "MISS" || zipped.Header().Get("X-Cache") != "HIT" {
		t.Fatalf("X-Cache %s then %s", first.Header().Get("X-Cache"), zipped.Header().Get("X-Cache"))
	}
	if string(gunzip(t, zipped.body)) != string(first.body) || fmt.Sprint(len(zipped.body)) != zipped.Header().Get("Content-Length") {
		t.Error("the gzipped page differs from the identity one or its length")
	}
	var fc struct {
		NumberMatched, NumberReturned int
		Features                      []any
	}
	first.decode(t, &fc)
	if fc.NumberReturned != len(fc.Features) || fc.NumberMatched < fc.NumberReturned || fc.NumberReturned == 0 {
		t.Errorf("matched %d, returned %d, %d features", fc.NumberMatched, fc.NumberReturned, len(fc.Features))
	}
	if r := get(t, h, p, "Accept-Encoding: gzip", "If-None-Match: "+zipped.Header().Get("ETag")); r.Code != http.StatusNotModified {
		t.Errorf("If-None-Match: %d, want 304", r.Code)
	}
}

// Dot segments and double slashes get a problem, never a redirect.
func TestNonCanonicalPaths(t *testing.T) {
	h := newTestRouter(t)
	for _, p := range []string{"/api/v1/provinces/%2e%2e", "//api/v1/stats", "/api/v1/./stats", "/api/v1/x/../stats", "/tiles//units.json", "/ogc/collections/units/items/."} {
		r := get(t, h, p)
		if r.Code != http.StatusBadRequest && r.Code != http.StatusNotFound {
			t.Errorf("%s: %d (Location %q), want a 400 or 404 problem", p, r.Code, r.Header().Get("Location"))
		}
		if r.Header().Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: %s, want a problem", p, r.Header().Get("Content-Type"))
		}
	}
	if r := get(t, h, "/ogc/"); r.Code != 200 {
		t.Errorf("/ogc/: %d", r.Code)
	}
}

func TestTileCoordinatesCanonical(t *testing.T) {
	h := newTestRouter(t)
	for p, param := range map[string]string{
		"/tiles/units/04/12/6.mvt": "z", "/tiles/units/+4/12/6.mvt": "z", "/tiles/units/-0/0/0.mvt": "z",
		"/tiles/units/4/012/6.mvt": "x", "/tiles/units/4/12/+6.mvt": "y", "/tiles/units/0/0/-0.mvt": "y",
	} {
		wantStatus(t, get(t, h, p), 400, param)
	}
	wantStatus(t, get(t, h, "/tiles/units/0/0/0.mvt"), 200, "")
}

// A parameter name or value echoed in a problem is clipped.
func TestProblemsClipEchoes(t *testing.T) {
	h := newTestRouter(t)
	long := strings.Repeat("x", 2000)
	for _, p := range []string{"/api/v1/stats?" + long + "=1", "/api/v1/layers/units?zoom=" + long, "/ogc/collections/units/items?" + long + "=1", "/api/v1/layers/" + long} {
		r := get(t, h, p)
		if r.Code < 400 {
			t.Fatalf("%.60s: %d", p, r.Code)
		}
		var prob struct{ Detail, Parameter string }
		r.decode(t, &prob)
		if len(prob.Detail) > 300 || len(prob.Parameter) > 50 || !strings.Contains(prob.Detail, "…") {
			t.Errorf("%.60s: detail of %d bytes, parameter of %d: %.100s", p, len(prob.Detail), len(prob.Parameter), prob.Detail)
		}
	}
}

// A response the write timeout cuts off is logged as cut off, with the
// error, not as a plain request.
func TestWriteTimeoutLogged(t *testing.T) {
	f := shared(t)
	var buf syncBuffer
	log := slogTo(&buf)
	h := New(Deps{Data: f.ds, Topology: f.topo, Log: log})
	ln, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ServeListener(ctx, Config{WriteTimeout: 300 * time.Millisecond}, ln, h, log, nil) }()
	defer func() { cancel(); <-done }()

	// The largest body (units at z=12, ~14 MB identity), never read.
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET /api/v1/layers/units?zoom=12 HTTP/1.1\r\nHost: x\r\n\r\n")
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(buf.String(), "response cut off") && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	logged := buf.String()
	if !strings.Contains(logged, "response cut off") || !strings.Contains(logged, "path=/api/v1/layers/units") {
		t.Errorf("no cut-off logged:\n%s", logged)
	}
	if strings.Contains(logged, `msg=request `) && strings.Contains(logged, "status=200 bytes=") && !strings.Contains(logged, "error=") {
		t.Errorf("the cut-off response is logged as a plain request:\n%s", logged)
	}
}
