// Package history derives the table of history of China's divisions from a
// sequence of code tables (the GB/T 2260 revisions 2002–2016 and today's
// codes): every code and name a table lists that today's table does not is
// followed, table by table, to the division it is today, when the rules
// below find one and only one. What no rule reveals (mergers, abolitions,
// renames to another stem) is reported, never guessed.
//
// From one table to the next, a code and name the next table no longer
// lists continues as, in this order:
//  1. the same name at the same level in the same prefecture (or in the
//     prefecture its own became, or anywhere in a municipality): recoded
//     (定安县 469025 → 469021);
//  2. the same code with a name its prefecture did not have before: renamed,
//     code kept (襄樊市 420600 → 襄阳市 420600);
//  3. the same name at the same level elsewhere in the province, when the
//     name is unique in the province in both tables: moved (简阳市 512081 →
//     510185);
//  4. a name new in the next table, at the same level in the same (or
//     related) prefecture, with the same stem and a usual suffix change (县
//     → 区 or 市, 县级市 → 区, 地区 or 盟 → 市): renamed (栾城县 130124 → 栾城区
//     130111, 海东地区 632100 → 海东市 630200).
//
// Two or more divisions fitting a rule is an ambiguity, reported and left
// out.
package history

import (
	"fmt"
	"sort"
	"strings"

	"pilotmap/internal/gazetteer"
)

// Table is one code table.
type Table struct {
	Label string            // e.g. "GB/T 2260 201607" or "NBS 2023-06-30"
	Year  int               // the year of the table
	Names map[string]string // code → name, as the table lists them
}

// Unresolved is a code and name that no rule leads to a division of today.
type Unresolved struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	LastListed string `json:"last_listed"` // the label of the last table that lists it
	Reason     string `json:"reason"`
}

// Report says what the derivation found besides the rows.
type Report struct {
	// Kinds counts the rows written, by kind.
	Kinds map[gazetteer.AliasKind]int `json:"kinds"`
	// Curated counts derived rows left out because a curated row of
	// aliases.csv says the same (same province, name and code).
	Curated int `json:"also_curated"`
	// Ambiguous lists the names a rule fitted more than one division for.
	Ambiguous []Unresolved `json:"ambiguous"`
	// Unresolved lists the names no rule fitted and no curated row covers.
	Unresolved []Unresolved `json:"unresolved"`
	// Reused lists the old codes the tables give to two divisions, one
	// after the other (469033 乐东黎族自治县, later 中沙群岛的岛礁及其海域): both
	// rows are kept, and an old code leads to the later one.
	Reused []string `json:"reused_codes"`
}

// IsPseudo reports whether a name in a code table is a grouping, not a
// division: 市辖区, 县, 市, 省直辖县级行政区划 and the like.
func IsPseudo(name string) bool {
	return name == "市" || name == "县" || strings.HasSuffix(name, "辖区") || strings.Contains(name, "直辖")
}

// key is one code and name listed in a table.
type key struct{ code, name string }

// step is what became of a key from table i to table i+1.
type step struct {
	to     string // the code in table i+1, "" when none
	reason string // why none, when to is ""
	stem   bool   // found by its stem (rule 4)
}

// place is a name within an area: a province ("PP") or a prefecture
// ("PPCC") prefix of codes.
type place struct{ area, name string }

// Derive follows every code and name of tables (oldest first, the last
// being today's) to today's division, and returns the history rows, sorted
// by province, today's code and name, with what it could not resolve.
// source describes the pair of tables between which a change shows.
// Curated rows (aliases.csv) take precedence: a derived row saying the same
// is left out and counted; a name a curated row covers is not reported as
// unresolved.
func Derive(tables []Table, curated []gazetteer.Alias, source func(from, to Table) string) ([]gazetteer.Alias, Report, error) {
	if len(tables) < 2 {
		return nil, Report{}, fmt.Errorf("history: %d code tables, want at least 2", len(tables))
	}
	clean := make([]map[string]string, len(tables))
	for i, t := range tables {
		clean[i] = divisionsOf(t.Names)
	}
	steps := make([]map[key]step, len(tables)-1)
	for i := range steps {
		steps[i] = transitions(clean[i], clean[i+1])
	}
	lastListed := map[key]int{}
	var keys []key
	for i, names := range clean {
		for c, n := range names {
			k := key{c, n}
			if _, seen := lastListed[k]; !seen {
				keys = append(keys, k)
			}
			lastListed[k] = i
		}
	}
	today := clean[len(clean)-1]
	if err := checkCurated(curated, tables, lastListed); err != nil {
		return nil, Report{}, err
	}
	covered := map[string]gazetteer.Alias{} // province + written → curated row
	for _, a := range curated {
		if a.Kind != gazetteer.Short {
			covered[a.ProvinceCode+a.Written] = a
		}
	}
	rep := Report{Kinds: map[gazetteer.AliasKind]int{}, Ambiguous: []Unresolved{}, Unresolved: []Unresolved{}, Reused: []string{}}
	var rows []gazetteer.Alias
	byOld := map[string]gazetteer.Alias{}
	for _, k := range keys {
		last := lastListed[k]
		if last == len(clean)-1 {
			continue // listed today
		}
		code, at, reason, ok := follow(k, last, clean, steps, lastListed)
		if !ok {
			u := Unresolved{Code: k.code, Name: k.name, LastListed: tables[last].Label, Reason: reason}
			_, isCurated := covered[gazetteer.ProvinceOf(k.code)+k.name]
			switch {
			case strings.HasPrefix(reason, "ambiguous"):
				rep.Ambiguous = append(rep.Ambiguous, u)
			case !isCurated:
				rep.Unresolved = append(rep.Unresolved, u)
			}
			continue
		}
		a := gazetteer.Alias{
			Written: k.name, ProvinceCode: gazetteer.ProvinceOf(k.code), OldCode: k.code, Code: code,
			Kind: gazetteer.Renamed, Year: tables[at].Year, ListedUntil: tables[last].Year,
			Source: source(tables[last], tables[at]),
		}
		if a.OldCode == code {
			a.OldCode = ""
		}
		if today[code] == k.name {
			a.Kind = gazetteer.Recoded
		}
		if gazetteer.ProvinceOf(code) != a.ProvinceCode {
			return nil, Report{}, fmt.Errorf("history: %s %s leads to %s outside its province", k.code, k.name, code)
		}
		if c, ok := covered[a.ProvinceCode+a.Written]; ok && c.Code == a.Code {
			rep.Curated++
			continue
		}
		if a.OldCode != "" {
			if prev, dup := byOld[a.OldCode]; dup && prev.Code != code {
				rep.Reused = append(rep.Reused, fmt.Sprintf("%s: %s → %s (listed until %d), %s → %s (listed until %d)",
					a.OldCode, prev.Written, prev.Code, prev.ListedUntil, a.Written, a.Code, a.ListedUntil))
			}
			byOld[a.OldCode] = a
		}
		rows = append(rows, a)
		rep.Kinds[a.Kind]++
	}
	sort.Slice(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.Code != b.Code {
			return a.Code < b.Code
		}
		if a.Written != b.Written {
			return a.Written < b.Written
		}
		return a.OldCode < b.OldCode
	})
	sort.Strings(rep.Reused)
	for _, list := range [][]Unresolved{rep.Ambiguous, rep.Unresolved} {
		sort.Slice(list, func(i, j int) bool {
			if list[i].Code != list[j].Code {
				return list[i].Code < list[j].Code
			}
			return list[i].Name < list[j].Name
		})
	}
	return rows, rep, nil
}

// checkCurated checks every curated history row with an old code against
// the tables: they list the old code with the name as written, and the
// year of the change is at most that of the first table that no longer
// lists it, and at least the year before the last table that does (a
// table may lag: 200403 still lists 乌兰察布盟, made a 市 in 2003).
func checkCurated(curated []gazetteer.Alias, tables []Table, lastListed map[key]int) error {
	for _, a := range curated {
		if a.Kind == gazetteer.Short {
			continue
		}
		k := key{a.OldCode, a.Written}
		if a.OldCode == "" {
			k.code = a.Code
		}
		last, ok := lastListed[k]
		switch {
		case !ok:
			return fmt.Errorf("history: curated row %s %s: no code table lists %s with that name", a.Written, a.OldCode, k.code)
		case last == len(tables)-1:
			return fmt.Errorf("history: curated row %s %s: %s still lists it", a.Written, a.OldCode, tables[last].Label)
		case a.Year < tables[last].Year-1 || a.Year > tables[last+1].Year:
			return fmt.Errorf("history: curated row %s %s: year %d, but %s lists it and %s no longer does",
				a.Written, a.OldCode, a.Year, tables[last].Label, tables[last+1].Label)
		}
	}
	return nil
}

// follow walks a key listed last in table last through the steps to
// today's table and returns the code it has there, and the table from
// which on that code and today's name are listed (the end of the last
// step: 无为县 341422 → 340225 in 2011, → 无为市 340281 by 2023).
func follow(k key, last int, clean []map[string]string, steps []map[key]step, lastListed map[key]int) (code string, at int, reason string, ok bool) {
	at = last + 1
	for last < len(clean)-1 {
		s, found := steps[last][k]
		if !found || s.to == "" {
			return "", 0, s.reason, false
		}
		at = last + 1
		next := key{s.to, clean[last+1][s.to]}
		k, last = next, lastListed[next]
	}
	return k.code, at, "", true
}

// divisionsOf returns the divisions of a code table below the provinces,
// without its pseudo entries.
func divisionsOf(names map[string]string) map[string]string {
	out := make(map[string]string, len(names))
	for c, n := range names {
		if len(c) == 6 && !strings.HasSuffix(c, "0000") && !IsPseudo(n) {
			out[c] = n
		}
	}
	return out
}

// isPrefecture reports whether a code is of a prefecture-level division.
func isPrefecture(code string) bool { return strings.HasSuffix(code, "00") }

// prefectureOf returns the prefecture code ("PPCC00") of a county code.
func prefectureOf(code string) string { return code[:4] + "00" }

// levelOf returns the level a code stands for.
func levelOf(code string) gazetteer.Level {
	if isPrefecture(code) {
		return gazetteer.Prefecture
	}
	return gazetteer.County
}

// transitions finds, for every code and name of table a that table b no
// longer lists, what it became in b (see the package comment for the rules).
func transitions(a, b map[string]string) map[key]step {
	inB := map[place][]string{} // province prefix + name → codes of b
	inA := map[place][]string{}
	prefNamesA := map[place]bool{} // prefecture prefix + name listed in a
	for c, n := range b {
		inB[place{c[:2], n}] = append(inB[place{c[:2], n}], c)
	}
	for c, n := range a {
		inA[place{c[:2], n}] = append(inA[place{c[:2], n}], c)
		prefNamesA[place{c[:4], n}] = true
	}
	sameLevelInA := func(c2, n2 string) bool {
		for _, c := range inA[place{c2[:2], n2}] {
			if isPrefecture(c) == isPrefecture(c2) {
				return true
			}
		}
		return false
	}
	var gone []key
	for c, n := range a {
		if b[c] != n {
			gone = append(gone, key{c, n})
		}
	}
	// Prefectures first, so their counties can follow them.
	sort.Slice(gone, func(i, j int) bool {
		if pi, pj := isPrefecture(gone[i].code), isPrefecture(gone[j].code); pi != pj {
			return pi
		}
		return gone[i].code < gone[j].code
	})
	prefTo := map[string]string{} // prefecture of a → prefecture of b
	for c := range a {
		if isPrefecture(c) && b[c] != "" {
			prefTo[c] = c
		}
	}
	out := make(map[key]step, len(gone))
	for _, k := range gone {
		related := func(c2 string) bool {
			if isPrefecture(k.code) != isPrefecture(c2) {
				return false
			}
			if isPrefecture(k.code) || gazetteer.IsMunicipality(gazetteer.ProvinceOf(k.code)) {
				return true
			}
			from, to := prefectureOf(k.code), prefectureOf(c2)
			return from == to || prefTo[from] == to
		}
		s := resolve(k, a, b, inA[place{k.code[:2], k.name}], inB[place{k.code[:2], k.name}], related, prefNamesA, sameLevelInA)
		if s.to != "" && isPrefecture(k.code) {
			prefTo[k.code] = s.to
		}
		out[k] = s
	}
	// Two names that left the table claiming one new name by its stem
	// (双桥县 and 双桥市 → 双桥区) are an ambiguity too.
	claims := map[string][]key{}
	for k, s := range out {
		if s.stem {
			claims[s.to] = append(claims[s.to], k)
		}
	}
	for to, ks := range claims {
		if len(ks) < 2 {
			continue
		}
		var names []string
		for _, k := range ks {
			names = append(names, k.code+" "+k.name)
		}
		sort.Strings(names)
		for _, k := range ks {
			out[k] = step{reason: fmt.Sprintf("ambiguous: %s all fit %s %s by their stem", strings.Join(names, ", "), to, b[to])}
		}
	}
	return out
}

// resolve applies the rules to one key of a that b no longer lists.
// namesakesA and namesakesB are the codes with its name in its province in
// a and b.
func resolve(k key, a, b map[string]string, namesakesA, namesakesB []string, related func(string) bool,
	prefNamesA map[place]bool, sameLevelInA func(code, name string) bool) step {
	var near []string
	for _, c := range namesakesB {
		if related(c) {
			near = append(near, c)
		}
	}
	switch {
	case len(near) == 1:
		return step{to: near[0]}
	case len(near) > 1:
		return step{reason: fmt.Sprintf("ambiguous: %s is the name of %s in the next table", k.name, strings.Join(near, ", "))}
	}
	if n2, ok := b[k.code]; ok && !prefNamesA[place{k.code[:4], n2}] {
		return step{to: k.code}
	}
	if len(namesakesA) == 1 && len(namesakesB) == 1 && isPrefecture(namesakesB[0]) == isPrefecture(k.code) {
		return step{to: namesakesB[0]}
	}
	stem, suffix := gazetteer.SplitSuffix(k.name)
	if suffix == "" && strings.HasSuffix(k.name, "县") {
		suffix = "县" // 沙县 → 沙县区: a one-character stem keeps 县 in the new name
	}
	var fits []string
	for c2, n2 := range b {
		if c2[:2] != k.code[:2] || a[c2] == n2 || !related(c2) || sameLevelInA(c2, n2) {
			continue
		}
		stem2, suffix2 := gazetteer.SplitSuffix(n2)
		if stem2 == stem && gazetteer.SuffixChangeAllowed(suffix, suffix2, levelOf(c2)) {
			fits = append(fits, c2)
		}
	}
	sort.Strings(fits)
	switch len(fits) {
	case 1:
		return step{to: fits[0], stem: true}
	case 0:
		return step{reason: "no division of the next table has its name, its code or its stem"}
	}
	return step{reason: fmt.Sprintf("ambiguous: the stem %s fits %s in the next table", stem, strings.Join(fits, ", "))}
}
