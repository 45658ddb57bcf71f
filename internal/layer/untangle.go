package layer

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// Untangling: Douglas–Peucker simplifies each arc on its own, and rounding
// moves every vertex, so two arcs of one feature (or two stretches of one
// arc) can come to cross or touch where the source's did not — a
// self-intersection that GEOS, QGIS or PostGIS refuse. After simplifying,
// the level builder looks for every pair of simplified segments of arcs
// some feature shares that meet other than at a vertex they share by
// construction (consecutive segments of an arc, or the junction two arcs
// end at), and repairs each meeting where it happens, for every feature
// along the arcs (so neighbours still meet):
//   - when the segments meet on the exact grid too, simplification made
//     them meet: each gets back the vertex Douglas–Peucker would keep next
//     between its ends;
//   - when they meet only once rounded, their vertices get 6 decimals
//     (half a millionth of a degree from the exact grid).
//
// Holes that end up outside their shell, and parts that end up inside
// another part of the same feature, get their arcs simplified more finely
// (or, for a part swallowed by a neighbouring part, the stretches of that
// part's border around it back). Passes repeat until nothing meets; the
// exact arcs of a feature do not meet (the generator repairs and settles
// the data), and the tests judge the data and every zoom with GEOS
// (internal/geoscheck).

// refineSteps is how many sixteenfold tolerance steps an arc goes through
// before it keeps every vertex.
const refineSteps = 6

// maxUntangle bounds the refinement passes of one level.
const maxUntangle = 2 * (refineSteps + maxDecimals + 1)

// What makes two segments meet wrongly: the simplification (they meet on
// the exact grid too) or the rounding (they meet only once rounded).
type cause uint8

const (
	bySimplifying cause = 1 << iota
	byRounding
)

// untangle refines arcs until no two simplified segments meet wrongly;
// it returns the number of arcs refined.
func (lb *levelBuilder) untangle() int {
	refined := map[int32]bool{}
	var changed []bool // nil: check everything
	for pass := 0; pass < maxUntangle; pass++ {
		tg := lb.tangled(changed)
		if len(tg.arcs) == 0 {
			break
		}
		changed = make([]bool, len(lb.t.arcs))
		progress := false
		// A segment that simplification made meet another gets back the
		// vertex Douglas–Peucker would keep next between its ends.
		asked, split := map[int32]bool{}, false
		for _, sp := range tg.splits {
			asked[sp.arc] = true
			if lb.split(sp) {
				changed[sp.arc], progress, split = true, true, true
			}
		}
		for a, c := range tg.arcs {
			refined[a] = true
			if c == bySimplifying && asked[a] && split {
				continue // its stretch was exact, another's was split
			}
			if lb.refine(a, c, tg.verts) {
				progress = true
				changed[a] = true
			}
		}
		if !progress {
			break
		}
		// Refining rounds the ends of an arc more finely, and so the ends
		// of the arcs meeting it there.
		ends := map[int32]bool{}
		for a, c := range changed {
			if c {
				v := lb.t.arcs[a].verts
				ends[v[0]], ends[v[len(v)-1]] = true, true
			}
		}
		for a, arc := range lb.t.arcs {
			if ends[arc.verts[0]] || ends[arc.verts[len(arc.verts)-1]] {
				changed[a] = true
			}
		}
		lb.simplifyArcs()
	}
	return len(refined)
}

// A stretch of an arc between two kept vertices (indices into its verts)
// that was simplified to one segment.
type stretch struct {
	arc    int32
	ia, ib int32
}

// split keeps the most significant vertex strictly between the ends of a
// stretch; false when there is none.
func (lb *levelBuilder) split(sp stretch) bool {
	sig := lb.t.arcs[sp.arc].sig
	best := int32(-1)
	for i := sp.ia + 1; i < sp.ib; i++ {
		if best < 0 || sig[i] > sig[best] {
			best = i
		}
	}
	if best < 0 {
		return false
	}
	f := lb.forced[sp.arc]
	if f == nil {
		f = make(map[int32]bool)
		lb.forced[sp.arc] = f
	}
	f[best] = true
	return true
}

// refine makes an arc one step finer for what made it meet another: a
// sixteenth of its tolerance for the simplification, one more decimal for
// its vertices in verts (those of segments that met) for the rounding —
// the other when one is exhausted; false when it keeps every vertex and
// those in verts have 6 decimals.
func (lb *levelBuilder) refine(a int32, c cause, verts map[int32]bool) bool {
	tolDone := lb.arcTolerance(a) < 0
	var bump []int32
	if lb.dec >= 0 {
		for _, v := range lb.t.arcs[a].verts {
			if verts[v] && lb.decimalsOf(v) < maxDecimals {
				bump = append(bump, v)
			}
		}
	}
	switch {
	case tolDone && len(bump) == 0:
		return false
	case c&bySimplifying != 0 && !tolDone || len(bump) == 0:
		k := lb.tolSteps[a] + 1
		lb.tolSteps[a] = k
		tol2 := lb.tol2 * math.Pow(16, -float64(k))
		if k > refineSteps || lb.tol2 < 0 {
			tol2 = -1
		}
		lb.arcTol2[a] = min(lb.arcTolerance(a), tol2)
	default:
		// Straight to 6 decimals (as good as exact): one decimal at a
		// time moves the vertex again and again, into new meetings.
		for _, v := range bump {
			lb.vertDec[v] = maxDecimals
		}
	}
	return true
}

// decimalsOf is the decimals vertex v is rounded to.
func (lb *levelBuilder) decimalsOf(v int32) int {
	if d, ok := lb.vertDec[v]; ok {
		return d
	}
	return lb.dec
}

// shareFeature reports whether some feature's rings use both arcs: only
// there can their meeting make a geometry invalid. (Arcs of neighbours
// that cross by a grid step where the source's neighbours overlap are left
// as they are.)
func (t *Topology) shareFeature(a, b int32) bool {
	if a == b {
		return true
	}
	for _, f := range t.arcFeats[a] {
		if slices.Contains(t.arcFeats[b], f) {
			return true
		}
	}
	return false
}

// onlyTogether reports whether every feature using both arcs has them as
// one ring of two arcs.
func (t *Topology) onlyTogether(a, b int32) bool {
	both := t.twoArcRings[[2]int32{min(a, b), max(a, b)}]
	for _, f := range t.arcFeats[a] {
		if slices.Contains(t.arcFeats[b], f) && !slices.Contains(both, f) {
			return false
		}
	}
	return true
}

// A segment of a simplified arc.
type arcSeg struct {
	arc    int32
	va, vb int32 // its vertices
	ia, ib int32 // their indices in the arc's vertices
	i      int32 // index of its first point in the arc
	last   bool  // it is the arc's last segment
	n      int32 // segments in the arc
	ring   bool  // the arc is closed (a whole ring)
	a, b   ipt
}

// whole reports whether the segment is all of its arc, or half of a
// closed arc of two segments.
func (s *arcSeg) whole() bool { return s.i == 0 && s.last || s.n == 2 && s.ring }

// ipt is a point on the integer grid the check works on.
type ipt struct{ x, y int64 }

// ipoint puts a point on the integer grid of the check, 1/(1024·10⁶)
// degree, where both the rounded coordinates (multiples of 10⁻⁶ at most)
// and the exact ones (multiples of 1/1024) are integers.
func ipoint(p orb.Point) ipt {
	return ipt{int64(math.Round(p[0] * 1024e6)), int64(math.Round(p[1] * 1024e6))}
}

// tangled returns the arcs of segments that meet wrongly, and those of
// features whose holes or parts escaped their shell. With changed not nil,
// only pairs of segments with one of a changed arc, and only features with
// a changed arc, are looked at.
func (lb *levelBuilder) tangled(changed []bool) tangles {
	total := 0
	for _, pts := range lb.arcPts {
		total += len(pts)
	}
	segs := make([]arcSeg, 0, total)
	for a, pts := range lb.arcPts {
		arc := &lb.t.arcs[a]
		tol2 := lb.arcTolerance(int32(a))
		forced := lb.forced[int32(a)]
		var prev ipt
		var prevV, prevI int32
		n := 0
		first := len(segs)
		k := 0
		for i, v := range arc.verts {
			if arc.sig[i] <= tol2 && !forced[int32(i)] {
				continue
			}
			q := ipoint(pts[k])
			k++
			if n > 0 && q == prev {
				continue
			}
			if n > 0 {
				segs = append(segs, arcSeg{arc: int32(a), va: prevV, vb: v, ia: prevI, ib: int32(i), i: int32(n - 1), a: prev, b: q})
			}
			prev, prevV, prevI = q, v, int32(i)
			n++
		}
		if own := segs[first:]; len(own) > 0 {
			own[len(own)-1].last = true
			closed := own[0].a == own[len(own)-1].b
			for i := range own {
				own[i].n, own[i].ring = int32(len(own)), closed
			}
		}
	}
	tg := tangles{arcs: map[int32]cause{}, verts: map[int32]bool{}}
	forPairs(segs, func(s, t *arcSeg) {
		if (changed == nil || changed[s.arc] || changed[t.arc]) && lb.t.shareFeature(s.arc, t.arc) && lb.t.meetWrongly(s, t) {
			c := byRounding
			if lb.t.meetWrongly(lb.exactSeg(s), lb.exactSeg(t)) {
				c = bySimplifying
				tg.splits = append(tg.splits, stretch{s.arc, s.ia, s.ib}, stretch{t.arc, t.ia, t.ib})
			} else {
				tg.verts[s.va], tg.verts[s.vb], tg.verts[t.va], tg.verts[t.vb] = true, true, true, true
			}
			tg.arcs[s.arc] |= c
			tg.arcs[t.arc] |= c
		}
	})
	lb.nesting(&tg, changed)
	return tg
}

// tangles are what tangled found.
type tangles struct {
	arcs   map[int32]cause // the arcs involved
	splits []stretch       // segments simplification made meet
	verts  map[int32]bool  // vertices of segments rounding made meet
}

// exactSeg is a segment with its vertices on the exact grid.
func (lb *levelBuilder) exactSeg(s *arcSeg) *arcSeg {
	e := *s
	pa, pb := lb.t.verts[s.va], lb.t.verts[s.vb]
	e.a = ipoint(orb.Point{float64(pa.x) / gridScale, float64(pa.y) / gridScale})
	e.b = ipoint(orb.Point{float64(pb.x) / gridScale, float64(pb.y) / gridScale})
	return &e
}

// forPairs calls fn for every pair of segments whose bounding boxes
// overlap, bucketing them on a grid of cells (sorted, not hashed: a level
// has up to a million segments).
func forPairs(segs []arcSeg, fn func(s, t *arcSeg)) {
	if len(segs) < 2 {
		return
	}
	minX, minY, maxX, maxY := int64(math.MaxInt64), int64(math.MaxInt64), int64(math.MinInt64), int64(math.MinInt64)
	var total float64
	for _, s := range segs {
		minX, maxX = min(minX, s.a.x, s.b.x), max(maxX, s.a.x, s.b.x)
		minY, maxY = min(minY, s.a.y, s.b.y), max(maxY, s.a.y, s.b.y)
		total += math.Abs(float64(s.b.x-s.a.x)) + math.Abs(float64(s.b.y-s.a.y))
	}
	cell := max(int64(2*total/float64(len(segs))), 1)
	for ((maxX-minX)/cell+1)*((maxY-minY)/cell+1) > 1<<40 {
		cell *= 2
	}
	nx := (maxX-minX)/cell + 1
	keys := make([]uint64, 0, len(segs)*2)
	idx := make([]int32, 0, len(segs)*2)
	for i, s := range segs {
		x0, x1 := (min(s.a.x, s.b.x)-minX)/cell, (max(s.a.x, s.b.x)-minX)/cell
		y0, y1 := (min(s.a.y, s.b.y)-minY)/cell, (max(s.a.y, s.b.y)-minY)/cell
		for y := y0; y <= y1; y++ {
			for x := x0; x <= x1; x++ {
				keys = append(keys, uint64(y*nx+x))
				idx = append(idx, int32(i))
			}
		}
	}
	radixSort(keys, idx, 44)
	for lo := 0; lo < len(keys); {
		hi := lo + 1
		for hi < len(keys) && keys[hi] == keys[lo] {
			hi++
		}
		cx, cy := int64(keys[lo])%nx, int64(keys[lo])/nx
		in := idx[lo:hi]
		lo = hi
		for i, si := range in {
			s := &segs[si]
			for _, ti := range in[i+1:] {
				t := &segs[ti]
				if max(s.a.x, s.b.x) < min(t.a.x, t.b.x) || max(t.a.x, t.b.x) < min(s.a.x, s.b.x) ||
					max(s.a.y, s.b.y) < min(t.a.y, t.b.y) || max(t.a.y, t.b.y) < min(s.a.y, s.b.y) {
					continue
				}
				// Test each pair once: in the cell holding the lower left
				// corner of the overlap of their boxes.
				ox := (max(min(s.a.x, s.b.x), min(t.a.x, t.b.x)) - minX) / cell
				oy := (max(min(s.a.y, s.b.y), min(t.a.y, t.b.y)) - minY) / cell
				if ox == cx && oy == cy {
					fn(s, t)
				}
			}
		}
	}
}

// orientI is the side of c from a→b: 1 left, -1 right, 0 on the line.
// The cross product of grid differences can exceed int64; its sign is
// taken from big-enough floats, exact but for near-collinear triples.
func orientI(a, b, c ipt) int {
	l, r := float64(b.x-a.x)*float64(c.y-a.y), float64(b.y-a.y)*float64(c.x-a.x)
	if math.Abs(l) < 1<<62 && math.Abs(r) < 1<<62 {
		v := (b.x-a.x)*(c.y-a.y) - (b.y-a.y)*(c.x-a.x)
		switch {
		case v > 0:
			return 1
		case v < 0:
			return -1
		}
		return 0
	}
	v := l - r
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

func within(p, a, b ipt) bool {
	return min(a.x, b.x) <= p.x && p.x <= max(a.x, b.x) && min(a.y, b.y) <= p.y && p.y <= max(a.y, b.y)
}

// meetWrongly reports whether two segments meet anywhere but at a vertex
// they may share: consecutive segments of one arc at their common vertex,
// or the end vertices of arcs (junctions) where both segments end there.
func (tp *Topology) meetWrongly(s, t *arcSeg) bool {
	o1, o2 := orientI(s.a, s.b, t.a), orientI(s.a, s.b, t.b)
	o3, o4 := orientI(t.a, t.b, s.a), orientI(t.a, t.b, s.b)
	if o1*o2 < 0 && o3*o4 < 0 {
		return true // a proper crossing
	}
	if o1 == 0 && o2 == 0 { // collinear: any overlap longer than a point is wrong
		if within(t.a, s.a, s.b) && t.a != s.a && t.a != s.b || within(t.b, s.a, s.b) && t.b != s.a && t.b != s.b ||
			within(s.a, t.a, t.b) && s.a != t.a && s.a != t.b || within(s.b, t.a, t.b) && s.b != t.a && s.b != t.b {
			return true
		}
		if s.a == t.a && s.b == t.b || s.a == t.b && s.b == t.a {
			// The same segment twice. Where it is all of a ring (one
			// closed arc or two arcs), that ring collapsed and is dropped.
			// For a feature with the two arcs in different rings, it is
			// a border walked twice.
			return !(s.whole() && t.whole() && (s.arc == t.arc || tp.onlyTogether(s.arc, t.arc)))
		}
	}
	// Touches: a point of one on the other.
	touch := func(p ipt, o int, a, b ipt) bool { return o == 0 && within(p, a, b) }
	var at []ipt
	if touch(t.a, o1, s.a, s.b) {
		at = append(at, t.a)
	}
	if touch(t.b, o2, s.a, s.b) {
		at = append(at, t.b)
	}
	if touch(s.a, o3, t.a, t.b) {
		at = append(at, s.a)
	}
	if touch(s.b, o4, t.a, t.b) {
		at = append(at, s.b)
	}
	for _, p := range at {
		if !tp.sharedEnd(s, t, p) {
			return true
		}
	}
	return false
}

// sharedEnd reports whether p is a vertex both segments may share: the
// common vertex of consecutive segments of one arc, or one junction both
// arcs end at (two junctions rounded onto one point are not one vertex).
func (tp *Topology) sharedEnd(s, t *arcSeg, p ipt) bool {
	if (p != s.a && p != s.b) || (p != t.a && p != t.b) {
		return false // p lies inside one of them
	}
	if s.arc == t.arc && (s.i+1 == t.i && p == s.b || t.i+1 == s.i && p == t.b) {
		return true // consecutive
	}
	end := func(g *arcSeg) int32 {
		v := tp.arcs[g.arc].verts
		switch {
		case g.i == 0 && p == g.a:
			return v[0]
		case g.last && p == g.b:
			return v[len(v)-1]
		}
		return -1
	}
	e := end(s)
	return e >= 0 && e == end(t)
}

// nesting marks the arcs of features whose holes lie outside their shell
// or whose polygons lie inside another of their polygons (not in a hole).
func (lb *levelBuilder) nesting(tg *tangles, changed []bool) {
	bad := tg.arcs
	for _, tl := range lb.t.layers {
		for fi := range tl.feats {
			f := &tl.feats[fi]
			if changed != nil && !usesAny(f, changed) {
				continue
			}
			var rings [][]orb.Ring
			var refs [][][]arcRef // the rings' arcs, with those of holes that collapsed
			for _, poly := range f.polys {
				outer := lb.ring(poly[0])
				if outer == nil || signedArea(outer) <= 0 {
					continue
				}
				rs := []orb.Ring{outer}
				for _, h := range poly[1:] {
					if r := lb.ring(h); r != nil && signedArea(r) < 0 {
						rs = append(rs, r)
					}
				}
				rings = append(rings, rs)
				refs = append(refs, poly)
			}
			mark := func(rr ...[]arcRef) {
				for _, r := range rr {
					for _, ref := range r {
						bad[arcIndex(ref)] |= bySimplifying
					}
				}
			}
			for pi, p := range rings {
				for _, h := range p[1:] {
					if !ringInside(h, p[0]) {
						mark(refs[pi]...) // the shell and its holes
					}
				}
			}
			if len(rings) < 2 {
				continue
			}
			bounds := make([]orb.Bound, len(rings))
			for i, p := range rings {
				bounds[i] = p[0].Bound()
			}
			for i, p := range rings {
				for j, q := range rings {
					if i == j || !bounds[j].Contains(bounds[i].Min) || !bounds[j].Contains(bounds[i].Max) {
						continue
					}
					if ringInside(p[0], q[0]) && !insideAHole(p[0], q[1:]) {
						// Usually a hole of q around p collapsed: refine the
						// holes (q's shell only when it has none).
						mark(refs[i][0])
						if len(refs[j]) > 1 {
							mark(refs[j][1:]...)
						} else if sp := lb.stretchesNear(refs[j][0], bounds[i]); len(sp) > 0 {
							// q's simplified border swallowed p: give the
							// stretches around p back.
							tg.splits = append(tg.splits, sp...)
						} else {
							mark(refs[j][0])
						}
					}
				}
			}
		}
	}
}

// ringInside reports whether ring r (which crosses no edge of o) lies
// inside o: its first vertex off o's boundary decides.
func ringInside(r, o orb.Ring) bool {
	for _, p := range r {
		if c := pointInRing(p, o); c != 0 {
			return c > 0
		}
	}
	for i := 0; i+1 < len(r); i++ { // every vertex on o: the middle of an edge
		if c := pointInRing(orb.Point{(r[i][0] + r[i+1][0]) / 2, (r[i][1] + r[i+1][1]) / 2}, o); c != 0 {
			return c > 0
		}
	}
	return true // the same ring
}

func insideAHole(r orb.Ring, holes []orb.Ring) bool {
	for _, h := range holes {
		if ringInside(r, h) {
			return true
		}
	}
	return false
}

// pointInRing is 1 inside, -1 outside, 0 on the boundary.
func pointInRing(p orb.Point, r orb.Ring) int {
	in := false
	x, y := p[0], p[1]
	for i := 0; i+1 < len(r); i++ {
		a, b := r[i], r[i+1]
		if p == a {
			return 0
		}
		if (a[1] > y) != (b[1] > y) {
			xi := a[0] + (y-a[1])*(b[0]-a[0])/(b[1]-a[1])
			if xi == x {
				return 0
			}
			if x < xi {
				in = !in
			}
		}
	}
	if in {
		return 1
	}
	return -1
}

// usesAny reports whether a feature uses one of the arcs marked.
func usesAny(f *topoFeature, arcs []bool) bool {
	for _, p := range f.polys {
		for _, r := range p {
			for _, ref := range r {
				if arcs[arcIndex(ref)] {
					return true
				}
			}
		}
	}
	return false
}

// stretchesNear returns the simplified stretches of ring r's arcs whose
// vertices on the exact grid reach into b.
func (lb *levelBuilder) stretchesNear(r []arcRef, b orb.Bound) []stretch {
	var out []stretch
	for _, ref := range r {
		a := arcIndex(ref)
		arc := &lb.t.arcs[a]
		tol2, forced := lb.arcTolerance(a), lb.forced[a]
		start := int32(0)
		var sb orb.Bound
		for i, v := range arc.verts {
			p := lb.t.verts[v]
			q := orb.Point{float64(p.x) / gridScale, float64(p.y) / gridScale}
			if i == 0 {
				sb = orb.Bound{Min: q, Max: q}
				continue
			}
			sb = sb.Extend(q)
			if arc.sig[i] > tol2 || forced[int32(i)] {
				if int32(i)-start > 1 && sb.Intersects(b) {
					out = append(out, stretch{a, start, int32(i)})
				}
				start, sb = int32(i), orb.Bound{Min: q, Max: q}
			}
		}
	}
	return out
}
