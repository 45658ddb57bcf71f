package layer

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
)

// chainResidual measures how far the units of each province fail to tile
// it exactly: the directed edges of a province's units, minus the
// province's own, cancel when the units meet each other and the province
// outline exactly (an inner border is walked once each way; an outer one
// once by a unit and once by the province). It returns the length (in
// degrees) of what does not cancel, and the length of all unit edges.
func chainResidual(units, provinces []Shape) (residual, total float64) {
	type seg [2]orb.Point
	byProv := make(map[string]map[seg]int)
	add := func(pc string, mp orb.MultiPolygon, sign int) {
		m := byProv[pc]
		if m == nil {
			m = make(map[seg]int)
			byProv[pc] = m
		}
		for _, p := range mp {
			for _, r := range p {
				for i := 0; i+1 < len(r); i++ {
					a, b := r[i], r[i+1]
					if sign > 0 {
						total += math.Hypot(b[0]-a[0], b[1]-a[1])
					}
					if a[0] < b[0] || (a[0] == b[0] && a[1] < b[1]) {
						m[seg{a, b}] += sign
					} else {
						m[seg{b, a}] -= sign
					}
				}
			}
		}
	}
	withUnits := make(map[string]bool)
	for _, u := range units {
		add(u.Feature.ProvinceCode, u.Geometry, 1)
		withUnits[u.Feature.ProvinceCode] = true
	}
	for _, p := range provinces {
		if withUnits[p.Feature.Code] {
			add(p.Feature.Code, p.Geometry, -1)
		}
	}
	for _, m := range byProv {
		for s, n := range m {
			if n != 0 {
				residual += math.Abs(float64(n)) * math.Hypot(s[1][0]-s[0][0], s[1][1]-s[0][1])
			}
		}
	}
	return residual, total
}

// TestUnitsTileProvinces checks on the served (rounded) geometry that the
// units of each province cover it with no slivers at every zoom: what
// does not cancel is no more than the slivers left in the data (wider
// than the snapping tolerance), while simplifying feature by feature
// leaves several times more uncancelled (most of all borders up to zoom 6).
func TestUnitsTileProvinces(t *testing.T) {
	topo := testTopology(t)
	ui, pi := topo.layerIndex(Units), topo.layerIndex(Provinces)
	full := topo.buildLevelWith(DataZoom, -1, -1)
	baseRes, baseTotal := chainResidual(full.shapes[ui], full.shapes[pi])
	t.Logf("full resolution: residual %.4f° of %.1f° of unit borders (%.3f%%)", baseRes, baseTotal, 100*baseRes/baseTotal)
	for z := 0; z <= DataZoom; z++ {
		res, total := chainResidual(topo.Features(Units, z, orb.Bound{}), topo.Features(Provinces, z, orb.Bound{}))
		naive := func(shapes []Shape) []Shape {
			out := make([]Shape, len(shapes))
			for i, s := range shapes {
				out[i] = s
				out[i].Geometry = roundAll(naiveSimplify(s.Geometry, z), Decimals(z))
			}
			return out
		}
		nres, ntotal := chainResidual(naive(full.shapes[ui]), naive(full.shapes[pi]))
		t.Logf("zoom %d: residual %.4f° of %.1f° (%.3f%%); per feature: %.1f° of %.1f° (%.0f%%)", z, res, total, 100*res/total, nres, ntotal, 100*nres/ntotal)
		if res > baseRes*1.05+1e-9 {
			t.Errorf("zoom %d: units leave %.4f° of province border uncovered or doubled, more than the %.4f° of slivers in the data", z, res, baseRes)
		}
		if nres < 3*baseRes {
			t.Errorf("zoom %d: per-feature simplification leaves only %.4f° uncancelled; the check is too weak", z, nres)
		}
	}
}

func roundAll(mp orb.MultiPolygon, dec int) orb.MultiPolygon {
	pow := math.Pow10(dec)
	out := make(orb.MultiPolygon, len(mp))
	for i, p := range mp {
		out[i] = make(orb.Polygon, len(p))
		for j, r := range p {
			out[i][j] = make(orb.Ring, len(r))
			for k, q := range r {
				out[i][j][k] = orb.Point{roundTo(q[0], pow), roundTo(q[1], pow)}
			}
		}
	}
	return out
}
