package render

import (
	"fmt"
	"math"
	"sort"
	"strconv"

	"github.com/paulmach/orb"

	"pilotmap/internal/gaps"
	"pilotmap/internal/layer"
)

// Gaps is what the gaps view draws of a gap analysis: the comparable units
// without a pilot with their distance to the nearest pilot unit, and the
// clusters of such units, largest first.
type Gaps struct {
	Units []GapUnit
	// Clusters are the national clusters, ranked by area (ID 1 largest).
	Clusters []GapCluster
	// ProvinceClusters are the clusters within each province, by
	// province code, ranked by area within the province.
	ProvinceClusters map[string][]GapCluster
}

// GapUnit is a comparable unit without a pilot.
type GapUnit struct {
	Code string
	// DistanceKM is the distance from its boundary to the nearest pilot
	// unit's (0 for a neighbour); meaningful when HasDistance.
	DistanceKM  float64
	HasDistance bool
}

// GapCluster is a connected group of units without a pilot.
type GapCluster struct {
	ID      int
	Name    string   // its largest unit's name
	Units   []string // codes
	AreaKM2 float64
	Label   orb.Point // lon/lat inside its largest unit
}

// maxClusters is how many of the largest clusters the gaps view outlines
// and numbers.
const maxClusters = 5

// gapDistances indexes the uncovered units' distances by code (-1: none).
func (r *renderer) gapDistances() map[string]float64 {
	d := make(map[string]float64, len(r.m.Gaps.Units))
	for _, u := range r.m.Gaps.Units {
		if u.HasDistance {
			d[u.Code] = u.DistanceKM
		} else {
			d[u.Code] = -1
		}
	}
	return d
}

// gapFill is the fill of an uncovered unit by its distance class.
func gapFill(km float64) string {
	if km < 0 {
		return colorGapsBase
	}
	return gapColors()[gapClass(km)]
}

// clustersShown are the clusters the view outlines: the national ones, or
// the province's own on a province map.
func (r *renderer) clustersShown() []GapCluster {
	cs := r.m.Gaps.Clusters
	if r.o.Province != "" {
		cs = r.m.Gaps.ProvinceClusters[r.o.Province]
	}
	cs = append([]GapCluster(nil), cs...)
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].ID < cs[j].ID })
	if len(cs) > maxClusters {
		cs = cs[:maxClusters]
	}
	return cs
}

// gapsStats is the gaps view's third title line.
func (r *renderer) gapsStats() string {
	g := r.m.Gaps
	n := 0
	for _, u := range g.Units {
		if r.o.Province == "" || u.Code[:2] == r.o.Province[:2] {
			n++
		}
	}
	cs := r.clustersShown()
	if r.o.Lang == LangEN {
		s := fmt.Sprintf("%d comparable units without a pilot", n)
		if len(cs) > 0 {
			s += fmt.Sprintf(" · largest cluster: %s and %d more units, %.0f km²", cs[0].Name, len(cs[0].Units)-1, cs[0].AreaKM2)
		}
		return s
	}
	s := fmt.Sprintf("无试点的可比单位 %d 个", n)
	if len(cs) > 0 {
		s += fmt.Sprintf("；最大连片区：%s等 %d 个单位，%s 万平方千米", cs[0].Name, len(cs[0].Units), strconv.FormatFloat(cs[0].AreaKM2/1e4, 'f', 1, 64))
	}
	return s
}

// gapsLegend lists the gaps view's legend rows.
func (r *renderer) gapsLegend() []legendEntry {
	w := r.w
	es := []legendEntry{{kind: "header", text: w.legendGaps}}
	b := gapBreaks()
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	labels := []string{w.legendAdjacent, "< " + f(b[0]) + " km"}
	for i := 1; i < len(b); i++ {
		labels = append(labels, f(b[i-1])+"–"+f(b[i])+" km")
	}
	labels = append(labels, "≥ "+f(b[len(b)-1])+" km")
	for i, c := range gapColors() {
		es = append(es, legendEntry{kind: "fill", fill: c, text: labels[i]})
	}
	n := max(len(r.clustersShown()), 1)
	cl := w.legendCluster + fmt.Sprintf("（1–%d）", n)
	if r.o.Lang == LangEN {
		cl = w.legendCluster + fmt.Sprintf(" (1–%d)", n)
	}
	es = append(es,
		legendEntry{kind: "fill", fill: colorPilot, line: colorPilotLine, text: fmt.Sprintf(w.legendPilots, r.pilotCount())},
		legendEntry{kind: "outline", line: colorFullPromotion, width: 2.6 * r.u, text: cl},
		legendEntry{kind: "scale"},
	)
	return es
}

func (r *renderer) pilotCount() int {
	seen := map[string]bool{}
	for _, p := range r.m.Pilots {
		if r.o.Province == "" || p.ProvinceCode == r.o.Province {
			seen[p.Code] = true
		}
	}
	return len(seen)
}

// gapsLayers draws the national gaps view: provinces in light grey, the
// uncovered units by distance class, the pilot units, the largest clusters
// outlined and numbered, province borders and labels.
func (r *renderer) gapsLayers(proj pageProj, zoom int, obstacles []box) {
	m := r.m
	provs := r.shapes(layer.Provinces, zoom, nil)
	// The units cover the mainland: only the provinces outside the
	// program need a fill of their own.
	r.group("provinces", box{}, func() {
		for _, s := range provs {
			if p, _ := m.province(s.Feature.Code); !p.InProgram {
				r.pathEl(proj.multiPolygon(s.Geometry, inMainFrame), "id", "province-"+s.Feature.Code, "data-code", s.Feature.Code, "fill", colorOutside)
			}
		}
	})
	units := r.shapes(layer.Units, zoom, nil)
	r.gapUnits(proj, units, inMainFrame)
	r.pilotUnits(proj, zoom, inMainFrame)
	r.outlines("province-borders", colorProvinceLine, 0.9, "", func() {
		for _, s := range provs {
			r.pathEl(proj.multiPolygon(s.Geometry, inMainFrame), "data-code", s.Feature.Code)
		}
	})
	r.clusterOutlines(proj, units, inMainFrame)
	var clusterBoxes []box
	r.group("cluster-numbers", box{}, func() { clusterBoxes = r.clusterNumbers(proj, obstacles) })
	r.provinceLabels(proj, provs, append(append([]box(nil), obstacles...), clusterBoxes...))
}

// provinceGapsLayers draws a province's units in the gaps view.
// It returns the boxes of the cluster numbers, for the labels to avoid.
func (r *renderer) provinceGapsLayers(proj pageProj, zoom int, units []layer.Shape, keep func(orb.Polygon) bool, obstacles []box) []box {
	r.gapUnits(proj, units, keep)
	r.pilotUnits(proj, zoom, keep)
	r.clusterOutlines(proj, units, keep)
	var boxes []box
	r.group("cluster-numbers", box{}, func() { boxes = r.clusterNumbers(proj, obstacles) })
	return boxes
}

// gapUnits fills the uncovered units by distance class and the covered
// ones in the base grey.
func (r *renderer) gapUnits(proj pageProj, units []layer.Shape, keep func(orb.Polygon) bool) {
	dist := r.gapDistances()
	r.group("gaps", box{}, func() {
		r.out.raw(`<g`)
		r.out.attr("stroke", "#ffffff")
		r.out.num("stroke-width", 0.5*r.u)
		r.out.raw(` stroke-linejoin="round">` + "\n")
		for _, s := range units {
			km, ok := dist[s.Feature.Code]
			if !ok {
				// covered: a pilot unit (drawn on top) or a unit holding
				// a pilot below it
				if u, _ := r.m.unit(s.Feature.Code); u.Pilot {
					continue
				}
				r.pathEl(proj.multiPolygon(s.Geometry, keep), "data-code", s.Feature.Code, "fill", colorGapsBase)
				continue
			}
			attrs := []string{"data-code", s.Feature.Code, "fill", gapFill(km)}
			if km >= 0 {
				attrs = append(attrs, "data-distance-km", strconv.FormatFloat(km, 'f', 0, 64))
			}
			r.pathEl(proj.multiPolygon(s.Geometry, keep), attrs...)
		}
		r.out.raw("</g>\n")
	})
}

// clusterOutlines outlines the shown clusters: the edges of their units'
// rings that no other unit of the cluster shares. The topology simplifies
// every shared border once, so neighbouring units have the same vertices
// on the page and their common edges cancel exactly; what is left is the
// cluster's outline, drawn as one path per cluster.
func (r *renderer) clusterOutlines(proj pageProj, units []layer.Shape, keep func(orb.Polygon) bool) {
	byCode := map[string]*layer.Shape{}
	for i := range units {
		byCode[units[i].Feature.Code] = &units[i]
	}
	r.outlines("clusters", colorFullPromotion, 2.6, ` stroke-linecap="round"`, func() {
		for _, c := range r.clustersShown() {
			var rings [][][2]int64
			for _, code := range c.Units {
				s, ok := byCode[code]
				if !ok {
					continue
				}
				for _, poly := range proj.multiPolygon(s.Geometry, keep) {
					for _, ring := range poly {
						if g := gridRing(nil, ring); len(g) >= 3 {
							rings = append(rings, g)
						}
					}
				}
			}
			d := outlineData(rings, 40*r.u) // 4 units
			if d == "" {
				continue
			}
			r.out.raw("<path")
			r.out.attr("id", "cluster-"+strconv.Itoa(c.ID))
			r.out.attr("data-units", strconv.Itoa(len(c.Units)))
			r.out.raw(` d="`)
			r.out.raw(d)
			r.out.raw(`"/>` + "\n")
		}
	})
}

// outlineData returns the path data of the edges (on the 0.1 grid) that
// occur in exactly one of the rings, either way round: the pieces of each
// ring between shared edges, joined end to start into chains (the rings
// all turn the same way, so an outline runs on from one unit's ring into
// its neighbour's). Chains shorter than minLen (0.1 grid steps) are
// dropped: slivers where two neighbours' borders differ, or specks a wide
// outline would turn into dots.
func outlineData(rings [][][2]int64, minLen float64) string {
	type edge struct{ a, b [2]int64 }
	norm := func(a, b [2]int64) edge {
		if b[0] < a[0] || (b[0] == a[0] && b[1] < a[1]) {
			a, b = b, a
		}
		return edge{a, b}
	}
	count := map[edge]int{}
	for _, ring := range rings {
		for i := range ring {
			count[norm(ring[i], ring[(i+1)%len(ring)])]++
		}
	}
	var pieces [][][2]int64
	for _, ring := range rings {
		n := len(ring)
		// Start after an inner edge so a stretch is not split at the
		// ring's first vertex.
		start := 0
		for i := range ring {
			if count[norm(ring[i], ring[(i+1)%n])] != 1 {
				start = (i + 1) % n
				break
			}
		}
		var cur [][2]int64
		for k := range n {
			i := (start + k) % n
			p, q := ring[i], ring[(i+1)%n]
			if count[norm(p, q)] != 1 {
				if len(cur) > 1 {
					pieces = append(pieces, cur)
				}
				cur = nil
				continue
			}
			if len(cur) == 0 {
				cur = append(cur, p)
			}
			cur = append(cur, q)
		}
		if len(cur) > 1 {
			pieces = append(pieces, cur)
		}
	}
	// Join pieces end to start.
	byStart := map[[2]int64][]int{}
	for i, p := range pieces {
		byStart[p[0]] = append(byStart[p[0]], i)
	}
	used := make([]bool, len(pieces))
	next := func(at [2]int64) int {
		for _, j := range byStart[at] {
			if !used[j] {
				return j
			}
		}
		return -1
	}
	var b []byte
	for i := range pieces {
		if used[i] {
			continue
		}
		used[i] = true
		chain := append([][2]int64(nil), pieces[i]...)
		for j := next(chain[len(chain)-1]); j >= 0; j = next(chain[len(chain)-1]) {
			used[j] = true
			chain = append(chain, pieces[j][1:]...)
		}
		length := 0.0
		for k := 1; k < len(chain); k++ {
			length += math.Hypot(float64(chain[k][0]-chain[k-1][0]), float64(chain[k][1]-chain[k-1][1]))
		}
		if length < minLen {
			continue
		}
		b = append(b, 'M')
		b = appendTenths(b, chain[0][0])
		b = appendSep(b, chain[0][1])
		b = appendTenths(b, chain[0][1])
		b = append(b, 'l')
		for k := 1; k < len(chain); k++ {
			dx, dy := chain[k][0]-chain[k-1][0], chain[k][1]-chain[k-1][1]
			if k > 1 {
				b = appendSep(b, dx)
			}
			b = appendTenths(b, dx)
			b = appendSep(b, dy)
			b = appendTenths(b, dy)
		}
	}
	return string(b)
}

// clusterNumbers draws each shown cluster's number in a circle at its
// label point, nudged off the obstacles; it returns the circles' boxes.
func (r *renderer) clusterNumbers(proj pageProj, obstacles []box) []box {
	rad := 13 * r.u
	var boxes []box
	for _, c := range r.clustersShown() {
		x, y := proj.point(c.Label[0], c.Label[1])
		b := box{x - rad, y - rad, x + rad, y + rad}
		for _, d := range append([][2]float64{{0, 0}}, aroundOffsets(2*rad, 2*rad)...) {
			nb := box{b.x0 + d[0], b.y0 + d[1], b.x1 + d[0], b.y1 + d[1]}
			if !hits(nb, obstacles) && !hits(nb, boxes) && nb.inside(r.page) {
				b = nb
				break
			}
		}
		boxes = append(boxes, b)
		cx, cy := (b.x0+b.x1)/2, (b.y0+b.y1)/2
		r.out.raw("<g")
		r.out.attr("id", "cluster-number-"+strconv.Itoa(c.ID))
		r.out.raw("><circle")
		r.out.num("cx", cx)
		r.out.num("cy", cy)
		r.out.num("r", rad)
		r.out.attr("fill", "#ffffff")
		r.out.attr("stroke", colorFullPromotion)
		r.out.num("stroke-width", 2*r.u)
		r.out.raw("/>")
		r.out.textEl(textItem{x: cx, y: cy + 0.36*16*r.u, size: 16 * r.u, bold: true, anchor: "middle", text: strconv.Itoa(c.ID)})
		r.out.raw("<title>")
		r.out.text(c.Name)
		r.out.raw("</title></g>\n")
	}
	return boxes
}

// GapsFromReport adapts a gap analysis (internal/gaps, e.g. a world's) for
// the gaps view: NewMap sets Map.Gaps to it.
func GapsFromReport(rep gaps.Report) *Gaps {
	g := &Gaps{ProvinceClusters: map[string][]GapCluster{}}
	for _, u := range rep.UncoveredUnits {
		gu := GapUnit{Code: u.Code, HasDistance: u.DistanceKM != nil}
		if gu.HasDistance {
			gu.DistanceKM = *u.DistanceKM
		}
		g.Units = append(g.Units, gu)
	}
	for _, c := range rep.Clusters {
		g.Clusters = append(g.Clusters, GapCluster{ID: c.ID, Name: c.Name, Units: append([]string(nil), c.Units...), AreaKM2: c.AreaKM2, Label: c.Label})
	}
	for _, p := range rep.ProvinceClusters {
		for _, c := range p.Clusters {
			g.ProvinceClusters[p.ProvinceCode] = append(g.ProvinceClusters[p.ProvinceCode],
				GapCluster{ID: c.ID, Name: c.Name, Units: append([]string(nil), c.Units...), AreaKM2: c.AreaKM2, Label: c.Label})
		}
	}
	return g
}
