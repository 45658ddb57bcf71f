package render

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/paulmach/orb"
)

// fontFamily is every text's font: CJK families by name, with fallbacks
// for Linux, macOS and Windows.
const fontFamily = "'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif"

// svgw builds an SVG document in memory.
type svgw struct {
	b []byte
}

func (w *svgw) raw(s string) { w.b = append(w.b, s...) }

// attr writes ` name="value"` with value escaped.
func (w *svgw) attr(name, value string) {
	w.b = append(w.b, ' ')
	w.b = append(w.b, name...)
	w.b = append(w.b, `="`...)
	w.b = appendEscaped(w.b, value)
	w.b = append(w.b, '"')
}

// attrs writes attributes given as name, value pairs.
func (w *svgw) attrs(pairs []string) {
	for i := 0; i+1 < len(pairs); i += 2 {
		w.attr(pairs[i], pairs[i+1])
	}
}

// num writes ` name="v"` with v rounded to 0.1.
func (w *svgw) num(name string, v float64) {
	w.b = append(w.b, ' ')
	w.b = append(w.b, name...)
	w.b = append(w.b, `="`...)
	w.b = appendTenths(w.b, int64(math.Round(v*10)))
	w.b = append(w.b, '"')
}

func (w *svgw) text(s string) { w.b = appendEscaped(w.b, s) }

// appendEscaped appends s escaped for XML text and attribute values,
// dropping characters XML 1.0 forbids.
func appendEscaped(b []byte, s string) []byte {
	for _, r := range s {
		switch {
		case r == '&':
			b = append(b, "&amp;"...)
		case r == '<':
			b = append(b, "&lt;"...)
		case r == '>':
			b = append(b, "&gt;"...)
		case r == '"':
			b = append(b, "&quot;"...)
		case r == '\'':
			b = append(b, "&apos;"...)
		case r == '\t' || r == '\n' || r == '\r':
			b = append(b, ' ')
		case r < 0x20 || r == utf8.RuneError || (r >= 0xFFFE && r <= 0xFFFF) || (r >= 0xD800 && r <= 0xDFFF):
			// not allowed in XML 1.0
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	return b
}

// appendTenths appends v/10 in the shortest decimal form: 123 → 12.3,
// 120 → 12, -5 → -.5.
func appendTenths(b []byte, v int64) []byte {
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	whole, frac := v/10, v%10
	if whole != 0 || frac == 0 {
		b = strconv.AppendInt(b, whole, 10)
	}
	if frac != 0 {
		b = append(b, '.', byte('0'+frac))
	}
	return b
}

// path appends the d attribute of a multipolygon in page coordinates:
// absolute move to each ring's first point, relative lines after, all on
// a 0.1 unit grid (deltas are exact on the grid, so nothing drifts).
// Repeated points are dropped; a ring with fewer than three distinct
// points is skipped. It returns false when nothing was written.
func (w *svgw) path(mp orb.MultiPolygon) bool {
	start := len(w.b)
	w.b = append(w.b, ` d="`...)
	mark := len(w.b)
	var pts [][2]int64
	for _, poly := range mp {
		for _, ring := range poly {
			pts = gridRing(pts[:0], ring)
			if len(pts) < 3 {
				continue
			}
			w.b = append(appendMoveLines(w.b, pts), 'z')
		}
	}
	if len(w.b) == mark {
		w.b = w.b[:start]
		return false
	}
	w.b = append(w.b, '"')
	return true
}

// line appends the d attribute of a line in page coordinates, on the 0.1
// unit grid (absolute move, relative lines).
func (w *svgw) line(ls orb.LineString) {
	var pts [][2]int64
	for _, p := range ls {
		q := [2]int64{int64(math.Round(p[0] * 10)), int64(math.Round(p[1] * 10))}
		if n := len(pts); n == 0 || pts[n-1] != q {
			pts = append(pts, q)
		}
	}
	w.b = append(w.b, ` d="`...)
	w.b = append(appendMoveLines(w.b, pts), '"')
}

// appendMoveLines appends points on the 0.1 grid as an absolute move to
// the first and relative lines to the others.
func appendMoveLines(b []byte, pts [][2]int64) []byte {
	b = append(b, 'M')
	b = appendTenths(b, pts[0][0])
	b = appendSep(b, pts[0][1])
	b = appendTenths(b, pts[0][1])
	b = append(b, 'l')
	for i := 1; i < len(pts); i++ {
		dx, dy := pts[i][0]-pts[i-1][0], pts[i][1]-pts[i-1][1]
		if i > 1 {
			b = appendSep(b, dx)
		}
		b = appendTenths(b, dx)
		b = appendSep(b, dy)
		b = appendTenths(b, dy)
	}
	return b
}

// appendSep separates two numbers: a minus sign separates by itself.
func appendSep(b []byte, next int64) []byte {
	if next < 0 {
		return b
	}
	return append(b, ' ')
}

// gridRing rounds a ring to the 0.1 grid, dropping repeated points and the
// closing point.
func gridRing(dst [][2]int64, ring orb.Ring) [][2]int64 {
	for _, p := range ring {
		q := [2]int64{int64(math.Round(p[0] * 10)), int64(math.Round(p[1] * 10))}
		if n := len(dst); n > 0 && dst[n-1] == q {
			continue
		}
		dst = append(dst, q)
	}
	for len(dst) > 1 && dst[len(dst)-1] == dst[0] {
		dst = dst[:len(dst)-1]
	}
	return dst
}

// textItem is one line of text on the page.
type textItem struct {
	x, y   float64 // anchor point: baseline, at the start, middle or end
	size   float64
	anchor string // "start", "middle", "end"
	bold   bool
	fill   string
	text   string
	id     string
	// halo, when not "", draws the text first in this colour with a wide
	// stroke under the text itself (a halo that reads on any fill); the
	// two are grouped under the id. A copy rather than paint-order, which
	// PowerPoint and older renderers ignore.
	halo      string
	haloWidth float64
}

// textEl writes a <text> element, or a group of the halo and the text.
func (w *svgw) textEl(t textItem) {
	if t.halo != "" {
		w.raw("<g")
		if t.id != "" {
			w.attr("id", t.id)
		}
		w.raw(">")
		h := t
		h.id, h.halo, h.fill = "", "", t.halo
		w.textTag(h, t.halo, t.haloWidth)
		t.id = ""
		w.textTag(t, "", 0)
		w.raw("</g>\n")
		return
	}
	w.textTag(t, "", 0)
}

func (w *svgw) textTag(t textItem, stroke string, strokeWidth float64) {
	w.raw("<text")
	if t.id != "" {
		w.attr("id", t.id)
	}
	w.num("x", t.x)
	w.num("y", t.y)
	w.num("font-size", t.size)
	w.attr("font-family", fontFamily)
	if t.bold {
		w.raw(` font-weight="bold"`)
	}
	if t.anchor != "" && t.anchor != "start" {
		w.attr("text-anchor", t.anchor)
	}
	fill := t.fill
	if fill == "" {
		fill = colorText
	}
	w.attr("fill", fill)
	if stroke != "" {
		w.attr("stroke", stroke)
		w.num("stroke-width", strokeWidth)
		w.raw(` stroke-linejoin="round"`)
	}
	w.raw(">")
	w.text(t.text)
	w.raw("</text>")
	if stroke == "" {
		w.raw("\n")
	}
}

// textWidth estimates a text's advance width at a font size: a full em for
// CJK and fullwidth characters, 0.6 em for others (as web/src/labels.js),
// a bit more for bold.
func textWidth(s string, size float64, bold bool) float64 {
	w := 0.0
	for _, r := range s {
		if isWide(r) {
			w += 1
		} else {
			w += 0.6
		}
	}
	if bold {
		w *= 1.05
	}
	return w * size
}

func isWide(r rune) bool {
	return (r >= 0x2e80 && r <= 0x9fff) || (r >= 0xf900 && r <= 0xfaff) || (r >= 0xff00 && r <= 0xffef) || (r >= 0x3000 && r <= 0x303f) || r >= 0x20000
}

// box is a rectangle on the page: x0 ≤ x1, y0 ≤ y1.
type box struct{ x0, y0, x1, y1 float64 }

func (b box) w() float64 { return b.x1 - b.x0 }
func (b box) h() float64 { return b.y1 - b.y0 }

// overlaps reports whether two boxes intersect with positive area.
func (b box) overlaps(c box) bool {
	return b.x0 < c.x1 && c.x0 < b.x1 && b.y0 < c.y1 && c.y0 < b.y1
}

// inside reports whether b lies within c.
func (b box) inside(c box) bool {
	return b.x0 >= c.x0 && b.y0 >= c.y0 && b.x1 <= c.x1 && b.y1 <= c.y1
}

func (b box) pad(p float64) box { return box{b.x0 - p, b.y0 - p, b.x1 + p, b.y1 + p} }

func (b box) contains(x, y float64) bool { return x > b.x0 && x < b.x1 && y > b.y0 && y < b.y1 }

// String writes the box as the data-box attribute: x y width height.
func (b box) String() string {
	var s []byte
	for i, v := range []float64{b.x0, b.y0, b.w(), b.h()} {
		if i > 0 {
			s = append(s, ' ')
		}
		s = appendTenths(s, int64(math.Round(v*10)))
	}
	return string(s)
}

// textBox is the box of a text item: from the ascent (0.88 em above the
// baseline) to the descent (0.12 em below), per the anchor.
func textBox(t textItem) box {
	w := textWidth(t.text, t.size, t.bold)
	x0 := t.x
	switch t.anchor {
	case "middle":
		x0 -= w / 2
	case "end":
		x0 -= w
	}
	return box{x0, t.y - 0.88*t.size, x0 + w, t.y + 0.12*t.size}
}

// joinNonEmpty joins the non-empty parts with sep.
func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}
