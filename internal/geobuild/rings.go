package geobuild

import (
	"math"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/planar"

	"pilotmap/internal/boundary"
)

// coordScale is the grid of the derived files: the source's own
// quantization of 1/1024 degree, so points are kept exactly and equal source
// points stay equal.
const coordScale = boundary.CompactScale

func roundPoint(p orb.Point) orb.Point {
	return orb.Point{math.Round(p[0]*coordScale) / coordScale, math.Round(p[1]*coordScale) / coordScale}
}

// cleanRing rounds the points, drops consecutive duplicates and closes the
// ring. It returns nil when fewer than three distinct points or no area remain.
func cleanRing(r orb.Ring) orb.Ring {
	out := make(orb.Ring, 0, len(r)+1)
	for _, p := range r {
		p = roundPoint(p)
		if len(out) > 0 && out[len(out)-1] == p {
			continue
		}
		out = append(out, p)
	}
	for len(out) > 1 && out[0] == out[len(out)-1] {
		out = out[:len(out)-1]
	}
	if len(out) < 3 {
		return nil
	}
	out = append(out, out[0])
	if planar.Area(out) == 0 {
		return nil
	}
	return out
}

// orient makes the ring wind counter-clockwise when outer is true, clockwise
// otherwise (RFC 7946 §3.1.6).
func orient(r orb.Ring, outer bool) {
	ccw := r.Orientation() == orb.CCW
	if ccw != outer {
		r.Reverse()
	}
}

// cleanPolygons rounds, closes and orients every ring; holes that vanish are
// dropped, polygons whose outer ring vanishes are dropped.
func cleanPolygons(polys []orb.Polygon) orb.MultiPolygon {
	var out orb.MultiPolygon
	for _, p := range polys {
		if len(p) == 0 {
			continue
		}
		outer := cleanRing(p[0])
		if outer == nil {
			continue
		}
		orient(outer, true)
		np := orb.Polygon{outer}
		for _, h := range p[1:] {
			if h = cleanRing(h); h != nil {
				orient(h, false)
				np = append(np, h)
			}
		}
		out = append(out, np)
	}
	return out
}

type edge struct{ a, b orb.Point }

// dissolve merges polygons that share borders into one multipolygon: edges
// that occur once in each direction are inner borders and cancel out; the rest
// are chained into rings. Borders only cancel where both sides have the same
// vertices, which holds for units cut from the same source file.
func dissolve(mp orb.MultiPolygon) orb.MultiPolygon {
	count := map[edge]int{}
	var order []edge
	for _, p := range mp {
		for _, r := range p {
			for i := 0; i+1 < len(r); i++ {
				e := edge{r[i], r[i+1]}
				rev := edge{r[i+1], r[i]}
				if count[rev] > 0 {
					count[rev]--
					continue
				}
				if count[e] == 0 {
					order = append(order, e)
				}
				count[e]++
			}
		}
	}
	next := map[orb.Point][]orb.Point{}
	var starts []orb.Point
	for _, e := range order {
		for n := count[e]; n > 0; n-- {
			if len(next[e.a]) == 0 {
				starts = append(starts, e.a)
			}
			next[e.a] = append(next[e.a], e.b)
		}
	}
	var rings []orb.Ring
	for _, s := range starts {
		for len(next[s]) > 0 {
			r := orb.Ring{s}
			cur := s
			for {
				nb := next[cur]
				if len(nb) == 0 {
					break
				}
				n := nb[0]
				next[cur] = nb[1:]
				r = append(r, n)
				cur = n
				if cur == s {
					break
				}
			}
			if r = cleanRing(r); r != nil {
				rings = append(rings, r)
			}
		}
	}
	return assemble(rings)
}

// sliverKM2 is the area under which a hole left by dissolving is a gap
// between neighbouring units that do not quite meet in the source (they
// differ by a quantization step, 1/1024°), not a real enclave.
const sliverKM2 = 1.0

// dropSlivers removes what dissolving leaves of units that do not quite meet:
// holes smaller than minKM2 and polygons lying inside another polygon
// (overlaps). Islands, which lie inside no other polygon, stay.
func dropSlivers(mp orb.MultiPolygon, minKM2 float64) orb.MultiPolygon {
	var out orb.MultiPolygon
	for i, p := range mp {
		inside := false
		for j, o := range mp {
			if i != j && planar.Area(o[0]) > planar.Area(p[0]) && planar.RingContains(o[0], interiorProbe(p[0])) {
				inside = true
				break
			}
		}
		if inside {
			continue
		}
		np := orb.Polygon{p[0]}
		for _, h := range p[1:] {
			if math.Abs(geo.Area(h))/1e6 >= minKM2 {
				np = append(np, h)
			}
		}
		out = append(out, np)
	}
	return out
}

// assemble turns rings into polygons: counter-clockwise rings are outer
// rings, clockwise ones holes of the smallest outer ring that contains them.
func assemble(rings []orb.Ring) orb.MultiPolygon {
	var outers, holes []orb.Ring
	for _, r := range rings {
		if r.Orientation() == orb.CCW {
			outers = append(outers, r)
		} else {
			holes = append(holes, r)
		}
	}
	sort.SliceStable(outers, func(i, j int) bool { return planar.Area(outers[i]) > planar.Area(outers[j]) })
	mp := make(orb.MultiPolygon, len(outers))
	for i, o := range outers {
		mp[i] = orb.Polygon{o}
	}
	for _, h := range holes {
		best, bestArea := -1, math.Inf(1)
		for i, o := range outers {
			if a := planar.Area(o); a < bestArea && planar.RingContains(o, interiorProbe(h)) {
				best, bestArea = i, a
			}
		}
		if best >= 0 {
			mp[best] = append(mp[best], h)
		}
	}
	return mp
}

// interiorProbe returns a point just inside a hole ring's area, away from
// its vertices: the midpoint of its first edge nudged towards the ring's centroid.
func interiorProbe(r orb.Ring) orb.Point {
	c, _ := planar.CentroidArea(r)
	m := orb.Point{(r[0][0] + r[1][0]) / 2, (r[0][1] + r[1][1]) / 2}
	return orb.Point{m[0] + (c[0]-m[0])*1e-3, m[1] + (c[1]-m[1])*1e-3}
}
