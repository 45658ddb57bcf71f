package layer

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/paulmach/orb/planar"

	"pilotmap/internal/boundary"
)

// Layer names a Topology serves.
const (
	Provinces = "provinces"
	Units     = "units"
	Nanhai    = "nanhai"
)

// MaxZoom is the highest zoom the layers are served for.
const MaxZoom = 18

// DataZoom is the finest zoom with its own simplification: at zoom 12 one
// pixel is about a third of the data's 1/1024° grid, so the simplification
// removes little more than collinear points. Zooms DataZoom+1..MaxZoom
// reuse its geometry.
const DataZoom = 12

// KeepZoom is the finest zoom whose geometry, once built, is kept for the
// Topology's lifetime: zooms 0..KeepZoom (those the web map fetches) take
// about 14 MB together. The finer zooms are large (z=10 ~8 MB, z=11 ~11 MB,
// z=12 ~13 MB) and asked for by few clients (tiles beyond z=9, OGC items,
// downloads): only the FineLevels most recently used of them are kept, and
// one evicted is built again on its next use (z=12 in ~120 ms with the
// validity check of untangle.go, BenchmarkLevel).
const KeepZoom = 9

// FineLevels is how many of the zooms KeepZoom+1..DataZoom a Topology
// keeps built at once.
const FineLevels = 2

// SnapTolerance is how close, in steps of the 1/1024° grid of the boundary
// data, a vertex must be to another feature's vertex or edge to be snapped
// onto it (1.5 steps: the 8 neighbouring grid points, ≈ 150 m).
const SnapTolerance = 1.5

// gridScale is the grid the topology works on: the compact format's.
const gridScale = boundary.CompactScale

// Topology holds the boundary layers as shared arcs: every stretch of
// border between two junctions is stored (and simplified) once, so
// neighbouring features keep meeting exactly at every zoom.
//
// A Topology is built once (NewTopology) and is safe for concurrent use;
// the geometry of a zoom is built on first use and kept (zooms above
// KeepZoom: while among the FineLevels most recently used).
type Topology struct {
	layers      []topoLayer
	verts       []gridPt             // vertex → grid point
	arcs        []arc                // shared borders, junction to junction
	arcFeats    [][]int32            // arc → the features (numbered over all layers) whose rings use it
	twoArcRings map[[2]int32][]int32 // the arcs (lower index first) of rings made of two arcs → their features
	levels      *levelCache          // the geometry per zoom
	stats       TopologyStats
}

// TopologyStats describes how a Topology was built.
type TopologyStats struct {
	Vertices      int           // distinct vertices after snapping
	Arcs          int           // shared arcs
	Rings         int           // rings of all layers
	Snapped       int           // grid points moved onto a neighbour's vertex
	Inserted      int           // vertices inserted into a neighbour's edge
	DroppedRings  int           // rings that degenerated while snapping
	BuildDuration time.Duration // time NewTopology took
}

// gridPt is a point on the 1/1024° grid.
type gridPt struct{ x, y int32 }

func (p gridPt) less(q gridPt) bool { return p.x < q.x || (p.x == q.x && p.y < q.y) }

// arcRef refers to an arc: i ≥ 0 forward, ^i (negative) reversed.
type arcRef = int32

// arc is a shared border between two junctions (or a whole ring without
// junctions, first vertex repeated at the end).
type arc struct {
	verts []int32   // vertex ids, both ends included
	sig   []float64 // squared Douglas–Peucker significance per vertex (Web Mercator, zoom-0 pixels²)
}

type topoLayer struct {
	name   string
	src    *boundary.Layer
	byCode map[string]int
	feats  []topoFeature
}

type topoFeature struct {
	polys    [][][]arcRef // polygon → ring (outer first) → arcs
	polyArea []float64    // planar area of each polygon's outer ring, to choose one to keep
	polySrc  []int32      // index of each polygon in the source feature
}

// NewTopology snaps the layers of set onto each other, splits their rings
// into shared arcs and prepares the per-zoom simplification. Layers
// missing from set are served empty.
//
// Snapping works on the units layer and the provinces that have no units
// (Taiwan, Hong Kong, Macao): a grid point within SnapTolerance of a point
// of another feature moves onto it (points used by more rings win), then a
// point within SnapTolerance of another feature's edge is inserted into
// that edge. The same moves and insertions apply to every ring of every
// layer, so the provinces (dissolved from the units) and the nanhai islands
// keep sharing their vertices with the units. Rings are then cleaned of
// repeated points, spikes and tiny loops pinched off at one point (under
// maxLoopArea2/2 grid steps², slivers snapping leaves behind).
//
// Each ring is split into arcs at junctions — vertices with more than two
// distinct neighbours over all rings, where the set of rings along a
// border changes; a ring without any starts at its smallest vertex — and
// each distinct arc is stored once with the Douglas–Peucker significance
// of its vertices (in Web Mercator), so every zoom simplifies each arc
// once, the same for all the features along it.
//
// Limits: gaps and overlaps wider than SnapTolerance stay as they are in
// the data (their borders are simplified separately, each still meeting
// the rest at junctions); Douglas–Peucker can make two different arcs
// cross by up to a pixel.
func NewTopology(set *boundary.Set) (*Topology, error) {
	start := time.Now()
	if set == nil {
		return nil, fmt.Errorf("topology: no boundary set")
	}
	t := &Topology{levels: newLevelCache()}
	src := []struct {
		name string
		l    *boundary.Layer
	}{{Provinces, set.Provinces}, {Units, set.Units}, {Nanhai, set.Nanhai}}

	npoints := 0
	for _, s := range src {
		if s.l != nil {
			for _, f := range s.l.Features {
				for _, p := range f.Geometry {
					for _, r := range p {
						npoints += len(r)
					}
				}
			}
		}
	}
	b := newSnapBuilder(npoints)
	var withUnits map[string]bool
	if set.Units != nil {
		withUnits = make(map[string]bool)
		for _, f := range set.Units.Features {
			withUnits[f.ProvinceCode] = true
		}
	}
	for li, s := range src {
		tl := topoLayer{name: s.name, src: s.l}
		if s.l != nil {
			tl.byCode = make(map[string]int, len(s.l.Features))
			tl.feats = make([]topoFeature, len(s.l.Features))
			for fi, f := range s.l.Features {
				tl.byCode[f.Code] = fi
				primary := s.name == Units || (s.name == Provinces && !withUnits[f.Code])
				fid := int32(-1)
				if primary {
					fid = b.newFeature()
				}
				for pi, p := range f.Geometry {
					for ri, r := range p {
						if err := b.addRing(ringID{int32(li), int32(fi), int32(pi), int32(ri)}, fid, r); err != nil {
							return nil, fmt.Errorf("topology: %s %s: %w", s.name, f.Code, err)
						}
					}
				}
			}
		}
		t.layers = append(t.layers, tl)
	}

	rings := b.snap()
	t.stats.Snapped, t.stats.Inserted, t.stats.DroppedRings = b.snapped, b.inserted, b.dropped
	t.buildArcs(b.pts, rings)
	t.stats.BuildDuration = time.Since(start)
	return t, nil
}

// featureNumber numbers a feature over all layers.
func (t *Topology) featureNumber(layer, feat int32) int32 {
	n := feat
	for _, tl := range t.layers[:layer] {
		n += int32(len(tl.feats))
	}
	return n
}

// Stats reports how the topology was built.
func (t *Topology) Stats() TopologyStats { return t.stats }

// buildArcs renumbers the vertices in use, finds the junctions, splits the
// rings into arcs and attaches them to the features.
func (t *Topology) buildArcs(pts []gridPt, rings []snapRing) {
	// Compact vertex ids in order of first use.
	newID := make([]int32, len(pts))
	for i := range newID {
		newID[i] = -1
	}
	for _, r := range rings {
		for i, p := range r.pids {
			if newID[p] < 0 {
				newID[p] = int32(len(t.verts))
				t.verts = append(t.verts, pts[p])
			}
			r.pids[i] = newID[p]
		}
	}
	nv := len(t.verts)

	// A junction is a vertex with more than two distinct neighbours: there
	// the set of rings along the border changes.
	n1 := make([]int32, nv)
	n2 := make([]int32, nv)
	for i := range n1 {
		n1[i], n2[i] = -1, -1
	}
	junction := make([]bool, nv)
	see := func(v, w int32) {
		switch {
		case n1[v] == w || n2[v] == w:
		case n1[v] < 0:
			n1[v] = w
		case n2[v] < 0:
			n2[v] = w
		default:
			junction[v] = true
		}
	}
	for _, r := range rings {
		n := len(r.pids)
		for i, v := range r.pids {
			see(v, r.pids[(i+n-1)%n])
			see(v, r.pids[(i+1)%n])
		}
	}
	// A ring without junctions is shared whole (or not at all): its
	// smallest vertex starts it, the same for every ring along it.
	for _, r := range rings {
		has := false
		for _, v := range r.pids {
			if junction[v] {
				has = true
				break
			}
		}
		if !has {
			m := r.pids[0]
			for _, v := range r.pids[1:] {
				if t.verts[v].less(t.verts[m]) {
					m = v
				}
			}
			junction[m] = true
		}
	}

	merc := make([]pointXY, nv)
	for i, p := range t.verts {
		merc[i] = mercator(float64(p.x)/gridScale, float64(p.y)/gridScale)
	}

	// Arcs by their first directed edge; the reverse of an arc is found by
	// its last edge reversed.
	byEdge := make(map[uint64]arcRef)
	edgeKey := func(a, b int32) uint64 { return uint64(uint32(a))<<32 | uint64(uint32(b)) }
	for _, r := range rings {
		pids := r.pids
		n := len(pids)
		first := 0
		for !junction[pids[first]] {
			first++
		}
		refs := make([]arcRef, 0, 4)
		for i := 0; i < n; {
			s := first + i
			j := i + 1
			for j < n && !junction[pids[(first+j)%n]] {
				j++
			}
			a, b := pids[s%n], pids[(s+1)%n]
			ref, ok := byEdge[edgeKey(a, b)]
			if !ok {
				verts := make([]int32, 0, j-i+1)
				for k := i; k <= j; k++ {
					verts = append(verts, pids[(first+k)%n])
				}
				ref = arcRef(len(t.arcs))
				t.arcs = append(t.arcs, arc{verts: verts, sig: significance(verts, merc)})
				byEdge[edgeKey(a, b)] = ref
				m := len(verts)
				byEdge[edgeKey(verts[m-1], verts[m-2])] = ^ref
			}
			refs = append(refs, ref)
			i = j
		}
		fnum := t.featureNumber(r.id.layer, r.id.feat)
		if len(refs) == 2 {
			if t.twoArcRings == nil {
				t.twoArcRings = make(map[[2]int32][]int32)
			}
			a, b := arcIndex(refs[0]), arcIndex(refs[1])
			k := [2]int32{min(a, b), max(a, b)}
			t.twoArcRings[k] = append(t.twoArcRings[k], fnum)
		}
		for _, ref := range refs {
			a := arcIndex(ref)
			for int(a) >= len(t.arcFeats) {
				t.arcFeats = append(t.arcFeats, nil)
			}
			if !slices.Contains(t.arcFeats[a], fnum) {
				t.arcFeats[a] = append(t.arcFeats[a], fnum)
			}
		}
		f := &t.layers[r.id.layer].feats[r.id.feat]
		if r.id.ring == 0 {
			f.polys = append(f.polys, [][]arcRef{refs})
			f.polyArea = append(f.polyArea, math.Abs(planar.Area(t.layers[r.id.layer].src.Features[r.id.feat].Geometry[r.id.poly][0])))
			f.polySrc = append(f.polySrc, r.id.poly)
		} else if k := len(f.polys) - 1; k >= 0 && f.polySrc[k] == r.id.poly {
			f.polys[k] = append(f.polys[k], refs)
		} // else: a hole whose outer ring degenerated while snapping
	}
	t.stats.Vertices = nv
	t.stats.Arcs = len(t.arcs)
	t.stats.Rings = len(rings)
}
