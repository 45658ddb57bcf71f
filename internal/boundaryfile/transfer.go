package boundaryfile

import (
	"math"
	"slices"
	"sort"

	"github.com/paulmach/orb"

	"pilotmap/internal/boundary"
)

// scanStep is the spacing (degrees) of the horizontal lines along which
// transfers compares two layers: about 2.2 km, so a territory of a few
// hundred km² crosses dozens of lines.
const scanStep = 0.02

// kmPerDegree is the length of a degree of latitude (and of longitude at
// the equator) on the mean Earth sphere.
const kmPerDegree = 6371.0088 * math.Pi / 180

type span struct {
	x0, x1 float64
	code   string
}

// transfers measures territory that lies in one comparable unit in the
// boundaries in use (before) and in another one in the file's (after):
// along horizontal lines scanStep apart, it intersects the inside stretches
// of the units of both layers, weighting each overlap by the line spacing
// and the cosine of the latitude. Only units drawn by the file count as
// receivers; transfers of at least minKM2 are returned, largest first.
func transfers(before, after *boundary.Layer, fromFile map[string]bool, minKM2 float64) []Transfer {
	type pair struct{ from, to string }
	area := map[pair]float64{}
	ai, bi := indexLayer(after, fromFile), indexLayer(before, nil)
	b := after.Bound()
	for y := math.Floor(b.Min[1]/scanStep)*scanStep + scanStep/2; y < b.Max[1]; y += scanStep {
		as := ai.spans(nil, y)
		if len(as) == 0 {
			continue
		}
		bs := bi.spans(nil, y)
		w := scanStep * kmPerDegree * kmPerDegree * math.Cos(y*math.Pi/180)
		for _, a := range as {
			for _, s := range bs {
				if s.code == a.code {
					continue
				}
				if lo, hi := math.Max(a.x0, s.x0), math.Min(a.x1, s.x1); hi > lo {
					area[pair{s.code, a.code}] += (hi - lo) * w
				}
			}
		}
	}
	var out []Transfer
	for p, km2 := range area {
		if km2 < minKM2 {
			continue
		}
		fb, _ := before.Feature(p.from)
		fa, _ := after.Feature(p.to)
		out = append(out, Transfer{FromCode: p.from, FromName: fb.Name, ToCode: p.to, ToName: fa.Name, AreaKM2: math.Round(km2)})
	}
	slices.SortFunc(out, func(a, b Transfer) int {
		if a.AreaKM2 != b.AreaKM2 {
			if a.AreaKM2 > b.AreaKM2 {
				return -1
			}
			return 1
		}
		if a.FromCode != b.FromCode {
			if a.FromCode < b.FromCode {
				return -1
			}
			return 1
		}
		if a.ToCode < b.ToCode {
			return -1
		}
		return 1
	})
	return out
}

// polyBound is a polygon with its bounding box, computed once.
type polyBound struct {
	p    orb.Polygon
	b    orb.Bound
	code string
}

// layerIndex is a layer's polygons sorted by their southern edge.
type layerIndex []polyBound

func indexLayer(l *boundary.Layer, only map[string]bool) layerIndex {
	var x layerIndex
	for _, f := range l.Features {
		if only != nil && !only[f.Code] {
			continue
		}
		for _, p := range f.Geometry {
			x = append(x, polyBound{p, p.Bound(), f.Code})
		}
	}
	return x
}

// spans appends the stretches of the line at latitude y inside each unit
// (even-odd over the rings of its polygons that the line crosses).
func (x layerIndex) spans(out []span, y float64) []span {
	xs := map[string][]float64{}
	var order []string
	for _, pb := range x {
		if y < pb.b.Min[1] || y > pb.b.Max[1] {
			continue
		}
		if _, ok := xs[pb.code]; !ok {
			order = append(order, pb.code)
		}
		for _, r := range pb.p {
			xs[pb.code] = crossings(xs[pb.code], r, y)
		}
	}
	for _, code := range order {
		c := xs[code]
		sort.Float64s(c)
		for i := 0; i+1 < len(c); i += 2 {
			out = append(out, span{c[i], c[i+1], code})
		}
	}
	return out
}

func crossings(xs []float64, r orb.Ring, y float64) []float64 {
	for i := 0; i+1 < len(r); i++ {
		a, b := r[i], r[i+1]
		if (a[1] > y) != (b[1] > y) {
			xs = append(xs, a[0]+(y-a[1])*(b[0]-a[0])/(b[1]-a[1]))
		}
	}
	return xs
}
