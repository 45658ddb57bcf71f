package export

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pilotmap/geodata"
	"pilotmap/internal/coverage"
	"pilotmap/internal/dataset"
	"pilotmap/internal/gaps"
	"pilotmap/internal/gazetteer"
	"pilotmap/internal/store"
	"pilotmap/internal/world"
)

func openDataset(t *testing.T) *dataset.Dataset {
	t.Helper()
	v, err := geodata.Version()
	if err != nil {
		t.Fatal(err)
	}
	ds, err := dataset.Open(context.Background(), filepath.Join(t.TempDir(), "pm.db"), dataset.Source{FS: geodata.FS(), Version: v})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ds.Close() })
	return ds
}

// readCSV checks the BOM and parses the rest with encoding/csv.
func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}) {
		t.Fatalf("no UTF-8 BOM: % x", b[:min(len(b), 8)])
	}
	r := csv.NewReader(bytes.NewReader(b[3:]))
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return recs
}

func TestUnitsRoundTrip(t *testing.T) {
	ds := openDataset(t)
	ctx := context.Background()
	var buf bytes.Buffer
	if err := Units(&buf, buildWorld(t, ds), Options{}); err != nil {
		t.Fatal(err)
	}
	recs := readCSV(t, buf.Bytes())
	if got, want := strings.Join(recs[0], ","), strings.Join(columnKeys(unitColumns()), ","); got != want {
		t.Fatalf("header %s, want %s", got, want)
	}
	rows := recs[1:]
	if len(rows) != 108 {
		t.Fatalf("%d unit rows, want 108", len(rows))
	}
	stored, err := ds.Store.PilotUnits(ctx, store.UnitFilter{})
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, k := range recs[0] {
		col[k] = i
	}
	seen := map[string]bool{}
	for i, r := range rows {
		u := stored[i]
		if r[col["code"]] != u.Code || r[col["comparable_code"]] != u.ComparableCode || r[col["province_code"]] != u.ProvinceCode {
			t.Errorf("row %d codes %s/%s/%s, stored %s/%s/%s", i, r[col["code"]], r[col["comparable_code"]], r[col["province_code"]], u.Code, u.ComparableCode, u.ProvinceCode)
		}
		if len(r[col["code"]]) != 6 {
			t.Errorf("row %d code %q is not six digits", i, r[col["code"]])
		}
		if r[col["written"]] != u.Written || r[col["name"]] != u.Name {
			t.Errorf("row %d names %q/%q, stored %q/%q", i, r[col["written"]], r[col["name"]], u.Written, u.Name)
		}
		if r[col["doc_number"]] != "国卫家庭发〔2013〕5号" || r[col["status"]] != "active" || r[col["batch"]] != "2" {
			t.Errorf("row %d doc %q status %q batch %q", i, r[col["doc_number"]], r[col["status"]], r[col["batch"]])
		}
		if r[col["province"]] == "" || r[col["comparable_name"]] == "" {
			t.Errorf("row %d lacks province or comparable name: %v", i, r)
		}
		seen[r[col["code"]]] = true
	}
	if len(seen) != 108 {
		t.Errorf("%d distinct codes, want 108", len(seen))
	}
	// Codes are quoted in the raw text (text-safe), the header is not.
	raw := buf.String()
	if !strings.Contains(raw, `,"110101",`) {
		t.Errorf("code 110101 not quoted in the raw CSV")
	}
	if !strings.HasPrefix(raw, BOM+"program,batch,") || !strings.Contains(raw, "\r\n") {
		t.Errorf("raw start %q", raw[:40])
	}
}

func TestProvincesRoundTrip(t *testing.T) {
	ds := openDataset(t)
	var buf bytes.Buffer
	if err := Provinces(&buf, buildWorld(t, ds), Options{Lang: "zh"}); err != nil {
		t.Fatal(err)
	}
	recs := readCSV(t, buf.Bytes())
	if recs[0][0] != "省级代码" || len(recs[0]) != len(provinceColumns()) {
		t.Fatalf("zh header %v", recs[0])
	}
	if len(recs) != 1+31 {
		t.Fatalf("%d rows, want header + 31 provinces", len(recs))
	}
	byCode := map[string][]string{}
	units := 0
	for _, r := range recs[1:] {
		byCode[r[0]] = r
		n := 0
		for _, c := range r[5] {
			n = n*10 + int(c-'0')
		}
		units += n
	}
	if units != 108 {
		t.Errorf("units sum %d, want 108", units)
	}
	if r := byCode["110000"]; r == nil || r[1] != "北京市" || r[2] != "Beijing" || r[4] != "true" || r[6] != "16" || r[7] != "4" || r[8] != "0.2500" {
		t.Errorf("北京 row %v", r)
	}
	if r := byCode["530000"]; r == nil || r[2] != "Yunnan" || r[5] != "0" || r[8] != "0.0000" {
		t.Errorf("云南 row %v", r)
	}
}

func TestQuotingAndGuard(t *testing.T) {
	var buf bytes.Buffer
	in := UnitsInput{
		Units: []store.PilotUnit{{
			Program: "P", BatchNumber: 1, Code: "469005", ProvinceCode: "460000", ComparableCode: "469005",
			Written: `=HYPERLINK("x")`, Name: "文昌市, \"a\"\nb", Level: "county", Rule: "exact", Confidence: 1,
			Status: store.StatusRevoked, StatusSince: time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC), Line: 12,
		}},
		Batches: []BatchInfo{{Program: "P", Number: 1, Name: "-first", DocNumber: "X"}},
	}
	if err := WriteUnits(&buf, in, Options{}); err != nil {
		t.Fatal(err)
	}
	recs := readCSV(t, buf.Bytes())
	r := recs[1]
	want := map[string]string{
		"written": `'=HYPERLINK("x")`, "name": "文昌市, \"a\"\nb", "batch_name": "'-first", "code": "469005",
		"status": "revoked", "status_since": "2024-05-06", "confidence": "1.00", "line": "12", "province": "",
	}
	for i, k := range recs[0] {
		if w, ok := want[k]; ok && r[i] != w {
			t.Errorf("%s = %q, want %q", k, r[i], w)
		}
	}
}

func TestProvincesNumbers(t *testing.T) {
	var buf bytes.Buffer
	err := WriteProvinces(&buf, []coverage.Province{{Code: "330000", Name: "浙江省", NameEN: "Zhejiang", Region: "east", PilotProvince: true, Units: 8, ComparableUnits: 11, CoveredUnits: 8, Coverage: 8.0 / 11, AreaKM2: 107501.4, CoveredAreaKM2: 78281.6}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.TrimPrefix(buf.String(), BOM)
	want := "code,name,name_en,region,pilot_province,units,comparable_units,covered_units,coverage,area_km2,covered_area_km2\r\n" +
		"\"330000\",浙江省,Zhejiang,east,true,8,11,8,0.7273,107501,78282\r\n"
	if got != want {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteError(t *testing.T) {
	err := WriteProvinces(failWriter{}, make([]coverage.Province, 200), Options{})
	if err == nil || !strings.Contains(err.Error(), "provinces.csv") || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("err = %v", err)
	}
}

// buildWorld builds the world of ds (no topology, no gap analysis).
func buildWorld(t *testing.T, ds *dataset.Dataset) *world.World {
	t.Helper()
	w, err := world.Build(context.Background(), world.Source{Data: ds})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// columnKeys are the snake_case header of a table.
func columnKeys(cols []column) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.key
	}
	return out
}

func TestGapsColumns(t *testing.T) {
	d := 12.345
	units := []gaps.UncoveredUnit{
		{Code: "620100", Name: "兰州市", NameEN: "Lanzhou City", ProvinceCode: "620000", AreaKM2: 13100.4, HasPolygon: true,
			DistanceKM: &d, NearestPilotCode: "620200", NearestPilotName: "嘉峪关市", NearestPilotNameEN: "Jiayuguan City", Cluster: 3, ProvinceCluster: 1},
		{Code: "469031", Name: "某市", ProvinceCode: "460000"},
	}
	prov := func(code string) gazetteer.Division {
		return map[string]gazetteer.Division{"620000": {Name: "甘肃省", NameEN: "Gansu"}}[code]
	}
	var buf bytes.Buffer
	if err := WriteGaps(&buf, units, prov, Options{}); err != nil {
		t.Fatal(err)
	}
	recs := readCSV(t, buf.Bytes())
	if len(recs) != 3 {
		t.Fatalf("%d records", len(recs))
	}
	row := map[string]string{}
	for i, k := range recs[0] {
		row[k] = recs[1][i]
	}
	for k, want := range map[string]string{"province_en": "Gansu", "name_en": "Lanzhou City", "distance_km": "12.3", "nearest_pilot_code": "620200",
		"nearest_pilot": "嘉峪关市", "nearest_pilot_en": "Jiayuguan City", "cluster": "3", "has_polygon": "true", "area_km2": "13100"} {
		if row[k] != want {
			t.Errorf("%s = %q, want %q", k, row[k], want)
		}
	}
	for i, k := range recs[0] {
		if (k == "distance_km" || k == "nearest_pilot") && recs[2][i] != "" {
			t.Errorf("no polygon: %s = %q, want empty", k, recs[2][i])
		}
	}
}
