package notice_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"pilotmap/geodata"
	"pilotmap/internal/gazetteer"
	"pilotmap/internal/importer"
)

// keyRow is one unit of a real list's answer key (testdata/real/*.key.tsv).
type keyRow struct {
	line    int
	written string
	code    string // "-" when no single current unit is meant
	intact  bool
	note    string
}

func readKey(t testing.TB, path string) []keyRow {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []keyRow
	sc := bufio.NewScanner(f)
	header := true
	for n := 1; sc.Scan(); n++ {
		text := sc.Text()
		if strings.HasPrefix(text, "#") || strings.TrimSpace(text) == "" {
			continue
		}
		cols := strings.Split(text, "\t")
		if header {
			if len(cols) < 4 || cols[0] != "line" || cols[1] != "written" || cols[2] != "code" || cols[3] != "intact" {
				t.Fatalf("%s:%d: header %q, want line, written, code, intact, note", path, n, text)
			}
			header = false
			continue
		}
		if len(cols) < 4 {
			t.Fatalf("%s:%d: %d columns, want at least 4", path, n, len(cols))
		}
		line, err := strconv.Atoi(cols[0])
		if err != nil || line < 1 {
			t.Fatalf("%s:%d: line %q", path, n, cols[0])
		}
		if cols[2] != "-" && len(cols[2]) != 6 {
			t.Fatalf("%s:%d: code %q", path, n, cols[2])
		}
		if cols[3] != "yes" && cols[3] != "no" {
			t.Fatalf("%s:%d: intact %q, want yes or no", path, n, cols[3])
		}
		r := keyRow{line: line, written: cols[1], code: cols[2], intact: cols[3] == "yes"}
		if len(cols) > 4 {
			r.note = cols[4]
		}
		rows = append(rows, r)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// listScore is how one real list was read.
type listScore struct {
	name                          string
	units, intact                 int
	right, rightIntact            int
	wrong                         []string
	unmatched, unreadable, counts int // what the result reports
	reported                      int // key units not matched but reported on their line
	lost                          []string
}

// scoreList reads one list and compares the result with its key.
func scoreList(t testing.TB, g *gazetteer.Gazetteer, txt string) listScore {
	t.Helper()
	raw, err := os.ReadFile(txt)
	if err != nil {
		t.Fatal(err)
	}
	key := readKey(t, strings.TrimSuffix(txt, ".txt")+".key.tsv")
	s := listScore{name: strings.TrimSuffix(filepath.Base(txt), ".txt"), units: len(key)}
	res, err := importer.MatchText(g, raw)
	if err != nil {
		for _, k := range key {
			s.lost = append(s.lost, fmt.Sprintf("line %d %s (%v)", k.line, k.written, err))
		}
		return s
	}
	s.unmatched, s.unreadable, s.counts = len(res.Unmatched), len(res.Unreadable), len(res.CountsDiffer())
	want := map[string]bool{}
	for _, k := range key {
		want[k.code] = true
	}
	got := map[string]bool{}
	for _, u := range res.Units {
		got[u.Code] = true
		if !want[u.Code] {
			s.wrong = append(s.wrong, fmt.Sprintf("line %d %s → %s %s (%s)", u.Line, u.Written, u.Code, u.Name, u.Rule))
		}
	}
	reportedOn := map[int]bool{}
	for _, u := range res.Unmatched {
		reportedOn[u.Line] = true
	}
	for _, u := range res.Unreadable {
		reportedOn[u.Line] = true
	}
	for _, k := range key {
		if k.intact {
			s.intact++
		}
		switch {
		case k.code != "-" && got[k.code]:
			s.right++
			if k.intact {
				s.rightIntact++
			}
		case reportedOn[k.line]:
			s.reported++
		default:
			s.lost = append(s.lost, fmt.Sprintf("line %d %s (%s)", k.line, k.written, k.code))
		}
	}
	return s
}

// TestRealLists reads every real published list of testdata/real (see
// SOURCES.md there) and scores it against its hand-checked key: no wrong
// code, no unit lost without a word, and at least 97% of the units whose
// text is intact matched.
func TestRealLists(t *testing.T) {
	g, err := gazetteer.Load(geodata.FS())
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join("testdata", "real", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 12 {
		t.Fatalf("%d real lists, want at least 12", len(files))
	}
	sort.Strings(files)
	var total listScore
	var table strings.Builder
	fmt.Fprintf(&table, "| list | units | intact | right | wrong | reported (unmatched/unreadable) | lost | counts differing |\n|---|---|---|---|---|---|---|---|\n")
	for _, f := range files {
		s := scoreList(t, g, f)
		fmt.Fprintf(&table, "| %s | %d | %d | %d | %d | %d (%d/%d) | %d | %d |\n", s.name, s.units, s.intact, s.right, len(s.wrong), s.reported, s.unmatched, s.unreadable, len(s.lost), s.counts)
		for _, w := range s.wrong {
			t.Errorf("%s: wrong code: %s", s.name, w)
		}
		for _, l := range s.lost {
			t.Errorf("%s: lost without a word: %s", s.name, l)
		}
		total.units += s.units
		total.intact += s.intact
		total.right += s.right
		total.rightIntact += s.rightIntact
		total.reported += s.reported
		total.unmatched += s.unmatched
		total.unreadable += s.unreadable
		total.counts += s.counts
		total.wrong = append(total.wrong, s.wrong...)
		total.lost = append(total.lost, s.lost...)
	}
	share := float64(total.rightIntact) / float64(max(total.intact, 1))
	fmt.Fprintf(&table, "| all %d lists | %d | %d | %d | %d | %d (%d/%d) | %d | %d |\n", len(files), total.units, total.intact, total.right, len(total.wrong), total.reported, total.unmatched, total.unreadable, len(total.lost), total.counts)
	t.Logf("real lists:\n%s\nintact units matched: %d of %d (%.1f%%)", table.String(), total.rightIntact, total.intact, 100*share)
	if share < 0.97 {
		t.Errorf("%d of %d intact units matched (%.1f%%), want at least 97%%", total.rightIntact, total.intact, 100*share)
	}
}
