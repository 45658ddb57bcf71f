package document

import (
	"strings"
	"testing"
)

// A grid of rules with a border missing is a merged cell: here the
// province cell spans two rows and the heading spans both columns.
//
//	+-----------------+  y 100
//	| 名单             |
//	+--------+--------+  y 80
//	| 河北省  | 石家庄市 |
//	|        +--------+  y 60
//	|        | 唐山市   |
//	+--------+--------+  y 40
//	x 0      x 50     x 150
func TestGridTable(t *testing.T) {
	h := func(y, x0, x1 float64) box { return box{x0, y - 0.4, x1, y + 0.4} }
	v := func(x, y0, y1 float64) box { return box{x - 0.4, y0, x + 0.4, y1} }
	rules := []box{
		h(100, 0, 150), h(80, 0, 150), h(60, 50, 150), h(40, 0, 150),
		v(0, 40, 100), v(150, 40, 100), v(50, 40, 80),
		h(300, 0, 500), // a rule elsewhere: no table
	}
	tables := findTables(rules)
	if len(tables) != 1 {
		t.Fatalf("%d tables, want 1", len(tables))
	}
	tb := tables[0]
	if tb.rows != 3 || tb.cols != 2 || len(tb.cells) != 4 {
		t.Fatalf("%d rows, %d columns, %d cells; want 3, 2, 4", tb.rows, tb.cols, len(tb.cells))
	}
	for _, ch := range []struct {
		text string
		x, y float64
		line int
	}{{"名", 10, 90, 0}, {"单", 22, 90, 0}, {"河", 10, 70, 1}, {"北", 20, 70, 1}, {"省", 30, 70, 1},
		{"石", 60, 70, 1}, {"家庄", 72, 70, 1}, {"市", 90, 70, 1}, {"唐山", 60, 50, 2}, {"市", 80, 50, 2}} {
		if !tb.add(ch.text, ch.x, ch.y, ch.line) {
			t.Fatalf("%s at %v,%v is not in the table", ch.text, ch.x, ch.y)
		}
	}
	if tb.add("x", 400, 300, 3) {
		t.Error("a character outside the table was taken")
	}
	got := strings.Join(tb.table().lines(nil), "\n")
	want := "| 名单 |  |\n| 河北省 | 石家庄市 |\n| 河北省 | 唐山市 |"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
