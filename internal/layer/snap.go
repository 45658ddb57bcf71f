package layer

import (
	"cmp"
	"fmt"
	"math"
	"math/bits"
	"slices"

	"github.com/paulmach/orb"
)

// ringID locates a ring in the source layers.
type ringID struct{ layer, feat, poly, ring int32 }

// snapRing is a ring as grid point ids (not closed: the first point is not
// repeated), with the feature it belongs to for snapping (-1: the ring
// follows the snapping of others but does not take part).
type snapRing struct {
	id   ringID
	fid  int32
	pids []int32
}

// snapBuilder collects the rings of all layers on the grid and snaps them.
type snapBuilder struct {
	pts   []gridPt // sorted by x, then y; the index is the point id
	col   []int32  // point id → its column (index into colX)
	colX  []int32  // distinct x, ascending
	colAt []int32  // column → first point id; len(colX)+1 entries
	rings []snapRing
	nfeat int32

	// While rings are added: their points, flat, as sortable keys.
	keys []uint64

	snapped, inserted, dropped int
}

// newSnapBuilder returns a builder for about npoints points.
func newSnapBuilder(npoints int) *snapBuilder {
	return &snapBuilder{keys: make([]uint64, 0, npoints)}
}

// newFeature returns the id of a new snapping feature.
func (b *snapBuilder) newFeature() int32 {
	b.nfeat++
	return b.nfeat - 1
}

// Grid coordinates are offset by keyBias to make sortable unsigned keys.
const (
	keyBits = 22
	keyBias = 1 << (keyBits - 1)
)

// addRing quantizes a ring to the grid and adds it (the closing point is
// dropped; point ids are assigned by index).
func (b *snapBuilder) addRing(id ringID, fid int32, r orb.Ring) error {
	n := len(r)
	if n > 1 && r[0] == r[n-1] {
		n--
	}
	for _, p := range r[:n] {
		x, y := math.Round(p[0]*gridScale), math.Round(p[1]*gridScale)
		if !(math.Abs(x) < keyBias && math.Abs(y) < keyBias) {
			return fmt.Errorf("point %v out of range", p)
		}
		b.keys = append(b.keys, uint64(int64(x)+keyBias)<<keyBits|uint64(int64(y)+keyBias))
	}
	b.rings = append(b.rings, snapRing{id: id, fid: fid, pids: make([]int32, n)})
	return nil
}

// index sorts the points added, numbers the distinct ones in (x, y) order
// and replaces the rings' points by their ids.
func (b *snapBuilder) index() {
	occ := make([]int32, len(b.keys))
	for i := range occ {
		occ[i] = int32(i)
	}
	radixSort(b.keys, occ, 2*keyBits)
	flat := make([]int32, len(b.keys))
	for i, k := range b.keys {
		if i == 0 || k != b.keys[i-1] {
			x, y := int32(k>>keyBits)-keyBias, int32(k&(1<<keyBits-1))-keyBias
			b.pts = append(b.pts, gridPt{x, y})
			b.col = append(b.col, int32(len(b.colX))-1)
			if len(b.colX) == 0 || b.colX[len(b.colX)-1] != x {
				b.colX = append(b.colX, x)
				b.colAt = append(b.colAt, int32(len(b.pts)-1))
				b.col[len(b.col)-1]++
			}
		}
		flat[occ[i]] = int32(len(b.pts) - 1)
	}
	b.colAt = append(b.colAt, int32(len(b.pts)))
	b.keys = nil
	at := 0
	for i := range b.rings {
		at += copy(b.rings[i].pids, flat[at:])
	}
}

// neighbour finds the point at offset o from point p.
func (b *snapBuilder) neighbour(p int32, o gridPt) (int32, bool) {
	c := int(b.col[p])
	x, y := b.pts[p].x+o.x, b.pts[p].y+o.y
	for c > 0 && b.colX[c] > x {
		c--
	}
	for c < len(b.colX)-1 && b.colX[c] < x {
		c++
	}
	if b.colX[c] != x {
		return 0, false
	}
	lo, hi := int(b.colAt[c]), int(b.colAt[c+1])
	for lo < hi { // columns hold few points
		m := int(uint(lo+hi) >> 1)
		if b.pts[m].y < y {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < int(b.colAt[c+1]) && b.pts[lo].y == y {
		return int32(lo), true
	}
	return 0, false
}

// nearPairs calls fn for every pair of distinct points within
// SnapTolerance of each other, sweeping the sorted columns.
func (b *snapBuilder) nearPairs(fn func(p, q int32)) {
	r := int32(math.Floor(SnapTolerance))
	tol2 := int32(math.Floor(SnapTolerance * SnapTolerance))
	for c := range b.colX {
		for c2 := c; c2 < len(b.colX) && b.colX[c2]-b.colX[c] <= r; c2++ {
			dx := b.colX[c2] - b.colX[c]
			j := b.colAt[c2]
			for p := b.colAt[c]; p < b.colAt[c+1]; p++ {
				y := b.pts[p].y
				for j < b.colAt[c2+1] && b.pts[j].y < y-r {
					j++
				}
				for q := j; q < b.colAt[c2+1] && b.pts[q].y <= y+r; q++ {
					dy := b.pts[q].y - y
					if (dx > 0 || q > p) && dx*dx+dy*dy <= tol2 {
						fn(p, q)
					}
				}
			}
		}
	}
}

// radixSort sorts keys (the low bits are significant) and permutes vals
// alongside, stably, 11 bits per pass.
func radixSort(keys []uint64, vals []int32, bits int) {
	const digit = 11
	k2 := make([]uint64, len(keys))
	v2 := make([]int32, len(vals))
	src, dst, vs, vd := keys, k2, vals, v2
	var count [1 << digit]int
	for shift := 0; shift < bits; shift += digit {
		clear(count[:])
		for _, k := range src {
			count[(k>>shift)&(1<<digit-1)]++
		}
		sum := 0
		for i, c := range count {
			count[i] = sum
			sum += c
		}
		for i, k := range src {
			d := (k >> shift) & (1<<digit - 1)
			dst[count[d]] = k
			vd[count[d]] = vs[i]
			count[d]++
		}
		src, dst, vs, vd = dst, src, vd, vs
	}
	if len(keys) > 0 && &src[0] != &keys[0] {
		copy(keys, src)
		copy(vals, vs)
	}
}

// featureSets maps each grid point to the sorted set of snapping features
// whose rings use it (compressed rows).
type featureSets struct {
	start []int32 // point → offset into ids
	n     []int32 // point → number of features
	ids   []int32
}

func newFeatureSets(np int, rings []snapRing) *featureSets {
	fs := &featureSets{start: make([]int32, np+1), n: make([]int32, np)}
	for _, r := range rings {
		if r.fid >= 0 {
			for _, p := range r.pids {
				fs.start[p+1]++
			}
		}
	}
	for i := 1; i <= np; i++ {
		fs.start[i] += fs.start[i-1]
	}
	fs.ids = make([]int32, fs.start[np])
	for _, r := range rings {
		if r.fid >= 0 {
			for _, p := range r.pids {
				fs.ids[fs.start[p]+fs.n[p]] = r.fid
				fs.n[p]++
			}
		}
	}
	for p := 0; p < np; p++ {
		s := fs.ids[fs.start[p] : fs.start[p]+fs.n[p]]
		if len(s) > 1 {
			slices.Sort(s)
			s = slices.Compact(s)
		}
		fs.n[p] = int32(len(s))
	}
	return fs
}

func (fs *featureSets) of(p int32) []int32 { return fs.ids[fs.start[p] : fs.start[p]+fs.n[p]] }

// disjoint reports whether two small sets share no element.
func disjoint(a, b []int32) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return false
			}
		}
	}
	return true
}

// snapOffsets lists the grid offsets within SnapTolerance, nearest first.
func snapOffsets() []gridPt {
	r := int32(math.Floor(SnapTolerance))
	var offs []gridPt
	for dx := -r; dx <= r; dx++ {
		for dy := -r; dy <= r; dy++ {
			if (dx != 0 || dy != 0) && float64(dx*dx+dy*dy) <= SnapTolerance*SnapTolerance {
				offs = append(offs, gridPt{dx, dy})
			}
		}
	}
	slices.SortStableFunc(offs, func(a, b gridPt) int { return cmp.Compare(a.x*a.x+a.y*a.y, b.x*b.x+b.y*b.y) })
	return offs
}

// snap moves points onto nearby points of other features, inserts points
// into nearby edges of other features, cleans the rings and returns those
// that did not degenerate, in input order.
func (b *snapBuilder) snap() []snapRing {
	b.index()
	target := b.snapVertices()
	for i := range b.rings {
		r := &b.rings[i]
		for k, p := range r.pids {
			r.pids[k] = target[p]
		}
		r.pids = cleanRing(r.pids)
	}
	b.insertIntoEdges()
	out := b.rings[:0]
	lp := newLoopPruner(len(b.pts))
	for _, r := range b.rings {
		r.pids = cleanRing(r.pids)
		for range 2 { // the second pass, rotated, catches loops across the seam
			r.pids = cleanRing(lp.prune(r.pids, b.pts))
			h := len(r.pids) / 2
			r.pids = append(r.pids[h:], r.pids[:h]...)
		}
		if len(r.pids) < 3 {
			b.dropped++
			continue
		}
		out = append(out, r)
	}
	return out
}

// snapVertices decides, for each grid point, the point it moves to.
// Points are visited by decreasing number of features, then by position;
// a point moves onto the nearest already-visited, unmoved point within
// SnapTolerance whose features are disjoint from its own, and that point
// takes over its features (so two points of one ring never merge into a
// third). Moves never chain: targets never move.
func (b *snapBuilder) snapVertices() []int32 {
	np := len(b.pts)
	fs := newFeatureSets(np, b.rings)
	offs := snapOffsets()
	neighbour := b.neighbour
	// Candidates: points with a point of disjoint features within reach.
	isCand := make([]bool, np)
	b.nearPairs(func(p, q int32) {
		if fs.n[p] > 0 && fs.n[q] > 0 && disjoint(fs.of(p), fs.of(q)) {
			isCand[p], isCand[q] = true, true
		}
	})
	var cand []int32
	for p, ok := range isCand {
		if ok {
			cand = append(cand, int32(p))
		}
	}
	slices.SortFunc(cand, func(p, q int32) int {
		if c := cmp.Compare(fs.n[q], fs.n[p]); c != 0 {
			return c
		}
		return cmp.Compare(p, q) // ids are in (x, y) order
	})

	target := make([]int32, np)
	for i := range target {
		target[i] = int32(i)
	}
	const (
		unseen int8 = iota
		fixed
		moved
	)
	state := make([]int8, np)
	extra := make(map[int32][]int32) // features taken over by a fixed point
	merged := func(q int32) []int32 {
		if e, ok := extra[q]; ok {
			return e
		}
		return fs.of(q)
	}
	for _, p := range cand {
		best := int32(-1)
		for _, o := range offs { // nearest first; ties by visiting order below
			q, ok := neighbour(p, o)
			if !ok || state[q] != fixed || !disjoint(fs.of(p), merged(q)) {
				continue
			}
			if best >= 0 {
				ob := gridPt{b.pts[best].x - b.pts[p].x, b.pts[best].y - b.pts[p].y}
				if ob.x*ob.x+ob.y*ob.y < o.x*o.x+o.y*o.y {
					break
				}
				if !b.visitedBefore(q, best, fs) {
					continue
				}
			}
			best = q
		}
		if best < 0 {
			state[p] = fixed
			continue
		}
		state[p] = moved
		target[p] = best
		extra[best] = append(slices.Clone(merged(best)), fs.of(p)...)
		b.snapped++
	}
	return target
}

// visitedBefore reports whether point p comes before q in the order of
// snapVertices.
func (b *snapBuilder) visitedBefore(p, q int32, fs *featureSets) bool {
	if fs.n[p] != fs.n[q] {
		return fs.n[p] > fs.n[q]
	}
	return p < q // ids are in (x, y) order
}

// insertion is a point to insert into the edge a–b (a < b) at parameter t
// along a→b.
type insertion struct {
	a, b int32
	t    float64
	pid  int32
}

// insertIntoEdges inserts every point lying within SnapTolerance of the
// inside of an edge of other features into that edge, in all rings that
// have the edge. An edge's features are taken as those its two ends share.
func (b *snapBuilder) insertIntoEdges() {
	np := len(b.pts)
	fs := newFeatureSets(np, b.rings)

	// Points of the snapping rings on a grid of cells.
	var minX, minY, maxX, maxY int32 = math.MaxInt32, math.MaxInt32, math.MinInt32, math.MinInt32
	for p := 0; p < np; p++ {
		if fs.n[p] > 0 {
			q := b.pts[p]
			minX, minY, maxX, maxY = min(minX, q.x), min(minY, q.y), max(maxX, q.x), max(maxY, q.y)
		}
	}
	if minX > maxX {
		return
	}
	cell := int64(32)
	for ((int64(maxX)-int64(minX))/cell+1)*((int64(maxY)-int64(minY))/cell+1) > 1<<22 {
		cell *= 2
	}
	nx := int32((int64(maxX)-int64(minX))/cell + 1)
	ny := int32((int64(maxY)-int64(minY))/cell + 1)
	cellOf := func(x, y int32) (int32, int32) {
		return int32((int64(x) - int64(minX)) / cell), int32((int64(y) - int64(minY)) / cell)
	}
	start := make([]int32, int(nx)*int(ny)+1)
	for p := 0; p < np; p++ {
		if fs.n[p] > 0 {
			cx, cy := cellOf(b.pts[p].x, b.pts[p].y)
			start[cy*nx+cx+1]++
		}
	}
	for i := 1; i < len(start); i++ {
		start[i] += start[i-1]
	}
	inCell := make([]int32, start[len(start)-1])
	for p := int32(np - 1); p >= 0; p-- { // fill from the back: start[c] ends at the cell's start
		if fs.n[p] > 0 {
			cx, cy := cellOf(b.pts[p].x, b.pts[p].y)
			c := cy*nx + cx + 1
			start[c]--
			inCell[start[c]] = p
		}
	}
	// Now start[c+1] is the first point of cell c; shift back.
	copy(start, start[1:])
	start[len(start)-1] = int32(len(inCell))

	r := int32(math.Floor(SnapTolerance))
	tol2 := SnapTolerance * SnapTolerance
	var ins []insertion
	// The distinct edges of the snapping rings with their features,
	// sorted by their ends.
	idBits := bits.Len(uint(np))
	ne := 0
	for _, rg := range b.rings {
		if rg.fid >= 0 {
			ne += len(rg.pids)
		}
	}
	ekeys := make([]uint64, 0, ne)
	efeat := make([]int32, 0, ne)
	for _, rg := range b.rings {
		if rg.fid < 0 {
			continue
		}
		n := len(rg.pids)
		for k, a := range rg.pids {
			c := rg.pids[(k+1)%n]
			ekeys = append(ekeys, uint64(min(a, c))<<idBits|uint64(max(a, c)))
			efeat = append(efeat, rg.fid)
		}
	}
	radixSort(ekeys, efeat, 2*idBits)
	for lo := 0; lo < len(ekeys); {
		hi := lo + 1
		for hi < len(ekeys) && ekeys[hi] == ekeys[lo] {
			hi++
		}
		a, c := int32(ekeys[lo]>>idBits), int32(ekeys[lo]&(1<<idBits-1))
		feats := efeat[lo:hi]
		lo = hi
		pa, pb := b.pts[a], b.pts[c]
		x0, y0 := cellOf(max(min(pa.x, pb.x)-r, minX), max(min(pa.y, pb.y)-r, minY))
		x1, y1 := cellOf(min(max(pa.x, pb.x)+r, maxX), min(max(pa.y, pb.y)+r, maxY))
		ax, ay := float64(pa.x), float64(pa.y)
		dx, dy := float64(pb.x)-ax, float64(pb.y)-ay
		l2 := dx*dx + dy*dy
		for cy := y0; cy <= y1; cy++ {
			for cx := x0; cx <= x1; cx++ {
				cl := cy*nx + cx
				for _, p := range inCell[start[cl]:start[cl+1]] {
					if p == a || p == c {
						continue
					}
					px, py := float64(b.pts[p].x)-ax, float64(b.pts[p].y)-ay
					t := (px*dx + py*dy) / l2
					if t <= 0 || t >= 1 {
						continue
					}
					ex, ey := px-t*dx, py-t*dy
					if ex*ex+ey*ey > tol2 || !disjoint(fs.of(p), feats) {
						continue
					}
					ins = append(ins, insertion{a: a, b: c, t: t, pid: p})
				}
			}
		}
	}
	if len(ins) == 0 {
		return
	}
	slices.SortFunc(ins, func(x, y insertion) int {
		if c := cmp.Compare(x.a, y.a); c != 0 {
			return c
		}
		if c := cmp.Compare(x.b, y.b); c != 0 {
			return c
		}
		if c := cmp.Compare(x.t, y.t); c != 0 {
			return c
		}
		return cmp.Compare(x.pid, y.pid)
	})
	b.inserted = len(ins)
	// Edge → its insertions ins[lo:hi].
	type span struct{ lo, hi int32 }
	ukey := func(a, c int32) uint64 { return uint64(uint32(a))<<32 | uint64(uint32(c)) }
	spans := make(map[uint64]span)
	touched := make([]bool, np)
	for lo := 0; lo < len(ins); {
		hi := lo + 1
		for hi < len(ins) && ins[hi].a == ins[lo].a && ins[hi].b == ins[lo].b {
			hi++
		}
		spans[ukey(ins[lo].a, ins[lo].b)] = span{int32(lo), int32(hi)}
		touched[ins[lo].a], touched[ins[lo].b] = true, true
		lo = hi
	}
	for i := range b.rings {
		rg := &b.rings[i]
		n := len(rg.pids)
		var out []int32
		for k, a := range rg.pids {
			c := rg.pids[(k+1)%n]
			var sp span
			ok := false
			if touched[a] && touched[c] {
				sp, ok = spans[ukey(min(a, c), max(a, c))]
			}
			if !ok {
				if out != nil {
					out = append(out, a)
				}
				continue
			}
			if out == nil {
				out = append(make([]int32, 0, n+8), rg.pids[:k]...)
			}
			out = append(out, a)
			if a < c {
				for j := sp.lo; j < sp.hi; j++ {
					out = append(out, ins[j].pid)
				}
			} else {
				for j := sp.hi - 1; j >= sp.lo; j-- {
					out = append(out, ins[j].pid)
				}
			}
		}
		if out != nil {
			rg.pids = out
		}
	}
}

// maxLoopArea2 is twice the area, in grid steps², under which a loop a ring
// makes between two visits of one point is cut off: such pinched slivers
// come from snapping, and simplification would cut them off anyway, in
// one ring but not in the neighbour's.
const maxLoopArea2 = 32

// loopPruner cuts tiny pinched loops out of rings.
type loopPruner struct {
	pos   []int32 // point → its index in the ring being built
	stamp []int32 // point → ring number pos is for
	ring  int32
}

func newLoopPruner(np int) *loopPruner {
	return &loopPruner{pos: make([]int32, np), stamp: make([]int32, np)}
}

// prune returns r (rebuilt in place) without loops of area below
// maxLoopArea2/2 between two visits of a point.
func (lp *loopPruner) prune(r []int32, pts []gridPt) []int32 {
	lp.ring++
	out := r[:0]
	for _, v := range r {
		if lp.stamp[v] == lp.ring {
			if i := int(lp.pos[v]); i < len(out) && out[i] == v {
				var a2 int64
				for k := i; k < len(out); k++ {
					p, q := pts[out[k]], pts[v]
					if k+1 < len(out) {
						q = pts[out[k+1]]
					}
					a2 += int64(p.x)*int64(q.y) - int64(q.x)*int64(p.y)
				}
				if a2 <= maxLoopArea2 && a2 >= -maxLoopArea2 {
					out = out[:i+1]
					continue
				}
			}
		}
		lp.stamp[v], lp.pos[v] = lp.ring, int32(len(out))
		out = append(out, v)
	}
	return out
}

// cleanRing removes repeated points and spikes (a, b, a) from a ring given
// as point ids without the closing point. The result may be shorter than 3:
// the ring degenerated.
func cleanRing[T comparable](r []T) []T {
	out := r[:0]
	for _, v := range r {
		n := len(out)
		switch {
		case n > 0 && out[n-1] == v:
		case n > 1 && out[n-2] == v:
			out = out[:n-1]
		default:
			out = append(out, v)
		}
	}
	// Across the seam between the last and the first point.
	for {
		n := len(out)
		switch {
		case n > 1 && out[0] == out[n-1]:
			out = out[:n-1]
		case n > 2 && out[n-2] == out[0]:
			out = out[:n-1]
		case n > 2 && out[n-1] == out[1]:
			out = out[1:]
		default:
			return out
		}
	}
}
