package gaps

import (
	"fmt"
	"math"
	"runtime"
	"sort"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"pilotmap/internal/boundary"
)

// Index is the geometry of a set of comparable units that the analysis
// needs and that depends only on their boundaries: the adjacency graph and
// the distance index. Build it once per boundary version with NewIndex; it
// is immutable and safe for concurrent use.
type Index struct {
	opt    Options
	units  *boundary.Layer
	byCode map[string]int
	adj    [][]link // per unit (index into units.Features), sorted by code
	shapes []shape  // per unit, for distances
}

// link is one edge of the adjacency graph seen from one end.
type link struct {
	to       int
	sharedKM float64
}

// Neighbour is a unit adjacent to another, with the length of the border
// they share (the larger of the two directions, see the package doc).
type Neighbour struct {
	Code     string  `json:"code"`
	SharedKM float64 `json:"shared_km"`
}

// Edge is one edge of the adjacency graph, A < B.
type Edge struct {
	A, B     string
	SharedKM float64
}

// NewIndex builds the adjacency graph and the distance index of the units'
// polygons. Units without geometry are allowed and have no neighbours.
func NewIndex(units *boundary.Layer, opt Options) (*Index, error) {
	if units == nil {
		return nil, fmt.Errorf("gaps: no unit layer")
	}
	if err := opt.validate(); err != nil {
		return nil, err
	}
	x := &Index{opt: opt, units: units, byCode: make(map[string]int, len(units.Features))}
	for i, f := range units.Features {
		x.byCode[f.Code] = i
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		x.shapes = make([]shape, len(units.Features))
		for i, f := range units.Features {
			x.shapes[i] = newShape(f.Geometry)
		}
	}()
	x.adj = adjacency(units.Features, opt)
	wg.Wait()
	return x, nil
}

// Options returns the tolerances the index was built with.
func (x *Index) Options() Options { return x.opt }

// Neighbours returns the units adjacent to code, sorted by code; nil for an
// unknown code or a unit without polygon.
func (x *Index) Neighbours(code string) []Neighbour {
	i, ok := x.byCode[code]
	if !ok {
		return nil
	}
	out := make([]Neighbour, len(x.adj[i]))
	for k, l := range x.adj[i] {
		out[k] = Neighbour{Code: x.units.Features[l.to].Code, SharedKM: l.sharedKM}
	}
	return out
}

// Adjacent reports whether two units are neighbours.
func (x *Index) Adjacent(a, b string) bool {
	i, ok := x.byCode[a]
	j, ok2 := x.byCode[b]
	if !ok || !ok2 {
		return false
	}
	for _, l := range x.adj[i] {
		if l.to == j {
			return true
		}
	}
	return false
}

// Edges returns every edge of the adjacency graph, sorted by A then B.
func (x *Index) Edges() []Edge {
	var out []Edge
	for i, ls := range x.adj {
		for _, l := range ls {
			if l.to > i { // features are sorted by code
				out = append(out, Edge{A: x.units.Features[i].Code, B: x.units.Features[l.to].Code, SharedKM: l.sharedKM})
			}
		}
	}
	return out
}

// DistanceKM returns the great-circle distance between the boundaries of
// two units (0 when they touch or overlap); ok is false when either is
// unknown or has no polygon. Unlike the distances of Analyze it neither
// rounds nor applies TouchKM.
func (x *Index) DistanceKM(a, b string) (km float64, ok bool) {
	i, ok := x.byCode[a]
	j, ok2 := x.byCode[b]
	if !ok || !ok2 || x.shapes[i].empty() || x.shapes[j].empty() {
		return 0, false
	}
	if i == j {
		return 0, true
	}
	d, ok := x.unitDistance(i, j, math.Inf(1))
	return d.km(), ok
}

// cellTolerances is the size of a grid cell in tolerances.
const cellTolerances = 4

// segment is one boundary segment of a unit.
type segment struct {
	a, b orb.Point
	unit int32
}

// segmentGrid buckets segments by the grid cells their bounding box,
// widened by the tolerance, overlaps: a point's cell lists every segment
// that can lie within the tolerance of it.
type segmentGrid struct {
	minX, minY, cell float64
	nx, ny           int
	start            []int32 // CSR offsets, len nx*ny+1
	items            []int32 // segment indices
	segs             []segment
}

func newSegmentGrid(feats []boundary.Feature, bounds []orb.Bound, tol float64) *segmentGrid {
	g := &segmentGrid{}
	count := 0
	for _, f := range feats {
		for _, p := range f.Geometry {
			for _, r := range p {
				count += len(r)
			}
		}
	}
	g.segs = make([]segment, 0, count)
	var bound orb.Bound
	first := true
	for ui, f := range feats {
		for _, p := range f.Geometry {
			for _, r := range p {
				n := len(r)
				for k := 0; k < n; k++ {
					a, b := r[k], r[(k+1)%n]
					if a == b {
						continue
					}
					g.segs = append(g.segs, segment{a: a, b: b, unit: int32(ui)})
				}
			}
		}
		if len(f.Geometry) > 0 {
			if first {
				bound, first = bounds[ui], false
			} else {
				bound = bound.Union(bounds[ui])
			}
		}
	}
	// Cells of a few tolerances, coarser when the extent would need too many.
	g.cell = cellTolerances * tol
	w, h := bound.Max[0]-bound.Min[0]+2*tol, bound.Max[1]-bound.Min[1]+2*tol
	for (w/g.cell+1)*(h/g.cell+1) > 4e6 {
		g.cell *= 2
	}
	g.minX, g.minY = bound.Min[0]-tol, bound.Min[1]-tol
	g.nx, g.ny = int(w/g.cell)+1, int(h/g.cell)+1
	g.start = make([]int32, g.nx*g.ny+1)
	cells := func(s segment, visit func(c int)) {
		x0, x1 := g.col(math.Min(s.a[0], s.b[0])-tol), g.col(math.Max(s.a[0], s.b[0])+tol)
		y0, y1 := g.row(math.Min(s.a[1], s.b[1])-tol), g.row(math.Max(s.a[1], s.b[1])+tol)
		for y := y0; y <= y1; y++ {
			for x := x0; x <= x1; x++ {
				visit(y*g.nx + x)
			}
		}
	}
	// Count into start[c], sum up so that start[c] is the end of cell c,
	// then fill each cell backwards: start[c] ends at its beginning.
	for _, s := range g.segs {
		cells(s, func(c int) { g.start[c]++ })
	}
	for c := 1; c < len(g.start); c++ {
		g.start[c] += g.start[c-1]
	}
	g.items = make([]int32, g.start[len(g.start)-1])
	for i, s := range g.segs {
		cells(s, func(c int) { g.start[c]--; g.items[g.start[c]] = int32(i) })
	}
	return g
}

func (g *segmentGrid) col(x float64) int {
	return min(max(int((x-g.minX)/g.cell), 0), g.nx-1)
}

func (g *segmentGrid) row(y float64) int {
	return min(max(int((y-g.minY)/g.cell), 0), g.ny-1)
}

// near appends to out the units other than self with a segment within tol
// of p (each once).
func (g *segmentGrid) near(p orb.Point, self int32, tol2 float64, out []int32) []int32 {
	c := g.row(p[1])*g.nx + g.col(p[0])
	from := len(out)
	for _, si := range g.items[g.start[c]:g.start[c+1]] {
		s := &g.segs[si]
		if s.unit == self || contains(out[from:], s.unit) {
			continue
		}
		if pointSegmentDist2(p, s.a, s.b) <= tol2 {
			out = append(out, s.unit)
		}
	}
	return out
}

func contains(s []int32, v int32) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// pointSegmentDist2 is the squared planar distance from p to segment ab.
func pointSegmentDist2(p, a, b orb.Point) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	px, py := p[0]-a[0], p[1]-a[1]
	t := (px*dx + py*dy) / (dx*dx + dy*dy)
	t = min(max(t, 0), 1)
	ex, ey := px-t*dx, py-t*dy
	return ex*ex + ey*ey
}

// area is a polygon prepared for point-in-polygon tests.
type area struct {
	bound orb.Bound
	poly  orb.Polygon
}

// inside reports whether p lies inside any polygon (holes excluded).
func inside(areas []area, p orb.Point) bool {
	for _, a := range areas {
		if !a.bound.Contains(p) {
			continue
		}
		in := ringContains(a.poly[0], p)
		for _, h := range a.poly[1:] {
			if in && ringContains(h, p) {
				in = false
			}
		}
		if in {
			return true
		}
	}
	return false
}

// ringContains is the crossing-number test (points on the ring may go
// either way; callers only ask about points off every boundary).
func ringContains(r orb.Ring, p orb.Point) bool {
	in := false
	n := len(r)
	for i, j := 0, n-1; i < n; j, i = i, i+1 {
		a, b := r[i], r[j]
		if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < (b[0]-a[0])*(p[1]-a[1])/(b[1]-a[1])+a[0] {
			in = !in
		}
	}
	return in
}

// piece is a short stretch of a unit's boundary.
type piece struct {
	km   float64
	mid  orb.Point
	near [2]int32 // range in the ring's near list
}

// adjacency computes the graph: for every ring of every unit, the length of
// it that lies near or inside each other unit (see the package doc).
func adjacency(feats []boundary.Feature, opt Options) [][]link {
	n := len(feats)
	tol := opt.ToleranceDeg
	areas := make([][]area, n)
	raw := make([]orb.Bound, n)    // of each unit
	bounds := make([]orb.Bound, n) // padded by the tolerance
	for i, f := range feats {
		for _, p := range f.Geometry {
			if len(p) == 0 {
				continue
			}
			a := area{bound: p.Bound(), poly: p}
			areas[i] = append(areas[i], a)
			if len(areas[i]) == 1 {
				raw[i] = a.bound
			} else {
				raw[i] = raw[i].Union(a.bound)
			}
		}
		bounds[i] = raw[i].Pad(tol)
	}
	grid := newSegmentGrid(feats, raw, tol)
	contact := make([][]float64, n) // contact[a][b]: km of a's boundary near or inside b
	workers := min(runtime.GOMAXPROCS(0), max(n, 1))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var pieces []piece
			var nearList []int32
			for a := range next {
				row := make([]float64, n)
				for _, p := range feats[a].Geometry {
					for _, r := range p {
						pieces, nearList = ringPieces(grid, r, int32(a), tol, pieces[:0], nearList[:0])
						ringContact(pieces, nearList, r.Bound().Pad(tol), a, bounds, areas, row)
					}
				}
				contact[a] = row
			}
		}()
	}
	for a := range feats {
		next <- a
	}
	close(next)
	wg.Wait()
	adj := make([][]link, n)
	for a := 0; a < n; a++ {
		for b := a + 1; b < n; b++ {
			if s := max(contact[a][b], contact[b][a]); s > 0 && s >= opt.MinSharedKM {
				adj[a] = append(adj[a], link{to: b, sharedKM: s})
				adj[b] = append(adj[b], link{to: a, sharedKM: s})
			}
		}
	}
	for _, ls := range adj {
		sort.Slice(ls, func(i, j int) bool { return ls[i].to < ls[j].to })
	}
	return adj
}

// ringPieces cuts a ring into pieces no longer than tol and finds, for each,
// the other units whose boundary lies within tol of its midpoint.
func ringPieces(g *segmentGrid, r orb.Ring, self int32, tol float64, pieces []piece, nearList []int32) ([]piece, []int32) {
	n := len(r)
	tol2 := tol * tol
	for k := 0; k < n; k++ {
		a, b := r[k], r[(k+1)%n]
		if a == b {
			continue
		}
		dx, dy := b[0]-a[0], b[1]-a[1]
		steps := max(1, int(math.Ceil(math.Hypot(dx, dy)/tol)))
		km := geo.DistanceHaversine(a, b) / 1000 / float64(steps)
		for s := 0; s < steps; s++ {
			t := (float64(s) + 0.5) / float64(steps)
			mid := orb.Point{a[0] + t*dx, a[1] + t*dy}
			from := int32(len(nearList))
			nearList = g.near(mid, self, tol2, nearList)
			pieces = append(pieces, piece{km: km, mid: mid, near: [2]int32{from, int32(len(nearList))}})
		}
	}
	return pieces, nearList
}

// ringContact adds to row[b] the length of the ring's pieces that lie near
// unit b's boundary or inside b. Whether a piece is inside b can only change
// where the ring crosses b's boundary, and a crossing makes a piece near b
// (pieces are no longer than the tolerance), so one point-in-polygon test per
// run of pieces not near b is enough.
func ringContact(pieces []piece, nearList []int32, rb orb.Bound, self int, bounds []orb.Bound, areas [][]area, row []float64) {
	for b := range bounds {
		if b == self || len(areas[b]) == 0 || !bounds[b].Intersects(rb) {
			continue
		}
		var total float64
		run, in := false, false
		for _, p := range pieces {
			if contains(nearList[p.near[0]:p.near[1]], int32(b)) {
				total += p.km
				run = false
				continue
			}
			if !run {
				run, in = true, inside(areas[b], p.mid)
			}
			if in {
				total += p.km
			}
		}
		row[b] += total
	}
}
