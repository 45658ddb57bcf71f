package layer

import "math"

// significance computes, for each vertex of an arc, the largest
// Douglas–Peucker tolerance (squared, in the units of proj) at which the
// vertex is kept: running Douglas–Peucker with tolerance tol keeps exactly
// the vertices with sig > tol². The ends are always kept (+Inf).
//
// Doing the recursion once per arc makes simplifying the arc for any zoom a
// linear filter, and the same filter for every feature sharing the arc.
// For a closed arc (first vertex = last) the first split is the vertex
// farthest from that point.
func significance(verts []int32, proj []pointXY) []float64 {
	n := len(verts)
	sig := make([]float64, n)
	sig[0], sig[n-1] = math.Inf(1), math.Inf(1)
	type span struct {
		lo, hi int
		cap    float64
	}
	stack := []span{{0, n - 1, math.Inf(1)}}
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if s.hi-s.lo < 2 {
			continue
		}
		a, b := proj[verts[s.lo]], proj[verts[s.hi]]
		best, bestD := -1, -1.0
		for k := s.lo + 1; k < s.hi; k++ {
			if d := segDist2(proj[verts[k]], a, b); d > bestD {
				best, bestD = k, d
			}
		}
		d := min(bestD, s.cap)
		sig[best] = d
		stack = append(stack, span{s.lo, best, d}, span{best, s.hi, d})
	}
	return sig
}

// pointXY is a projected point.
type pointXY struct{ x, y float64 }

// segDist2 is the squared distance from p to the segment a–b.
func segDist2(p, a, b pointXY) float64 {
	dx, dy := b.x-a.x, b.y-a.y
	px, py := p.x-a.x, p.y-a.y
	if l2 := dx*dx + dy*dy; l2 > 0 {
		t := (px*dx + py*dy) / l2
		switch {
		case t >= 1:
			px, py = p.x-b.x, p.y-b.y
		case t > 0:
			px, py = px-t*dx, py-t*dy
		}
	}
	return px*px + py*py
}

// Tolerance is the simplification tolerance at a zoom in Web Mercator
// pixels of zoom 0 (the world 256 pixels wide): one pixel at that zoom.
func Tolerance(zoom int) float64 {
	return math.Ldexp(1, -min(max(zoom, 0), DataZoom))
}

// Decimals is the number of decimals lon/lat coordinates are rounded to at
// a zoom: ceil(log10(256·2^z/360))+1, at most 6 — about a tenth of a
// pixel. Zooms above DataZoom use DataZoom's.
func Decimals(zoom int) int {
	z := min(max(zoom, 0), DataZoom)
	d := int(math.Ceil(math.Log10(256*math.Ldexp(1, z)/360))) + 1
	return min(max(d, 1), 6)
}

// mercator projects lon/lat to Web Mercator pixels at zoom 0 (the world
// is 256 pixels wide, y grows southwards).
func mercator(lon, lat float64) pointXY {
	s := math.Sin(lat * math.Pi / 180)
	return pointXY{(lon + 180) / 360 * 256, (0.5 - math.Log((1+s)/(1-s))/(4*math.Pi)) * 256}
}
