package main

import (
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"pilotmap/internal/boundary"
	"pilotmap/internal/boundaryfile"
)

// cnAtlas is the 2023 boundary file of ../shared/data (see its README);
// tests that need it skip when it is absent, as on a user's machine.
func cnAtlas(t *testing.T) string {
	t.Helper()
	p := filepath.Join("..", "..", "..", "shared", "data", "cn-atlas.topojson.json")
	if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing: CI has ../shared/data", p)
		}
		t.Skipf("%s is absent (../shared/data is not on this machine): the cn-atlas import test is skipped", p)
	}
	return p
}

func cnAtlasArgs(db, file string) []string {
	return []string{"boundaries", "import", file, "--db", db, "--code-field", "区划码", "--name-field", "地名", "--datum", "wgs84",
		"--source", "cn-atlas 0.1.2 (CTAmap 2023 edition)", "--license", "ISC", "--attribution", "BarbarossaWang/cn-atlas"}
}

type fetched struct {
	status     int
	etag, body string
}

func fetch(t *testing.T, url string) fetched {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	return fetched{resp.StatusCode, resp.Header.Get("ETag"), string(b)}
}

// waitVersion waits until the server's data version is no longer old.
func waitVersion(t *testing.T, base, old string) string {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		var cfg struct {
			DataVersion string `json:"data_version"`
		}
		if err := json.Unmarshal([]byte(fetch(t, base+"/api/v1/config").body), &cfg); err != nil {
			t.Fatal(err)
		}
		if cfg.DataVersion != old {
			return cfg.DataVersion
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("the server still serves data version %s", old)
	return ""
}

func dataVersion(t *testing.T, base string) string {
	var cfg struct {
		DataVersion string `json:"data_version"`
		Attribution string `json:"attribution"`
	}
	if err := json.Unmarshal([]byte(fetch(t, base+"/api/v1/config").body), &cfg); err != nil {
		t.Fatal(err)
	}
	return cfg.DataVersion
}

// unitAreas are the areas of the served units' polygons by code.
func unitAreas(t *testing.T, body string) map[string]float64 {
	t.Helper()
	fc, err := geojson.UnmarshalFeatureCollection([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, f := range fc.Features {
		var mp orb.MultiPolygon
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			mp = orb.MultiPolygon{g}
		case orb.MultiPolygon:
			mp = g
		}
		out[f.Properties.MustString("code", "")] = boundary.AreaKM2(mp)
	}
	return out
}

// TestBoundariesSwitchUnderRunningServer imports the cn-atlas file into
// the database of a running server, which switches to it without a
// restart (new data version, new polygons, stats and gaps rebuilt, the
// file's source and license in the source lines), then switches back to
// the embedded boundaries and gets today's answers again.
func TestBoundariesSwitchUnderRunningServer(t *testing.T) {
	file := cnAtlas(t)
	db := filepath.Join(t.TempDir(), "pm.db")
	base := startServe(t, map[string]string{"PILOTMAP_ADDR": "127.0.0.1:0"}, "--db", db)
	paths := []string{"/api/v1/layers/units?zoom=4", "/api/v1/stats", "/api/v1/stats/provinces", "/api/v1/gaps", "/api/v1/units", "/api/v1/map.svg"}
	before := map[string]fetched{}
	for _, p := range paths {
		before[p] = fetch(t, base+p)
	}
	v0 := dataVersion(t, base)
	cfg0 := fetch(t, base+"/api/v1/config").body

	code, out, errs := runCmd(t, nil, append(cnAtlasArgs(db, file), "--json", "--use")...)
	if code != 0 {
		t.Fatalf("import: exit %d: %s", code, errs)
	}
	var rep boundaryfile.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("report: %v\n%s", err, out)
	}
	checkCnAtlasReport(t, rep)

	v1 := waitVersion(t, base, v0)
	if !strings.HasPrefix(v1, rep.Version+"-") {
		t.Errorf("data version %s does not name the boundary version %s", v1, rep.Version)
	}
	after := map[string]fetched{}
	for _, p := range paths {
		after[p] = fetch(t, base+p)
		// The pilot units' list does not depend on the boundaries (its
		// ETag is its content's); everything drawn or measured does.
		if p != "/api/v1/units" && after[p].etag == before[p].etag {
			t.Errorf("%s: the ETag %s did not change with the boundaries", p, after[p].etag)
		}
	}
	a0, a1 := unitAreas(t, before["/api/v1/layers/units?zoom=4"].body), unitAreas(t, after["/api/v1/layers/units?zoom=4"].body)
	for _, c := range []struct {
		code     string
		min, max float64 // change in km²
	}{{"220100", 3000, 5500}, {"220300", -5500, -3000}, {"510100", 1500, 3000}, {"512000", -3000, -1500}} {
		t.Logf("served at zoom 4: %s %.0f → %.0f km²", c.code, a0[c.code], a1[c.code])
		if d := a1[c.code] - a0[c.code]; d < c.min || d > c.max {
			t.Errorf("served %s: %.0f → %.0f km² (%+.0f), want a change in [%g, %g]", c.code, a0[c.code], a1[c.code], d, c.min, c.max)
		}
	}
	var st0, st1 struct {
		Units          int     `json:"units"`
		CoveredUnits   int     `json:"covered_units"`
		AreaKM2        float64 `json:"area_km2"`
		CoveredAreaKM2 float64 `json:"covered_area_km2"`
	}
	json.Unmarshal([]byte(before["/api/v1/stats"].body), &st0)
	json.Unmarshal([]byte(after["/api/v1/stats"].body), &st1)
	if st1.Units != 108 || st1.CoveredUnits != st0.CoveredUnits || st1.AreaKM2 == st0.AreaKM2 || st1.CoveredAreaKM2 == st0.CoveredAreaKM2 {
		t.Errorf("stats before %+v, after %+v: want the 108 units on the same comparable units, the areas from the new boundaries", st0, st1)
	}
	if after["/api/v1/units"].body != before["/api/v1/units"].body {
		t.Error("the 2013 notice's pilot units changed with the boundaries")
	}
	if after["/api/v1/gaps"].body == before["/api/v1/gaps"].body {
		t.Error("the gap analysis was not rebuilt for the new boundaries")
	}
	cfg1 := fetch(t, base+"/api/v1/config").body
	var lines struct {
		Attribution  string            `json:"attribution"`
		Attributions map[string]string `json:"attributions"`
	}
	if err := json.Unmarshal([]byte(cfg1), &lines); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"cn-atlas 0.1.2 (CTAmap 2023 edition)", "ISC", "BarbarossaWang/cn-atlas"} {
		for _, line := range []string{lines.Attribution, lines.Attributions["zh"], lines.Attributions["en"]} {
			if !strings.Contains(line, want) || strings.Contains(line, "ECharts") {
				t.Errorf("config's attribution %q lacks %q or still credits the echarts boundaries", line, want)
			}
		}
		if !strings.Contains(after["/api/v1/map.svg"].body, want) {
			t.Errorf("the SVG map's source line lacks %q", want)
		}
	}
	if strings.Contains(after["/api/v1/map.svg"].body, "echarts 4.9.0") {
		t.Error("the SVG map still credits the echarts boundaries")
	}

	code, out, errs = runCmd(t, nil, "boundaries", "list", "--db", db, "--json")
	var list []struct {
		Version  string `json:"version"`
		Active   bool   `json:"active"`
		Embedded bool   `json:"embedded"`
	}
	if err := json.Unmarshal([]byte(out), &list); code != 0 || err != nil || len(list) != 2 || !list[0].Embedded || list[0].Active || list[1].Version != rep.Version || !list[1].Active {
		t.Fatalf("list: exit %d, %v, %+v (%s)", code, err, list, errs)
	}

	// Back to the embedded boundaries: today's answers again.
	if code, _, errs := runCmd(t, nil, "boundaries", "use", "embedded", "--db", db); code != 0 {
		t.Fatalf("use embedded: exit %d: %s", code, errs)
	}
	waitVersion(t, base, v1)
	for _, p := range paths {
		if got := fetch(t, base+p); got.body != before[p].body {
			t.Errorf("%s after switching back differs from before the import", p)
		}
	}
	if cfg := fetch(t, base+"/api/v1/config").body; !strings.Contains(cfg, "ECharts") || strings.Contains(cfg, "ISC") {
		t.Errorf("config after switching back: %s (before: %s)", cfg, cfg0)
	}
}

// checkCnAtlasReport checks what the import of cn-atlas must find: 公主岭
// moved from 四平 to 长春 (2020), 简阳 from 资阳 to 成都 (2016), the
// municipalities' districts missing (kept), nothing refused.
func checkCnAtlasReport(t *testing.T, r boundaryfile.Report) {
	t.Helper()
	if r.Refused || r.Units < 360 || r.CoverageArea < 0.95 || len(r.Unknown) != 0 {
		t.Errorf("refused %v, %d units, area coverage %.3f, unknown %+v", r.Refused, r.Units, r.CoverageArea, r.Unknown)
	}
	moved := map[[2]string]float64{}
	for _, m := range r.Moved {
		moved[[2]string{m.FromCode, m.ToCode}] = m.AreaKM2
	}
	if a := moved[[2]string{"220300", "220100"}]; a < 3000 || a > 5500 {
		t.Errorf("四平→长春 (公主岭): %.0f km², want about 4,000", a)
	}
	if a := moved[[2]string{"512000", "510100"}]; a < 1500 || a > 3000 {
		t.Errorf("资阳→成都 (简阳): %.0f km², want about 2,200", a)
	}
	changed := map[string]boundaryfile.Change{}
	for _, c := range r.Changed {
		changed[c.Code] = c
	}
	for _, code := range []string{"220100", "220300", "510100", "512000"} {
		if _, ok := changed[code]; !ok {
			t.Errorf("%s is not among the changed units", code)
		}
	}
	missing := map[string]bool{}
	for _, m := range r.Missing {
		missing[m.Code] = true
	}
	for _, code := range []string{"110101", "120101", "310101", "500101"} {
		if !missing[code] {
			t.Errorf("the district %s is not reported as missing (kept from the boundaries in use)", code)
		}
	}
}

// A refused import stores nothing; bad invocations name what is wrong.
func TestBoundariesImportRefusesAndStoresNothing(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "pm.db")
	if code, _, errs := runCmd(t, nil, "init", "--db", db); code != 0 {
		t.Fatalf("init: %s", errs)
	}
	small := filepath.Join(dir, "small.geojson")
	os.WriteFile(small, []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"adcode":220100},
"geometry":{"type":"Polygon","coordinates":[[[125,43],[126,43],[126,44],[125,44],[125,43]]]}}]}`), 0o644)
	_, stats0, _ := runCmd(t, nil, "stats", "--db", db)
	args := []string{"boundaries", "import", small, "--db", db, "--code-field", "adcode", "--datum", "gcj02", "--source", "test", "--license", "CC0"}
	code, out, errs := runCmd(t, nil, args...)
	if code != 1 || !strings.Contains(errs, "refused, nothing stored") || !strings.Contains(out, "result: refused") {
		t.Errorf("a one-unit file: exit %d, stdout %q, stderr %q; want refused", code, out, errs)
	}
	_, list, _ := runCmd(t, nil, "boundaries", "list", "--db", db, "--json")
	if strings.Count(list, `"version"`) != 1 || !strings.Contains(list, `"stored": false`) {
		t.Errorf("after a refused import the list is %s", list)
	}
	if _, stats1, _ := runCmd(t, nil, "stats", "--db", db); stats1 != stats0 {
		t.Error("a refused import changed the stats")
	}
	// --force stores it (not in use), --dry-run stores nothing.
	if code, _, errs := runCmd(t, nil, append(args, "--dry-run", "--force")...); code != 0 || !strings.Contains(errs, "nothing stored") {
		t.Errorf("--dry-run --force: exit %d, %s", code, errs)
	}
	if code, _, errs := runCmd(t, nil, append(args, "--force")...); code != 0 || !strings.Contains(errs, "boundaries use file-") {
		t.Errorf("--force: exit %d, %s", code, errs)
	}
	if _, stats1, _ := runCmd(t, nil, "stats", "--db", db); stats1 != stats0 {
		t.Error("an import without --use changed the stats")
	}

	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"boundaries", "import", small, "--db", db}, 2, "missing --code-field, --datum, --license, --source"},
		{[]string{"boundaries", "import", small, "--db", db, "--code-field", "c", "--datum", "bd09", "--source", "s", "--license", "l"}, 2, "want wgs84 or gcj02"},
		{[]string{"boundaries", "import", small, "--db", db, "--code-field", "c", "--datum", "wgs84", "--source", "s", "--license", "l", "--level", "town"}, 2, "--level"},
		{[]string{"boundaries", "import", small, "--db", db, "--code-field", "c", "--datum", "wgs84", "--source", "s", "--license", "l", "--min-coverage", "95"}, 2, "--min-coverage"},
		{[]string{"boundaries", "use", "nope", "--db", db}, 1, `no boundary version "nope"`},
		{[]string{"boundaries", "use", "--db", db}, 2, "give one VERSION"},
		{[]string{"boundaries", "frob"}, 2, "unknown subcommand"},
	} {
		code, _, errs := runCmd(t, nil, tc.args...)
		if code != tc.code || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args[1:3], code, errs, tc.code, tc.want)
		}
	}
}
