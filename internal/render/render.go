package render

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"pilotmap/internal/boundary"
	"pilotmap/internal/layer"
)

// SVG writes the map m as a self-contained SVG document (no external
// references: fonts by family name, the hatch as a pattern in <defs>).
//
// Every pilot unit is one element with id "unit-CODE" and data-code; the
// title, legend, inset and footer are groups with those ids and a
// data-box attribute ("x y width height" of their estimated extent).
// Invalid options give a *ParamError.
func SVG(w io.Writer, m Map, opt Options) error {
	o, err := opt.normalize(&m)
	if err != nil {
		return err
	}
	if m.Topology == nil {
		return fmt.Errorf("render svg: map without topology")
	}
	r := newRenderer(&m, o)
	if o.Province != "" {
		err = r.provinceMap()
	} else {
		err = r.nationalMap()
	}
	if err != nil {
		return fmt.Errorf("render svg: %w", err)
	}
	if _, err := w.Write(r.out.b); err != nil {
		return fmt.Errorf("render svg: write: %w", err)
	}
	return nil
}

// newPattern is the id of the stripes that fill a pilot unit new in the
// selected batches.
const newPattern = "hatch-new"

// newEntry is the legend's entry of the units new in the selected batches,
// and whether there is one (only with such units on the map).
func (r *renderer) newEntry() (legendEntry, bool) {
	if r.newUnits == 0 {
		return legendEntry{}, false
	}
	return legendEntry{kind: "fill", fill: "url(#" + newPattern + ") " + colorPilot, line: colorNewLine, width: 1.6 * r.u,
		text: r.w.newText(r.newUnits, len(r.m.Batches))}, true
}

// newAttrs are the attributes (pairs) of a pilot unit new in the selected
// batches: the stripes, the dark outline and data-new; none otherwise.
func (r *renderer) newAttrs(p Pilot) []string {
	if !p.New {
		return nil
	}
	return []string{"fill", "url(#" + newPattern + ") " + colorPilot, "stroke", colorNewLine, "stroke-width", ftoa(1.4 * r.u), "data-new", "true"}
}

func joinInts(ns []int, sep string) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, sep)
}

// renderer draws one document.
type renderer struct {
	m      *Map
	o      Options
	w      words
	W, H   float64
	u      float64 // the size unit: 1 on a 1920×1080 page
	margin float64
	page   box
	out    svgw
	// insetPilots are the pilot units (by code) the inset draws: set
	// (non-nil) when the map has an inset.
	insetPilots map[string]Pilot
	// newUnits is how many comparable units new in the selected batches
	// the map shows (Map.NewUnits of the page's province, or all); with
	// none, nothing of the new style is written.
	newUnits int
}

func newRenderer(m *Map, o Options) *renderer {
	r := &renderer{m: m, o: o, w: wordsFor(o.Lang), W: o.Layout.Width, H: o.Layout.Height}
	r.u = math.Sqrt(r.W * r.H / (1920 * 1080))
	r.margin = 36 * r.u
	r.page = box{0, 0, r.W, r.H}
	r.newUnits = m.NewUnits(o.Province)
	return r
}

// header writes the XML declaration, the root element, title, desc and
// defs, and the page's background.
func (r *renderer) header(title, desc string) {
	w := &r.out
	w.raw(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	w.raw(`<svg xmlns="http://www.w3.org/2000/svg" version="1.1"`)
	w.attr("width", r.o.Layout.WidthAttr)
	w.attr("height", r.o.Layout.HeightAttr)
	w.attr("viewBox", fmt.Sprintf("0 0 %g %g", r.W, r.H))
	w.attr("data-view", string(r.o.View))
	w.attr("data-layout", r.o.Layout.Name)
	if r.o.Province != "" {
		w.attr("data-province", r.o.Province)
	}
	if len(r.m.Batches) > 0 {
		w.attr("data-batches", joinInts(r.m.Batches, ","))
		w.attr("data-new-units", strconv.Itoa(r.newUnits))
	}
	w.raw(">\n<title>")
	w.text(title)
	w.raw("</title>\n<desc>")
	w.text(desc)
	w.raw("</desc>\n<defs>")
	hatchPattern(w, "hatch-zero", 7*r.u, colorZero, colorZeroHatch, 1.6*r.u)
	if r.newUnits > 0 {
		// The web map's stripes (web/src/index.html pm-hatch-new), at the page's size unit.
		hatchPattern(w, newPattern, 6*r.u, colorPilot, colorNewStripe, 2*r.u)
	}
	w.raw("</defs>\n")
	w.raw(`<rect id="background" x="0" y="0"`)
	w.num("width", r.W)
	w.num("height", r.H)
	w.raw(` fill="#ffffff"/>` + "\n")
}

// titleItems lays out the title block at the top, left-aligned at the
// margin or centred; it returns the text items and their box.
func (r *renderer) titleItems(centred bool, lines []string) ([]textItem, box) {
	sizes := []float64{44 * r.u, 24 * r.u, 19 * r.u}
	fills := []string{colorText, colorTextMuted, colorTextMuted}
	x, anchor := r.margin, "start"
	if centred {
		x, anchor = r.W/2, "middle"
	}
	var items []textItem
	y := r.margin
	for i, s := range lines {
		if s == "" {
			continue
		}
		size := sizes[min(i, len(sizes)-1)]
		if len(items) > 0 {
			y += 0.12*items[len(items)-1].size + 10*r.u
		}
		y += 0.88 * size
		items = append(items, textItem{x: x, y: y, size: size, anchor: anchor, bold: i == 0, fill: fills[min(i, len(fills)-1)], text: s})
	}
	return items, unionText(items)
}

func unionText(items []textItem) box {
	b := box{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for _, t := range items {
		tb := textBox(t)
		b = box{math.Min(b.x0, tb.x0), math.Min(b.y0, tb.y0), math.Max(b.x1, tb.x1), math.Max(b.y1, tb.y1)}
	}
	if len(items) == 0 {
		return box{}
	}
	return b
}

// footerItems lays out the sources, date and approval lines at the bottom
// left.
func (r *renderer) footerItems() ([]textItem, box) {
	size := 15 * r.u
	lines := []string{r.w.sourcesText(r.m.BoundaryCredit), joinNonEmpty("　", r.w.dateText(r.o.Date), r.w.approvalText(r.o.Approval, r.o.Unapproved))}
	var items []textItem
	y := r.H - r.margin - 0.12*size
	for i := len(lines) - 1; i >= 0; i-- {
		items = append(items, textItem{x: r.margin, y: y, size: size, fill: colorTextMuted, text: lines[i]})
		y -= 1.45 * size
	}
	// top to bottom
	for i, j := 0, len(items)-1; i < j; i, j = i+1, j-1 {
		items[i], items[j] = items[j], items[i]
	}
	return items, unionText(items)
}

// group writes a <g> with an id and the data-box of its extent, runs body
// and closes it.
// outlines draws a group of unfilled paths: stroke colour and width (in
// page units), more attributes as written (e.g. ` stroke-opacity="0.85"`),
// round joins; draw writes the paths.
func (r *renderer) outlines(id, stroke string, width float64, attrs string, draw func()) {
	r.group(id, box{}, func() {
		r.out.raw(`<g fill="none"`)
		r.out.attr("stroke", stroke)
		r.out.num("stroke-width", width*r.u)
		r.out.raw(attrs + ` stroke-linejoin="round">` + "\n")
		draw()
		r.out.raw("</g>\n")
	})
}

func (r *renderer) group(id string, b box, body func()) {
	r.out.raw("<g")
	r.out.attr("id", id)
	if b != (box{}) {
		r.out.attr("data-box", b.String())
	}
	r.out.raw(">\n")
	body()
	r.out.raw("</g>\n")
}

func (r *renderer) texts(items []textItem) {
	for _, t := range items {
		r.out.textEl(t)
	}
}

// pathEl writes a <path> with the given attributes (pairs) and geometry;
// nothing when the geometry is empty.
func (r *renderer) pathEl(mp orb.MultiPolygon, attrs ...string) bool {
	mark := len(r.out.b)
	r.out.raw("<path")
	r.out.attrs(attrs)
	if !r.out.path(mp) {
		r.out.b = r.out.b[:mark]
		return false
	}
	r.out.raw("/>\n")
	return true
}

// legendEntry is one row of a legend.
type legendEntry struct {
	kind  string // "fill", "hatch", "outline", "line", "header", "scale"
	fill  string
	line  string
	text  string
	width float64 // line width for "outline"
}

// legendSize returns the legend's size for its entries.
func (r *renderer) legendSize(entries []legendEntry) (w, h float64) {
	pad, sw, gap := 14*r.u, 30*r.u, 10*r.u
	w = 0
	for _, e := range entries {
		switch e.kind {
		case "header":
			w = math.Max(w, textWidth(e.text, 17*r.u, true))
		case "scale": // the scale bar, and the north arrow right of it
			w = math.Max(w, 170*r.u+textWidth("1000 km", 14*r.u, false)/2+northArrowWidth*r.u)
		default:
			w = math.Max(w, sw+gap+textWidth(e.text, 16*r.u, false))
		}
	}
	h = float64(len(entries))*r.legendRow() + 2*pad - 6*r.u
	for _, e := range entries {
		if e.kind == "scale" {
			h += r.legendRow() / 2
		}
	}
	return w + 2*pad, h
}

func (r *renderer) legendRow() float64 { return 27 * r.u }

// legend draws the legend's entries in the box b; scale, when the legend
// has a "scale" entry, is the page units per metre for the scale bar.
func (r *renderer) legend(b box, entries []legendEntry, scale float64) {
	w := &r.out
	pad, sw, sh, gap := 14*r.u, 30*r.u, 18*r.u, 10*r.u
	r.group("legend", b, func() {
		w.raw("<rect")
		w.num("x", b.x0)
		w.num("y", b.y0)
		w.num("width", b.w())
		w.num("height", b.h())
		w.num("rx", 6*r.u)
		w.raw(` fill="#ffffff" fill-opacity="0.94" stroke="#c9d0d8"`)
		w.num("stroke-width", r.u)
		w.raw("/>\n")
		y := b.y0 + pad
		for _, e := range entries {
			mid := y + r.legendRow()/2 - 3*r.u
			x := b.x0 + pad
			switch e.kind {
			case "header":
				w.textEl(textItem{x: x, y: mid + 0.36*17*r.u, size: 17 * r.u, bold: true, text: e.text})
			case "scale":
				y += r.legendRow() / 2
				r.scaleBar(x+7*r.u, mid+r.legendRow()/4, scale)
				r.northArrow(b.x1-pad-northArrowWidth*r.u/2, mid-r.legendRow()/4, r.legendRow()*1.4)
			default:
				r.swatch(e, x, mid-sh/2, sw, sh)
				w.textEl(textItem{x: x + sw + gap, y: mid + 0.36*16*r.u, size: 16 * r.u, text: e.text})
			}
			y += r.legendRow()
		}
	})
}

func (r *renderer) swatch(e legendEntry, x, y, sw, sh float64) {
	w := &r.out
	switch e.kind {
	case "line":
		w.raw("<line")
		w.num("x1", x)
		w.num("y1", y+sh/2)
		w.num("x2", x+sw)
		w.num("y2", y+sh/2)
		w.attr("stroke", e.line)
		w.num("stroke-width", math.Max(e.width, r.u))
		w.raw(` stroke-dasharray="none"/>` + "\n")
		return
	}
	w.raw("<rect")
	w.num("x", x)
	w.num("y", y)
	w.num("width", sw)
	w.num("height", sh)
	switch e.kind {
	case "hatch":
		w.raw(` fill="url(#hatch-zero) #ffffff"`)
	case "outline":
		w.raw(` fill="none"`)
	default:
		w.attr("fill", e.fill)
	}
	line := e.line
	if line == "" {
		line = colorProvinceLine
	}
	w.attr("stroke", line)
	w.num("stroke-width", math.Max(e.width, 0.8*r.u))
	w.raw("/>\n")
}

// northArrowWidth is the room (size units) the north arrow takes right of
// the scale bar.
const northArrowWidth = 36

// northArrow draws the north arrow, group id="north-arrow": an arrow of
// height h (page units) with its tip at (x, top) and 北 (N) under it.
// North is up on every map: the national map's central meridian (105°E)
// and a province map's are vertical, and the maps span few degrees of
// longitude either side (the meridians' tilt at the edges stays under
// about 15°, as on any conic map of China).
func (r *renderer) northArrow(x, top, h float64) {
	w := &r.out
	size := 13 * r.u
	ah := h - 1.1*size // the arrow, the letter under it
	r.group("north-arrow", box{x - 8*r.u, top, x + 8*r.u, top + h}, func() {
		w.raw(`<path`)
		w.attr("d", fmt.Sprintf("M%s %sL%s %sL%s %sZ", ftoa(x), ftoa(top), ftoa(x+7*r.u), ftoa(top+ah), ftoa(x), ftoa(top+0.72*ah)))
		w.attr("fill", colorText)
		w.raw("/>\n<path")
		w.attr("d", fmt.Sprintf("M%s %sL%s %sL%s %sZ", ftoa(x), ftoa(top), ftoa(x-7*r.u), ftoa(top+ah), ftoa(x), ftoa(top+0.72*ah)))
		w.attr("fill", "#ffffff")
		w.attr("stroke", colorText)
		w.num("stroke-width", 0.8*r.u)
		w.raw("/>\n")
		w.textEl(textItem{x: x, y: top + h, size: size, anchor: "middle", bold: true, fill: colorText, text: r.w.north})
	})
}

// scaleBar draws a bar of a round length no longer than 170 units.
func (r *renderer) scaleBar(x, mid, perMetre float64) {
	if perMetre <= 0 {
		return
	}
	maxM := 170 * r.u / perMetre
	step := math.Pow(10, math.Floor(math.Log10(maxM)))
	length := step
	for _, f := range []float64{5, 2, 1} {
		if f*step <= maxM {
			length = f * step
			break
		}
	}
	px := length * perMetre
	w := &r.out
	size := 14 * r.u
	h := 6 * r.u
	y := mid + 2*r.u // top of the bar; the numbers above it
	for i := range 2 {
		w.raw("<rect")
		w.num("x", x+float64(i)*px/2)
		w.num("y", y)
		w.num("width", px/2)
		w.num("height", h)
		fill := colorText
		if i == 1 {
			fill = "#ffffff"
		}
		w.attr("fill", fill)
		w.attr("stroke", colorText)
		w.num("stroke-width", 0.8*r.u)
		w.raw("/>\n")
	}
	label := fmt.Sprintf("%g km", length/1000)
	if length < 1000 {
		label = fmt.Sprintf("%g m", length)
	}
	base := y - 3*r.u
	w.textEl(textItem{x: x, y: base, size: size, anchor: "middle", fill: colorTextMuted, text: "0"})
	w.textEl(textItem{x: x + px, y: base, size: size, anchor: "middle", fill: colorTextMuted, text: label})
}

// shapes returns a layer's features at a zoom, nil for a missing layer.
func (r *renderer) shapes(name string, zoom int, keep func(*boundary.Feature) bool) []layer.Shape {
	return r.m.Topology.FeaturesFunc(name, zoom, orb.Bound{}, keep)
}

// byAreaPriority ranks label candidates by area: the smaller, the higher
// the priority, as small units have nowhere else to put their names.
func byAreaPriority(areas map[string]float64, base int) func(code string) int {
	codes := make([]string, 0, len(areas))
	for c := range areas {
		codes = append(codes, c)
	}
	sort.Slice(codes, func(i, j int) bool {
		if areas[codes[i]] != areas[codes[j]] {
			return areas[codes[i]] < areas[codes[j]]
		}
		return codes[i] < codes[j]
	})
	rank := make(map[string]int, len(codes))
	for i, c := range codes {
		rank[c] = base + len(codes) - i
	}
	return func(code string) int { return rank[code] }
}

// hatchPattern writes a <pattern> of diagonal stripes: a square of size s
// filled with fill, crossed by one line of stroke at 45°.
func hatchPattern(w *svgw, id string, s float64, fill, stroke string, strokeWidth float64) {
	w.raw(`<pattern id="` + id + `" patternUnits="userSpaceOnUse"`)
	w.num("width", s)
	w.num("height", s)
	w.raw(` patternTransform="rotate(45)"><rect`)
	w.num("width", s)
	w.num("height", s)
	w.attr("fill", fill)
	w.raw(`/><line x1="0" y1="0" x2="0"`)
	w.num("y2", s)
	w.attr("stroke", stroke)
	w.num("stroke-width", strokeWidth)
	w.raw("/></pattern>")
}
