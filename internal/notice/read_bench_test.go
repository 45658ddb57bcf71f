package notice_test

import (
	"fmt"
	"strings"
	"testing"

	"pilotmap/internal/gazetteer"
	"pilotmap/internal/importer"
	"pilotmap/internal/notice"
)

// bigList writes a list of n units, as a notice lists them: each province
// on a numbered line with its units, official names, short forms and names
// without their suffix mixed, counts declared. It returns the text and the
// number of units in it.
func bigList(g *gazetteer.Gazetteer, n int) ([]byte, int) {
	var b strings.Builder
	b.WriteString("关于公布第三批试点单位名单的通知\n\n第三批试点单位名单\n\n")
	total := 0
	for i, p := range g.Provinces() {
		if total >= n {
			break
		}
		var names []string
		for _, d := range g.Divisions() {
			if d.ProvinceCode() != p.Code || d.Level == gazetteer.Province || total+len(names) >= n {
				continue
			}
			if len(g.ByName(p.Code, d.Name)) != 1 {
				continue // a name twice in the province needs its parent written
			}
			names = append(names, d.Name)
		}
		if len(names) == 0 {
			continue
		}
		total += len(names)
		fmt.Fprintf(&b, "%d. %s（%d个）：%s\n", i+1, p.Name, len(names), strings.Join(names, "、"))
	}
	return []byte(b.String()), total
}

// BenchmarkReadMatch2000 reads and matches a 2,000-unit list: the reader
// with the gazetteer's names, then every unit matched (issue 10: ≤ 50 ms,
// ≤ 50 MB).
func BenchmarkReadMatch2000(b *testing.B) {
	g := gaz(b)
	data, n := bigList(g, 2000)
	if n != 2000 {
		b.Fatalf("list of %d units", n)
	}
	res, err := importer.MatchText(g, data)
	if err != nil || len(res.Units)+len(res.Unmatched) < 2000 {
		b.Fatalf("read %v units: %v", len(res.Units), err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := importer.MatchText(g, data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRead2000 reads a 2,000-unit list without matching it.
func BenchmarkRead2000(b *testing.B) {
	g := gaz(b)
	data, _ := bigList(g, 2000)
	lex := importer.Lexicon(g)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := notice.Read(data, lex); err != nil {
			b.Fatal(err)
		}
	}
}

// TestBigList checks that the benchmark's list is read in full: every unit
// matched, the declared counts held.
func TestBigList(t *testing.T) {
	g := gaz(t)
	data, n := bigList(g, 2000)
	res, err := importer.MatchText(g, data)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Units) != n || !res.Complete() {
		t.Fatalf("%d of %d units matched, complete %v\n%s", len(res.Units), n, res.Complete(), firstLines(describe(res), 20))
	}
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}
