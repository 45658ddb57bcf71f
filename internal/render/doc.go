// Package render draws pilotmap's presentation maps as self-contained SVG
// documents for slides and print: the national coverage map, a province's
// map, and the gaps view, at fixed layouts (16:9 1920×1080, 4:3 1600×1200,
// A4 landscape).
//
// A national map is drawn in the Albers equal-area conic projection with
// standard parallels 25°N and 47°N and central meridian 105°E (ChinaAlbers);
// a province map in an Albers conic fitted to the province. Everything a
// Chinese map needs is on it: 台湾 as a province and 香港, 澳门 (grey, not in
// the program), the South China Sea islands in a framed inset at the lower
// right labelled 南海诸岛, a legend, a scale bar, the title and subtitle
// (the notices' numbers), the data sources, the date and, when configured,
// the approval number (审图号).
//
// The geometry comes from internal/layer's topology at the zoom whose
// simplification matches the page, so neighbouring units meet exactly.
// Labels are placed greedily on estimated text boxes (pilot units and
// small provinces first) and never overlap each other, the title, the
// legend, the inset or the footer; the title block, legend, inset and
// footer are laid out first and the map is fitted around them.
//
// Text is real <text> with font-family "Noto Sans CJK SC", "Source Han
// Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif, so the document
// edits cleanly in PowerPoint, Keynote or Inkscape. Labels carry a white
// halo drawn as a second <text> under the first (not paint-order, which
// PowerPoint ignores); the two are grouped under the label's id.
//
// Usage, e.g. in an HTTP handler:
//
//	m, err := render.NewMap(w) // w: the world of a data version (internal/world)
//	opt, err := render.ParseQuery(r.URL.Query())
//	opt.Approval = cfg.Approval
//	err = render.SVG(w, m, opt)
//
// The package keeps no state: a Map is read-only once built, SVG writes
// nothing but its output.
package render
