package layer

import (
	"math"
	"strconv"
	"sync/atomic"

	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"golang.org/x/sync/singleflight"

	"pilotmap/internal/boundary"
)

// level is the geometry of every layer at one zoom.
type level struct {
	zoom     int
	decimals int
	shapes   [][]Shape       // per layer, in feature (code) order
	bumped   map[int32]int   // vertices rounded to more decimals to keep a feature visible
	rescued  map[string]bool // "layer/code" of features kept by a finer simplification
}

// maxDecimals is the most decimals a coordinate gets, even when a feature
// is kept visible by rounding finer than its zoom's Decimals.
const maxDecimals = 6

// levelFor returns the geometry of a zoom (clamped to 0..DataZoom),
// building it on first use (see KeepZoom).
func (t *Topology) levelFor(zoom int) *level {
	z := min(max(zoom, 0), DataZoom)
	return t.levels.get(z, t.buildLevel)
}

// levelCache keeps the built levels: zooms 0..KeepZoom for good, the
// FineLevels most recently used of the zooms above in an LRU. A level is
// built once however many goroutines ask at once (singleflight); a build
// that panics panics in the goroutines that asked and leaves nothing
// behind, so the next request builds it again. A level evicted while used
// still serves whoever holds it.
type levelCache struct {
	kept   [KeepZoom + 1]atomic.Pointer[level]
	fine   *lru.Cache[int, *level]
	flight singleflight.Group
}

func newLevelCache() *levelCache {
	fine, _ := lru.New[int, *level](FineLevels) // FineLevels > 0: no error
	return &levelCache{fine: fine}
}

func (c *levelCache) lookup(z int) *level {
	if z <= KeepZoom {
		return c.kept[z].Load()
	}
	l, _ := c.fine.Get(z)
	return l
}

func (c *levelCache) get(z int, build func(int) *level) *level {
	if l := c.lookup(z); l != nil {
		return l
	}
	v, _, _ := c.flight.Do(strconv.Itoa(z), func() (any, error) {
		if l := c.lookup(z); l != nil {
			return l, nil
		}
		l := build(z)
		if z <= KeepZoom {
			c.kept[z].Store(l)
		} else {
			c.fine.Add(z, l)
		}
		return l, nil
	})
	return v.(*level)
}

// levelBuilder simplifies and rounds the arcs for one zoom and assembles
// the features from them.
type levelBuilder struct {
	t        *Topology
	tol2     float64                  // squared tolerance (zoom-0 pixels²)
	dec      int                      // decimals
	arcTol2  map[int32]float64        // finer tolerance for some arcs
	vertDec  map[int32]int            // more decimals for some vertices
	arcPts   [][]orb.Point            // simplified, rounded arcs
	tolSteps map[int32]int            // arc → tolerance steps taken to untangle it
	forced   map[int32]map[int32]bool // arc → indices of vertices kept to untangle it
	pow      [maxDecimals + 1]float64
}

func (t *Topology) buildLevel(z int) *level {
	return t.buildLevelWith(z, Tolerance(z)*Tolerance(z), Decimals(z))
}

// buildLevelWith builds a level with a squared tolerance (< 0: keep every
// vertex) and decimals (< 0: exact grid coordinates, no rescue by
// rounding).
func (t *Topology) buildLevelWith(z int, tol2 float64, dec int) *level {
	lb := &levelBuilder{
		t:        t,
		tol2:     tol2,
		dec:      dec,
		arcTol2:  make(map[int32]float64),
		vertDec:  make(map[int32]int),
		arcPts:   make([][]orb.Point, len(t.arcs)),
		tolSteps: make(map[int32]int),
		forced:   make(map[int32]map[int32]bool),
	}
	for i := range lb.pow {
		lb.pow[i] = math.Pow10(i)
	}
	lv := &level{zoom: z, decimals: lb.dec, rescued: make(map[string]bool)}
	lb.simplifyArcs()
	lb.untangle()
	for pass := 0; ; pass++ {
		lv.shapes = make([][]Shape, len(t.layers))
		var vanished [][2]int
		for li, tl := range t.layers {
			if tl.src == nil {
				continue
			}
			shapes := make([]Shape, len(tl.feats))
			for fi := range tl.feats {
				shapes[fi] = Shape{Feature: tl.src.Features[fi], Geometry: lb.feature(&tl.feats[fi])}
				if len(shapes[fi].Geometry) == 0 && len(tl.feats[fi].polys) > 0 {
					vanished = append(vanished, [2]int{li, fi})
				}
			}
			lv.shapes[li] = shapes
		}
		if len(vanished) == 0 || pass == 8 {
			break
		}
		// Keep every feature visible: simplify the arcs of its largest
		// polygon's outer ring more finely (for every feature sharing
		// them, so neighbours still meet) until the ring survives.
		for _, v := range vanished {
			tl := t.layers[v[0]]
			lb.rescue(&tl.feats[v[1]])
			lv.rescued[tl.name+"/"+tl.src.Features[v[1]].Code] = true
		}
		lb.simplifyArcs()
		lb.untangle()
	}
	for li := range lv.shapes {
		for i := range lv.shapes[li] {
			s := &lv.shapes[li][i]
			s.Bound = s.Geometry.Bound()
			s.Label = lb.label(s.Feature.Label, s.Geometry)
		}
	}
	lv.bumped = lb.vertDec
	return lv
}

// simplifyArcs keeps the vertices of each arc significant at its
// tolerance and rounds them; all arcs share one backing array.
func (lb *levelBuilder) simplifyArcs() {
	total := 0
	for a := range lb.t.arcs {
		total += lb.keptCount(int32(a))
	}
	buf := make([]orb.Point, 0, total)
	for a, arc := range lb.t.arcs {
		tol2 := lb.arcTolerance(int32(a))
		s := len(buf)
		forced := lb.forced[int32(a)]
		for i, v := range arc.verts {
			if arc.sig[i] > tol2 || forced[int32(i)] {
				buf = append(buf, lb.point(v))
			}
		}
		lb.arcPts[a] = buf[s:len(buf):len(buf)]
	}
}

func (lb *levelBuilder) arcTolerance(a int32) float64 {
	if v, ok := lb.arcTol2[a]; ok {
		return v
	}
	return lb.tol2
}

func (lb *levelBuilder) keptCount(a int32) int {
	tol2, n := lb.arcTolerance(a), 0
	for _, s := range lb.t.arcs[a].sig {
		if s > tol2 {
			n++
		}
	}
	return n + len(lb.forced[a]) // an upper bound
}

// point is a vertex in lon/lat rounded to its decimals.
func (lb *levelBuilder) point(v int32) orb.Point {
	d := lb.dec
	if b, ok := lb.vertDec[v]; ok {
		d = b
	}
	p := lb.t.verts[v]
	if d < 0 {
		return orb.Point{float64(p.x) / gridScale, float64(p.y) / gridScale}
	}
	return orb.Point{roundTo(float64(p.x)/gridScale, lb.pow[d]), roundTo(float64(p.y)/gridScale, lb.pow[d])}
}

// roundTo rounds v to a multiple of 1/pow (pow a power of ten); the result
// is the float64 nearest to that decimal, so it prints with at most that
// many decimals.
func roundTo(v, pow float64) float64 { return math.Round(v*pow) / pow }

// ring assembles a ring from its arcs; nil if it collapsed to fewer than
// three distinct points.
func (lb *levelBuilder) ring(refs []arcRef) orb.Ring {
	n := 0
	for _, ref := range refs {
		n += len(lb.arcPts[arcIndex(ref)])
	}
	r := make([]orb.Point, 0, n+1)
	push := func(p orb.Point) {
		if len(r) == 0 || r[len(r)-1] != p {
			r = append(r, p)
		}
	}
	for _, ref := range refs {
		pts := lb.arcPts[arcIndex(ref)]
		if ref >= 0 {
			for _, p := range pts {
				push(p)
			}
		} else {
			for i := len(pts) - 1; i >= 0; i-- {
				push(pts[i])
			}
		}
	}
	r = cleanRing(r)
	if len(r) < 3 {
		return nil
	}
	return append(orb.Ring(r), r[0])
}

func arcIndex(ref arcRef) int32 {
	if ref < 0 {
		return ^ref
	}
	return ref
}

// signedArea is the shoelace area of a closed ring, positive when
// counter-clockwise (lon/lat).
func signedArea(r orb.Ring) float64 {
	var s float64
	for i := 0; i+1 < len(r); i++ {
		s += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return s / 2
}

// feature assembles a feature; polygons whose outer ring collapsed or
// turned clockwise are dropped, as are such holes.
func (lb *levelBuilder) feature(f *topoFeature) orb.MultiPolygon {
	var mp orb.MultiPolygon
	for _, poly := range f.polys {
		outer := lb.ring(poly[0])
		if outer == nil || signedArea(outer) <= 0 {
			continue
		}
		p := orb.Polygon{outer}
		for _, h := range poly[1:] {
			if r := lb.ring(h); r != nil && signedArea(r) < 0 {
				p = append(p, r)
			}
		}
		mp = append(mp, p)
	}
	return mp
}

// rescue refines the arcs of the outer ring of f's largest polygon until
// that ring survives: the tolerance shrinks fourfold and the vertices get
// one more decimal per step, up to maxDecimals and no tolerance at all.
func (lb *levelBuilder) rescue(f *topoFeature) {
	best := 0
	for i, a := range f.polyArea {
		if a > f.polyArea[best] {
			best = i
		}
	}
	refs := f.polys[best][0]
	baseTol := lb.tol2
	for _, ref := range refs {
		baseTol = min(baseTol, lb.arcTolerance(arcIndex(ref)))
	}
	for k := 1; ; k++ {
		tol2 := baseTol * math.Pow(4, -float64(k))
		if k >= 24 {
			tol2 = -1 // keep every vertex
		}
		dec := min(lb.dec+k, maxDecimals)
		if lb.dec < 0 {
			dec = -1
		}
		for _, ref := range refs {
			a := arcIndex(ref)
			lb.arcTol2[a] = min(lb.arcTolerance(a), tol2)
			if dec >= 0 {
				for _, v := range lb.t.arcs[a].verts {
					lb.vertDec[v] = max(lb.vertDec[v], dec)
				}
			}
		}
		for _, ref := range refs {
			lb.resimplifyArc(arcIndex(ref))
		}
		if r := lb.ring(refs); (r != nil && signedArea(r) > 0) || tol2 < 0 {
			return
		}
	}
}

// resimplifyArc recomputes one arc (with its own storage).
func (lb *levelBuilder) resimplifyArc(a int32) {
	arc := lb.t.arcs[a]
	tol2 := lb.arcTolerance(a)
	pts := make([]orb.Point, 0, lb.keptCount(a))
	forced := lb.forced[a]
	for i, v := range arc.verts {
		if arc.sig[i] > tol2 || forced[int32(i)] {
			pts = append(pts, lb.point(v))
		}
	}
	lb.arcPts[a] = pts
}

// label returns the source label point, rounded to the zoom's decimals,
// when that lies inside the simplified geometry, else a point inside it.
func (lb *levelBuilder) label(src orb.Point, mp orb.MultiPolygon) orb.Point {
	if len(mp) == 0 {
		return src
	}
	if lb.dec < 0 {
		if planar.MultiPolygonContains(mp, src) {
			return src
		}
		return boundary.LabelPoint(mp)
	}
	r := orb.Point{roundTo(src[0], lb.pow[lb.dec]), roundTo(src[1], lb.pow[lb.dec])}
	if planar.MultiPolygonContains(mp, r) {
		return r
	}
	if planar.MultiPolygonContains(mp, src) {
		return src
	}
	return boundary.LabelPoint(mp)
}
