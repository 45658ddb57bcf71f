// Package polyrepair makes polygons OGC-valid on a fixed grid (the
// 1/1024° grid of pilotmap's boundary data), the way the geodata generator
// needs it: every output point stays on the grid, so the compact layer
// format stores the repaired polygons exactly.
//
// Repair nodes the rings of a multipolygon (crossing edges get a vertex at
// their crossing, rounded to the grid, until no two edges cross; a vertex
// lying on another edge is inserted into it), cancels edges walked both
// ways (borders between parts of one feature, spikes), traces the boundary
// of the union of what is left (turning as far right as possible at every
// vertex), splits the traced rings where they touch themselves, and
// assembles counter-clockwise rings as shells and clockwise rings as holes
// of the smallest shell around them. Parts lying inside another part and
// inverted lobes (clockwise loops outside every shell) are dropped: their
// area is already covered or is an artefact of the source's quantization.
//
// Whether the result is valid is judged by GEOS in the tests
// (internal/geoscheck), not by this package.
package polyrepair

import (
	"cmp"
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// Stats says what a repair changed.
type Stats struct {
	Inserted int // vertices inserted at crossings and touches
	Rounds   int // noding rounds (the last found nothing)
	Dropped  int // rings dropped: zero area, inside another part, inverted lobes
}

type pt struct{ x, y int64 }

func (p pt) less(q pt) bool { return p.x < q.x || (p.x == q.x && p.y < q.y) }

// maxRounds bounds the noding: rounding a crossing to the grid bends its
// edges a little, which can make new crossings nearby; in practice a few
// rounds suffice.
const maxRounds = 32

// Repair returns mp made valid on the grid of 1/scale (see the package
// doc). Outer rings of the result wind counter-clockwise, holes clockwise,
// rings are closed.
func Repair(mp orb.MultiPolygon, scale float64) (orb.MultiPolygon, Stats) {
	var st Stats
	var rings [][]pt
	for _, p := range mp {
		for i, r := range p {
			g := toGrid(r, scale)
			if len(g) < 3 {
				if i == 0 {
					break // the polygon's shell vanished: so do its holes
				}
				continue
			}
			if a := area2(g); (i == 0) != (a > 0) {
				slices.Reverse(g) // shells counter-clockwise, holes clockwise
			}
			rings = append(rings, g)
		}
	}
	rings = node(rings, &st)
	if st.Inserted == 0 && simple(rings) {
		// Nothing crosses or touches: only the nesting may be wrong.
		return fromGrid(assemble(rings, &st), scale), st
	}
	// The union's boundary: rings that follow the outside of overlapping parts.
	kept := assemble(trace(netEdges(rings), rightmost), &st)
	// Its faces: a hole touching its shell (or other holes) at two or more
	// points cuts the polygon in pieces; tracing the same edges turning
	// furthest left walks each piece on its own.
	var edges [][]pt
	for _, p := range kept {
		edges = append(edges, p...)
	}
	out := assemble(trace(netEdges(edges), leftmost), &st)
	return fromGrid(out, scale), st
}

// simple reports whether no point occurs twice in the rings, and no ring
// has zero area.
func simple(rings [][]pt) bool {
	n := 0
	for _, r := range rings {
		if area2(r) == 0 {
			return false
		}
		n += len(r)
	}
	all := make([]pt, 0, n)
	for _, r := range rings {
		all = append(all, r...)
	}
	slices.SortFunc(all, func(p, q pt) int {
		if c := cmp.Compare(p.x, q.x); c != 0 {
			return c
		}
		return cmp.Compare(p.y, q.y)
	})
	for i := 1; i < len(all); i++ {
		if all[i] == all[i-1] {
			return false
		}
	}
	return true
}

func toGrid(r orb.Ring, scale float64) []pt {
	out := make([]pt, 0, len(r))
	for _, p := range r {
		q := pt{int64(math.Round(p[0] * scale)), int64(math.Round(p[1] * scale))}
		if len(out) == 0 || out[len(out)-1] != q {
			out = append(out, q)
		}
	}
	for len(out) > 1 && out[0] == out[len(out)-1] {
		out = out[:len(out)-1]
	}
	return out
}

// area2 is twice the signed area (positive: counter-clockwise).
func area2(r []pt) int64 {
	var s int64
	for i, p := range r {
		q := r[(i+1)%len(r)]
		s += p.x*q.y - q.x*p.y
	}
	return s
}

func orient(a, b, c pt) int64 { return (b.x-a.x)*(c.y-a.y) - (b.y-a.y)*(c.x-a.x) }

// onSegment reports whether p, collinear with a–b, lies strictly inside it.
func onSegment(p, a, b pt) bool {
	if p == a || p == b {
		return false
	}
	return min(a.x, b.x) <= p.x && p.x <= max(a.x, b.x) && min(a.y, b.y) <= p.y && p.y <= max(a.y, b.y)
}

type seg struct {
	ring, k    int
	a, b       pt
	minX, maxX int64
	minY, maxY int64
}

type insertion struct {
	ring, k int
	p       pt
}

// node inserts vertices until no two edges cross or touch except at
// shared vertices.
func node(rings [][]pt, st *Stats) [][]pt {
	for round := 1; round <= maxRounds; round++ {
		st.Rounds = round
		var segs []seg
		for ri, r := range rings {
			for k, a := range r {
				b := r[(k+1)%len(r)]
				segs = append(segs, seg{ri, k, a, b, min(a.x, b.x), max(a.x, b.x), min(a.y, b.y), max(a.y, b.y)})
			}
		}
		slices.SortFunc(segs, func(s, t seg) int { return cmp.Compare(s.minX, t.minX) })
		var ins []insertion
		add := func(s seg, p pt) {
			if p != s.a && p != s.b {
				ins = append(ins, insertion{s.ring, s.k, p})
			}
		}
		for i := range segs {
			s := segs[i]
			for j := i + 1; j < len(segs) && segs[j].minX <= s.maxX; j++ {
				t := segs[j]
				if t.maxY < s.minY || t.minY > s.maxY {
					continue
				}
				o1, o2 := orient(s.a, s.b, t.a), orient(s.a, s.b, t.b)
				o3, o4 := orient(t.a, t.b, s.a), orient(t.a, t.b, s.b)
				if ((o1 > 0 && o2 < 0) || (o1 < 0 && o2 > 0)) && ((o3 > 0 && o4 < 0) || (o3 < 0 && o4 > 0)) {
					p := crossing(s.a, s.b, t.a, t.b)
					add(s, p)
					add(t, p)
					continue
				}
				if o1 == 0 && onSegment(t.a, s.a, s.b) {
					add(s, t.a)
				}
				if o2 == 0 && onSegment(t.b, s.a, s.b) {
					add(s, t.b)
				}
				if o3 == 0 && onSegment(s.a, t.a, t.b) {
					add(t, s.a)
				}
				if o4 == 0 && onSegment(s.b, t.a, t.b) {
					add(t, s.b)
				}
			}
		}
		if len(ins) == 0 {
			return rings
		}
		st.Inserted += len(ins)
		rings = insert(rings, ins)
	}
	return rings
}

// crossing is the crossing point of a–b and c–d rounded to the grid.
func crossing(a, b, c, d pt) pt {
	ax, ay := float64(a.x), float64(a.y)
	rx, ry := float64(b.x-a.x), float64(b.y-a.y)
	sx, sy := float64(d.x-c.x), float64(d.y-c.y)
	t := ((float64(c.x)-ax)*sy - (float64(c.y)-ay)*sx) / (rx*sy - ry*sx)
	return pt{int64(math.Round(ax + t*rx)), int64(math.Round(ay + t*ry))}
}

// insert puts the insertions into their edges, ordered along each edge.
func insert(rings [][]pt, ins []insertion) [][]pt {
	slices.SortFunc(ins, func(x, y insertion) int {
		if c := cmp.Compare(x.ring, y.ring); c != 0 {
			return c
		}
		return cmp.Compare(x.k, y.k)
	})
	out := make([][]pt, len(rings))
	i := 0
	for ri, r := range rings {
		nr := make([]pt, 0, len(r))
		for k, a := range r {
			nr = append(nr, a)
			j := i
			for j < len(ins) && ins[j].ring == ri && ins[j].k == k {
				j++
			}
			if j > i {
				b := r[(k+1)%len(r)]
				pts := ins[i:j]
				dx, dy := float64(b.x-a.x), float64(b.y-a.y)
				along := func(p pt) float64 { return float64(p.x-a.x)*dx + float64(p.y-a.y)*dy }
				slices.SortFunc(pts, func(x, y insertion) int { return cmp.Compare(along(x.p), along(y.p)) })
				for _, p := range pts {
					if nr[len(nr)-1] != p.p && p.p != b {
						nr = append(nr, p.p)
					}
				}
				i = j
			}
		}
		out[ri] = nr
	}
	return out
}

// netEdges returns the directed edges left when edges walked both ways
// cancel (an edge walked twice the same way stays twice, so every vertex
// keeps as many edges out as in).
func netEdges(rings [][]pt) map[pt][]pt {
	type key struct{ a, b pt }
	count := map[key]int{}
	var order []key
	for _, r := range rings {
		for k, a := range r {
			b := r[(k+1)%len(r)]
			if a == b {
				continue
			}
			kk, d := key{a, b}, 1
			if b.less(a) {
				kk, d = key{b, a}, -1
			}
			if _, ok := count[kk]; !ok {
				order = append(order, kk)
			}
			count[kk] += d
		}
	}
	out := map[pt][]pt{}
	for _, k := range order {
		c := count[k]
		for ; c > 0; c-- { // walked twice the same way (overlapping parts): twice
			out[k.a] = append(out[k.a], k.b)
		}
		for ; c < 0; c++ {
			out[k.b] = append(out[k.b], k.a)
		}
	}
	return out
}

// The turn a trace takes at a vertex with several unused edges.
const (
	rightmost = -1.0 // follow the outside of a union
	leftmost  = 1.0  // walk the smallest face
)

// trace walks the directed edges into closed loops, taking at every vertex
// the unused edge that turns furthest right or left (turn), and splits
// walks where they revisit a vertex.
func trace(out map[pt][]pt, turn float64) [][]pt {
	var starts []pt
	for v := range out {
		starts = append(starts, v)
	}
	slices.SortFunc(starts, func(p, q pt) int {
		if p.less(q) {
			return -1
		}
		if q.less(p) {
			return 1
		}
		return 0
	})
	var loops [][]pt
	take := func(v pt, i int) pt {
		nb := out[v]
		w := nb[i]
		out[v] = append(nb[:i:i], nb[i+1:]...)
		return w
	}
	for _, s := range starts {
		for len(out[s]) > 0 {
			walk := []pt{s}
			prev, cur := s, take(s, 0)
			for cur != s {
				walk = append(walk, cur)
				nb := out[cur]
				if len(nb) == 0 {
					break // cannot happen with balanced edges; close the walk here
				}
				best, bestTurn := 0, math.Inf(1)
				ux, uy := float64(cur.x-prev.x), float64(cur.y-prev.y)
				for i, w := range nb {
					wx, wy := float64(w.x-cur.x), float64(w.y-cur.y)
					if t := -turn * math.Atan2(ux*wy-uy*wx, ux*wx+uy*wy); t < bestTurn {
						best, bestTurn = i, t
					}
				}
				prev, cur = cur, take(cur, best)
			}
			loops = append(loops, splitLoops(walk)...)
		}
	}
	return loops
}

// splitLoops cuts a closed walk into loops that visit no vertex twice.
func splitLoops(walk []pt) [][]pt {
	var loops [][]pt
	pos := map[pt]int{}
	stack := make([]pt, 0, len(walk))
	for _, v := range append(walk, walk[0]) {
		if i, ok := pos[v]; ok {
			loop := slices.Clone(stack[i:])
			for _, u := range loop {
				delete(pos, u)
			}
			stack = stack[:i]
			loops = append(loops, loop)
		}
		pos[v] = len(stack)
		stack = append(stack, v)
	}
	return loops
}

type loop struct {
	r      []pt
	a2     int64 // twice the signed area
	bmin   pt
	bmax   pt
	parent int
	keep   bool
}

// assemble keeps the loops whose nesting alternates shell, hole, shell …
// from the outside in, and groups each shell with its holes.
func assemble(rings [][]pt, st *Stats) [][][]pt {
	var loops []loop
	for _, r := range rings {
		a := area2(r)
		if len(r) < 3 || a == 0 {
			st.Dropped++
			continue
		}
		l := loop{r: r, a2: a, bmin: r[0], bmax: r[0], parent: -1}
		for _, p := range r {
			l.bmin = pt{min(l.bmin.x, p.x), min(l.bmin.y, p.y)}
			l.bmax = pt{max(l.bmax.x, p.x), max(l.bmax.y, p.y)}
		}
		loops = append(loops, l)
	}
	abs := func(v int64) int64 { return max(v, -v) }
	slices.SortStableFunc(loops, func(x, y loop) int { return cmp.Compare(abs(y.a2), abs(x.a2)) })
	for i := range loops {
		l := &loops[i]
		for j := i - 1; j >= 0; j-- { // smallest kept loop around l first
			o := &loops[j]
			if !o.keep || l.bmin.x < o.bmin.x || l.bmin.y < o.bmin.y || l.bmax.x > o.bmax.x || l.bmax.y > o.bmax.y {
				continue
			}
			if inside(l.r, o.r) {
				l.parent = j
				break
			}
		}
		shell := l.a2 > 0
		switch {
		case l.parent < 0:
			l.keep = shell
		default:
			l.keep = shell != (loops[l.parent].a2 > 0)
		}
		if !l.keep {
			st.Dropped++
		}
	}
	var out [][][]pt
	idx := map[int]int{}
	for i, l := range loops {
		if l.keep && l.a2 > 0 {
			idx[i] = len(out)
			out = append(out, [][]pt{l.r})
		}
	}
	for _, l := range loops {
		if l.keep && l.a2 < 0 {
			k := idx[l.parent]
			out[k] = append(out[k], l.r)
		}
	}
	return out
}

// inside reports whether loop l (which crosses no edge of r) lies inside
// ring r: its first vertex off r's boundary decides; if every vertex is on
// it, the middle of its first edge that is not an edge of r; if there is
// none, l is r again and counts as inside.
func inside(l, r []pt) bool {
	for _, p := range l {
		switch pointIn(float64(p.x), float64(p.y), r) {
		case 1:
			return true
		case -1:
			return false
		}
	}
	for i, p := range l {
		q := l[(i+1)%len(l)]
		if c := pointIn(float64(p.x+q.x)/2, float64(p.y+q.y)/2, r); c != 0 {
			return c == 1
		}
	}
	return true // the same ring twice: the second is inside the first
}

// pointIn is 1 inside r, -1 outside, 0 on its boundary.
func pointIn(x, y float64, r []pt) int {
	in := false
	for i, a := range r {
		b := r[(i+1)%len(r)]
		ax, ay, bx, by := float64(a.x), float64(a.y), float64(b.x), float64(b.y)
		if (bx-ax)*(y-ay)-(by-ay)*(x-ax) == 0 && min(ax, bx) <= x && x <= max(ax, bx) && min(ay, by) <= y && y <= max(ay, by) {
			return 0
		}
		if (ay > y) != (by > y) && x < ax+(y-ay)*(bx-ax)/(by-ay) {
			in = !in
		}
	}
	if in {
		return 1
	}
	return -1
}

func fromGrid(polys [][][]pt, scale float64) orb.MultiPolygon {
	mp := make(orb.MultiPolygon, 0, len(polys))
	for _, p := range polys {
		poly := make(orb.Polygon, 0, len(p))
		for _, r := range p {
			ring := make(orb.Ring, 0, len(r)+1)
			for _, q := range r {
				ring = append(ring, orb.Point{float64(q.x) / scale, float64(q.y) / scale})
			}
			poly = append(poly, append(ring, ring[0]))
		}
		mp = append(mp, poly)
	}
	return mp
}
