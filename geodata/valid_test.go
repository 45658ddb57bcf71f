package geodata_test

import (
	"encoding/json"
	"testing"

	"pilotmap/geodata"
	"pilotmap/internal/boundary"
	"pilotmap/internal/geoscheck"
	"pilotmap/internal/layer"
)

// TestLayersValid: GEOS finds every polygon of the embedded layers valid,
// as `pilotmap export --layer …` writes them.
func TestLayersValid(t *testing.T) {
	c := geoscheck.New(t)
	set, err := boundary.Load(geodata.FS())
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []*boundary.Layer{set.Provinces, set.Units, set.Nanhai} {
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
}
