package gaps

import (
	"math"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
)

// vec3 is a point on (or, along a chord, just under) the unit sphere.
type vec3 [3]float64

func toVec(p orb.Point) vec3 {
	lon, lat := p[0]*math.Pi/180, p[1]*math.Pi/180
	c := math.Cos(lat)
	return vec3{c * math.Cos(lon), c * math.Sin(lon), math.Sin(lat)}
}

// toPoint projects v onto the sphere and returns its lon/lat.
func toPoint(v vec3) orb.Point {
	n := v.norm()
	return orb.Point{math.Atan2(v[1], v[0]) * 180 / math.Pi, math.Asin(max(-1, min(1, v[2]/n))) * 180 / math.Pi}
}

func (a vec3) sub(b vec3) vec3      { return vec3{a[0] - b[0], a[1] - b[1], a[2] - b[2]} }
func (a vec3) add(b vec3) vec3      { return vec3{a[0] + b[0], a[1] + b[1], a[2] + b[2]} }
func (a vec3) scale(s float64) vec3 { return vec3{a[0] * s, a[1] * s, a[2] * s} }
func (a vec3) dot(b vec3) float64   { return a[0]*b[0] + a[1]*b[1] + a[2]*b[2] }
func (a vec3) norm() float64        { return math.Sqrt(a.dot(a)) }
func (a vec3) dist(b vec3) float64  { return a.sub(b).norm() }
func (a vec3) dist2(b vec3) float64 { d := a.sub(b); return d.dot(d) }
func clamp01(t float64) float64     { return min(max(t, 0), 1) }

// boundingSphere returns a sphere (centre, radius) holding every point.
func boundingSphere(pts []vec3) (vec3, float64) {
	var c vec3
	for _, p := range pts {
		c = c.add(p)
	}
	c = c.scale(1 / float64(len(pts)))
	var r2 float64
	for _, p := range pts {
		r2 = max(r2, c.dist2(p))
	}
	return c, math.Sqrt(r2)
}

// chainLen is the number of segments a chain bounds.
const chainLen = 16

// chain is a run of consecutive boundary segments: pts[lo]..pts[hi] of its
// shape, bounded by a sphere.
type chain struct {
	lo, hi int32
	c      vec3
	r      float64
}

// shape is a unit's boundary on the unit sphere for distance queries.
type shape struct {
	pts    []vec3
	chains []chain
	c      vec3
	r      float64
}

func (s shape) empty() bool { return len(s.chains) == 0 }

func newShape(mp orb.MultiPolygon) shape {
	var s shape
	n := 0
	for _, p := range mp {
		for _, r := range p {
			n += len(r) + 1
		}
	}
	s.pts = make([]vec3, 0, n)
	for _, p := range mp {
		for _, r := range p {
			if len(r) < 2 {
				continue
			}
			start := len(s.pts)
			for _, q := range r {
				s.pts = append(s.pts, toVec(q))
			}
			if r[0] != r[len(r)-1] {
				s.pts = append(s.pts, toVec(r[0]))
			}
			end := len(s.pts) - 1 // last point index of the ring
			for lo := start; lo < end; lo += chainLen {
				hi := min(lo+chainLen, end)
				c, rad := boundingSphere(s.pts[lo : hi+1])
				s.chains = append(s.chains, chain{lo: int32(lo), hi: int32(hi), c: c, r: rad})
			}
		}
	}
	if len(s.pts) > 0 {
		s.c, s.r = boundingSphere(s.pts)
	}
	return s
}

// closest is a pair of closest points found between two boundaries.
type closest struct {
	chord float64 // straight-line distance on the unit sphere
	a, b  vec3
}

// km is the haversine distance between the two points projected on the sphere.
func (c closest) km() float64 {
	if c.chord == 0 {
		return 0
	}
	return geo.DistanceHaversine(toPoint(c.a), toPoint(c.b)) / 1000
}

// unitDistance finds the closest points of the boundaries of units i and j
// when they are closer than bound (a chord length); ok is false otherwise.
func (x *Index) unitDistance(i, j int, bound float64) (closest, bool) {
	return shapeDistance(&x.shapes[i], &x.shapes[j], bound)
}

type chainPair struct {
	a, b int32
	lb   float64
}

func shapeDistance(s, t *shape, bound float64) (closest, bool) {
	best := closest{chord: bound}
	best2 := bound * bound
	found := false
	// Only chains that can come within bound of the other shape's sphere.
	as, bs := nearChains(s.chains, t.c, t.r, bound), nearChains(t.chains, s.c, s.r, bound)
	// The pair of chains with the lowest bound first, to tighten the bound
	// before collecting the pairs worth a look.
	seed, seedLB := chainPair{a: -1}, math.Inf(1)
	for _, ai := range as {
		ca := &s.chains[ai]
		for _, bi := range bs {
			cb := &t.chains[bi]
			if lb := ca.c.dist(cb.c) - ca.r - cb.r; lb < seedLB {
				seed, seedLB = chainPair{ai, bi, max(lb, 0)}, lb
			}
		}
	}
	if seed.a < 0 || seed.lb >= bound {
		return best, false
	}
	compare := func(cp chainPair) {
		ca, cb := s.chains[cp.a], t.chains[cp.b]
		for i := ca.lo; i < ca.hi; i++ {
			p1, q1 := s.pts[i], s.pts[i+1]
			for k := cb.lo; k < cb.hi; k++ {
				if d2, a, b := segmentDistance2(p1, q1, t.pts[k], t.pts[k+1]); d2 < best2 {
					best2, found = d2, true
					best = closest{chord: math.Sqrt(d2), a: a, b: b}
				}
			}
		}
	}
	compare(seed)
	if best2 == 0 {
		return best, found
	}
	var pairs []chainPair
	for _, ai := range as {
		ca := &s.chains[ai]
		for _, bi := range bs {
			cb := &t.chains[bi]
			reach := best.chord + ca.r + cb.r
			if d2 := ca.c.dist2(cb.c); d2 < reach*reach && (ai != seed.a || bi != seed.b) {
				pairs = append(pairs, chainPair{ai, bi, max(math.Sqrt(d2)-ca.r-cb.r, 0)})
			}
		}
	}
	sort.Slice(pairs, func(i, j int) bool { return pairs[i].lb < pairs[j].lb })
	for _, cp := range pairs {
		if cp.lb >= best.chord || best2 == 0 {
			break
		}
		compare(cp)
	}
	return best, found
}

// nearChains returns the indices of the chains that can come closer than
// bound to the sphere (c, r).
func nearChains(chains []chain, c vec3, r, bound float64) []int32 {
	var out []int32
	for i := range chains {
		reach := bound + r + chains[i].r
		if math.IsInf(bound, 1) || chains[i].c.dist2(c) < reach*reach {
			out = append(out, int32(i))
		}
	}
	return out
}

// segmentDistance2 returns the squared distance between segments p1q1 and
// p2q2 in 3D and the closest points (Ericson, Real-Time Collision
// Detection, 5.1.9).
func segmentDistance2(p1, q1, p2, q2 vec3) (float64, vec3, vec3) {
	d1, d2, r := q1.sub(p1), q2.sub(p2), p1.sub(p2)
	a, e, f := d1.dot(d1), d2.dot(d2), d2.dot(r)
	var s, t float64
	switch {
	case a == 0 && e == 0:
	case a == 0:
		t = clamp01(f / e)
	default:
		c := d1.dot(r)
		if e == 0 {
			s = clamp01(-c / a)
		} else {
			b := d1.dot(d2)
			if denom := a*e - b*b; denom > 0 {
				s = clamp01((b*f - c*e) / denom)
			}
			t = (b*s + f) / e
			if t < 0 {
				t, s = 0, clamp01(-c/a)
			} else if t > 1 {
				t, s = 1, clamp01((b-c)/a)
			}
		}
	}
	c1, c2 := p1.add(d1.scale(s)), p2.add(d2.scale(t))
	return c1.dist2(c2), c1, c2
}
