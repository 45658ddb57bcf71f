package boundaryfile_test

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"pilotmap/internal/boundary"
	"pilotmap/internal/boundaryfile"
	"pilotmap/internal/geoscheck"
	"pilotmap/internal/layer"
)

// TestCnAtlasValid: every polygon Check would store from the 2023
// cn-atlas file (../shared/data) is valid by GEOS, as is every polygon
// kept from the boundaries in use beside them.
func TestCnAtlasValid(t *testing.T) {
	path := filepath.Join("..", "..", "..", "shared", "data", "cn-atlas.topojson.json")
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing: CI has ../shared/data", path)
		}
		t.Skipf("%s is absent (../shared/data is not on this machine): skipped", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	c := geoscheck.New(t)
	res := check(t, data, boundaryfile.Options{CodeField: "区划码", NameField: "地名", Datum: boundaryfile.DatumWGS84, MinCoverage: 0.95,
		AreaChange: 0.05, CentroidKM: 10, MovedKM2: 500})
	if res.Report.Refused {
		t.Fatalf("refused: %s", res.Report.RefusedBecause)
	}
	for _, l := range []*boundary.Layer{res.Set.Provinces, res.Set.Units, res.Set.Nanhai} {
		b, err := json.Marshal(layer.FeatureCollection(l, nil))
		if err != nil {
			t.Fatal(err)
		}
		ps := c.Invalid(t, b)
		for i, p := range ps {
			if i < 5 {
				t.Errorf("%s %s: %s", l.Name, p.Code, p.Reason)
			}
		}
		if len(ps) > 0 {
			t.Errorf("%s: %d of %d features invalid", l.Name, len(ps), len(l.Features))
		}
	}
	t.Logf("polygons repaired: %d", len(res.Report.Repaired))
}
