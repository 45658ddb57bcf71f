package document

import (
	"strings"
	"unicode"
)

// flow collects the text of a document, or of a table cell, as blocks: lines
// and tables in document order.
type flow struct {
	blocks []block
	cur    strings.Builder // the line being written
}

// block is a line of text or a table.
type block struct {
	line  string
	table *table
}

// table is a table as written: rows of cells, a cell spanning columns or
// rows as its markup says.
type table struct {
	caption []string
	rows    []row
}

type row struct {
	cells  []cell
	header bool // a header row: in <thead>, all <th>, or Word's repeated header row
}

type cell struct {
	content          flow
	colspan, rowspan int  // at least 1
	continued        bool // a Word cell that continues the vertical merge of the cell above
}

// write appends text to the current line.
func (f *flow) write(s string) { f.cur.WriteString(s) }

// endLine ends the current line, no-break spaces made spaces and the line
// trimmed; an empty or blank line is left out.
func (f *flow) endLine() {
	s := strings.ReplaceAll(f.cur.String(), "\u00a0", " ")
	s = strings.TrimFunc(s, unicode.IsSpace)
	f.cur.Reset()
	if s != "" {
		f.blocks = append(f.blocks, block{line: s})
	}
}

// addTable ends the current line and appends t.
func (f *flow) addTable(t *table) {
	f.endLine()
	f.blocks = append(f.blocks, block{table: t})
}

// lines renders the flow: its lines, and each table as rows "| a | b |", or
// as the lines of its cells when it is a layout table (one column, or
// cells holding tables) or too large for a grid (see grid).
func (f *flow) lines(out []string) []string {
	f.endLine()
	for _, b := range f.blocks {
		if b.table == nil {
			out = append(out, b.line)
			continue
		}
		out = b.table.lines(out)
	}
	return out
}

func (t *table) lines(out []string) []string {
	out = append(out, t.caption...)
	var grid [][]string
	var own []bool
	width, ok := 0, false
	if !t.nested() {
		grid, own, width, ok = t.grid()
	}
	if !ok || width <= 1 {
		for _, r := range t.rows {
			for i := range r.cells {
				out = r.cells[i].content.lines(out)
			}
		}
		return out
	}
	header := 0 // header rows at the top get a markdown separator row after them
	for header < len(t.rows) && t.rows[header].header {
		header++
	}
	for k, cells := range grid {
		if k == header && header > 0 && header < len(grid) {
			out = append(out, "|"+strings.Repeat(" --- |", width))
		}
		if !own[k] { // nothing but what spans from above: no row of its own
			continue
		}
		out = append(out, "| "+strings.Join(cells, " | ")+" |")
	}
	return out
}

// nested reports a table with a table in one of its cells.
func (t *table) nested() bool {
	for _, r := range t.rows {
		for _, c := range r.cells {
			for _, b := range c.content.blocks {
				if b.table != nil {
					return true
				}
			}
		}
	}
	return false
}

// Bounds on a table's grid, so that spans cannot multiply the input: a cell
// spans at most maxSpan columns; a table of more than maxColumns columns or
// maxCells grid positions, or whose row spans would repeat more than
// maxRepeated bytes, is read as lines instead; a row span repeats a text of
// at most maxRepeat bytes (a longer one is in its first row only).
const (
	maxSpan     = 100
	maxColumns  = 64
	maxCells    = 1 << 20
	maxRepeated = 4 << 20
	maxRepeat   = 200
)

// grid lays the cells out on rows and columns as spans place them. A cell
// that spans rows (rowspan, or a Word cell that a vertical merge continues)
// applies to each of them: its text is repeated down its column, so every
// row keeps its province. A cell that spans columns is one heading over
// them: its text is in the first, the others are empty. It returns the rows
// of cell texts, whether each row has text of its own (a row that has only
// what spans into it from above, as where a page break cuts a span, is no
// row to repeat it in), the number of columns, and false when the table is
// over the bounds above. A cell's lines are joined with two spaces, which the
// notice parser reads as a separator between names, and '|' in a cell is
// escaped.
func (t *table) grid() ([][]string, []bool, int, bool) {
	slots := make([]map[int]string, len(t.rows)) // the text at each taken column
	for k := range slots {
		slots[k] = map[int]string{}
	}
	cells, repeated := 0, 0
	own := make([]bool, len(t.rows))
	for k, r := range t.rows {
		col := 0
		for i := range r.cells {
			c := &r.cells[i]
			for {
				if _, taken := slots[k][col]; !taken {
					break
				}
				col++
			}
			text := c.text()
			own[k] = own[k] || text != ""
			if c.continued && k > 0 {
				text = slots[k-1][col]
			}
			cs, rs := min(max(c.colspan, 1), maxSpan), min(max(c.rowspan, 1), len(t.rows)-k)
			if col+cs > maxColumns || cells+cs*rs > maxCells {
				return nil, nil, 0, false
			}
			cells += cs * rs
			for dr := 0; dr < rs; dr++ {
				for dc := 0; dc < cs; dc++ {
					v := ""
					if dc == 0 && (dr == 0 || len(text) <= maxRepeat) {
						v = text
					}
					slots[k+dr][col+dc] = v
				}
			}
			if len(text) <= maxRepeat {
				if repeated += len(text) * (rs - 1); repeated > maxRepeated {
					return nil, nil, 0, false
				}
			}
			col += cs
		}
	}
	width := 0
	for _, s := range slots {
		for c := range s {
			width = max(width, c+1)
		}
	}
	grid := make([][]string, len(t.rows))
	for k, s := range slots {
		grid[k] = make([]string, width)
		for c, v := range s {
			grid[k][c] = v
		}
	}
	return grid, own, width, true
}

// text is the cell's content on one line.
func (c *cell) text() string {
	lines := c.content.lines(nil)
	s := strings.Join(lines, "  ")
	return strings.ReplaceAll(s, "|", `\|`)
}

// joinLines joins lines into text, one line each.
func joinLines(lines []string) []byte {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return []byte(b.String())
}
