package server

import (
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestGaps(t *testing.T) {
	h := newTestRouter(t)
	r := get(t, h, "/api/v1/gaps")
	wantStatus(t, r, http.StatusOK, "")
	var rep struct {
		UncoveredUnits []struct {
			Code    string `json:"code"`
			Cluster int    `json:"cluster"`
		} `json:"uncovered_units"`
		Clusters []struct {
			ID      int      `json:"id"`
			Units   []string `json:"units"`
			AreaKM2 float64  `json:"area_km2"`
		} `json:"clusters"`
		ProvincesWithoutUnits []string `json:"provinces_without_units"`
		PilotProvinces        []struct {
			Code       string `json:"code"`
			Covered    int    `json:"covered"`
			Comparable int    `json:"comparable"`
		} `json:"pilot_provinces"`
		Regions []map[string]any `json:"regions"`
	}
	r.decode(t, &rep)
	if len(rep.ProvincesWithoutUnits) != 1 || rep.ProvincesWithoutUnits[0] != "530000" {
		t.Errorf("provinces without units = %v, want [530000] (云南)", rep.ProvincesWithoutUnits)
	}
	if len(rep.UncoveredUnits) != 451-108 {
		t.Errorf("uncovered units = %d, want 343", len(rep.UncoveredUnits))
	}
	if len(rep.Clusters) == 0 || rep.Clusters[0].ID != 1 || len(rep.Regions) != 4 {
		t.Fatalf("clusters %d, regions %d", len(rep.Clusters), len(rep.Regions))
	}
	for _, p := range rep.PilotProvinces {
		if p.Code == "130000" && (p.Covered != 3 || p.Comparable != 11) {
			t.Errorf("河北 %d/%d, want 3/11", p.Covered, p.Comparable)
		}
	}
	wantStatus(t, get(t, h, "/api/v1/gaps?foo=1"), http.StatusBadRequest, "foo")

	// The gaps layer: one feature per cluster, id = its rank.
	r = get(t, h, "/api/v1/layers/gaps?zoom=4")
	wantStatus(t, r, http.StatusOK, "")
	var fc struct {
		Features []struct {
			ID         string         `json:"id"`
			Properties map[string]any `json:"properties"`
			Geometry   struct{ Type string }
		} `json:"features"`
	}
	r.decode(t, &fc)
	if len(fc.Features) != len(rep.Clusters) {
		t.Fatalf("gaps layer has %d features, the report %d clusters", len(fc.Features), len(rep.Clusters))
	}
	for i, f := range fc.Features {
		c := rep.Clusters[i]
		rank, _ := f.Properties["rank"].(float64)
		units, _ := f.Properties["units"].(float64)
		if f.ID != fmt.Sprint(c.ID) || int(rank) != c.ID || int(units) != len(c.Units) {
			t.Errorf("feature %d: id %s, properties %v; cluster %d with %d units", i, f.ID, f.Properties, c.ID, len(c.Units))
		}
		if f.Geometry.Type != "MultiPolygon" && f.Geometry.Type != "Polygon" {
			t.Errorf("cluster %s geometry %s", f.ID, f.Geometry.Type)
		}
	}
	wantStatus(t, get(t, h, "/tiles/gaps/4/13/6.mvt"), http.StatusNotFound, "layer")
}

func TestMapSVG(t *testing.T) {
	h := newTestRouter(t)
	for _, q := range []string{"", "?view=gaps&layout=a4", "?province=110000&layout=4:3&lang=en&title=%E5%8C%97%E4%BA%AC"} {
		r := get(t, h, "/api/v1/map.svg"+q, "Accept-Encoding: gzip")
		wantStatus(t, r, http.StatusOK, "")
		if ct := r.Header().Get("Content-Type"); !strings.HasPrefix(ct, "image/svg+xml") {
			t.Errorf("%s: content type %q", q, ct)
		}
		body := r.body
		if r.Header().Get("Content-Encoding") == "gzip" {
			body = gunzip(t, body)
		}
		dec := xml.NewDecoder(bytes.NewReader(body))
		pilots := 0
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: not XML: %v", q, err)
			}
			if se, ok := tok.(xml.StartElement); ok {
				for _, a := range se.Attr {
					if a.Name.Local == "id" && strings.HasPrefix(a.Value, "unit-") {
						pilots++
					}
				}
			}
		}
		if q == "" && pilots < 108 {
			t.Errorf("national map has %d unit elements, want at least the 108 pilots", pilots)
		}
		if etag := r.Header().Get("ETag"); etag == "" {
			t.Errorf("%s: no ETag", q)
		} else {
			again := get(t, h, "/api/v1/map.svg"+q, "Accept-Encoding: gzip", "If-None-Match: "+etag)
			wantStatus(t, again, http.StatusNotModified, "")
		}
	}
	for q, param := range map[string]string{"?layout=5:4": "layout", "?view=heat": "view", "?province=999999": "province", "?lang=fr": "lang", "?nope=1": "nope"} {
		wantStatus(t, get(t, h, "/api/v1/map.svg"+q), http.StatusBadRequest, param)
	}
}

func TestExportCSV(t *testing.T) {
	h := newTestRouter(t)
	r := get(t, h, "/api/v1/export/units.csv")
	wantStatus(t, r, http.StatusOK, "")
	if !strings.Contains(r.Header().Get("Content-Disposition"), `filename="pilotmap-units.csv"`) {
		t.Errorf("Content-Disposition %q", r.Header().Get("Content-Disposition"))
	}
	if !bytes.HasPrefix(r.body, []byte("\uFEFF")) {
		t.Fatal("units.csv lacks the UTF-8 BOM")
	}
	rows, err := csv.NewReader(bytes.NewReader(r.body[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+108 {
		t.Errorf("units.csv has %d rows, want a header and 108 units", len(rows))
	}
	r = get(t, h, "/api/v1/export/provinces.csv?lang=zh")
	wantStatus(t, r, http.StatusOK, "")
	rows, err = csv.NewReader(bytes.NewReader(r.body[3:])).ReadAll()
	if err != nil || len(rows) != 1+31 {
		t.Errorf("provinces.csv: %d rows, %v", len(rows), err)
	}
	wantStatus(t, get(t, h, "/api/v1/export/units.csv?lang=fr"), http.StatusBadRequest, "lang")
	wantStatus(t, get(t, h, "/api/v1/export/things.csv"), http.StatusNotFound, "table")
}

func TestLayerDownload(t *testing.T) {
	h := newTestRouter(t)
	r := get(t, h, "/api/v1/layers/pilots?zoom=3&download=1")
	wantStatus(t, r, http.StatusOK, "")
	if cd := r.Header().Get("Content-Disposition"); !strings.Contains(cd, `filename="pilotmap-pilots.geojson"`) {
		t.Errorf("Content-Disposition %q", cd)
	}
	if cd := get(t, h, "/api/v1/layers/pilots?zoom=3").Header().Get("Content-Disposition"); cd != "" {
		t.Errorf("a plain layer request is a download: %q", cd)
	}
	wantStatus(t, get(t, h, "/api/v1/layers/pilots?download=yes"), http.StatusBadRequest, "download")
}
