// Package geoscheck judges the validity of pilotmap's geometry with a real
// implementation: GEOS, reached through GDAL (Debian gdal-bin: ogr2ogr with
// the SQLite dialect, whose ST_IsValid and IsValidReason are Spatialite's
// calls into GEOS). It is a test helper: nothing in the server links it.
//
// Without ogr2ogr on PATH, New skips the calling test with a message; with
// CI=true or PILOTMAP_REQUIRE_GDAL=1 it fails it instead (.ci/run installs
// gdal-bin).
package geoscheck

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Problem is a feature GEOS finds invalid.
type Problem struct {
	Code   string // the feature's code property
	Reason string // GEOS's reason, e.g. "Self-intersection[116.4375 39.9287]"
}

// Checker runs GDAL's ogr2ogr.
type Checker struct {
	ogr2ogr string
}

// Required reports whether a missing GDAL must fail the tests.
func Required() bool {
	return os.Getenv("CI") == "true" || os.Getenv("PILOTMAP_REQUIRE_GDAL") == "1"
}

// New returns a Checker, or skips (fails, see the package doc) tb when
// ogr2ogr is missing.
func New(tb testing.TB) *Checker {
	tb.Helper()
	p, err := exec.LookPath("ogr2ogr")
	if err != nil {
		const msg = "GDAL's ogr2ogr not on PATH: geometry validity is not judged (Debian: apt-get install gdal-bin)"
		if Required() {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	return &Checker{ogr2ogr: p}
}

// Invalid returns the features of a GeoJSON FeatureCollection (each with a
// "code" property) whose geometry GEOS finds invalid, empty or missing.
func (c *Checker) Invalid(tb testing.TB, featureCollection []byte) []Problem {
	tb.Helper()
	dir := tb.TempDir()
	file := filepath.Join(dir, "features.geojson")
	if err := os.WriteFile(file, featureCollection, 0o644); err != nil {
		tb.Fatal(err)
	}
	return c.query(tb, file, `SELECT code, CASE WHEN geometry IS NULL THEN 'no geometry' WHEN ST_IsEmpty(geometry) THEN 'empty' ELSE IsValidReason(geometry) END AS reason
FROM features WHERE geometry IS NULL OR ST_IsEmpty(geometry) OR NOT ST_IsValid(geometry)`)
}

// GeometryTypes counts the features of a GeoJSON FeatureCollection by
// geometry type as GDAL reads them (e.g. "MULTIPOLYGON": 448).
func (c *Checker) GeometryTypes(tb testing.TB, featureCollection []byte) map[string]int {
	tb.Helper()
	file := filepath.Join(tb.TempDir(), "features.geojson")
	if err := os.WriteFile(file, featureCollection, 0o644); err != nil {
		tb.Fatal(err)
	}
	out := map[string]int{}
	for _, p := range c.query(tb, file, `SELECT ST_GeometryType(geometry) AS t, count(*) AS n FROM features GROUP BY t`) {
		var n int
		fmt.Sscan(p.Reason, &n)
		out[p.Code] = n
	}
	return out
}

// Convert runs ogr2ogr with args (e.g. "-f", "GPKG", "out.gpkg",
// "OAPIF:http://…/ogc", "pilots") and returns what it printed on standard
// error: GDAL's warnings. A failing run fails tb.
func (c *Checker) Convert(tb testing.TB, args ...string) string {
	tb.Helper()
	cmd := exec.Command(c.ogr2ogr, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if out, err := cmd.Output(); err != nil {
		tb.Fatalf("ogr2ogr %v: %v\n%s%s", args, err, out, stderr.String())
	}
	return stderr.String()
}

// InvalidInFile is Invalid for a layer of a file GDAL reads (a GeoPackage
// written by Convert), its geometry in column geomColumn.
func (c *Checker) InvalidInFile(tb testing.TB, file, layer, geomColumn string) []Problem {
	tb.Helper()
	g := `"` + geomColumn + `"`
	return c.query(tb, file, `SELECT code, CASE WHEN `+g+` IS NULL THEN 'no geometry' ELSE IsValidReason(`+g+`) END AS reason
FROM "`+layer+`" WHERE `+g+` IS NULL OR ST_IsEmpty(`+g+`) OR NOT ST_IsValid(`+g+`)`)
}

// query runs a two-column SQLite-dialect query and returns its rows.
func (c *Checker) query(tb testing.TB, file, sql string) []Problem {
	tb.Helper()
	cmd := exec.Command(c.ogr2ogr, "-f", "CSV", "/vsistdout/", file, "-dialect", "SQLite", "-sql", sql)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("ogr2ogr %s: %v\n%s", file, err, stderr.String())
	}
	rows, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		tb.Fatalf("ogr2ogr output: %v\n%s", err, out)
	}
	var ps []Problem
	for i, r := range rows {
		if i == 0 || len(r) < 2 {
			continue
		}
		ps = append(ps, Problem{Code: r[0], Reason: r[1]})
	}
	return ps
}
