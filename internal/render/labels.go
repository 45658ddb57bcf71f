package render

import (
	"math"
	"sort"
)

// labelCand is a label that may be placed: its text centred on (x, y),
// tried there first and then at the alternative offsets, in order.
type labelCand struct {
	id       string
	text     string
	x, y     float64 // centre of the text box
	size     float64
	bold     bool
	fill     string
	priority int // higher is placed first; ties keep input order
	alts     [][2]float64
	// leader draws a line from (x, y) to the label when it is placed at
	// an offset (the small SARs, whose names sit on the sea).
	leader bool
	// offOnly skips the position at (x, y) itself: only the alts.
	offOnly bool
}

// placedLabel is a label kept, with its text item and box, and the leader
// line's ends when it has one.
type placedLabel struct {
	item   textItem
	box    box
	leader *[4]float64
}

// placeLabels is a greedy label placement on estimated text boxes (the
// same rule as web/src/labels.js): candidates in priority order, each kept
// at the first position where its box, padded by pad, lies inside frame
// and touches neither an obstacle nor a label kept before it.
func placeLabels(cands []labelCand, frame box, obstacles []box, pad float64) []placedLabel {
	order := make([]int, len(cands))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return cands[order[a]].priority > cands[order[b]].priority })
	var kept []placedLabel
	var boxes []box
	for _, i := range order {
		c := cands[i]
		w := textWidth(c.text, c.size, c.bold)
		h := c.size
		tries := c.alts
		if !c.offOnly {
			tries = append([][2]float64{{0, 0}}, c.alts...)
		}
		for _, d := range tries {
			x, y := c.x+d[0], c.y+d[1]
			b := box{x - w/2, y - h/2, x + w/2, y + h/2}
			pb := b.pad(pad)
			if !pb.inside(frame) || hits(pb, obstacles) || hits(pb, boxes) {
				continue
			}
			boxes = append(boxes, b)
			// The box is centred on the text's em box: baseline at
			// centre + 0.38 em (ascent 0.88, descent 0.12).
			pl := placedLabel{
				item: textItem{x: x, y: y + 0.38*h, size: c.size, anchor: "middle", bold: c.bold, fill: c.fill, text: c.text, id: c.id,
					halo: "#ffffff", haloWidth: 0.22 * c.size},
				box: b,
			}
			if c.leader && d != [2]float64{} {
				// from the anchor to the nearest point of the box
				ex := math.Max(b.x0, math.Min(c.x, b.x1))
				ey := math.Max(b.y0, math.Min(c.y, b.y1))
				pl.leader = &[4]float64{c.x, c.y, ex, ey}
			}
			kept = append(kept, pl)
			break
		}
	}
	return kept
}

func hits(b box, others []box) bool {
	for _, o := range others {
		if b.overlaps(o) {
			return true
		}
	}
	return false
}

// aroundOffsets are the alternative positions of a label of width w and
// height h: above, below, right, left, then the diagonals.
func aroundOffsets(w, h float64) [][2]float64 {
	dx, dy := w/2+h*0.7, h*1.1
	return [][2]float64{{0, -dy}, {0, dy}, {dx, 0}, {-dx, 0}, {dx, -dy}, {-dx, -dy}, {dx, dy}, {-dx, dy}}
}

// seaOffsets are the positions of a small coastal unit's label, on the
// sea below it first (right, then left), then around it.
func seaOffsets(w, h float64, right bool) [][2]float64 {
	dx, dy := w/2+h*0.9, h*1.5
	first := [][2]float64{{dx, dy}, {-dx, dy}}
	if !right {
		first[0], first[1] = first[1], first[0]
	}
	return append(first, [2]float64{0, dy * 1.3}, [2]float64{dx * 1.3, 0}, [2]float64{dx * 1.3, dy * 1.6}, [2]float64{-dx * 1.3, dy * 1.6})
}

// drawLabels writes the placed labels, leader lines first.
func (r *renderer) drawLabels(placed []placedLabel) {
	for _, l := range placed {
		if l.leader == nil {
			continue
		}
		r.out.raw("<line")
		r.out.num("x1", l.leader[0])
		r.out.num("y1", l.leader[1])
		r.out.num("x2", l.leader[2])
		r.out.num("y2", l.leader[3])
		r.out.attr("stroke", colorTextMuted)
		r.out.num("stroke-width", 0.8*r.u)
		r.out.raw("/>\n")
	}
	for _, l := range placed {
		r.out.textEl(l.item)
	}
}
