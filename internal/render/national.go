package render

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"

	"pilotmap/internal/boundary"
	"pilotmap/internal/layer"
)

// fitZoom is the zoom whose geometry the national fit and the inset use:
// coarse (a few thousand points), but close to the outline within a page
// unit or two at slide scale.
const fitZoom = 3

// insetRegion is the part of the South China Sea the inset shows (the
// web map's inset bounds): the islands of 三沙 with the southern coast.
func insetRegion() orb.Bound {
	return orb.Bound{Min: orb.Point{105.6, 3.2}, Max: orb.Point{122.6, 24.2}}
}

// frameLayout is one arrangement of the page's furniture with the map
// fitted around it.
type frameLayout struct {
	titleCentred bool
	title        []textItem
	titleBox     box
	proj         pageProj
}

// nationalMap draws the national map: the coverage view or the gaps view.
func (r *renderer) nationalMap() error {
	m, w := r.m, r.w
	a := ChinaAlbers()
	title := r.o.Title
	if title == "" {
		title = w.defaultTitle(r.o.View)
	}
	subtitle := r.o.Subtitle
	if subtitle == "" {
		subtitle = joinNonEmpty(" · ", w.batchText(m.Batches), w.subtitleText(m.DocNumbers))
	}
	n := m.National
	stats := fmt.Sprintf(w.stats, n.Units, n.ProvincesWithUnits, n.PilotProvinces, n.CoveredUnits, n.ComparableUnits, percent(n.Coverage))
	if r.o.View == ViewGaps {
		stats = r.gapsStats()
	}
	lines := []string{title, subtitle, stats}

	footer, footerBox := r.footerItems()
	entries := r.nationalLegend()
	lw, lh := r.legendSize(entries)
	gap := 14 * r.u
	legendBox := box{r.margin, footerBox.y0 - gap - lh, r.margin + lw, footerBox.y0 - gap}
	insetBox, insetProj := r.insetLayout(a)
	r.insetPilots = map[string]Pilot{}

	fitShapes := r.shapes(layer.Provinces, fitZoom, nil)
	pts := outerPoints(a, fitShapes, inMainFrame, 6000)
	frame := r.page.pad(-r.margin)
	var best frameLayout
	for i, centred := range []bool{false, true} {
		items, tb := r.titleItems(centred, lines)
		pad := 10 * r.u
		fp := fitProblem{pts: pts, frame: frame, obstacles: []box{tb.pad(pad), legendBox.pad(pad), insetBox.pad(pad), footerBox.pad(pad)}}
		k, ox, oy := fp.fit()
		if i == 0 || k > best.proj.k*1.02 {
			best = frameLayout{titleCentred: centred, title: items, titleBox: tb, proj: pageProj{a: a, k: k, ox: ox, oy: oy}}
		}
	}
	proj := best.proj
	zoom := zoomFor(a, proj.k/r.u, 36)

	desc := fmt.Sprintf("%s. %s. Albers equal-area conic, standard parallels 25°N and 47°N, central meridian 105°E.", title, subtitle)
	r.header(title, desc)
	obstacles := []box{best.titleBox, legendBox, insetBox, footerBox}
	if r.o.View == ViewGaps {
		r.gapsLayers(proj, zoom, obstacles)
	} else {
		r.coverageLayers(proj, zoom, obstacles)
	}
	r.inset(insetBox, insetProj)
	r.legend(legendBox, entries, proj.k*a.ParallelScale(36))
	r.group("title", best.titleBox, func() { r.texts(best.title) })
	r.group("footer", footerBox, func() { r.texts(footer) })
	r.out.raw("</svg>\n")
	return nil
}

// provinceFill is a province's fill in the coverage view.
func provinceFill(p Province) (fill, line string) {
	cls := CoverageClass(p.Coverage, p.InProgram)
	switch {
	case cls < 0:
		return colorOutside, colorOutsideLine
	case cls == 0:
		return "url(#hatch-zero) " + colorZero, colorProvinceLine
	}
	return CoverageColor(cls), colorProvinceLine
}

// coverageLayers draws the national coverage view: provinces by class,
// unit borders, pilot units, the full-promotion outlines and the
// province labels.
func (r *renderer) coverageLayers(proj pageProj, zoom int, obstacles []box) {
	m := r.m
	provs := r.shapes(layer.Provinces, zoom, nil)
	r.group("provinces", box{}, func() {
		for _, s := range provs {
			p, _ := m.province(s.Feature.Code)
			fill, line := provinceFill(p)
			r.pathEl(proj.multiPolygon(s.Geometry, inMainFrame),
				"id", "province-"+s.Feature.Code, "data-code", s.Feature.Code,
				"data-class", fmt.Sprint(CoverageClass(p.Coverage, p.InProgram)),
				"fill", fill, "stroke", line, "stroke-width", ftoa(0.9*r.u), "stroke-linejoin", "round")
		}
	})
	pilotSet := map[string]bool{}
	for _, p := range m.Pilots {
		pilotSet[p.Code] = true
	}
	units := r.shapes(layer.Units, zoom, func(f *boundary.Feature) bool { return !pilotSet[f.Code] })
	r.outlines("units", colorUnitLine, 0.5, ` stroke-opacity="0.85"`, func() {
		for _, s := range units {
			r.pathEl(proj.multiPolygon(s.Geometry, inMainFrame), "data-code", s.Feature.Code)
		}
	})
	r.pilotUnits(proj, zoom, inMainFrame)
	r.outlines("full-promotion", colorFullPromotion, 2.4, "", func() {
		for _, s := range provs {
			if p, _ := m.province(s.Feature.Code); p.PilotProvince {
				r.pathEl(proj.multiPolygon(s.Geometry, inMainFrame), "data-code", s.Feature.Code)
			}
		}
	})
	r.provinceLabels(proj, provs, obstacles)
}

// pilotUnits draws every active pilot unit as one element identified by
// its code: its polygon when it is a comparable unit with a polygon in the
// frame; the islands of the inset when it is 三沙市 (recorded in
// r.insetPilots for the inset to draw); a dot on its comparable unit for a
// unit below that level; an empty group when there is no geometry at all.
func (r *renderer) pilotUnits(proj pageProj, zoom int, keep func(orb.Polygon) bool) {
	m := r.m
	r.group("pilots", box{}, func() {
		r.out.raw(`<g`)
		r.out.attr("fill", colorPilot)
		r.out.attr("stroke", colorPilotLine)
		r.out.num("stroke-width", 0.7*r.u)
		r.out.raw(` stroke-linejoin="round">` + "\n")
		seen := map[string]bool{}
		for _, p := range m.Pilots {
			if seen[p.Code] || (r.o.Province != "" && p.ProvinceCode != r.o.Province) {
				continue
			}
			seen[p.Code] = true
			id := "unit-" + p.Code
			if s, ok := m.Topology.Shape(layer.Units, p.Code, zoom); ok && len(s.Geometry) > 0 {
				mark := len(r.out.b)
				r.out.raw("<path")
				r.out.attr("id", id)
				r.out.attr("data-code", p.Code)
				r.out.attrs(r.newAttrs(p))
				if r.out.path(proj.multiPolygon(s.Geometry, keep)) {
					r.out.raw("><title>")
					r.out.text(p.Name)
					r.out.raw("</title></path>\n")
					continue
				}
				r.out.b = r.out.b[:mark]
			}
			if _, island := m.Topology.Shape(layer.Nanhai, p.Code, 0); island && r.insetPilots != nil {
				r.insetPilots[p.Code] = p // drawn in the inset
				continue
			}
			s, ok := m.Topology.Shape(layer.Units, p.ComparableCode, zoom)
			if x, y := proj.point(s.Label[0], s.Label[1]); ok && len(s.Geometry) > 0 && r.page.pad(-r.margin).contains(x, y) {
				r.out.raw("<circle")
				r.out.attr("id", id)
				r.out.attr("data-code", p.Code)
				r.out.attrs(r.newAttrs(p))
				r.out.num("cx", x)
				r.out.num("cy", y)
				r.out.num("r", 4*r.u)
				r.out.raw("><title>")
				r.out.text(p.Name)
				r.out.raw("</title></circle>\n")
				continue
			}
			r.out.raw("<g")
			r.out.attr("id", id)
			r.out.attr("data-code", p.Code)
			r.out.raw(` data-missing="geometry"><title>`)
			r.out.text(p.Name)
			r.out.raw("</title></g>\n")
		}
		r.out.raw("</g>\n")
	})
}

// provinceLabels places the provinces' names, dark on a white halo (muted
// for the provinces outside the program).
func (r *renderer) provinceLabels(proj pageProj, provs []layer.Shape, obstacles []box) {
	areas := map[string]float64{}
	for _, s := range provs {
		areas[s.Feature.Code] = s.Feature.AreaKM2
	}
	prio := byAreaPriority(areas, 0)
	size := 17 * r.u
	var cands []labelCand
	for _, s := range provs {
		p, _ := r.m.province(s.Feature.Code)
		text := r.provinceLabel(p.Code, p.Name)
		c := colorText
		if !p.InProgram {
			c = colorTextMuted
		}
		x, y := proj.point(s.Label[0], s.Label[1])
		lc := labelCand{id: "label-" + p.Code, text: text, x: x, y: y, size: size, fill: c,
			priority: prio(p.Code), alts: aroundOffsets(textWidth(text, size, false), size)}
		if sar := p.Code == "810000" || p.Code == "820000"; sar {
			// 香港 and 澳门 are a few page units wide: their names go on
			// the sea with a leader, 香港 to the right, 澳门 to the left.
			lc.size = 15 * r.u
			lc.fill = colorTextMuted
			lc.alts = seaOffsets(textWidth(text, lc.size, false), lc.size, p.Code == "810000")
			lc.offOnly, lc.leader = true, true
		}
		cands = append(cands, lc)
	}
	placed := placeLabels(cands, r.page.pad(-r.margin/2), padAll(obstacles, 4*r.u), 2*r.u)
	r.group("labels", box{}, func() { r.drawLabels(placed) })
}

func padAll(bs []box, p float64) []box {
	out := make([]box, len(bs))
	for i, b := range bs {
		out[i] = b.pad(p)
	}
	return out
}

func ftoa(v float64) string { return string(appendTenths(nil, int64(math.Round(v*10)))) }

// nationalLegend lists the legend's rows for the national view.
func (r *renderer) nationalLegend() []legendEntry {
	if r.o.View == ViewGaps {
		return r.gapsLegend()
	}
	w := r.w
	es := []legendEntry{{kind: "header", text: w.legendCoverage}}
	labels := []string{"<10%", "10–20%", "20–30%", "30–40%", "≥40%"}
	for i, c := range CoverageColors() {
		es = append(es, legendEntry{kind: "fill", fill: c, text: labels[i]})
	}
	es = append(es,
		legendEntry{kind: "hatch", text: w.legendZero},
		legendEntry{kind: "fill", fill: colorOutside, line: colorOutsideLine, text: w.legendOutside},
		legendEntry{kind: "fill", fill: colorPilot, line: colorPilotLine, text: fmt.Sprintf(w.legendPilots, r.m.National.Units)},
	)
	if e, ok := r.newEntry(); ok {
		es = append(es, e)
	}
	return append(es,
		legendEntry{kind: "outline", line: colorFullPromotion, width: 2.4 * r.u, text: w.legendFullPromo},
		legendEntry{kind: "scale"},
	)
}

// insetLayout sizes the South China Sea inset at the lower right: its box
// on the page and the projection that fits the inset region into it.
func (r *renderer) insetLayout(a Albers) (box, pageProj) {
	reg := insetRegion()
	minx, miny, maxx, maxy := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	const steps = 16
	for i := 0; i <= steps; i++ {
		t := float64(i) / steps
		for _, p := range [][2]float64{
			{reg.Min[0] + t*(reg.Max[0]-reg.Min[0]), reg.Min[1]},
			{reg.Min[0] + t*(reg.Max[0]-reg.Min[0]), reg.Max[1]},
			{reg.Min[0], reg.Min[1] + t*(reg.Max[1]-reg.Min[1])},
			{reg.Max[0], reg.Min[1] + t*(reg.Max[1]-reg.Min[1])},
		} {
			x, y := a.Project(p[0], p[1])
			minx, maxx = math.Min(minx, x), math.Max(maxx, x)
			miny, maxy = math.Min(miny, y), math.Max(maxy, y)
		}
	}
	// The inset keeps a third of the page height, so the islands stay
	// legible at every layout.
	h := 0.31 * r.H
	k := h / (maxy - miny)
	wd := k * (maxx - minx)
	b := box{r.W - r.margin - wd, r.H - r.margin - h, r.W - r.margin, r.H - r.margin}
	return b, pageProj{a: a, k: k, ox: b.x0 - k*minx, oy: b.y0 + k*maxy}
}

// inset draws the South China Sea inset: its frame, the provinces of the
// south coast clipped to it, the islands (each drawn at least as a dot, at
// their scale most are smaller than a unit) and the label 南海诸岛.
func (r *renderer) inset(b box, proj pageProj) {
	w := &r.out
	zoom := zoomFor(proj.a, proj.k/r.u, 15)
	inner := b.pad(-1.2 * r.u)
	reg := insetRegion()
	r.group("inset", b, func() {
		w.raw(`<rect id="inset-frame"`)
		w.num("x", b.x0)
		w.num("y", b.y0)
		w.num("width", b.w())
		w.num("height", b.h())
		w.attr("fill", "#ffffff")
		w.attr("stroke", colorText)
		w.num("stroke-width", 1.2*r.u)
		w.raw("/>\n")
		for _, s := range r.m.Topology.Features(layer.Provinces, zoom, reg) {
			p, _ := r.m.province(s.Feature.Code)
			fill, line := provinceFill(p)
			if r.o.View == ViewGaps {
				fill, line = colorNeighbour, colorProvinceLine
			}
			r.pathEl(clipTo(proj.multiPolygon(s.Geometry, nil), inner), "data-code", s.Feature.Code,
				"fill", fill, "stroke", line, "stroke-width", ftoa(0.6*r.u))
		}
		islands := r.islands(proj, inner)
		r.nanhaiLine(proj, inner)
		// The label sits in the lower right corner, on open sea; moved up
		// while it would cover an island.
		size := 16 * r.u
		label := textItem{x: inner.x1 - 8*r.u, y: inner.y1 - 8*r.u - 0.12*size, size: size, anchor: "end", fill: colorText, text: r.w.inset, id: "inset-label"}
		for hits(textBox(label).pad(2*r.u), islands) && textBox(label).y0 > inner.y0+inner.h()/2 {
			label.y -= size / 2
		}
		w.textEl(label)
	})
}

// nanhaiLine draws the South China Sea line in the inset, in the group
// id="nanhai-line": one stroke per dash of the line, clipped to the inset.
func (r *renderer) nanhaiLine(proj pageProj, inner box) {
	if len(r.m.NanhaiLine) == 0 {
		return
	}
	w := &r.out
	w.raw(`<g id="nanhai-line"`)
	w.attr("fill", "none")
	w.attr("stroke", colorNanhaiLine)
	w.num("stroke-width", 1.6*r.u)
	w.raw(">\n")
	for _, dash := range r.m.NanhaiLine {
		var page orb.LineString
		for _, p := range dash {
			x, y := proj.point(p[0], p[1])
			page = append(page, orb.Point{x, y})
		}
		for _, ls := range clip.LineString(orb.Bound{Min: orb.Point{inner.x0, inner.y0}, Max: orb.Point{inner.x1, inner.y1}}, page) {
			w.raw("<path")
			w.line(ls)
			w.raw("/>\n")
		}
	}
	w.raw("</g>\n")
}

// islands draws the nanhai layer in the inset, one path per feature
// (filled as a pilot unit, with its id, when it is one): polygons larger
// than the dot size as they are, smaller ones as a square dot (merged when
// dots fall on the same spot). It returns the boxes of what it drew.
func (r *renderer) islands(proj pageProj, inner box) []box {
	w := &r.out
	dot := 1.8 * r.u
	var drawn []box
	w.raw(`<g id="nanhai"`)
	w.attr("fill", colorIsland)
	w.raw(">\n")
	for _, s := range r.m.Topology.Features(layer.Nanhai, layer.DataZoom, orb.Bound{}) {
		seen := map[[2]int]bool{}
		var mp orb.MultiPolygon
		for _, poly := range proj.multiPolygon(s.Feature.Geometry, nil) {
			bd := poly.Bound()
			if bd.Max[0]-bd.Min[0] >= dot || bd.Max[1]-bd.Min[1] >= dot {
				mp = append(mp, poly)
				continue
			}
			c := bd.Center()
			key := [2]int{int(math.Round(c[0] / dot)), int(math.Round(c[1] / dot))}
			if seen[key] {
				continue
			}
			seen[key] = true
			x0, y0 := c[0]-dot/2, c[1]-dot/2
			mp = append(mp, orb.Polygon{orb.Ring{{x0, y0}, {x0 + dot, y0}, {x0 + dot, y0 + dot}, {x0, y0 + dot}, {x0, y0}}})
		}
		mp = clipTo(mp, inner)
		for _, p := range mp {
			b := p.Bound()
			drawn = append(drawn, box{b.Min[0], b.Min[1], b.Max[0], b.Max[1]})
		}
		code := s.Feature.Code
		if p, pilot := r.insetPilots[code]; pilot {
			mark := len(w.b)
			w.raw("<path")
			w.attr("id", "unit-"+code)
			w.attr("data-code", code)
			if p.New {
				w.attrs(r.newAttrs(p))
			} else {
				w.attr("fill", colorPilot)
			}
			if w.path(mp) {
				w.raw("><title>")
				w.text(p.Name)
				w.raw("</title></path>\n")
			} else {
				w.b = w.b[:mark]
				w.raw("<g")
				w.attr("id", "unit-"+code)
				w.attr("data-code", code)
				w.raw(` data-missing="geometry"/>` + "\n")
			}
			continue
		}
		r.pathEl(mp, "data-code", code)
	}
	w.raw("</g>\n")
	return drawn
}
