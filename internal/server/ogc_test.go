package server

import (
	"math"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb/geojson"
)

type ogcLinks []ogcLink

func (ls ogcLinks) find(rel, ctype string) (string, bool) {
	for _, l := range ls {
		if l.Rel == rel && (ctype == "" || l.Type == ctype) {
			return l.Href, true
		}
	}
	return "", false
}

// relPath strips the scheme and host of an absolute link.
func relPath(t *testing.T, href string) string {
	t.Helper()
	u, err := url.Parse(href)
	if err != nil || u.Host != "example.com" || u.Scheme != "http" {
		t.Fatalf("link %q: want an absolute http://example.com link", href)
	}
	return u.RequestURI()
}

// TestOGCWalk walks the API as QGIS does: landing page → conformance →
// collections → items, following next links to the end.
func TestOGCWalk(t *testing.T) {
	h := newTestRouter(t)
	var landing struct {
		Title string
		Links ogcLinks
	}
	r := get(t, h, "/ogc")
	wantStatus(t, r, 200, "")
	r.decode(t, &landing)
	for _, rel := range []string{"self", "service-desc", "conformance", "data"} {
		if _, ok := landing.Links.find(rel, ""); !ok {
			t.Errorf("landing page lacks a %q link", rel)
		}
	}
	href, _ := landing.Links.find("conformance", ctypeJSON)
	var conf struct{ ConformsTo []string }
	get(t, h, relPath(t, href)).decode(t, &conf)
	for _, c := range []string{"core", "geojson", "oas30"} {
		if !slices.Contains(conf.ConformsTo, "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/"+c) {
			t.Errorf("conformance lacks %s: %v", c, conf.ConformsTo)
		}
	}
	href, _ = landing.Links.find("service-desc", "")
	var api struct {
		OpenAPI string
		Paths   map[string]any
	}
	get(t, h, relPath(t, href)).decode(t, &api)
	if !strings.HasPrefix(api.OpenAPI, "3.0") || api.Paths["/collections/{collectionId}/items"] == nil {
		t.Errorf("API definition: openapi %q, %d paths", api.OpenAPI, len(api.Paths))
	}

	href, _ = landing.Links.find("data", ctypeJSON)
	var colls struct {
		Links       ogcLinks
		Collections []struct {
			ID, Title string
			ItemType  string
			Extent    struct {
				Spatial struct {
					BBox [][]float64
					CRS  string
				}
			}
			Links ogcLinks
		}
	}
	get(t, h, relPath(t, href)).decode(t, &colls)
	var ids []string
	items := ""
	for _, c := range colls.Collections {
		ids = append(ids, c.ID)
		if len(c.Extent.Spatial.BBox) != 1 || len(c.Extent.Spatial.BBox[0]) != 4 || c.ItemType != "feature" {
			t.Errorf("collection %s: extent %v, itemType %q", c.ID, c.Extent, c.ItemType)
		}
		if c.ID == "units" {
			items, _ = c.Links.find("items", ctypeGeoJSON)
		}
	}
	if !slices.Equal(ids, []string{"provinces", "units", "pilots", "nanhai"}) || items == "" {
		t.Fatalf("collections %v, units items link %q", ids, items)
	}

	// Walk the units 100 at a time.
	next := relPath(t, items) + "?limit=100"
	seen := map[string]bool{}
	pages, matched := 0, -1
	for next != "" {
		r := get(t, h, next)
		wantStatus(t, r, 200, "")
		if ct := r.Header().Get("Content-Type"); ct != ctypeGeoJSON {
			t.Fatalf("items content type %q", ct)
		}
		var page struct {
			Type           string
			NumberMatched  int `json:"numberMatched"`
			NumberReturned int `json:"numberReturned"`
			Features       []struct {
				Type       string
				ID         string
				Geometry   map[string]any
				Properties map[string]any
			}
			Links ogcLinks
		}
		r.decode(t, &page)
		if page.Type != "FeatureCollection" || page.NumberReturned != len(page.Features) || page.NumberReturned > 100 {
			t.Fatalf("page %d: type %q, returned %d of %d features", pages, page.Type, page.NumberReturned, len(page.Features))
		}
		if matched >= 0 && page.NumberMatched != matched {
			t.Fatalf("numberMatched changed: %d → %d", matched, page.NumberMatched)
		}
		matched = page.NumberMatched
		if _, ok := page.Links.find("self", ctypeGeoJSON); !ok {
			t.Error("items without self link")
		}
		if _, ok := page.Links.find("prev", ""); ok != (pages > 0) {
			t.Errorf("page %d: prev link %v", pages, ok)
		}
		for _, f := range page.Features {
			if seen[f.ID] || f.Type != "Feature" || f.Geometry == nil || f.Properties["code"] != f.ID {
				t.Fatalf("feature %q repeated or malformed", f.ID)
			}
			seen[f.ID] = true
		}
		next = ""
		if href, ok := page.Links.find("next", ctypeGeoJSON); ok {
			next = relPath(t, href)
		}
		pages++
	}
	if len(seen) != matched || matched != len(shared(t).ds.Boundaries.Units.Features) || pages != (matched+99)/100 {
		t.Errorf("walked %d features in %d pages, numberMatched %d", len(seen), pages, matched)
	}

	// One feature, with its links.
	r = get(t, h, "/ogc/collections/units/items/110101")
	wantStatus(t, r, 200, "")
	var f struct {
		Type, ID   string
		Properties map[string]any
		Links      ogcLinks
	}
	r.decode(t, &f)
	if f.Type != "Feature" || f.ID != "110101" || f.Properties["name"] != "东城区" {
		t.Errorf("item 110101 = %+v", f)
	}
	if _, ok := f.Links.find("collection", ""); !ok {
		t.Error("item without collection link")
	}
}

func TestOGCItemsFilters(t *testing.T) {
	h := newTestRouter(t)
	var page struct {
		NumberMatched int `json:"numberMatched"`
		Features      []struct{ ID string }
	}
	r := get(t, h, "/ogc/collections/provinces/items?bbox=115.5,39.5,117.5,41&limit=50")
	wantStatus(t, r, 200, "")
	r.decode(t, &page)
	ids := map[string]bool{}
	for _, f := range page.Features {
		ids[f.ID] = true
	}
	if !ids["110000"] || !ids["130000"] || ids["650000"] || page.NumberMatched != len(page.Features) {
		t.Errorf("provinces near Beijing: %v (matched %d)", ids, page.NumberMatched)
	}
	r = get(t, h, "/ogc/collections/pilots/items?limit=1000")
	r.decode(t, &page)
	if page.NumberMatched < 100 || page.NumberMatched > 108 {
		t.Errorf("pilots: %d", page.NumberMatched)
	}
	r = get(t, h, "/ogc/collections/units/items?offset=100000")
	r.decode(t, &page)
	if len(page.Features) != 0 || page.NumberMatched == 0 {
		t.Errorf("offset past the end: %d features of %d", len(page.Features), page.NumberMatched)
	}
	// An antimeridian-crossing box and a datetime are accepted.
	wantStatus(t, get(t, h, "/ogc/collections/units/items?bbox=170,10,-170,20"), 200, "")
	wantStatus(t, get(t, h, "/ogc/collections/units/items?datetime=2020-01-01T00:00:00Z/.."), 200, "")
	wantStatus(t, get(t, h, "/ogc/collections/units/items?bbox=115,39,0,117,41,100"), 200, "")

	for _, tc := range []struct{ query, param string }{
		{"limit=0", "limit"},
		{"limit=x", "limit"},
		{"offset=-1", "offset"},
		{"bbox=1,2,3", "bbox"},
		{"bbox=1,50,3,40", "bbox"},
		{"datetime=yesterday", "datetime"},
		{"color=red", "color"},
		{"f=html", "f"},
	} {
		t.Run(tc.query, func(t *testing.T) {
			wantStatus(t, get(t, h, "/ogc/collections/units/items?"+tc.query), 400, tc.param)
		})
	}
	wantStatus(t, get(t, h, "/ogc/collections/roads"), 404, "collectionId")
	wantStatus(t, get(t, h, "/ogc/collections/roads/items"), 404, "collectionId")
	wantStatus(t, get(t, h, "/ogc/collections/units/items/999999"), 404, "featureId")
	wantStatus(t, get(t, h, "/ogc/collections/pilots/items/110102x"), 404, "featureId")
	// 北京's 门头沟区 is a unit but no pilot.
	if r := get(t, h, "/ogc/collections/units/items/110109"); r.Code != 200 {
		t.Fatalf("units/110109: %d", r.Code)
	}
	wantStatus(t, get(t, h, "/ogc/collections/pilots/items/110109"), 404, "featureId")
	// limit above the maximum is clamped.
	r = get(t, h, "/ogc/collections/units/items?limit=999999")
	wantStatus(t, r, 200, "")
}

// TestCollectionExtents: each collection's extent (OGC and TileJSON) is
// that of its own features: their items' bounding boxes together, within
// the rounding of the served geometry (pilots is not the national box).
func TestCollectionExtents(t *testing.T) {
	h := newTestRouter(t)
	for _, name := range newLayerCatalog().served(ogcLayer) {
		var coll struct {
			Extent struct{ Spatial struct{ BBox [][]float64 } }
		}
		get(t, h, "/ogc/collections/"+name).decode(t, &coll)
		var tj struct{ Bounds []float64 }
		get(t, h, "/tiles/"+name+".json").decode(t, &tj)
		r := get(t, h, "/ogc/collections/"+name+"/items?limit=10000")
		wantStatus(t, r, 200, "")
		fc, err := geojson.UnmarshalFeatureCollection(r.body)
		if err != nil || len(fc.Features) == 0 {
			t.Fatalf("%s items: %v", name, err)
		}
		b := fc.Features[0].Geometry.Bound()
		for _, f := range fc.Features[1:] {
			b = b.Union(f.Geometry.Bound())
		}
		want := []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}
		for what, got := range map[string][]float64{"OGC extent": coll.Extent.Spatial.BBox[0], "TileJSON bounds": tj.Bounds} {
			for i := range want {
				if math.Abs(got[i]-want[i]) > 1e-3 {
					t.Errorf("%s %s %v, its features' %v", name, what, got, want)
					break
				}
			}
		}
	}
}
