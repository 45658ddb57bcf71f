package render

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"

	"pilotmap/internal/boundary"
	"pilotmap/internal/layer"
)

// nanhaiProvince is 海南, whose 三沙市 lies in the South China Sea: its map
// is the only province map with the inset.
const nanhaiProvince = "460000"

// pageBound is the lon/lat bounding box of what the page shows (sampled
// along its edges, as the parallels are curved).
func (p pageProj) pageBound(b box) orb.Bound {
	bd := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	const steps = 12
	for i := 0; i <= steps; i++ {
		t := float64(i) / steps
		for _, q := range [][2]float64{
			{b.x0 + t*b.w(), b.y0}, {b.x0 + t*b.w(), b.y1}, {b.x0, b.y0 + t*b.h()}, {b.x1, b.y0 + t*b.h()},
		} {
			lon, lat := p.a.Inverse((q[0]-p.ox)/p.k, (p.oy-q[1])/p.k)
			bd = bd.Extend(orb.Point{lon, lat})
		}
	}
	return bd
}

// provinceMap draws one mainland province: its comparable units, its pilot
// units over them, the neighbouring provinces in grey for context, labels
// (pilot units win), and for 海南 the South China Sea inset. The other
// provinces' maps do not reach the South China Sea, and a province map is
// not a national map, so they have no inset.
//
// The projection is an Albers conic fitted to the province (central
// meridian through its middle, standard parallels a sixth of its latitude
// span inside its edges): areas stay true and shapes barely bend.
func (r *renderer) provinceMap() error {
	m, w := r.m, r.w
	prov, _ := m.province(r.o.Province)
	full, ok := m.Topology.Shape(layer.Provinces, prov.Code, layer.DataZoom)
	if !ok || len(full.Geometry) == 0 {
		return fmt.Errorf("province %s has no boundary", prov.Code)
	}
	keep, bound := r.provinceFrame(prov.Code)
	if keep == nil {
		return fmt.Errorf("province %s has no boundary", prov.Code)
	}
	a, err := fitAlbers(bound)
	if err != nil {
		return err
	}
	name := r.provinceLabel(prov.Code, prov.Name)
	if r.o.Lang != LangEN {
		name = prov.Name
	}
	title := r.o.Title
	if title == "" {
		title = w.defaultTitle(r.o.View)
	}
	subtitle := r.o.Subtitle
	if subtitle == "" {
		subtitle = joinNonEmpty(" · ", name, w.batchText(m.Batches), w.subtitleText(m.DocNumbers))
	}
	stats := fmt.Sprintf(w.provinceStats, name, prov.Units, prov.CoveredUnits, prov.ComparableUnits, percent(prov.Coverage))
	if r.o.View == ViewGaps {
		stats = r.gapsStats()
	}
	lines := []string{title, subtitle, stats}

	footer, footerBox := r.footerItems()
	entries := r.provinceLegend(prov)
	lw, lh := r.legendSize(entries)
	gap := 14 * r.u
	legendBox := box{r.margin, footerBox.y0 - gap - lh, r.margin + lw, footerBox.y0 - gap}
	var insetBox box
	var insetProj pageProj
	obstacles := []box{legendBox, footerBox}
	if prov.Code == nanhaiProvince {
		insetBox, insetProj = r.insetLayout(ChinaAlbers())
		obstacles = append(obstacles, insetBox)
		r.insetPilots = map[string]Pilot{}
	}

	// Fit on the province's outline at a zoom a little coarser than the
	// page's.
	frame := r.page.pad(-r.margin)
	x0, y0 := a.Project(bound.Min[0], bound.Min[1])
	x1, y1 := a.Project(bound.Max[0], bound.Max[1])
	k0 := math.Min(frame.w()/math.Max(math.Abs(x1-x0), 1), frame.h()/math.Max(math.Abs(y1-y0), 1))
	midLat := (bound.Min[1] + bound.Max[1]) / 2
	fz := max(zoomFor(a, k0/r.u, midLat)-2, 0)
	outline, _ := m.Topology.Shape(layer.Provinces, prov.Code, fz)
	pts := outerPoints(a, []layer.Shape{outline}, keep, 6000)
	var best frameLayout
	for i, centred := range []bool{false, true} {
		items, tb := r.titleItems(centred, lines)
		pad := 10 * r.u
		fp := fitProblem{pts: pts, frame: frame, obstacles: padAll(append([]box{tb}, obstacles...), pad)}
		k, ox, oy := fp.fit()
		if i == 0 || k > best.proj.k*1.02 {
			best = frameLayout{titleCentred: centred, title: items, titleBox: tb, proj: pageProj{a: a, k: k, ox: ox, oy: oy}}
		}
	}
	proj := best.proj
	zoom := zoomFor(a, proj.k/r.u, midLat)
	obstacles = append(obstacles, best.titleBox)

	desc := fmt.Sprintf("%s. %s. Albers equal-area conic fitted to the province.", title, subtitle)
	r.header(title, desc)
	pageBound := proj.pageBound(r.page)
	neighbours := m.Topology.FeaturesFunc(layer.Provinces, zoom, pageBound, func(f *boundary.Feature) bool { return f.Code != prov.Code })
	r.group("neighbours", box{}, func() {
		r.out.raw(`<g`)
		r.out.attr("fill", colorNeighbour)
		r.out.attr("stroke", "#ffffff")
		r.out.num("stroke-width", 1.2*r.u)
		r.out.raw(` stroke-linejoin="round">` + "\n")
		for _, s := range neighbours {
			r.pathEl(clipTo(proj.multiPolygon(s.Geometry, nil), r.page), "data-code", s.Feature.Code)
		}
		r.out.raw("</g>\n")
	})
	units := m.Topology.FeaturesFunc(layer.Units, zoom, orb.Bound{}, func(f *boundary.Feature) bool { return f.ProvinceCode == prov.Code })
	var numbers []box
	if r.o.View == ViewGaps {
		numbers = r.provinceGapsLayers(proj, zoom, units, keep, obstacles)
	} else {
		r.group("units", box{}, func() {
			r.out.raw(`<g`)
			r.out.attr("stroke", colorProvinceLine)
			r.out.num("stroke-width", 0.8*r.u)
			r.out.raw(` stroke-linejoin="round">` + "\n")
			for _, s := range units {
				u, _ := m.unit(s.Feature.Code)
				if u.Pilot {
					continue
				}
				fill := colorUnitFill
				if u.Covered {
					fill = colorCoveredFill
				}
				r.pathEl(proj.multiPolygon(s.Geometry, keep), "data-code", s.Feature.Code, "fill", fill)
			}
			r.out.raw("</g>\n")
		})
		r.pilotUnits(proj, zoom, keep)
	}
	outlineColor, width := colorProvinceLine, 1.8*r.u
	if prov.PilotProvince {
		outlineColor, width = colorFullPromotion, 2.4*r.u
	}
	outline, _ = m.Topology.Shape(layer.Provinces, prov.Code, zoom)
	r.group("province-outline", box{}, func() {
		r.pathEl(proj.multiPolygon(outline.Geometry, keep), "data-code", prov.Code, "fill", "none",
			"stroke", outlineColor, "stroke-width", ftoa(width), "stroke-linejoin", "round")
	})
	r.unitLabels(proj, units, neighbours, append(append([]box(nil), obstacles...), numbers...))
	if prov.Code == nanhaiProvince {
		r.inset(insetBox, insetProj)
	}
	r.legend(legendBox, entries, proj.k*a.ParallelScale(midLat))
	r.group("title", best.titleBox, func() { r.texts(best.title) })
	r.group("footer", footerBox, func() { r.texts(footer) })
	r.out.raw("</svg>\n")
	return nil
}

// unitLabels places the names of the province's units (pilot units first,
// then the others by size) and of the neighbouring provinces.
func (r *renderer) unitLabels(proj pageProj, units, neighbours []layer.Shape, obstacles []box) {
	var cands []labelCand
	frame := r.page.pad(-r.margin / 2)
	for _, s := range units {
		u, _ := r.m.unit(s.Feature.Code)
		size, prio, bold, fill := 15*r.u, 0, false, colorText
		if u.Pilot {
			size, prio, bold = 17*r.u, 2000000, true
		}
		prio += int(math.Min(s.Feature.AreaKM2/10, 999999))
		x, y := proj.point(s.Label[0], s.Label[1])
		cands = append(cands, labelCand{id: "label-" + u.Code, text: s.Feature.Name, x: x, y: y, size: size, bold: bold, fill: fill,
			priority: prio, alts: aroundOffsets(textWidth(s.Feature.Name, size, bold), size)})
	}
	for _, s := range neighbours {
		p, _ := r.m.province(s.Feature.Code)
		x, y := proj.point(s.Label[0], s.Label[1])
		if !frame.contains(x, y) {
			continue
		}
		text := r.provinceLabel(p.Code, p.Name)
		size := 16 * r.u
		cands = append(cands, labelCand{id: "label-" + p.Code, text: text, x: x, y: y, size: size, fill: colorTextMuted, priority: -1})
	}
	placed := placeLabels(cands, frame, padAll(obstacles, 4*r.u), 2*r.u)
	r.group("labels", box{}, func() { r.drawLabels(placed) })
}

// provinceLegend lists the legend's rows for a province map.
func (r *renderer) provinceLegend(p Province) []legendEntry {
	if r.o.View == ViewGaps {
		return r.gapsLegend()
	}
	w := r.w
	es := []legendEntry{{kind: "fill", fill: colorPilot, line: colorPilotLine, text: fmt.Sprintf(w.legendPilots, p.Units)}}
	if e, ok := r.newEntry(); ok {
		es = append(es, e)
	}
	covered := false
	for _, u := range r.m.Units {
		if u.ProvinceCode == p.Code && u.Covered && !u.Pilot {
			covered = true
		}
	}
	if covered {
		es = append(es, legendEntry{kind: "fill", fill: colorCoveredFill, text: w.legendCovered})
	}
	es = append(es,
		legendEntry{kind: "fill", fill: colorUnitFill, text: w.legendUnit},
		legendEntry{kind: "fill", fill: colorNeighbour, line: "#ffffff", text: w.legendNeighbour},
	)
	if p.PilotProvince {
		es = append(es, legendEntry{kind: "outline", line: colorFullPromotion, width: 2.4 * r.u, text: w.legendFullPromo})
	}
	return append(es, legendEntry{kind: "scale"})
}

// provinceFrame returns what a province map's main frame shows: the
// polygons of the province that lie within the bounding box of its units
// other than the South China Sea islands (三沙市, the nanhai layer's unit,
// drawn in the inset), and that box.
func (r *renderer) provinceFrame(code string) (func(orb.Polygon) bool, orb.Bound) {
	islands := map[string]bool{}
	for _, s := range r.m.Topology.Features(layer.Nanhai, 0, orb.Bound{}) {
		islands[s.Feature.Code] = true
	}
	var bound orb.Bound
	first := true
	for _, s := range r.m.Topology.FeaturesFunc(layer.Units, layer.DataZoom, orb.Bound{}, func(f *boundary.Feature) bool {
		return f.ProvinceCode == code && !islands[f.Code]
	}) {
		if first {
			bound, first = s.Feature.Geometry.Bound(), false
		} else {
			bound = bound.Union(s.Feature.Geometry.Bound())
		}
	}
	if first {
		return nil, orb.Bound{}
	}
	return func(p orb.Polygon) bool { return len(p) > 0 && p[0].Bound().Intersects(bound) }, bound
}
