package document

import (
	"math"
	"sort"
	"strings"
	"unicode"
)

// A PDF has no tables, only text and the lines drawn around it. A table
// printed by a browser or exported by a word processor draws its cell
// borders as thin rules: where thin horizontal and vertical rules touch one
// another they form a grid, and the characters inside each grid cell are
// that cell's text. A border missing inside the grid is a merged cell (a
// row or column span), read as such, so that a province cell spanning its
// rows keeps its province on each of them.

// ruleWidth is the most a rule is thick; ruleSlack how far apart two rules
// may be and still meet (a border drawn once per cell is drawn twice, side
// by side).
const (
	ruleWidth = 2.5
	ruleSlack = 2.0
	// maxRules bounds the rules a page is searched for tables in: a page of
	// vector drawing holds thousands and no table.
	maxRules = 2000
	// maxGridCells bounds the grid positions of one table.
	maxGridCells = 10000
)

// box is a rectangle in PDF coordinates (y grows upwards).
type box struct{ left, bottom, right, top float64 }

func (b box) horizontal() bool { return b.top-b.bottom <= ruleWidth && b.right-b.left > ruleWidth }
func (b box) vertical() bool   { return b.right-b.left <= ruleWidth && b.top-b.bottom > ruleWidth }

func (b box) touches(o box) bool {
	return b.left-ruleSlack <= o.right && o.left-ruleSlack <= b.right &&
		b.bottom-ruleSlack <= o.top && o.bottom-ruleSlack <= b.top
}

func (b box) contains(x, y float64) bool {
	return b.left <= x && x <= b.right && b.bottom <= y && y <= b.top
}

// pdfTable is a table found on a page: its extent and its cells.
type pdfTable struct {
	extent     box
	cells      []pdfCell
	rows, cols int
	used       bool // its text has been placed in the page's flow
}

type pdfCell struct {
	extent           box
	row, col         int
	rowspan, colspan int
	text             strings.Builder
	lastLine         int // the page line of the last character written, -1 before any
}

// findTables returns the tables the rules of a page form: groups of rules
// that touch, with at least two vertical and two horizontal positions.
func findTables(rules []box) []*pdfTable {
	var thin []box
	for _, r := range rules {
		if r.horizontal() || r.vertical() {
			thin = append(thin, r)
		}
	}
	if len(thin) < 4 || len(thin) > maxRules {
		return nil
	}
	// group the rules that touch (union-find)
	parent := make([]int, len(thin))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for i := range thin {
		for j := i + 1; j < len(thin); j++ {
			if thin[i].touches(thin[j]) {
				parent[find(i)] = find(j)
			}
		}
	}
	groups := map[int][]box{}
	for i := range thin {
		groups[find(i)] = append(groups[find(i)], thin[i])
	}
	var tables []*pdfTable
	for _, g := range groups {
		if t := gridTable(g); t != nil {
			tables = append(tables, t)
		}
	}
	sort.Slice(tables, func(i, j int) bool { return tables[i].extent.top > tables[j].extent.top })
	return tables
}

// positions clusters coordinates closer than ruleSlack and returns one per
// cluster, in increasing order.
func positions(v []float64) []float64 {
	sort.Float64s(v)
	var out []float64
	for _, x := range v {
		if len(out) == 0 || x-out[len(out)-1] > ruleSlack {
			out = append(out, x)
		}
	}
	return out
}

// gridTable lays out the cells that a group of touching rules forms; nil
// when they form no grid of at least one row and two columns.
func gridTable(rules []box) *pdfTable {
	var xv, yv []float64
	var hs, vs []box
	ext := box{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for _, r := range rules {
		ext = box{math.Min(ext.left, r.left), math.Min(ext.bottom, r.bottom), math.Max(ext.right, r.right), math.Max(ext.top, r.top)}
		if r.vertical() {
			vs = append(vs, r)
			xv = append(xv, (r.left+r.right)/2)
		} else {
			hs = append(hs, r)
			yv = append(yv, (r.bottom+r.top)/2)
		}
	}
	xs, ys := positions(xv), positions(yv)
	cols, rows := len(xs)-1, len(ys)-1
	if cols < 2 || rows < 1 || cols*rows > maxGridCells {
		return nil
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(ys))) // top first
	// vertical reports a border at xs[i] across row r; horizontal one at
	// ys[r] across column c.
	vertical := func(i, r int) bool {
		mid := (ys[r] + ys[r+1]) / 2
		for _, v := range vs {
			if math.Abs((v.left+v.right)/2-xs[i]) <= ruleSlack && v.bottom-ruleSlack <= mid && mid <= v.top+ruleSlack {
				return true
			}
		}
		return false
	}
	horizontal := func(r, c int) bool {
		mid := (xs[c] + xs[c+1]) / 2
		for _, h := range hs {
			if math.Abs((h.bottom+h.top)/2-ys[r]) <= ruleSlack && h.left-ruleSlack <= mid && mid <= h.right+ruleSlack {
				return true
			}
		}
		return false
	}
	t := &pdfTable{extent: ext, rows: rows, cols: cols}
	taken := make([]bool, rows*cols)
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			if taken[r*cols+c] {
				continue
			}
			cs := 1
			for c+cs < cols && !vertical(c+cs, r) && !taken[r*cols+c+cs] {
				cs++
			}
			rs := 1
			for r+rs < rows && !horizontal(r+rs, c) {
				rs++
			}
			for dr := 0; dr < rs; dr++ {
				for dc := 0; dc < cs; dc++ {
					taken[(r+dr)*cols+c+dc] = true
				}
			}
			t.cells = append(t.cells, pdfCell{
				extent: box{xs[c], ys[r+rs], xs[c+cs], ys[r]},
				row:    r, col: c, rowspan: rs, colspan: cs, lastLine: -1,
			})
		}
	}
	return t
}

// add writes a character whose centre is (x, y), on page line line, to the
// cell that holds it, and reports whether one did (a character on a border
// is in no cell, and stays on its line). Characters of one cell on
// successive lines are a text the cell wrapped: joined as the PDF's wrapped
// lines are, with a space only between two Latin letters or digits.
func (t *pdfTable) add(ch string, x, y float64, line int) bool {
	if !t.extent.contains(x, y) {
		return false
	}
	for i := range t.cells {
		c := &t.cells[i]
		if !c.extent.contains(x, y) {
			continue
		}
		if c.lastLine >= 0 && line != c.lastLine && isASCIIAlnum(lastRune(c.text.String())) && isASCIIAlnum(firstRune(ch)) {
			c.text.WriteByte(' ')
		}
		if c.text.Len() > 0 || strings.TrimFunc(ch, unicode.IsSpace) != "" {
			c.text.WriteString(ch)
		}
		c.lastLine = line
		return true
	}
	return false // on a border, in no cell: left to the line it is on
}

// table returns the table in the document model, each cell with its spans.
func (t *pdfTable) table() *table {
	out := &table{rows: make([]row, t.rows)}
	for i := range t.cells {
		c := &t.cells[i]
		x := cell{colspan: c.colspan, rowspan: c.rowspan}
		x.content.write(c.text.String())
		out.rows[c.row].cells = append(out.rows[c.row].cells, x)
	}
	return out
}

// at returns the cell that covers row r, column c; nil if none.
func (t *pdfTable) at(r, c int) *pdfCell {
	for i := range t.cells {
		x := &t.cells[i]
		if x.row <= r && r < x.row+x.rowspan && x.col <= c && c < x.col+x.colspan {
			return x
		}
	}
	return nil
}

// rowText returns the texts of row r, one per column.
func (t *pdfTable) rowText(r int) []string {
	out := make([]string, t.cols)
	for c := range out {
		if x := t.at(r, c); x != nil && x.col == c {
			out[c] = strings.TrimSpace(x.text.String())
		}
	}
	return out
}

// ownText reports whether a cell that starts on row r has text.
func (t *pdfTable) ownText(r int) bool {
	for i := range t.cells {
		if x := &t.cells[i]; x.row == r && strings.TrimSpace(x.text.String()) != "" {
			return true
		}
	}
	return false
}

// carry fills the empty cells at the top of t, a table that continues
// prev on a new page, with the text of prev's last row: in each column, the
// empty cells of the rows with text of their own (a cell that starts on
// the row), down to the column's first cell with text. A first row that repeats prev's header row is
// skipped.
func (t *pdfTable) carry(prev *pdfTable) {
	if prev.rows == 0 || t.rows == 0 {
		return
	}
	last := make([]string, t.cols)
	for c := range last {
		if x := prev.at(prev.rows-1, c); x != nil && x.col == c {
			last[c] = strings.TrimSpace(x.text.String())
		}
	}
	start := 0
	if strings.Join(t.rowText(0), "|") == strings.Join(prev.rowText(0), "|") {
		start = 1
	}
	for c := 0; c < t.cols; c++ {
		if last[c] == "" || len(last[c]) > maxRepeat {
			continue
		}
		for r := start; r < t.rows; r++ {
			x := t.at(r, c)
			if x == nil || x.col != c {
				continue
			}
			if strings.TrimSpace(x.text.String()) != "" {
				break
			}
			if t.ownText(r) {
				x.text.WriteString(last[c])
			}
		}
	}
}
