package server

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/gorilla/mux"
)

// routeCase is a route, a request of it and the parameters it takes.
type routeCase struct {
	template string // the route as registered
	path     string // a request of it that answers 200 (or 204)
	takes    string // its parameters as the 400 lists them; "" none
}

// routeCases are every route but the web map's.
func routeCases() []routeCase {
	return []routeCase{
		{"/tiles/{layer}/{z}/{x}/{y}.mvt", "/tiles/units/4/12/6.mvt", ""},
		{"/api/v1/layers/{layer}", "/api/v1/layers/nanhai?zoom=2", "zoom, bbox, download, program, batch"},
		{"/tiles/{layer}.json", "/tiles/units.json", ""},
		{"/api/v1/layers", "/api/v1/layers", ""},
		{"/healthz", "/healthz", ""},
		{"/metrics", "/metrics", ""},
		{"/readyz", "/readyz", ""},
		{"/api/v1/config", "/api/v1/config", ""},
		{"/api/v1/stats", "/api/v1/stats", "program, batch"},
		{"/api/v1/stats/provinces", "/api/v1/stats/provinces", "program, batch"},
		{"/api/v1/stats/regions", "/api/v1/stats/regions", "program, batch"},
		{"/api/v1/provinces", "/api/v1/provinces", "program, batch"},
		{"/api/v1/provinces/{code}", "/api/v1/provinces/110000", "program, batch"},
		{"/api/v1/units", "/api/v1/units?province=110000", "province, batch, status, q"},
		{"/api/v1/units/{code}", "/api/v1/units/630200", ""},
		{"/api/v1/search", "/api/v1/search?q=a", "q, limit"},
		{"/api/v1/programs", "/api/v1/programs", ""},
		{"/api/v1/batches", "/api/v1/batches", ""},
		{"/api/v1/gaps", "/api/v1/gaps", ""},
		{"/api/v1/map.svg", "/api/v1/map.svg?view=coverage", "view, province, layout, title, subtitle, lang, program, batch"},
		{"/api/v1/export/{table}.csv", "/api/v1/export/units.csv?lang=en", "lang"},
		{"/ogc", "/ogc", "f"},
		{"/ogc/", "/ogc/", "f"},
		{"/ogc/api", "/ogc/api", "f"},
		{"/ogc/conformance", "/ogc/conformance", "f"},
		{"/ogc/collections", "/ogc/collections", "f"},
		{"/ogc/collections/{id}", "/ogc/collections/units", "f"},
		{"/ogc/collections/{id}/items", "/ogc/collections/units/items?limit=1", "limit, offset, bbox, datetime, f"},
		{"/ogc/collections/{id}/items/{featureId}", "/ogc/collections/units/items/110101", "f"},
	}
}

// withQuery appends a parameter to path.
func withQuery(path, param string) string {
	if strings.Contains(path, "?") {
		return path + "&" + param
	}
	return path + "?" + param
}

// problemDetail returns a problem's detail.
func problemDetail(tb testing.TB, r response) string {
	tb.Helper()
	var p struct{ Detail string }
	r.decode(tb, &p)
	return p.Detail
}

// TestEveryRouteIsInTheTable keeps routeCases complete: a new route
// must say which parameters it takes.
func TestEveryRouteIsInTheTable(t *testing.T) {
	s := newServer(Deps{})
	var registered []string
	err := s.router().Walk(func(route *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		// The admin routes take bodies and credentials: admin_test.go.
		if tpl, err := route.GetPathTemplate(); err == nil && tpl != "/" && !strings.HasPrefix(tpl, adminPath) {
			registered = append(registered, tpl)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, c := range routeCases() {
		listed = append(listed, c.template)
	}
	slices.Sort(registered)
	slices.Sort(listed)
	if !slices.Equal(registered, listed) {
		t.Errorf("routes %v\nlisted %v", registered, listed)
	}
}

func TestUnknownParameters(t *testing.T) {
	h := newTestRouter(t)
	for _, c := range routeCases() {
		t.Run(c.path, func(t *testing.T) {
			if r := get(t, h, c.path); r.Code != http.StatusOK && r.Code != http.StatusNoContent {
				t.Fatalf("%s: %d %.300s", c.path, r.Code, r.body)
			}
			r := get(t, h, withQuery(c.path, "provnce=130000"))
			wantStatus(t, r, 400, "provnce")
			want := "provnce: unknown parameter; this endpoint takes no parameters"
			if c.takes != "" {
				want = "provnce: unknown parameter; this endpoint takes " + c.takes
			}
			if d := problemDetail(t, r); d != want {
				t.Errorf("detail %q, want %q", d, want)
			}
			// Of two unknown ones, the first in sorted order.
			wantStatus(t, get(t, h, withQuery(c.path, "zz=1&_=1")), 400, "_")
		})
	}
	// The page's own query is the web map's (?mode=present&layout=a4).
	wantStatus(t, get(t, h, "/?mode=present&layout=a4"), 200, "")
	// Without data too.
	wantStatus(t, get(t, New(Deps{}), "/healthz?x=1"), 400, "x")
}

func TestMalformedQuery(t *testing.T) {
	h := newTestRouter(t)
	for _, p := range []string{"/api/v1/units?q=%zz", "/api/v1/layers/units?zoom=4;x=1", "/api/v1/stats?%", "/ogc/collections/units/items?limit=1;f=json"} {
		t.Run(p, func(t *testing.T) {
			r := get(t, h, p)
			wantStatus(t, r, 400, "")
			if d := problemDetail(t, r); !strings.HasPrefix(d, "malformed query: ") {
				t.Errorf("detail %q", d)
			}
		})
	}
}

func TestRepeatedParameters(t *testing.T) {
	h := newTestRouter(t)
	for _, tc := range []struct{ path, param string }{
		{"/api/v1/map.svg?view=coverage&view=gaps", "view"},
		{"/api/v1/map.svg?view=gaps&province=110000&province=110000", "province"},
		{"/api/v1/map.svg?title=a&title=b", "title"},
		{"/api/v1/units?status=active&status=revoked", "status"},
		{"/api/v1/units?q=a&q=a", "q"},
		{"/api/v1/search?q=a&q=b", "q"},
		{"/api/v1/search?q=a&limit=1&limit=2", "limit"},
		{"/api/v1/layers/units?zoom=4&bbox=1,2,3,4&bbox=1,2,3,4", "bbox"},
		{"/api/v1/layers/units?download=1&download=1", "download"},
		{"/api/v1/export/units.csv?lang=zh&lang=en", "lang"},
		{"/ogc/collections/units/items?limit=1&limit=2", "limit"},
		{"/ogc/collections/units/items?f=json&f=json", "f"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			r := get(t, h, tc.path)
			wantStatus(t, r, 400, tc.param)
			if d := problemDetail(t, r); !strings.Contains(d, "given 2 times, want at most once") {
				t.Errorf("detail %q", d)
			}
		})
	}
}

func TestEmptyValues(t *testing.T) {
	h := newTestRouter(t)
	for _, tc := range []struct{ path, param string }{
		{"/api/v1/units?status=", "status"},
		{"/api/v1/units?q=", "q"},
		{"/api/v1/units?q=%20%20", "q"}, // blank once trimmed
		{"/api/v1/units?province=", "province"},
		{"/api/v1/units?batch=", "batch"},
		{"/api/v1/units?province=110000&status", "status"}, // no "=" at all
		{"/api/v1/search?q=", "q"},
		{"/api/v1/search?q=+", "q"},
		{"/api/v1/search?q=a&limit=", "limit"},
		{"/api/v1/layers/units?zoom=", "zoom"},
		{"/api/v1/layers/units?bbox=", "bbox"},
		{"/api/v1/layers/units?download=", "download"},
		{"/api/v1/map.svg?view=", "view"},
		{"/api/v1/map.svg?title=", "title"},
		{"/api/v1/map.svg?subtitle=", "subtitle"},
		{"/api/v1/export/units.csv?lang=", "lang"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			r := get(t, h, tc.path)
			wantStatus(t, r, 400, tc.param)
			if d := problemDetail(t, r); d != tc.param+": "+emptyValue {
				t.Errorf("detail %q, want %q", d, tc.param+": "+emptyValue)
			}
		})
	}
	// OGC keeps its own rules: an empty f is the default format, an empty
	// datetime no filter.
	for _, p := range []string{"/ogc/collections?f=", "/ogc/collections/units/items?limit=1&datetime="} {
		wantStatus(t, get(t, h, p), 200, "")
	}
}

func TestParameterErrorTexts(t *testing.T) {
	h := newTestRouter(t)
	for _, tc := range []struct{ path, param, detail string }{
		{"/api/v1/gaps?x=1", "x", "x: unknown parameter; this endpoint takes no parameters"},
		{"/api/v1/units?province=130100", "province", `province: "130100" is not a province code (six digits ending in 0000, such as 130000)`},
		{"/api/v1/units?province=999999", "province", `province: "999999" is not a province code (six digits ending in 0000, such as 130000)`},
		{"/api/v1/units?province=990000", "province", "province: 990000 is not a province-level division"},
		{"/api/v1/map.svg?province=130100", "province", `province: "130100": not a province code (six digits ending in 0000, such as 110000)`},
		{"/api/v1/map.svg?province=999999", "province", `province: "999999": not a province code (six digits ending in 0000, such as 110000)`},
		{"/api/v1/map.svg?province=990000", "province", `province: "990000": not a province code (six digits ending in 0000, such as 110000)`},
		{"/api/v1/map.svg?province=890000", "province", `province: "890000": no such province`},
		{"/api/v1/map.svg?layout=3:2", "layout", `layout: "3:2": use 16:9, 4:3 or a4`},
	} {
		t.Run(tc.path, func(t *testing.T) {
			r := get(t, h, tc.path)
			wantStatus(t, r, 400, tc.param)
			if d := problemDetail(t, r); d != tc.detail {
				t.Errorf("detail %q, want %q", d, tc.detail)
			}
		})
	}
}

// TestQueryCacheKey: the same parameters in another order or spelling are
// one cache entry.
func TestQueryCacheKey(t *testing.T) {
	h := newTestRouter(t)
	first := get(t, h, "/api/v1/units?status=active&province=110000")
	wantStatus(t, first, 200, "")
	for _, p := range []string{"/api/v1/units?province=110000&status=active", "/api/v1/units?province=%31%31%30%30%30%30&status=active"} {
		r := get(t, h, p)
		wantStatus(t, r, 200, "")
		if r.Header().Get("X-Cache") != "HIT" || r.Header().Get("ETag") != first.Header().Get("ETag") {
			t.Errorf("%s: X-Cache %q, ETag %q (first %q)", p, r.Header().Get("X-Cache"), r.Header().Get("ETag"), first.Header().Get("ETag"))
		}
	}
}
