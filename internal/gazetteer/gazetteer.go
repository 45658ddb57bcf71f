// Package gazetteer holds China's administrative divisions (province,
// prefecture and county level) with their six-digit GB/T 2260 codes, and the
// table of aliases and history (short forms and renamed or re-coded units).
//
// It knows which divisions are comparable units: the pieces a province's map
// is made of and coverage is counted in (a district or county of a
// municipality; elsewhere a prefecture-level unit or a province-direct
// county-level unit).
package gazetteer

import (
	"fmt"
	"sort"
)

// Level is the administrative level of a division.
type Level string

// The three levels the gazetteer holds.
const (
	Province   Level = "province"
	Prefecture Level = "prefecture"
	County     Level = "county"
)

// Valid reports whether l is one of the known levels.
func (l Level) Valid() bool { return l == Province || l == Prefecture || l == County }

// Division is one administrative division.
type Division struct {
	Code       string // six digits, e.g. "632300"
	Name       string // official name, e.g. "黄南藏族自治州"
	Level      Level
	ParentCode string // "" for a province; the province for a comparable unit below a province directly
	NameEN     string // English name, e.g. "Huangnan Tibetan Autonomous Prefecture" (derived by the generator, internal/romanize)
}

// ProvinceCode returns the code of the province the division lies in.
func (d Division) ProvinceCode() string { return ProvinceOf(d.Code) }

// ProvinceOf returns the province code ("PP0000") of any six-digit code.
func ProvinceOf(code string) string {
	if len(code) < 2 {
		return ""
	}
	return code[:2] + "0000"
}

// IsMunicipality reports whether the province code is one of the four
// municipalities directly under the central government (北京, 天津, 上海, 重庆).
func IsMunicipality(provinceCode string) bool {
	switch provinceCode {
	case "110000", "120000", "310000", "500000":
		return true
	}
	return false
}

// AliasKind says why an alias exists.
type AliasKind string

// Kinds of alias rows.
const (
	// Renamed: the unit was renamed (and possibly re-coded), e.g. 海东地区 → 海东市.
	Renamed AliasKind = "renamed"
	// Recoded: same name, new code or level, e.g. 儋州市 469003 → 460400.
	Recoded AliasKind = "recoded"
	// Merged: the unit was merged into another; Code is its successor.
	Merged AliasKind = "merged"
	// Short: a short form people write that the generic rules do not derive, e.g. 博州.
	Short AliasKind = "short"
)

// Alias is one row of the table of aliases and history.
type Alias struct {
	Written      string // the name as older or informal documents write it
	ProvinceCode string // the province it belongs to
	OldCode      string // the code the name had, "" for a pure short form
	Code         string // today's code
	Kind         AliasKind
	Year         int // year of the change, 0 for a short form
	// ListedUntil is, for a row derived from code tables (history.csv),
	// the year of the last table that still lists the old name: the change
	// happened after that table and by Year. 0 for a curated row, whose
	// Year is the year of the change itself.
	ListedUntil int
	Source      string // where the fact comes from
	Note        string
}

// Period says when the change happened: "in 2019" for a curated row,
// "between 2014 and 2015" for a row derived from two code tables.
func (a Alias) Period() string {
	if a.ListedUntil != 0 && a.ListedUntil != a.Year {
		return fmt.Sprintf("between %d and %d", a.ListedUntil, a.Year)
	}
	return fmt.Sprintf("in %d", a.Year)
}

// Gazetteer is an immutable index of divisions and aliases. Build it with New.
type Gazetteer struct {
	divisions []Division // sorted by code
	byCode    map[string]int
	children  map[string][]int
	aliases   []Alias
	byOldCode map[string]int
	// aliasesIn holds the rows of aliases per province code, in table order.
	aliasesIn map[string][]int
	lex       lexicon
}

// New indexes divisions and aliases and checks their consistency: unique
// codes, known levels, parents that exist, aliases that point at existing
// divisions within their province. Several rows may carry the same old
// code: a unit renamed more than once, or a code the tables gave to two
// divisions one after the other; ByOldCode then returns the curated row
// (ListedUntil 0) if any, else the row of the latest change.
func New(divisions []Division, aliases []Alias) (*Gazetteer, error) {
	g := &Gazetteer{
		divisions: append([]Division(nil), divisions...),
		byCode:    make(map[string]int, len(divisions)),
		children:  make(map[string][]int),
		aliases:   append([]Alias(nil), aliases...),
		byOldCode: make(map[string]int),
		aliasesIn: make(map[string][]int),
	}
	sort.Slice(g.divisions, func(i, j int) bool { return g.divisions[i].Code < g.divisions[j].Code })
	for i, d := range g.divisions {
		if len(d.Code) != 6 {
			return nil, fmt.Errorf("gazetteer: division %q has code %q, want six digits", d.Name, d.Code)
		}
		if !d.Level.Valid() {
			return nil, fmt.Errorf("gazetteer: division %s %s has unknown level %q", d.Code, d.Name, d.Level)
		}
		if _, dup := g.byCode[d.Code]; dup {
			return nil, fmt.Errorf("gazetteer: duplicate code %s (%s)", d.Code, d.Name)
		}
		g.byCode[d.Code] = i
	}
	for i, d := range g.divisions {
		if d.Level == Province {
			if d.ParentCode != "" {
				return nil, fmt.Errorf("gazetteer: province %s %s has a parent", d.Code, d.Name)
			}
			continue
		}
		if _, ok := g.byCode[d.ParentCode]; !ok {
			return nil, fmt.Errorf("gazetteer: division %s %s has unknown parent %q", d.Code, d.Name, d.ParentCode)
		}
		g.children[d.ParentCode] = append(g.children[d.ParentCode], i)
	}
	for i, a := range g.aliases {
		d, ok := g.Division(a.Code)
		if !ok {
			return nil, fmt.Errorf("gazetteer: alias %q points at unknown code %s", a.Written, a.Code)
		}
		if d.ProvinceCode() != a.ProvinceCode {
			return nil, fmt.Errorf("gazetteer: alias %q (%s) points at %s %s outside province %s", a.Written, a.Kind, d.Code, d.Name, a.ProvinceCode)
		}
		if a.Written == "" || a.Source == "" {
			return nil, fmt.Errorf("gazetteer: alias row %d needs a written name and a source", i+1)
		}
		if a.OldCode != "" {
			prev, dup := g.byOldCode[a.OldCode]
			if p := g.aliases[prev]; !dup || (p.ListedUntil != 0 && (a.ListedUntil == 0 || a.Year > p.Year)) {
				g.byOldCode[a.OldCode] = i
			}
		}
		g.aliasesIn[a.ProvinceCode] = append(g.aliasesIn[a.ProvinceCode], i)
	}
	g.buildLexicon()
	return g, nil
}

// Division returns the division with the code.
func (g *Gazetteer) Division(code string) (Division, bool) {
	i, ok := g.byCode[code]
	if !ok {
		return Division{}, false
	}
	return g.divisions[i], true
}

// Divisions returns every division, sorted by code.
func (g *Gazetteer) Divisions() []Division { return append([]Division(nil), g.divisions...) }

// Provinces returns the province-level divisions, sorted by code.
func (g *Gazetteer) Provinces() []Division {
	var out []Division
	for _, d := range g.divisions {
		if d.Level == Province {
			out = append(out, d)
		}
	}
	return out
}

// Children returns the divisions whose parent is code, sorted by code.
func (g *Gazetteer) Children(code string) []Division {
	idx := g.children[code]
	out := make([]Division, len(idx))
	for i, j := range idx {
		out[i] = g.divisions[j]
	}
	return out
}

// IsComparable reports whether the division is a comparable unit: a
// non-province division whose parent is its province.
func (g *Gazetteer) IsComparable(code string) bool {
	d, ok := g.Division(code)
	return ok && d.Level != Province && d.ParentCode == d.ProvinceCode()
}

// ComparableUnits returns the comparable units of one province, or of the
// whole country when provinceCode is "", sorted by code.
func (g *Gazetteer) ComparableUnits(provinceCode string) []Division {
	var out []Division
	for _, d := range g.divisions {
		if d.Level == Province || d.ParentCode != d.ProvinceCode() {
			continue
		}
		if provinceCode == "" || d.ProvinceCode() == provinceCode {
			out = append(out, d)
		}
	}
	return out
}

// ComparableOf returns the comparable unit a division counts under: itself
// when it is one, else its nearest ancestor that is. A province has none.
func (g *Gazetteer) ComparableOf(code string) (Division, bool) {
	for d, ok := g.Division(code); ok; d, ok = g.Division(d.ParentCode) {
		if d.Level == Province {
			return Division{}, false
		}
		if d.ParentCode == d.ProvinceCode() {
			return d, true
		}
	}
	return Division{}, false
}

// Aliases returns the table of aliases and history.
func (g *Gazetteer) Aliases() []Alias { return append([]Alias(nil), g.aliases...) }

// ByOldCode returns the history row for a code that is no longer in use.
func (g *Gazetteer) ByOldCode(code string) (Alias, bool) {
	i, ok := g.byOldCode[code]
	if !ok {
		return Alias{}, false
	}
	return g.aliases[i], true
}

// ByName returns the divisions in a province (or everywhere when
// provinceCode is "") whose official name is exactly name.
func (g *Gazetteer) ByName(provinceCode, name string) []Division {
	var out []Division
	for _, d := range g.divisions {
		if d.Name == name && (provinceCode == "" || d.ProvinceCode() == provinceCode) {
			out = append(out, d)
		}
	}
	return out
}
