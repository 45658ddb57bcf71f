package layer

import (
	"strconv"
	"testing"

	"github.com/paulmach/orb"

	"pilotmap/internal/geoscheck"
)

// TestGEOSValidEveryZoom has GEOS judge every feature of every layer at
// every zoom 0..DataZoom (above it the geometry is DataZoom's), and the
// exact geometry before simplification: none may be invalid.
func TestGEOSValidEveryZoom(t *testing.T) {
	c := geoscheck.New(t)
	topo := testTopology(t)
	check := func(what string, layer string, shapes []Shape) {
		b, err := AppendFeatureCollection(nil, shapes, ShapeProperties)
		if err != nil {
			t.Fatal(err)
		}
		ps := c.Invalid(t, b)
		for i, p := range ps {
			if i < 5 {
				t.Errorf("%s %s %s: %s", what, layer, p.Code, p.Reason)
			}
		}
		if len(ps) > 0 {
			t.Errorf("%s %s: %d of %d features invalid", what, layer, len(ps), len(shapes))
		}
	}
	exact := topo.buildLevelWith(DataZoom, -1, -1)
	for li, tl := range topo.layers {
		check("exact", tl.name, exact.shapes[li])
	}
	for z := 0; z <= DataZoom; z++ {
		for _, name := range topo.Layers() {
			check("zoom "+strconv.Itoa(z), name, topo.Features(name, z, orb.Bound{}))
		}
	}
}
