package gazetteer

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Rule names the rule by which a written name matched a division. Rules
// are tried in the order of the constants below; the first rule that fits
// decides, and two divisions fitting at the same rule is an ambiguity,
// never a guess.
type Rule string

// The matching rules, in the order they are tried.
const (
	// RuleExact: the official name, 石家庄市.
	RuleExact Rule = "exact"
	// RuleSuffix: the official name without its suffix (市 区 县 州 盟 旗
	// 地区 特区 自治州 自治县 自治旗 自治区 省 …), 石家庄 → 石家庄市.
	RuleSuffix Rule = "suffix"
	// RuleShortForm: a generic short form of an autonomous division: the
	// ethnic part dropped, 自治州 → 州, 自治县 → 县, 自治旗 → 旗 (延边州,
	// 恩施州, 海西州, 昌江县); the ethnic part dropped and the suffix kept
	// (恩施自治州) or omitted (延边); or only the suffix shortened
	// (黔东南苗族侗族州).
	RuleShortForm Rule = "short_form"
	// RuleAlias: a "short" row of aliases.csv, 博州 → 博尔塔拉蒙古自治州.
	RuleAlias Rule = "alias"
	// RuleHistory: a renamed, recoded or merged row of aliases.csv or of
	// the derived history.csv (栾城县 → 栾城区 130111): an old
	// name leads to today's unit (海东地区 → 海东市 630200), a merged unit to
	// its successor (莱芜市 → 莱芜区 370116).
	RuleHistory Rule = "history"
	// RuleApproximate: a near miss accepted because it is close and unique:
	// 巴音郭楞蒙古族自治州 → 巴音郭楞蒙古自治州, 石家庄币 → 石家庄市, or a
	// suffix that changed since and the history table does not know
	// (裕华县 → 裕华区; 藁城市 → 藁城区 is a history row).
	RuleApproximate Rule = "approximate"
)

// The confidence of a match, by rule. Exact is 1; every other rule is
// lower, approximate matches lowest (between 0.6 and 0.8). A consumer that
// wants a person to review doubtful matches can ask for those below 0.85,
// which are exactly the approximate ones and the merged units.
const (
	confExact        = 1.0
	confSuffix       = 0.95
	confShortForm    = 0.9
	confAlias        = 0.9
	confHistory      = 0.85 // renamed or recoded: today's unit is the same place
	confMerged       = 0.8  // merged: the successor covers more than the unit written
	confEthnicZu     = 0.8  // 族 added or missing right after an ethnic group's name
	confSuffixTypo   = 0.75 // a character of the suffix damaged, the name itself intact
	confSuffixChange = 0.7  // 县 written where the name now ends in 区 or 市, 地区 or 盟 in 市
	confCoreTypo     = 0.6  // one character of a name of three or more characters
)

// maxCandidates bounds the candidates returned for a name that did not match.
const maxCandidates = 5

// Match is a unit matched to one division.
type Match struct {
	// Division is the matched division. It may lie below the comparable
	// level (正定县 130123 in 石家庄市).
	Division Division
	// Comparable is the comparable unit the division counts under: itself
	// when it is one (石家庄市 130100 for 正定县).
	Comparable Division
	// Rule is the rule that matched.
	Rule Rule
	// Confidence is 1 for an exact match, 0.95 for a name without its
	// suffix, 0.9 for a short form or an alias, 0.85 for a renamed or
	// recoded unit, 0.8 for a merged one, and 0.6 to 0.8 for an approximate
	// match (0.8 族 added or missing after an ethnic name, 0.75 a damaged
	// suffix character, 0.7 a suffix that changed, 0.6 one character of the
	// name itself).
	Confidence float64
	// Reason explains the match to a person, e.g. "short form of
	// 延边朝鲜族自治州: ethnic part 朝鲜族 dropped, 自治州 → 州".
	Reason string
}

// Candidate is a possible division for a name that did not match.
type Candidate struct {
	Division Division
	// Reason says why it is a candidate and why it was not taken, e.g.
	// "in 浙江省, not 河北省" or "approximate: 単 written for 郸 (official
	// name 邯郸市); too short a name to accept".
	Reason string
}

// tier orders the rules: the first tier with a fit decides.
type tier int

const (
	tierExact   tier = iota + 1 // the official name
	tierBare                    // the name without its suffix, or a short form without one
	tierShort                   // a short form with a suffix
	tierAlias                   // a short row of aliases.csv
	tierHistory                 // a renamed, recoded or merged row of aliases.csv or history.csv
)

// nameForm is one way to write a division's name: base followed by suffix.
type nameForm struct {
	base, suffix string
	tier         tier
	rule         Rule
	conf         float64
	official     string // the division's official suffix
	dropped      string // the ethnic part a short form drops
	omitted      string // the suffix a history row's name is written without
	alias        int    // the row of the alias table (aliases.csv, then history.csv), -1 for a form of the official name
}

// is reports whether w reads exactly as the form, without building it.
func (f nameForm) is(w string) bool {
	return len(w) == len(f.base)+len(f.suffix) && strings.HasPrefix(w, f.base) && strings.HasSuffix(w, f.suffix)
}

// text returns the form as written.
func (f nameForm) text() string { return f.base + f.suffix }

// prefixOf returns the rest of w when w starts with the form and is longer.
func (f nameForm) prefixOf(w string) (rest string, ok bool) {
	if len(w) <= len(f.base)+len(f.suffix) || !strings.HasPrefix(w, f.base) || !strings.HasPrefix(w[len(f.base):], f.suffix) {
		return "", false
	}
	return w[len(f.base)+len(f.suffix):], true
}

// hit is a division that a written name fits, and how.
type hit struct {
	div  Division
	form nameForm
	via  string // the province or parent written before the name, "" when none
}

// normalizeName removes white space (ASCII and full-width, anywhere in the
// name: the ends trimmed, stray inner spaces dropped) and invisible format
// characters such as zero-width spaces and byte order marks.
func normalizeName(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.In(r, unicode.Cf) {
			return -1
		}
		return r
	}, s)
}

// splitSuffix splits a name into its core and its administrative suffix,
// the longest that leaves a core of at least two characters (three for
// 林区, so that 神农架林区 loses 林区 but 万柏林区 only 区). 新区 and 矿区 are
// not suffixes: 浦东新区 is 浦东新 + 区. A name without a suffix is all core.
func splitSuffix(name string) (core, suffix string) {
	for _, s := range [...]string{"特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "特区", "市", "区", "县", "州", "盟", "旗", "省"} {
		if !strings.HasSuffix(name, s) {
			continue
		}
		c := name[:len(name)-len(s)]
		n := utf8.RuneCountInString(c)
		if n < 2 || (s == "林区" && n < 3) {
			continue
		}
		return c, s
	}
	return name, ""
}

// SplitSuffix splits a division's name into its stem and its
// administrative suffix, as the matcher does: 栾城县 → 栾城 + 县, 海东地区 →
// 海东 + 地区, 开县 → 开县 + "" (a stem has at least two characters).
func SplitSuffix(name string) (stem, suffix string) { return splitSuffix(name) }

// SuffixChangeAllowed reports whether a division of the level whose name
// ended in suffix written may have become one of the same stem ending in
// official: 县 → 区 or 县级市, 县级市 → 区, 地区 or 盟 → 地级市.
func SuffixChangeAllowed(written, official string, level Level) bool {
	return suffixChangeAllowed(written, official, level)
}

// isSuffixRune reports whether r is a one-character administrative suffix.
func isSuffixRune(r rune) bool { return strings.ContainsRune("市区县州盟旗省", r) }

// shortSuffix returns the short suffix of an autonomous division's suffix
// (自治州 → 州, 自治县 → 县, 自治旗 → 旗, 自治区 → none) and whether the
// suffix is one of an autonomous division.
func shortSuffix(suffix string) (string, bool) {
	switch suffix {
	case "自治州":
		return "州", true
	case "自治县":
		return "县", true
	case "自治旗":
		return "旗", true
	case "自治区":
		return "", true
	}
	return "", false
}

// suffixChangeAllowed reports whether a unit written with suffix written
// may be today's division of the same core with suffix official: the usual
// conversions (县 → 区 or 县级市, 县级市 → 区, 地区 or 盟 → 地级市).
func suffixChangeAllowed(written, official string, level Level) bool {
	switch written {
	case "县":
		return level == County && (official == "区" || official == "市")
	case "市":
		return level == County && official == "区"
	case "地区", "盟":
		return level == Prefecture && official == "市"
	}
	return false
}

// divisionForms appends to buf the ways the division's name is written:
// official, without suffix, and for an autonomous division its short forms.
func divisionForms(d Division, buf []nameForm) []nameForm {
	core, suf := splitSuffix(d.Name)
	buf = append(buf, nameForm{base: core, suffix: suf, tier: tierExact, rule: RuleExact, conf: confExact, official: suf, alias: -1})
	if suf == "" {
		return buf
	}
	buf = append(buf, nameForm{base: core, tier: tierBare, rule: RuleSuffix, conf: confSuffix, official: suf, alias: -1})
	short, autonomous := shortSuffix(suf)
	if !autonomous {
		return buf
	}
	left, dropped := stripEthnicGroups(core)
	if left != core {
		buf = append(buf,
			nameForm{base: left, tier: tierBare, rule: RuleShortForm, conf: confShortForm, official: suf, dropped: dropped, alias: -1},
			nameForm{base: left, suffix: suf, tier: tierShort, rule: RuleShortForm, conf: confShortForm, official: suf, dropped: dropped, alias: -1})
	}
	if short != "" {
		buf = append(buf, nameForm{base: left, suffix: short, tier: tierShort, rule: RuleShortForm, conf: confShortForm, official: suf, dropped: dropped, alias: -1})
		if left != core {
			buf = append(buf, nameForm{base: core, suffix: short, tier: tierShort, rule: RuleShortForm, conf: confShortForm, official: suf, alias: -1})
		}
	}
	return buf
}

// aliasForms appends to buf the ways a row of aliases.csv is written: as
// in the row, and for a history row also without its suffix (襄樊 for 襄樊市).
func aliasForms(a Alias, row int, buf []nameForm) []nameForm {
	f := nameForm{base: a.Written, tier: tierAlias, rule: RuleAlias, conf: confAlias, alias: row}
	if a.Kind != Short {
		f.tier, f.rule, f.conf = tierHistory, RuleHistory, confHistory
		if a.Kind == Merged {
			f.conf = confMerged
		}
	}
	buf = append(buf, f)
	if a.Kind != Short {
		if core, suf := splitSuffix(a.Written); suf != "" {
			f.base, f.omitted = core, suf
			buf = append(buf, f)
		}
	}
	return buf
}

// provinceRange returns the range of g.divisions whose codes lie in the
// province (the slice is sorted by code, so a province is contiguous).
func (g *Gazetteer) provinceRange(provinceCode string) (lo, hi int) {
	pp := provinceCode[:2]
	lo = sort.Search(len(g.divisions), func(i int) bool { return g.divisions[i].Code >= pp })
	hi = sort.Search(len(g.divisions), func(i int) bool { return g.divisions[i].Code[:2] > pp })
	return lo, hi
}

// isBelow reports whether the division code lies (strictly) under ancestor.
func (g *Gazetteer) isBelow(code, ancestor string) bool {
	for d, ok := g.Division(code); ok && d.ParentCode != ""; d, ok = g.Division(d.ParentCode) {
		if d.ParentCode == ancestor {
			return true
		}
	}
	return false
}

// firstRunes returns the first n characters of s (all of s if shorter).
func firstRunes(s string, n int) string {
	i := 0
	for ; n > 0 && i < len(s); n-- {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i]
}

// lookup returns the divisions of the province (below under when under is
// not "") that w fits at the first tier any fits, with the form that fits;
// one hit per division.
func (g *Gazetteer) lookup(provinceCode, w, under string) []hit {
	var (
		hits []hit
		best tier
		buf  [8]nameForm
	)
	add := func(d Division, f nameForm) {
		if under != "" && !g.isBelow(d.Code, under) {
			return
		}
		switch {
		case best == 0 || f.tier < best:
			best = f.tier
			hits = append(hits[:0], hit{div: d, form: f})
		case f.tier == best:
			for _, h := range hits {
				if h.div.Code == d.Code {
					return
				}
			}
			hits = append(hits, hit{div: d, form: f})
		}
	}
	// Every form starts with the first two characters of the official
	// name, which saves building forms for most divisions.
	head := firstRunes(w, 2)
	lo, hi := g.provinceRange(provinceCode)
	for _, d := range g.divisions[lo:hi] {
		if d.Level == Province || !strings.HasPrefix(d.Name, head) {
			continue
		}
		for _, f := range divisionForms(d, buf[:0]) {
			if f.is(w) {
				add(d, f)
			}
		}
	}
	for _, i := range g.aliasesIn[provinceCode] {
		a := g.aliases[i]
		if !strings.HasPrefix(a.Written, head) {
			continue // every form of a row starts with its first two characters too
		}
		d, ok := g.Division(a.Code)
		if !ok {
			continue
		}
		for _, f := range aliasForms(a, i, buf[:0]) {
			if f.is(w) {
				add(d, f)
			}
		}
	}
	return hits
}

// lookupQualified is lookup within a province, and when nothing fits, the
// name read as qualified by its province and/or its parent: 河北省石家庄市,
// 石家庄市桥西区, 河北石家庄市正定县.
func (g *Gazetteer) lookupQualified(prov Division, w string) []hit {
	if hits := g.lookup(prov.Code, w, ""); len(hits) > 0 {
		return hits
	}
	type reading struct{ rest, via string }
	readings := []reading{{rest: w}}
	var buf [8]nameForm
	for _, f := range divisionForms(prov, buf[:0]) {
		if rest, ok := f.prefixOf(w); ok && utf8.RuneCountInString(rest) >= 2 {
			if hits := g.lookup(prov.Code, rest, ""); len(hits) > 0 {
				return withVia(hits, f.text())
			}
			readings = append(readings, reading{rest: rest, via: f.text()})
		}
	}
	var hits []hit
	lo, hi := g.provinceRange(prov.Code)
	for _, r := range readings {
		head := firstRunes(r.rest, 2)
		for _, p := range g.divisions[lo:hi] {
			if p.Level == Province || len(g.children[p.Code]) == 0 || !strings.HasPrefix(p.Name, head) {
				continue
			}
			for _, f := range divisionForms(p, buf[:0]) {
				rest, ok := f.prefixOf(r.rest)
				if !ok || f.tier > tierShort || utf8.RuneCountInString(rest) < 2 {
					continue
				}
				via := f.text()
				if r.via != "" {
					via = r.via + via
				}
				hits = append(hits, withVia(g.lookup(prov.Code, rest, p.Code), via)...)
			}
		}
	}
	return bestTier(hits)
}

// withVia records on each hit the province or parent written before it.
func withVia(hits []hit, via string) []hit {
	for i := range hits {
		hits[i].via = via
	}
	return hits
}

// bestTier keeps the hits at the first tier present, one per division.
func bestTier(hits []hit) []hit {
	var out []hit
	for _, h := range hits {
		switch {
		case len(out) == 0 || h.form.tier < out[0].form.tier:
			out = append(out[:0], h)
		case h.form.tier == out[0].form.tier:
			dup := false
			for _, o := range out {
				dup = dup || o.div.Code == h.div.Code
			}
			if !dup {
				out = append(out, h)
			}
		}
	}
	return out
}

// settle returns the one division a set of divisions points to. Divisions
// with the same official name where one contains all the others count as
// the containing one: 嘉峪关市 620200 (the prefecture-level city, the
// comparable unit) and 嘉峪关市 620201 (its own county-level entry) are one
// place, while two 桥西区 in different cities are not.
func (g *Gazetteer) settle(divs []Division) (Division, bool) {
	if len(divs) == 0 {
		return Division{}, false
	}
	if len(divs) == 1 {
		return divs[0], true
	}
	for _, d := range divs {
		if d.Name != divs[0].Name {
			return Division{}, false
		}
	}
	for _, top := range divs {
		all := true
		for _, d := range divs {
			all = all && (d.Code == top.Code || g.isBelow(d.Code, top.Code))
		}
		if all {
			return top, true
		}
	}
	return Division{}, false
}

// newMatch builds the match for a division with its comparable unit.
func (g *Gazetteer) newMatch(d Division, rule Rule, conf float64, reason string) Match {
	m := Match{Division: d, Rule: rule, Confidence: conf, Reason: reason}
	if c, ok := g.ComparableOf(d.Code); ok {
		m.Comparable = c
	}
	return m
}

// formReason explains how a name written as f fits division d.
func (g *Gazetteer) formReason(d Division, f nameForm) string {
	switch f.rule {
	case RuleExact:
		return "official name"
	case RuleSuffix:
		return fmt.Sprintf("official name %s written without its suffix %s", d.Name, f.official)
	case RuleShortForm:
		switch {
		case f.suffix == "":
			return fmt.Sprintf("short form of %s: ethnic part %s dropped, suffix %s omitted", d.Name, f.dropped, f.official)
		case f.suffix == f.official:
			return fmt.Sprintf("short form of %s: ethnic part %s dropped", d.Name, f.dropped)
		case f.dropped == "":
			return fmt.Sprintf("short form of %s: %s → %s", d.Name, f.official, f.suffix)
		}
		return fmt.Sprintf("short form of %s: ethnic part %s dropped, %s → %s", d.Name, f.dropped, f.official, f.suffix)
	case RuleAlias, RuleHistory:
		if f.alias < 0 || f.alias >= len(g.aliases) {
			break
		}
		a := g.aliases[f.alias]
		var s string
		switch a.Kind {
		case Short:
			s = fmt.Sprintf("short form %s of %s (aliases.csv)", a.Written, d.Name)
		case Merged:
			s = fmt.Sprintf("history: %s%s was merged %s; its successor is %s %s", a.Written, codeNote(a.OldCode), a.Period(), d.Name, d.Code)
			if c, ok := g.ComparableOf(d.Code); ok && c.Code != d.Code {
				s += fmt.Sprintf(" in %s", c.Name)
			}
		case Recoded:
			s = fmt.Sprintf("history: %s%s was recoded %s %s", a.Written, codeNote(a.OldCode), d.Code, a.Period())
		default:
			if a.OldCode == "" {
				s = fmt.Sprintf("history: %s was renamed %s %s, code %s kept", a.Written, d.Name, a.Period(), d.Code)
			} else {
				s = fmt.Sprintf("history: %s (%s) was renamed %s (%s) %s", a.Written, a.OldCode, d.Name, d.Code, a.Period())
			}
		}
		if a.ListedUntil != 0 {
			s += " (" + a.Source + ")"
		}
		if f.omitted != "" {
			s = fmt.Sprintf("%s, written without its suffix %s", s, f.omitted)
		}
		return s
	}
	return string(f.rule)
}

// codeNote returns " (code)" for a known old code, "" otherwise.
func codeNote(code string) string {
	if code == "" {
		return ""
	}
	return " (" + code + ")"
}

// hitReason explains a hit, with the province or parent written before it.
func (g *Gazetteer) hitReason(h hit) string {
	r := g.formReason(h.div, h.form)
	if h.via != "" {
		r = fmt.Sprintf("%s (written after %s)", r, h.via)
	}
	return r
}

// placeOf names where a division lies: its parent, or its province.
func (g *Gazetteer) placeOf(d Division) string {
	if p, ok := g.Division(d.ParentCode); ok {
		return p.Name
	}
	return d.Code
}

// nearMiss is a division whose name differs a little from the name written.
type nearMiss struct {
	div    Division
	dist   int     // edit distance of its closest form (1 for a changed suffix)
	conf   float64 // > 0 when the difference is one this package accepts
	reason string
}

// nearMisses compares w with every form of the divisions (and the rows of
// aliases.csv of the province, when provinceCode is not "") and returns
// those within two edits, closest first, each with the best reading of
// the difference.
func (g *Gazetteer) nearMisses(divs []Division, provinceCode, w string) []nearMiss {
	wr := []rune(w)
	wcore, wsuf := splitSuffix(w)
	var out []nearMiss
	index := map[string]int{}
	note := func(d Division, dist int, conf float64, reason string) {
		i, ok := index[d.Code]
		if !ok {
			index[d.Code] = len(out)
			out = append(out, nearMiss{div: d, dist: dist, conf: conf, reason: reason})
			return
		}
		m := &out[i]
		if conf > m.conf || (conf == m.conf && dist < m.dist) {
			m.conf, m.reason = conf, reason
		}
		m.dist = min(m.dist, dist)
	}
	var buf [8]nameForm
	consider := func(d Division, forms []nameForm) {
		for _, f := range forms {
			key := []rune(f.text())
			dist := editDistance(wr, key, 2)
			if dist > 2 || (dist == 2 && min(len(wr), len(key)) < 4) {
				continue
			}
			if dist == 2 {
				note(d, 2, 0, fmt.Sprintf("approximate: 2 characters differ from %s", f.text()))
				continue
			}
			conf, reason := judgeEdit(wr, key, utf8.RuneCountInString(f.base), f.suffix != "", d)
			note(d, 1, conf, reason)
		}
		if wsuf == "" {
			return
		}
		if core, suf := splitSuffix(d.Name); core == wcore && suf != wsuf && suffixChangeAllowed(wsuf, suf, d.Level) {
			note(d, 1, confSuffixChange, fmt.Sprintf("approximate: written with suffix %s, the official name %s ends in %s (changed since?)", wsuf, d.Name, suf))
		}
	}
	for _, d := range divs {
		consider(d, divisionForms(d, buf[:0]))
	}
	if provinceCode != "" {
		for _, i := range g.aliasesIn[provinceCode] {
			if d, ok := g.Division(g.aliases[i].Code); ok {
				consider(d, aliasForms(g.aliases[i], i, buf[:0]))
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].dist != out[j].dist {
			return out[i].dist < out[j].dist
		}
		return out[i].conf > out[j].conf
	})
	return out
}

// judgeEdit reads a one-edit difference between the written name wr and a
// form key of division d (whose first nb characters are the name before its
// suffix; hasSuffix when the form has one) and returns the confidence of
// accepting it (0: not acceptable) and a reason naming the difference.
//
// Accepted: 族 added or missing right after an ethnic group's name; a
// damaged character of the suffix when the name before it is intact; one
// character of a name of three or more characters. Not accepted: anything
// on names shorter than three characters, one character of a two-character
// name (邯単市 is not taken for 邯郸市: half the name would be a guess), and a
// suffix character replaced by another suffix (that is a changed suffix,
// judged on its own).
func judgeEdit(wr, key []rune, nb int, hasSuffix bool, d Division) (float64, string) {
	kind, pos, cw, cn, ok := oneEdit(wr, key)
	if !ok {
		return 0, fmt.Sprintf("approximate: 1 character differs from %s", string(key))
	}
	var what string
	inSuffix := hasSuffix && pos >= nb
	switch kind {
	case editReplaced:
		what = fmt.Sprintf("%c written for %c", cw, cn)
	case editInserted:
		what = fmt.Sprintf("extra %c written", cw)
		inSuffix = hasSuffix && pos > nb
	case editRemoved:
		what = fmt.Sprintf("%c missing", cn)
	}
	long := len(wr) >= 3 && len(key) >= 3
	if (cw == '族' || cn == '族') && kind != editReplaced && long {
		if n := trailingEthnicGroup(string(key[:pos])); n > 0 {
			ethnic := string(key[:pos])
			ethnic = ethnic[len(ethnic)-n:]
			if kind == editInserted {
				return confEthnicZu, fmt.Sprintf("approximate: 族 written after %s; the official name %s has none", ethnic, d.Name)
			}
			return confEthnicZu, fmt.Sprintf("approximate: 族 missing after %s (official name %s)", ethnic, d.Name)
		}
	}
	reason := fmt.Sprintf("approximate: %s (official name %s)", what, d.Name)
	switch {
	case !long:
		return 0, reason + "; too short a name to accept"
	case cw != 0 && isSuffixRune(cw) && (inSuffix || (kind == editInserted && pos == nb)):
		return 0, reason + "; a different suffix"
	case inSuffix && nb >= 2:
		return confSuffixTypo, reason
	case !inSuffix && nb >= 3:
		return confCoreTypo, reason
	}
	return 0, reason + "; too short a name to accept"
}

// approximate picks the one division w is a clearly unique near miss of:
// exactly one division with an acceptable difference and no other division
// as close. It returns the near misses either way, for candidates.
func (g *Gazetteer) approximate(divs []Division, provinceCode, w string) (nearMiss, []nearMiss, bool) {
	misses := g.nearMisses(divs, provinceCode, w)
	var accepted, close []Division
	var pick nearMiss
	for _, m := range misses {
		if m.dist <= 1 {
			close = append(close, m.div)
		}
		if m.conf > 0 {
			accepted = append(accepted, m.div)
			if pick.conf == 0 {
				pick = m
			}
		}
	}
	if len(accepted) == 0 {
		return nearMiss{}, misses, false
	}
	top, ok := g.settle(close)
	if !ok {
		return nearMiss{}, misses, false
	}
	for _, m := range misses {
		if m.div.Code == top.Code && m.conf > 0 {
			return m, misses, true
		}
	}
	// The division that contains the others has no acceptable difference
	// itself (possible only with same-named divisions): take the best.
	pick.div = top
	return pick, misses, true
}

// unitsOf returns the divisions of a province below the province itself.
func (g *Gazetteer) unitsOf(provinceCode string) []Division {
	lo, hi := g.provinceRange(provinceCode)
	if lo < hi && g.divisions[lo].Level == Province {
		lo++
	}
	return g.divisions[lo:hi:hi]
}

// elsewhere returns the hits of w in every province but provinceCode.
func (g *Gazetteer) elsewhere(provinceCode, w string) []hit {
	var out []hit
	for _, p := range g.divisions {
		if p.Level != Province || p.Code == provinceCode {
			continue
		}
		out = append(out, g.lookup(p.Code, w, "")...)
	}
	return out
}

// MatchUnit matches a unit as written within the province the list puts it
// in (provinceCode, e.g. "130000"). Rules are tried in order: the official
// name; the name without its suffix; the generic short forms of autonomous
// divisions; the short rows of aliases.csv; the history rows of aliases.csv
// and history.csv (an old name leads to today's unit, a merged unit to its
// successor; a changed suffix found there is taken before, and so never
// lost to, approximate matching); and last an
// approximate match. A name that fits nothing as written is also read as
// qualified by its province or parent (石家庄市桥西区, 河北省正定县).
//
// The first rule that fits decides. Two divisions fitting at that rule is
// an ambiguity: ok is false and both are candidates. Divisions with one and
// the same official name where one contains the other (嘉峪关市 620200 and
// its own county-level 嘉峪关市 620201) count as the containing one, the
// comparable unit. A county-level city of the same name as a prefecture
// that is not a city (阿克苏市 in 阿克苏地区) is matched as written, to the
// city, and counted under the prefecture. A bare name that is the core of
// both a prefecture and a county (朝阳 in 辽宁省: 朝阳市 and 朝阳县) is
// ambiguous: the suffix written decides, and none was written.
//
// An approximate match is taken only when the difference is one of those
// accepted (see Match.Confidence), no other division of the province is as
// close, and the name does not fit any other province as written (a name
// that exactly fits elsewhere was probably put under the wrong province).
//
// The name is normalised first: white space (also full-width) and invisible
// format characters are removed. ok is false for an empty name, an unknown
// province, and any name that did not match; candidates (best first, at most
// five) then explain: the divisions of an ambiguity, the same name in other
// provinces ("in 浙江省, not 河北省"), and near misses in the province.
func (g *Gazetteer) MatchUnit(provinceCode, written string) (m Match, candidates []Candidate, ok bool) {
	w := normalizeName(written)
	if w == "" {
		return Match{}, nil, false
	}
	prov, known := g.Division(provinceCode)
	if !known || prov.Level != Province {
		for _, h := range g.elsewhere("", w) {
			candidates = append(candidates, Candidate{Division: h.div, Reason: fmt.Sprintf("in %s; %q is not a province code", g.provinceName(h.div), provinceCode)})
		}
		return Match{}, capCandidates(candidates), false
	}

	hits := g.lookupQualified(prov, w)
	if len(hits) > 0 {
		divs := make([]Division, len(hits))
		for i, h := range hits {
			divs[i] = h.div
		}
		if top, ok := g.settle(divs); ok {
			for _, h := range hits {
				if h.div.Code == top.Code {
					return g.newMatch(h.div, h.form.rule, h.form.conf, g.hitReason(h)), nil, true
				}
			}
		}
		for _, h := range hits {
			r := fmt.Sprintf("ambiguous: %s, in %s; %d divisions of %s fit alike", g.hitReason(h), g.placeOf(h.div), len(hits), prov.Name)
			if h.div.ParentCode != prov.Code && h.via == "" {
				r += fmt.Sprintf("; write it with its parent, e.g. %s%s", g.placeOf(h.div), w)
			}
			candidates = append(candidates, Candidate{Division: h.div, Reason: r})
		}
		return Match{}, capCandidates(candidates), false
	}

	var others []Candidate
	for _, h := range g.elsewhere(prov.Code, w) {
		r := fmt.Sprintf("in %s, not %s", g.provinceName(h.div), prov.Name)
		if h.form.rule != RuleExact {
			r += " (" + g.hitReason(h) + ")"
		}
		others = append(others, Candidate{Division: h.div, Reason: r})
	}
	pick, misses, found := g.approximate(g.unitsOf(prov.Code), prov.Code, w)
	if found && len(others) == 0 {
		return g.newMatch(pick.div, RuleApproximate, pick.conf, pick.reason), nil, true
	}
	candidates = others
	for _, nm := range misses {
		r := nm.reason
		if found && nm.div.Code == pick.div.Code {
			r += "; not taken: the name fits another province as written"
		}
		candidates = append(candidates, Candidate{Division: nm.div, Reason: r})
	}
	return Match{}, capCandidates(candidates), false
}

// provinceName names the province a division lies in.
func (g *Gazetteer) provinceName(d Division) string {
	if p, ok := g.Division(d.ProvinceCode()); ok {
		return p.Name
	}
	return d.ProvinceCode()
}

// capCandidates keeps the first maxCandidates candidates, one per division.
func capCandidates(cs []Candidate) []Candidate {
	var out []Candidate
	for _, c := range cs {
		dup := false
		for _, o := range out {
			dup = dup || o.Division.Code == c.Division.Code
		}
		if !dup {
			out = append(out, c)
		}
		if len(out) == maxCandidates {
			break
		}
	}
	return out
}

// provinceByAbbreviation returns the code of the province a one-character
// abbreviation (简称) or 内蒙 stands for, "" for anything else.
func provinceByAbbreviation(w string) string {
	switch w {
	case "京":
		return "110000"
	case "津":
		return "120000"
	case "冀":
		return "130000"
	case "晋":
		return "140000"
	case "蒙", "内蒙":
		return "150000"
	case "辽":
		return "210000"
	case "吉":
		return "220000"
	case "黑":
		return "230000"
	case "沪":
		return "310000"
	case "苏":
		return "320000"
	case "浙":
		return "330000"
	case "皖":
		return "340000"
	case "闽":
		return "350000"
	case "赣":
		return "360000"
	case "鲁":
		return "370000"
	case "豫":
		return "410000"
	case "鄂":
		return "420000"
	case "湘":
		return "430000"
	case "粤":
		return "440000"
	case "桂":
		return "450000"
	case "琼":
		return "460000"
	case "渝":
		return "500000"
	case "川", "蜀":
		return "510000"
	case "黔", "贵":
		return "520000"
	case "滇", "云":
		return "530000"
	case "藏":
		return "540000"
	case "陕", "秦":
		return "610000"
	case "甘", "陇":
		return "620000"
	case "青":
		return "630000"
	case "宁":
		return "640000"
	case "新":
		return "650000"
	case "台":
		return "710000"
	case "港":
		return "810000"
	case "澳":
		return "820000"
	}
	return ""
}

// MatchProvince resolves a province as written: 北京市, 北京, 内蒙古自治区,
// 内蒙古, 内蒙, 广西, 新疆维吾尔自治区, 台湾, 香港, or a one-character
// abbreviation (冀, 粤). The rules are those of MatchUnit, among the 34
// province-level divisions. Damage to the name itself, like 沏北, gives
// ok=false with candidates (河北省, 湖北省): a two-character name with one
// character wrong is never guessed. See ResolveProvince for the reason and
// confidence of the match.
func (g *Gazetteer) MatchProvince(written string) (d Division, rule Rule, candidates []Candidate, ok bool) {
	m, candidates, ok := g.ResolveProvince(written)
	if !ok {
		return Division{}, "", candidates, false
	}
	return m.Division, m.Rule, nil, true
}

// ResolveProvince is MatchProvince with the full match: rule, confidence and
// reason (Comparable is left empty: a province is not a comparable unit).
func (g *Gazetteer) ResolveProvince(written string) (m Match, candidates []Candidate, ok bool) {
	w := normalizeName(written)
	if w == "" {
		return Match{}, nil, false
	}
	provs := g.Provinces()
	var hits []hit
	var buf [8]nameForm
	for _, p := range provs {
		for _, f := range divisionForms(p, buf[:0]) {
			if f.is(w) {
				hits = append(hits, hit{div: p, form: f})
			}
		}
	}
	if code := provinceByAbbreviation(w); code != "" {
		if p, ok := g.Division(code); ok {
			hits = append(hits, hit{div: p, form: nameForm{base: w, tier: tierAlias, rule: RuleAlias, conf: confAlias, alias: -1}})
		}
	}
	hits = bestTier(hits)
	switch {
	case len(hits) == 1:
		h := hits[0]
		reason := g.formReason(h.div, h.form)
		if h.form.tier == tierAlias {
			reason = fmt.Sprintf("abbreviation %s of %s", w, h.div.Name)
		}
		return Match{Division: h.div, Rule: h.form.rule, Confidence: h.form.conf, Reason: reason}, nil, true
	case len(hits) > 1:
		for _, h := range hits {
			candidates = append(candidates, Candidate{Division: h.div, Reason: "ambiguous: " + g.formReason(h.div, h.form)})
		}
		return Match{}, capCandidates(candidates), false
	}
	pick, misses, found := g.approximate(provs, "", w)
	if found {
		return Match{Division: pick.div, Rule: RuleApproximate, Confidence: pick.conf, Reason: pick.reason}, nil, true
	}
	for _, nm := range misses {
		candidates = append(candidates, Candidate{Division: nm.div, Reason: nm.reason})
	}
	return Match{}, capCandidates(candidates), false
}

// InferProvince returns the province a list of units belongs to when the
// list does not say: the one province that every unit fits (by the rules of
// MatchUnit, searched in every province; a unit that fits no province by
// the rules up to history may fit by an accepted approximate match, and
// the reason then says so). reason says how: "all 3 units are in 河北省 only", or "only 吉林省
// has all 2 units; 朝阳区 alone also fits 北京市". ok is false, with the
// reason, when no unit is written, when a unit fits no province, and when
// no province or more than one has them all (["朝阳区"]: 北京市 and 吉林省).
func (g *Gazetteer) InferProvince(units []string) (d Division, reason string, ok bool) {
	var names []string
	for _, u := range units {
		if w := normalizeName(u); w != "" {
			names = append(names, w)
		}
	}
	if len(names) == 0 {
		return Division{}, "no units written", false
	}
	provs := g.Provinces()
	fits := make([][]Division, len(names))
	var approx []string // units that fit only approximately
	for i, n := range names {
		for _, p := range provs {
			if len(g.lookupQualified(p, n)) > 0 {
				fits[i] = append(fits[i], p)
			}
		}
		if len(fits[i]) > 0 {
			continue
		}
		for _, p := range provs {
			if _, _, ok := g.approximate(g.unitsOf(p.Code), p.Code, n); ok {
				fits[i] = append(fits[i], p)
			}
		}
		if len(fits[i]) == 0 {
			return Division{}, fmt.Sprintf("%s fits no province", n), false
		}
		approx = append(approx, n)
	}
	common := fits[0]
	for _, f := range fits[1:] {
		var keep []Division
		for _, p := range common {
			for _, q := range f {
				if p.Code == q.Code {
					keep = append(keep, p)
					break
				}
			}
		}
		common = keep
	}
	switch len(common) {
	case 0:
		var parts []string
		for i, n := range names {
			parts = append(parts, fmt.Sprintf("%s fits %s", n, provinceNames(fits[i])))
		}
		return Division{}, fmt.Sprintf("no province has all %s: %s", countUnits(len(names)), strings.Join(parts, "; ")), false
	case 1:
	default:
		return Division{}, fmt.Sprintf("%s fit each of %s", countUnits(len(names)), provinceNames(common)), false
	}
	p := common[0]
	var also []string
	for i, n := range names {
		if len(fits[i]) > 1 {
			var rest []Division
			for _, q := range fits[i] {
				if q.Code != p.Code {
					rest = append(rest, q)
				}
			}
			also = append(also, fmt.Sprintf("%s alone also fits %s", n, provinceNames(rest)))
		}
	}
	if len(approx) > 0 {
		also = append(also, fmt.Sprintf("%s only approximately", strings.Join(approx, "、")))
	}
	if len(also) == 0 {
		if len(names) == 1 {
			return p, fmt.Sprintf("%s is in %s only", names[0], p.Name), true
		}
		return p, fmt.Sprintf("all %s are in %s only", countUnits(len(names)), p.Name), true
	}
	return p, fmt.Sprintf("only %s has all %s; %s", p.Name, countUnits(len(names)), strings.Join(also, "; ")), true
}

// countUnits says "1 unit", "2 units", ….
func countUnits(n int) string {
	if n == 1 {
		return "1 unit"
	}
	return fmt.Sprintf("%d units", n)
}

// provinceNames joins the names of provinces with "、".
func provinceNames(ps []Division) string {
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.Name
	}
	return strings.Join(names, "、")
}
