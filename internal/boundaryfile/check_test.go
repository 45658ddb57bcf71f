package boundaryfile_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"pilotmap/geodata"
	"pilotmap/internal/boundary"
	"pilotmap/internal/boundaryfile"
	"pilotmap/internal/gazetteer"
)

func embedded(t *testing.T) (*gazetteer.Gazetteer, *boundary.Set) {
	t.Helper()
	g, err := gazetteer.Load(geodata.FS())
	if err != nil {
		t.Fatal(err)
	}
	set, err := boundary.Load(geodata.FS())
	if err != nil {
		t.Fatal(err)
	}
	return g, set
}

// toGCJ02 offsets every point as a GCJ-02 map would.
func toGCJ02(mp orb.MultiPolygon) orb.MultiPolygon {
	out := mp.Clone()
	for _, p := range out {
		for _, r := range p {
			for i, pt := range r {
				r[i][0], r[i][1] = boundaryfile.WGS84ToGCJ02(pt[0], pt[1])
			}
		}
	}
	return out
}

func feature(code, name string, g orb.Geometry) *geojson.Feature {
	f := geojson.NewFeature(g)
	if code != "" {
		f.Properties["code"] = code
	}
	if name != "" {
		f.Properties["name"] = name
	}
	return f
}

// gcjFile is a GeoJSON in GCJ-02 made of the embedded 长春市 and 四平市
// (under another name), a county, an unknown code and a feature without a
// code.
func gcjFile(t *testing.T, set *boundary.Set) []byte {
	t.Helper()
	cc, _ := set.Units.Feature("220100")
	sp, _ := set.Units.Feature("220300")
	fc := geojson.NewFeatureCollection()
	square := orb.Polygon{{{124.5, 43.4}, {124.6, 43.4}, {124.6, 43.5}, {124.5, 43.5}, {124.5, 43.4}}}
	fc.Append(feature("220100", "长春市", toGCJ02(cc.Geometry)))
	fc.Append(feature("220300", "四平", toGCJ02(sp.Geometry)))
	fc.Append(feature("220184", "公主岭市", square))
	fc.Append(feature("999999", "某市", square))
	fc.Append(feature("", "无码", square))
	b, err := json.Marshal(fc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func check(t *testing.T, data []byte, opt boundaryfile.Options) *boundaryfile.Result {
	t.Helper()
	g, set := embedded(t)
	f, err := boundaryfile.Read(data, "")
	if err != nil {
		t.Fatal(err)
	}
	res, err := boundaryfile.Check(boundaryfile.Input{File: f, Filename: "test.geojson", Gazetteer: g, Current: set, Options: opt})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func codes(rs []boundaryfile.Ref) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Code)
	}
	return out
}

func TestCheckGCJ02GeoJSON(t *testing.T) {
	_, set := embedded(t)
	data := gcjFile(t, set)
	opt := boundaryfile.Options{CodeField: "code", NameField: "name", Datum: boundaryfile.DatumGCJ02, MinCoverage: 0.5,
		AreaChange: 0.01, CentroidKM: 0.1, MovedKM2: 50}
	res := check(t, data, opt)
	r := res.Report
	if got := codes(r.Unknown); len(got) != 1 || got[0] != "999999" {
		t.Errorf("unknown codes %v, want [999999]", got)
	}
	if got := codes(r.NotComparable); len(got) != 1 || got[0] != "220184" {
		t.Errorf("not comparable %v, want [220184] (公主岭 is a county)", got)
	}
	if len(r.NoCode) != 1 || r.NoCode[0].Name != "无码" {
		t.Errorf("features without a code: %+v", r.NoCode)
	}
	if got := codes(r.NamesDiffer); len(got) != 1 || got[0] != "220300" {
		t.Errorf("names differ %v, want [220300]", got)
	}
	if r.Units != 2 || r.Comparable < 400 || len(r.Missing)+len(r.NoBoundary) != r.Comparable-2 {
		t.Errorf("units %d of %d comparable, %d missing, %d without any boundary", r.Units, r.Comparable, len(r.Missing), len(r.NoBoundary))
	}
	// Converted back to WGS-84, the two units are where the embedded
	// boundaries have them: no change flagged even at 1% and 100 m.
	if len(r.Changed) != 0 || len(r.Moved) != 0 {
		t.Errorf("after GCJ-02 → WGS-84: changed %+v, moved %+v; want none", r.Changed, r.Moved)
	}
	if !r.Refused || r.CoverageArea > 0.05 || res.Report.Forced {
		t.Errorf("coverage %.3f of the area: refused %v, forced %v; want refused", r.CoverageArea, r.Refused, r.Forced)
	}
	cc, _ := res.Set.Units.Feature("220100")
	before, _ := set.Units.Feature("220100")
	if math.Abs(cc.AreaKM2-before.AreaKM2)/before.AreaKM2 > 0.002 {
		t.Errorf("长春市 %.1f km² after the round trip, %.1f before", cc.AreaKM2, before.AreaKM2)
	}
	if sh, _ := res.Set.Units.Feature("110101"); sh.Source != func() string { f, _ := set.Units.Feature("110101"); return f.Source }() {
		t.Errorf("a unit the file lacks does not keep its current boundary: %q", sh.Source)
	}

	// Read as WGS-84, the same file is offset by the GCJ-02 shift: the
	// centroids move by a few hundred metres and the check says so.
	opt.Datum = boundaryfile.DatumWGS84
	r = check(t, data, opt).Report
	if len(r.Changed) != 2 {
		t.Fatalf("read as WGS-84: changed %+v, want 长春市 and 四平市", r.Changed)
	}
	for _, c := range r.Changed {
		if c.CentroidKM < 0.2 || c.CentroidKM > 1.5 {
			t.Errorf("%s: centroid moved %.2f km, want the GCJ-02 offset (0.2–1.5 km)", c.Name, c.CentroidKM)
		}
	}

	opt.Force = true
	r = check(t, data, opt).Report
	if r.Refused || !r.Forced || r.Version == "" {
		t.Errorf("--force: refused %v, forced %v, version %q", r.Refused, r.Forced, r.Version)
	}
}

func TestCheckNeedsACodeField(t *testing.T) {
	g, set := embedded(t)
	f, err := boundaryfile.Read(gcjFile(t, set), "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = boundaryfile.Check(boundaryfile.Input{File: f, Gazetteer: g, Current: set, Options: boundaryfile.Options{Datum: boundaryfile.DatumWGS84}})
	if err == nil || !bytes.Contains([]byte(err.Error()), []byte(`["code" "name"]`)) {
		t.Errorf("no code field: err = %v, want the properties named", err)
	}
}

// requireGDAL skips without ogr2ogr, except under CI or
// PILOTMAP_REQUIRE_GDAL, where it fails.
func requireGDAL(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("ogr2ogr")
	if err != nil {
		if os.Getenv("CI") == "true" || os.Getenv("PILOTMAP_REQUIRE_GDAL") != "" {
			t.Fatal("ogr2ogr (Debian package gdal-bin) is required here")
		}
		t.Skip("ogr2ogr not installed (apt-get install gdal-bin): the Shapefile test is skipped")
	}
	return p
}

// TestShapefileFromGDAL writes the embedded 长春市 and 四平市 as a
// Shapefile with GDAL (GBK attributes, as Chinese Shapefiles often are),
// zips it and imports it.
func TestShapefileFromGDAL(t *testing.T) {
	ogr := requireGDAL(t)
	_, set := embedded(t)
	dir := t.TempDir()
	fc := geojson.NewFeatureCollection()
	for _, code := range []string{"220100", "220300"} {
		f, _ := set.Units.Feature(code)
		fc.Append(feature(code, f.Name, f.Geometry))
	}
	in, _ := json.Marshal(fc)
	src := filepath.Join(dir, "in.geojson")
	if err := os.WriteFile(src, in, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(ogr, "-f", "ESRI Shapefile", filepath.Join(dir, "jilin.shp"), src, "-lco", "ENCODING=CP936").CombinedOutput(); err != nil {
		t.Fatalf("ogr2ogr: %v\n%s", err, out)
	}
	var zbuf bytes.Buffer
	zw := zip.NewWriter(&zbuf)
	for _, ext := range []string{".shp", ".shx", ".dbf", ".prj", ".cpg"} {
		b, err := os.ReadFile(filepath.Join(dir, "jilin"+ext))
		if err != nil {
			t.Fatal(err)
		}
		w, _ := zw.Create("jilin/jilin" + ext)
		w.Write(b)
	}
	zw.Close()

	f, err := boundaryfile.Read(zbuf.Bytes(), "")
	if err != nil {
		t.Fatal(err)
	}
	if f.Format != boundaryfile.FormatShapefile || len(f.Features) != 2 || f.Objects[0] != "jilin" {
		t.Fatalf("format %s, objects %v, %d features", f.Format, f.Objects, len(f.Features))
	}
	res := check(t, zbuf.Bytes(), boundaryfile.Options{CodeField: "code", NameField: "name", Datum: boundaryfile.DatumWGS84, Force: true,
		AreaChange: 0.001, CentroidKM: 0.01, MovedKM2: 1})
	r := res.Report
	if r.Units != 2 || len(r.NamesDiffer) != 0 || len(r.Unknown) != 0 {
		t.Errorf("units %d, names differ %+v (GBK read wrong?), unknown %+v", r.Units, r.NamesDiffer, r.Unknown)
	}
	// The embedded polygons are on the grid already: the Shapefile round
	// trip gives them back exactly, whatever way round GDAL wrote them.
	for _, code := range []string{"220100", "220300"} {
		got, _ := res.Set.Units.Feature(code)
		want, _ := set.Units.Feature(code)
		if math.Abs(got.AreaKM2-want.AreaKM2) > 1e-6 || len(got.Geometry) != len(want.Geometry) {
			t.Errorf("%s: %.3f km² in %d polygons, want %.3f in %d", code, got.AreaKM2, len(got.Geometry), want.AreaKM2, len(want.Geometry))
		}
	}
	if len(r.Changed) != 0 || len(r.Moved) != 0 {
		t.Errorf("changed %+v, moved %+v; want none", r.Changed, r.Moved)
	}

	// A projected .prj is refused with what to do.
	var bad bytes.Buffer
	zw = zip.NewWriter(&bad)
	zr, _ := zip.NewReader(bytes.NewReader(zbuf.Bytes()), int64(zbuf.Len()))
	for _, zf := range zr.File {
		w, _ := zw.Create(zf.Name)
		if filepath.Ext(zf.Name) == ".prj" {
			w.Write([]byte(`PROJCS["CGCS2000_3_Degree_GK_CM_126E",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000"]]`))
			continue
		}
		rc, _ := zf.Open()
		var b bytes.Buffer
		b.ReadFrom(rc)
		rc.Close()
		w.Write(b.Bytes())
	}
	zw.Close()
	if _, err := boundaryfile.Read(bad.Bytes(), ""); err == nil || !bytes.Contains([]byte(err.Error()), []byte("reproject")) {
		t.Errorf("a projected Shapefile: err = %v, want it refused with the fix", err)
	}
}
