// Package importer turns a notice into pilot units: it parses the text
// (internal/notice), matches every unit as written to one division within
// its province (internal/gazetteer) and hands the result to the store in one
// import. It also seeds a fresh database with the embedded default data.
package importer

import (
	"fmt"
	"strings"

	"pilotmap/internal/gazetteer"
	"pilotmap/internal/notice"
)

// ProvinceRef is a province as a notice writes it and the division it is.
type ProvinceRef struct {
	Name    string `json:"name"`
	Code    string `json:"code"`
	Written string `json:"-"`
	Line    int    `json:"-"`
}

// Unit is one matched row of the join table.
type Unit struct {
	Province       string  `json:"province"`
	ProvinceCode   string  `json:"province_code"`
	Written        string  `json:"written"`
	Code           string  `json:"code"`
	Name           string  `json:"name"`
	Level          string  `json:"level"`
	Rule           string  `json:"rule"`
	Confidence     float64 `json:"confidence"`
	Line           int     `json:"line"`
	ComparableCode string  `json:"-"`
	Reason         string  `json:"-"`
}

// Candidate is a possible division for an unmatched name.
type Candidate struct {
	Code         string `json:"code"`
	Name         string `json:"name"`
	ProvinceCode string `json:"province_code"`
	Reason       string `json:"reason"`
}

// Unmatched is a unit no division could be found for, or more than one.
type Unmatched struct {
	Province     string      `json:"province"`
	ProvinceCode string      `json:"province_code"`
	Written      string      `json:"written"`
	Line         int         `json:"line"`
	Reason       string      `json:"reason,omitempty"`
	Candidates   []Candidate `json:"candidates"`
}

// CountCheck is a count the notice declares, compared with what was read.
type CountCheck struct {
	notice.Count
	// Differs reports a declared count that is not what was read.
	Differs bool `json:"differs"`
}

// Result is the join table of a notice: `pilotmap match --json` prints it.
type Result struct {
	PilotProvinces []ProvinceRef `json:"pilot_provinces"`
	Units          []Unit        `json:"units"`
	Unmatched      []Unmatched   `json:"unmatched"`
	// Unreadable are the runs of text in the list that may be names but
	// could not be read: the text as written, its line and why.
	Unreadable []notice.Unreadable `json:"unreadable"`
	// Counts are the declared counts (total, per province, per region) with
	// what was read under each.
	Counts []CountCheck `json:"counts"`
	// Notes are remarks a reviewer should read (an inferred province, a
	// declared count that differs from what was found, a duplicate unit).
	Notes []string `json:"notes,omitempty"`
	// Notice is the parsed notice.
	Notice *notice.Notice `json:"-"`
	// Program and Batch are what an import stores the units under (set by Plan).
	Program string `json:"-"`
	Batch   int    `json:"-"`
}

// CountsDiffer returns the declared counts that differ from what was read.
func (r *Result) CountsDiffer() []CountCheck {
	var out []CountCheck
	for _, c := range r.Counts {
		if c.Differs {
			out = append(out, c)
		}
	}
	return out
}

// Complete reports a notice read to the last unit: nothing unmatched,
// nothing unreadable, every declared count as read.
func (r *Result) Complete() bool {
	return len(r.Unmatched) == 0 && len(r.Unreadable) == 0 && len(r.CountsDiffer()) == 0
}

// Lexicon returns the gazetteer's names as the notice reader anchors on them.
func Lexicon(g *gazetteer.Gazetteer) notice.Lexicon { return &lexicon{g: g} }

type lexicon struct {
	g   *gazetteer.Gazetteer
	buf []gazetteer.Spot
}

func (x *lexicon) NamesAt(text []rune, i int, out []notice.Known) []notice.Known {
	x.buf = x.g.NamesAt(text, i, x.buf[:0])
	for _, s := range x.buf {
		out = append(out, notice.Known{Len: s.Len, Province: s.Province, Provinces: s.Provinces, Codes: s.Codes, Suffixed: s.Suffixed})
	}
	return out
}

// Match parses nothing: it matches a parsed notice against the gazetteer.
func Match(g *gazetteer.Gazetteer, n *notice.Notice) *Result {
	res := &Result{Notice: n, PilotProvinces: []ProvinceRef{}, Units: []Unit{}, Unmatched: []Unmatched{},
		Unreadable: append([]notice.Unreadable{}, n.Unreadable...), Counts: []CountCheck{}}
	for i, p := range n.PilotProvinces {
		written := p.Text
		if i < len(n.PilotProvinceNames) && n.PilotProvinceNames[i] != "" {
			written = n.PilotProvinceNames[i]
		}
		d, _, cands, ok := g.MatchProvince(written)
		if !ok {
			res.Notes = append(res.Notes, fmt.Sprintf("line %d: pilot province %q is not a province%s", p.Line, p.Written, candidateList(cands)))
			continue
		}
		res.PilotProvinces = append(res.PilotProvinces, ProvinceRef{Name: d.Name, Code: d.Code, Written: p.Written, Line: p.Line})
	}
	if n.DeclaredPilotProvinces > 0 && n.DeclaredPilotProvinces != len(res.PilotProvinces) {
		res.Notes = append(res.Notes, fmt.Sprintf("the notice declares %d pilot provinces, %d were found", n.DeclaredPilotProvinces, len(res.PilotProvinces)))
	}
	m := matcher{g: g, res: res, seen: map[string]int{}}
	for _, grp := range n.Groups {
		m.group(grp)
	}
	if n.Counts == nil && n.DeclaredUnits > 0 {
		// read by Parse: compare the declared total with the units listed
		n.Counts = []notice.Count{{Scope: "total", Declared: n.DeclaredUnits, Read: n.UnitCount()}}
	}
	for _, c := range n.Counts {
		cc := CountCheck{Count: c, Differs: c.Declared != c.Read}
		res.Counts = append(res.Counts, cc)
		if !cc.Differs {
			continue
		}
		what := "the notice"
		if c.Name != "" {
			what = c.Name
		}
		at := ""
		if c.Line > 0 {
			at = fmt.Sprintf("line %d: ", c.Line)
		}
		res.Notes = append(res.Notes, fmt.Sprintf("%s%s declares %d units, %d were read", at, what, c.Declared, c.Read))
	}
	return res
}

// matcher matches the groups of one notice.
type matcher struct {
	g    *gazetteer.Gazetteer
	res  *Result
	seen map[string]int // code → line of its first mention
}

// group matches the units of one group against its province.
func (m *matcher) group(grp notice.Group) {
	g, res := m.g, m.res
	prov, provNote := m.province(grp)
	if provNote != "" {
		res.Notes = append(res.Notes, provNote)
	}
	last := -1 // index in res.Units of the unit matched from the previous name
	var lastName notice.Name
	for _, u := range grp.Units {
		if prov.Code == "" {
			_, cands, _ := g.MatchUnit("", u.Text)
			res.Unmatched = append(res.Unmatched, Unmatched{Province: grp.Province.Written, Written: u.Written, Line: u.Line,
				Reason: "no province is written for it, and the name is not that of a unit in exactly one province", Candidates: toCandidates(cands)})
			last = -1
			continue
		}
		if u.Joined && last >= 0 {
			if m.joinParent(prov, last, lastName, u) {
				continue
			}
		}
		parent := last
		last = -1
		if u.Text == prov.Name || u.Text == strings.TrimSuffix(prov.Name, "市") {
			res.Unmatched = append(res.Unmatched, Unmatched{Province: prov.Name, ProvinceCode: prov.Code, Written: u.Written, Line: u.Line,
				Reason: "names the whole of " + prov.Name + "; pilot units are recorded by district or county: list its districts, or import with --allow-unmatched", Candidates: []Candidate{}})
			continue
		}
		mt, cands, ok := g.MatchUnit(prov.Code, u.Text)
		if !ok {
			um := Unmatched{Province: prov.Name, ProvinceCode: prov.Code, Written: u.Written, Line: u.Line, Candidates: toCandidates(cands)}
			if u.Joined && parent >= 0 && parent == len(res.Units)-1 {
				// 大兴安岭地区漠河县 with 漠河县 unknown: the parent alone is not the unit
				p := res.Units[parent]
				res.Units = res.Units[:parent]
				delete(m.seen, p.Code)
				um.Written = p.Written + u.Written
				um.Reason = fmt.Sprintf("%s is a unit of %s %s (%s) that no division of it fits", u.Written, p.Name, p.Written, p.Code)
			}
			res.Unmatched = append(res.Unmatched, um)
			continue
		}
		if first, dup := m.seen[mt.Division.Code]; dup {
			res.Notes = append(res.Notes, fmt.Sprintf("line %d: %s (%s) is listed again; first on line %d", u.Line, u.Written, mt.Division.Code, first))
			continue
		}
		m.seen[mt.Division.Code] = u.Line
		res.Units = append(res.Units, newUnit(prov, u, mt))
		last, lastName = len(res.Units)-1, u
	}
	if grp.DeclaredCount > 0 && grp.DeclaredCount != len(grp.Units) && grp.ProvinceFrom == "" {
		res.Notes = append(res.Notes, fmt.Sprintf("line %d: %s declares %d units, %d are listed", grp.Province.Line, grp.Province.Written, grp.DeclaredCount, len(grp.Units)))
	}
}

func newUnit(prov gazetteer.Division, u notice.Name, mt gazetteer.Match) Unit {
	return Unit{
		Province: prov.Name, ProvinceCode: prov.Code, Written: u.Written,
		Code: mt.Division.Code, Name: mt.Division.Name, Level: string(mt.Division.Level),
		Rule: string(mt.Rule), Confidence: mt.Confidence, Line: u.Line,
		ComparableCode: mt.Comparable.Code, Reason: mt.Reason,
	}
}

// joinParent reads a unit written right after another (杭州市西湖区) as the
// unit within its parent: when the two together name a division below the
// one the first named, that division replaces the first.
func (m *matcher) joinParent(prov gazetteer.Division, last int, parentName, u notice.Name) bool {
	parent := m.res.Units[last]
	if parent.Line != u.Line {
		return false
	}
	mt, _, ok := m.g.MatchUnit(prov.Code, parentName.Text+u.Text)
	if !ok || mt.Division.Code == parent.Code || mt.Division.ParentCode != parent.Code {
		// the two together are no name; the unit alone may still lie within
		mt, _, ok = m.g.MatchUnit(prov.Code, u.Text)
		if !ok || mt.Division.ParentCode != parent.Code {
			return false
		}
	}
	delete(m.seen, parent.Code)
	if first, dup := m.seen[mt.Division.Code]; dup {
		m.res.Units = m.res.Units[:last]
		m.res.Notes = append(m.res.Notes, fmt.Sprintf("line %d: %s%s (%s) is listed again; first on line %d", u.Line, parent.Written, u.Written, mt.Division.Code, first))
		return true
	}
	m.seen[mt.Division.Code] = u.Line
	joined := u
	joined.Written = parent.Written + u.Written
	m.res.Units[last] = newUnit(prov, joined, mt)
	return true
}

// province finds the province of a group: the code the reader found, as
// the parser recognized it, by the matcher's province rules, or — only when
// the written province is missing or unreadable — inferred from its units
// when all of them point to one province unambiguously. The note says when
// the province was inferred or could not be found.
func (m *matcher) province(grp notice.Group) (gazetteer.Division, string) {
	g := m.g
	if grp.ProvinceCode != "" {
		d, ok := g.Division(grp.ProvinceCode)
		if !ok {
			return gazetteer.Division{}, fmt.Sprintf("line %d: province code %s is unknown", grp.Province.Line, grp.ProvinceCode)
		}
		if grp.ProvinceFrom == notice.FromOnly && len(grp.Units) > 0 {
			u := grp.Units[0]
			return d, fmt.Sprintf("line %d: %s is not a unit of the province written before it; it is one only in %s, taken as such", u.Line, u.Written, d.Name)
		}
		return d, ""
	}
	if grp.Province.Text == "" && grp.ProvinceName == "" {
		return gazetteer.Division{}, "" // no province at all: each unit says so
	}
	return resolveProvince(g, grp)
}

// resolveProvince finds the province of a group read by Parse.
func resolveProvince(g *gazetteer.Gazetteer, grp notice.Group) (gazetteer.Division, string) {
	for _, w := range []string{grp.ProvinceName, grp.Province.Text} {
		if w == "" {
			continue
		}
		if d, _, _, ok := g.MatchProvince(w); ok {
			return d, ""
		}
	}
	units := make([]string, len(grp.Units))
	for i, u := range grp.Units {
		units[i] = u.Text
	}
	_, _, cands, _ := g.MatchProvince(grp.Province.Text)
	d, reason, ok := g.InferProvince(units)
	if ok {
		return d, fmt.Sprintf("line %d: province %q is unreadable%s; inferred %s from its units: %s", grp.Province.Line, grp.Province.Written, candidateList(cands), d.Name, reason)
	}
	return gazetteer.Division{}, fmt.Sprintf("line %d: province %q is unreadable%s and its units do not point to one province", grp.Province.Line, grp.Province.Written, candidateList(cands))
}

func toCandidates(cs []gazetteer.Candidate) []Candidate {
	out := make([]Candidate, 0, len(cs))
	for _, c := range cs {
		out = append(out, Candidate{Code: c.Division.Code, Name: c.Division.Name, ProvinceCode: c.Division.ProvinceCode(), Reason: c.Reason})
	}
	return out
}

func candidateList(cs []gazetteer.Candidate) string {
	if len(cs) == 0 {
		return ""
	}
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.Division.Name
	}
	return " (perhaps " + strings.Join(names, " or ") + ")"
}

// knownProgram returns the longest of the known program names that the
// title contains (关于公布第三批创建幸福家庭活动试点单位名单的通知 names
// 创建幸福家庭活动), "" when none does.
func knownProgram(title string, known []string) string {
	best := ""
	for _, k := range known {
		if k != "" && strings.Contains(title, k) && len(k) > len(best) {
			best = k
		}
	}
	return best
}

// ProgramName derives the program's name from a notice title of the form
// 关于（深入）开展…的通知 or 关于公布第N批…试点单位名单的通知:
// 国家卫生计生委关于深入开展创建幸福家庭活动的通知 → 创建幸福家庭活动. It
// returns "" when the title has no such form.
func ProgramName(title string) string {
	i := strings.Index(title, "关于")
	j := strings.LastIndex(title, "的通知")
	if i < 0 || j <= i {
		return ""
	}
	name := title[i+len("关于") : j]
	for _, verb := range []string{"进一步深入开展", "深入开展", "进一步开展", "继续开展", "开展", "做好", "推进", "公布", "确定", "印发", "批准"} {
		if strings.HasPrefix(name, verb) && len(name) > len(verb) {
			name = strings.TrimPrefix(name, verb)
			break
		}
	}
	// 第三批…: the batch is not part of the program's name.
	if rs := []rune(name); len(rs) > 0 && rs[0] == '第' {
		if k := strings.Index(name, "批"); k > 0 && k <= len("第")+4*3 {
			name = name[k+len("批"):]
		}
	}
	for _, tail := range []string{"试点单位名单", "试点地区名单", "试点名单", "试点单位", "试点工作", "试点"} {
		if strings.HasSuffix(name, tail) && len(name) > len(tail) {
			name = strings.TrimSuffix(name, tail)
			break
		}
	}
	return name
}
