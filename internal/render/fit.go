package render

import (
	"math"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"

	"pilotmap/internal/layer"
)

// mainFrameMinLat is the southern edge of the national map's main frame:
// polygons lying wholly south of it (the South China Sea islands, from
// 西沙 southwards) are shown in the inset instead, as Chinese maps do.
// Hainan Island reaches down to 18.15°N.
const mainFrameMinLat = 17.5

// pageProj maps lon/lat to page coordinates: an Albers projection scaled
// by k (page units per metre) and moved by (ox, oy), y downwards.
type pageProj struct {
	a      Albers
	k      float64
	ox, oy float64
}

func (p pageProj) point(lon, lat float64) (float64, float64) {
	x, y := p.a.Project(lon, lat)
	return p.ox + p.k*x, p.oy - p.k*y
}

// multiPolygon projects the polygons of mp that keep accepts (nil: all).
func (p pageProj) multiPolygon(mp orb.MultiPolygon, keep func(orb.Polygon) bool) orb.MultiPolygon {
	out := make(orb.MultiPolygon, 0, len(mp))
	for _, poly := range mp {
		if keep != nil && !keep(poly) {
			continue
		}
		q := make(orb.Polygon, len(poly))
		for i, ring := range poly {
			r := make(orb.Ring, len(ring))
			for j, pt := range ring {
				r[j][0], r[j][1] = p.point(pt[0], pt[1])
			}
			q[i] = r
		}
		out = append(out, q)
	}
	return out
}

// inMainFrame keeps the polygons that reach north of mainFrameMinLat.
func inMainFrame(poly orb.Polygon) bool {
	if len(poly) == 0 {
		return false
	}
	return poly[0].Bound().Max[1] >= mainFrameMinLat
}

// clipTo clips page geometry to a box (orb's clip works in place; the
// geometry is the renderer's own copy).
func clipTo(mp orb.MultiPolygon, b box) orb.MultiPolygon {
	return clip.MultiPolygon(orb.Bound{Min: orb.Point{b.x0, b.y0}, Max: orb.Point{b.x1, b.y1}}, mp)
}

// zoomFor picks the zoom of internal/layer whose simplification matches
// the page: one Web Mercator pixel of the zoom (its tolerance) no larger
// than about two thirds of a size unit at latitude lat, so simplification
// never shows and the file stays small. Callers pass k divided by the
// page's size unit: on the A4 page (300 dpi) a unit is two page units,
// 0.17 mm, far under what print shows.
func zoomFor(a Albers, k, lat float64) int {
	pagePerMetre := k * a.ParallelScale(lat)
	mercPerMetre := 256 / (2 * math.Pi * 6378137 * math.Cos(rad(lat)))
	z := int(math.Ceil(math.Log2(1.5 * pagePerMetre / mercPerMetre)))
	return min(max(z, 0), layer.DataZoom)
}

// fitProblem is where a map must go: every point (projected metres, y
// north) inside frame and outside every obstacle.
type fitProblem struct {
	pts       [][2]float64
	frame     box
	obstacles []box
}

// fit finds the largest scale at which the points fit the frame while
// avoiding the obstacles, and the offset closest to the frame's middle at
// that scale (after giving back 2 % of the scale for air). Offsets are
// tried on a grid, so the result is close to but not exactly the largest
// scale. When even a third of the free scale does not avoid the
// obstacles, it ignores them.
func (f fitProblem) fit() (k, ox, oy float64) {
	if len(f.pts) == 0 {
		return 1, f.frame.x0, f.frame.y1
	}
	minx, miny, maxx, maxy := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range f.pts {
		minx, maxx = math.Min(minx, p[0]), math.Max(maxx, p[0])
		miny, maxy = math.Min(miny, p[1]), math.Max(maxy, p[1])
	}
	kmax := math.Min(f.frame.w()/math.Max(maxx-minx, 1e-9), f.frame.h()/math.Max(maxy-miny, 1e-9))
	feasible := func(k float64) (float64, float64, bool) {
		ox0, ox1 := f.frame.x0-k*minx, f.frame.x1-k*maxx
		oy0, oy1 := f.frame.y0+k*maxy, f.frame.y1+k*miny
		if ox1 < ox0 || oy1 < oy0 {
			return 0, 0, false
		}
		const n = 11
		type cand struct{ x, y, d float64 }
		cands := make([]cand, 0, n*n)
		cx, cy := (ox0+ox1)/2, (oy0+oy1)/2
		for i := range n {
			for j := range n {
				x := ox0 + (ox1-ox0)*float64(i)/(n-1)
				y := oy0 + (oy1-oy0)*float64(j)/(n-1)
				cands = append(cands, cand{x, y, math.Hypot((x-cx)/math.Max(f.frame.w(), 1), (y-cy)/math.Max(f.frame.h(), 1))})
			}
		}
		sort.SliceStable(cands, func(a, b int) bool { return cands[a].d < cands[b].d })
	next:
		for _, c := range cands {
			for _, p := range f.pts {
				x, y := c.x+k*p[0], c.y-k*p[1]
				for _, o := range f.obstacles {
					if o.contains(x, y) {
						continue next
					}
				}
			}
			return c.x, c.y, true
		}
		return 0, 0, false
	}
	lo, hi := kmax/3, kmax
	if _, _, ok := feasible(lo); !ok {
		k = kmax
		return k, f.frame.x0 - k*minx + (f.frame.w()-k*(maxx-minx))/2, f.frame.y0 + k*maxy + (f.frame.h()-k*(maxy-miny))/2
	}
	if _, _, ok := feasible(hi); ok {
		lo = hi
	}
	for range 16 {
		mid := (lo + hi) / 2
		if _, _, ok := feasible(mid); ok {
			lo = mid
		} else {
			hi = mid
		}
	}
	k = lo * 0.98
	ox, oy, ok := feasible(k)
	if !ok {
		k = lo
		ox, oy, _ = feasible(k)
	}
	return k, ox, oy
}

// outerPoints collects the outer rings' vertices of the polygons keep
// accepts, projected to metres, at most limit of them (evenly thinned).
func outerPoints(a Albers, shapes []layer.Shape, keep func(orb.Polygon) bool, limit int) [][2]float64 {
	var pts [][2]float64
	for _, s := range shapes {
		for _, poly := range s.Geometry {
			if len(poly) == 0 || (keep != nil && !keep(poly)) {
				continue
			}
			for _, p := range poly[0] {
				x, y := a.Project(p[0], p[1])
				pts = append(pts, [2]float64{x, y})
			}
		}
	}
	if len(pts) <= limit || limit <= 0 {
		return pts
	}
	out := make([][2]float64, 0, limit)
	step := float64(len(pts)) / float64(limit)
	for i := 0.0; int(i) < len(pts); i += step {
		out = append(out, pts[int(i)])
	}
	return out
}
