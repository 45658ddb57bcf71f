package notice

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// section is the kind of list the headings so far announce.
type section int

const (
	sectionNone      section = iota
	sectionProvinces         // after a heading such as 试点省份名单
	sectionUnits             // after a heading such as 试点单位名单
	sectionAnnex             // after a heading naming both (试点省份暨试点单位名单)
)

// patterns are the regular expressions of one Parse call.
type patterns struct {
	page   []*regexp.Regexp
	docNum *regexp.Regexp
}

func newPatterns() patterns {
	const dash = `[-‐‑‒–—―−一~_=·•]`
	return patterns{
		page: []*regexp.Regexp{
			regexp.MustCompile(`^(?:` + dash + `+\s*)?\d{1,4}(?:\s*` + dash + `+)?$`),
			regexp.MustCompile(`^第\s*[\d` + cjkDigits + `]{1,5}\s*页(?:\s*[,/、]?\s*共\s*[\d` + cjkDigits + `]{1,5}\s*页)?$`),
			regexp.MustCompile(`^共\s*\d{1,4}\s*页\s*[,/、]?\s*第\s*\d{1,4}\s*页$`),
			regexp.MustCompile(`^\d{1,4}\s*/\s*\d{1,4}$`),
			regexp.MustCompile(`^(?i:page)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$`),
		},
		docNum: regexp.MustCompile(`\p{Han}{1,12}\s*[〔\[(【]\s*(?:19|20)\d{2}\s*[〕\])】]\s*\d{1,4}\s*号`),
	}
}

// parser holds the state of one Parse call.
type parser struct {
	lines   []line
	s       *simplifier
	re      patterns
	n       *Notice
	groups  []*Group
	section section
	region  string
	cur     *Group // the group that a continuation line extends; nil when closed
	pending bool   // the last unit of cur may continue on the next line
}

func newParser(lines []line, s *simplifier) *parser {
	return &parser{lines: lines, s: s, re: newPatterns(), n: &Notice{}}
}

func (p *parser) run() {
	for i := 0; i < len(p.lines); {
		l := &p.lines[i]
		switch {
		case l.blank, p.isPageArtifact(l):
			i++
		case isRule(l.simp):
			p.close()
			i++
		case tableKind(l, false) != noTable:
			i = p.tableBlock(i, tableKind(l, false))
		default:
			p.textLine(l)
			i++
		}
	}
	if len(p.n.PilotProvinces) == 0 {
		p.provincesFromProse()
	}
	p.n.DocNumber = p.docNumber()
	p.n.Title = p.title()
}

// isPageArtifact reports a line that a page break leaves: a form feed, a
// page number such as "— 3 —", "- 3 -", "第3页" or "3/10".
func (p *parser) isPageArtifact(l *line) bool {
	a, b := l.bounds()
	if a == b {
		return l.page
	}
	s := string(l.norm[a:b])
	for _, re := range p.re.page {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

func (p *parser) close() {
	p.cur = nil
	p.pending = false
}

func (p *parser) newGroup(province Name, count int) *Group {
	g := &Group{
		Province:      province,
		ProvinceName:  canonicalProvince(province.Text),
		Region:        p.region,
		DeclaredCount: count,
	}
	p.groups = append(p.groups, g)
	return g
}

// addUnits appends the names of sh to g and notes whether the last one may
// continue on the next line: a long line (wrapped at the page margin) that
// ends in the middle of a name, without a separator and without a suffix.
func (p *parser) addUnits(l *line, g *Group, sh listShape) {
	g.Units = append(g.Units, sh.names...)
	if sh.count > 0 && g.DeclaredCount == 0 {
		g.DeclaredCount = sh.count
	}
	p.pending = false
	if len(sh.names) == 0 || sh.endsWithSep || sh.count > 0 {
		return
	}
	last := sh.names[len(sh.names)-1].Text
	a, b := l.bounds()
	p.pending = b-a >= 20 && !hasUnitSuffix(last) && canonicalProvince(last) == ""
}

func (p *parser) addPilotProvince(n Name) {
	p.n.PilotProvinces = append(p.n.PilotProvinces, n)
	p.n.PilotProvinceNames = append(p.n.PilotProvinceNames, canonicalProvince(n.Text))
}

// textLine reads one line that is not part of a table.
func (p *parser) textLine(l *line) {
	a, b := l.bounds()
	a, hashed := skipHashes(l.norm, a, b)
	a, marked := l.stripMarker(a, b)
	if a >= b {
		return
	}
	colon := -1
	for i := a; i < b; i++ {
		if l.norm[i] == ':' || l.norm[i] == '∶' {
			colon = i
			break
		}
	}
	headEnd := b
	if colon >= 0 {
		headEnd = colon
	}
	head, count := p.head(l, a, headEnd)
	canon := canonicalProvince(head.Text)

	if colon >= 0 {
		if canon != "" && p.provinceGroups(l, head, count, colon, b) {
			return
		}
		rest := p.list(l, colon+1, b)
		switch {
		case canon == "" && (p.section == sectionUnits || p.cur != nil) && provinceShaped(head.Text) && rest.continuation():
			// a damaged province inside a list: kept as written, not guessed
			p.cur = p.newGroup(head, count)
			p.addUnits(l, p.cur, rest)
			return
		case isRegion(head.Text):
			p.setRegion(head.Text)
			if p.section == sectionProvinces && rest.provinceLike() {
				for _, n := range rest.names {
					p.addPilotProvince(n)
				}
			}
			return
		}
	} else {
		whole := p.list(l, a, b)
		switch {
		case len(whole.names) >= 2 && whole.allProvinces():
			p.close()
			if p.section == sectionProvinces || p.section == sectionAnnex {
				for _, n := range whole.names {
					p.addPilotProvince(n)
				}
			}
			return
		case canon != "":
			if p.section == sectionProvinces && count == 0 {
				p.close()
				p.addPilotProvince(head)
				return
			}
			p.cur = p.newGroup(head, count)
			p.pending = false
			return
		case isRegion(head.Text):
			p.setRegion(head.Text)
			return
		}
		if nameEnd, end, cnt, ok := p.provincePrefix(l, a, b); ok {
			if rest := p.list(l, end, b); rest.continuation() {
				p.cur = p.newGroup(p.name(l, a, nameEnd), cnt)
				p.addUnits(l, p.cur, rest)
				return
			}
		}
	}

	if p.sectionHeading(l, a, b, hashed || marked) {
		return
	}
	if hashed {
		p.close()
		p.region = ""
		p.section = sectionNone
		return
	}
	if colon < 0 {
		if p.cur != nil {
			if sh := p.list(l, a, b); sh.continuation() {
				p.continueGroup(l, sh)
				return
			}
		}
		if p.section == sectionProvinces {
			if sh := p.list(l, a, b); sh.provinceLike() {
				p.close()
				for _, n := range sh.names {
					p.addPilotProvince(n)
				}
				return
			}
		}
	}
	p.close() // prose
}

// head returns the name in norm[a:b] without a trailing count, and the count:
// "北京市（4个）", "北京市4个", "北京市共4个".
func (p *parser) head(l *line, a, b int) (Name, int) {
	a, b = trimSpace(l.norm, a, b)
	count := 0
	if o, n, ok := trailingCount(l.norm, a, b); ok {
		b, count = o, n
	} else if o, n, ok := bareCount(l.norm, a, b); ok {
		b, count = o, n
	}
	a, b = trimSpace(l.norm, a, b)
	return p.name(l, a, b), count
}

// provinceGroups reads a line that starts with a province and a colon: one
// group, or several on one line ("北京市：东城区；天津市：河西区"). It reports
// whether the rest of the line is units (or nothing, when they follow on the
// next lines).
func (p *parser) provinceGroups(l *line, head Name, count, colon, b int) bool {
	end, next := p.nextGroupHead(l, colon+1, b)
	rest := p.list(l, colon+1, end)
	switch {
	case len(rest.names) == 0 && !rest.sentence && next < 0:
		p.cur = p.newGroup(head, count) // units follow on the next lines
		p.pending = false
	case rest.unitsAfterProvince():
		p.cur = p.newGroup(head, count)
		p.addUnits(l, p.cur, rest)
	default:
		return false
	}
	if next < 0 {
		return true
	}
	c := next
	for l.norm[c] != ':' && l.norm[c] != '∶' {
		c++
	}
	h, n := p.head(l, next, c)
	if !p.provinceGroups(l, h, n, c, b) {
		p.close()
	}
	return true
}

// nextGroupHead looks in norm[a:b] for another province and colon after a
// separator. It returns where the current rest ends and where the next head
// begins, or b and -1.
func (p *parser) nextGroupHead(l *line, a, b int) (end, next int) {
	for i := a; i < b; i++ {
		if l.norm[i] != ':' && l.norm[i] != '∶' {
			continue
		}
		s := i - 1
		for s >= a && !isSep(l.norm[s]) && !unicode.IsSpace(l.norm[s]) {
			s--
		}
		if s < a {
			return b, -1
		}
		if h, _ := p.head(l, s+1, i); canonicalProvince(h.Text) != "" {
			return s, s + 1
		}
		return b, -1
	}
	return b, -1
}

// continueGroup adds a continuation line to the open group, first joining
// a name broken at the end of the previous line.
func (p *parser) continueGroup(l *line, sh listShape) {
	if p.pending && len(sh.names) > 0 {
		last := &p.cur.Units[len(p.cur.Units)-1]
		last.Written += sh.names[0].Written
		last.Text = p.s.normalize(last.Written)
		sh.names = sh.names[1:]
	}
	p.addUnits(l, p.cur, sh)
}

func (p *parser) setRegion(text string) {
	p.close()
	p.region = text
}

// sectionHeading handles a heading that announces a list (试点省份名单,
// 试点单位名单) and reports whether the line was one.
func (p *parser) sectionHeading(l *line, a, b int, structural bool) bool {
	s := l.simp
	if utf8.RuneCountInString(s) > 80 || strings.Contains(strings.TrimRight(s, "。 "), "。") {
		return false
	}
	if !strings.Contains(s, "名单") && !(structural && strings.Contains(s, "试点")) {
		return false
	}
	prov := strings.Contains(s, "省份") || strings.Contains(s, "试点省")
	unit := strings.Contains(s, "单位") || strings.Contains(s, "试点市") || strings.Contains(s, "试点地区") ||
		strings.Contains(s, "试点城市") || strings.Contains(s, "试点县")
	count := anyCount(l.norm[a:b])
	if count == 0 && !strings.ContainsAny(s, ",;:。!?，；：！？") { // a heading, not a sentence naming a list
		count = bareHeadingCount(l.norm[a:b])
	}
	if (unit || !prov) && p.n.Batch == 0 {
		p.n.Batch = batchNumber(s)
		if p.n.Batch == 0 {
			p.n.Batch = p.batchAbove(l)
		}
	}
	switch {
	case prov && unit:
		p.section = sectionAnnex
	case prov:
		p.section = sectionProvinces
		if count > 0 && p.n.DeclaredPilotProvinces == 0 {
			p.n.DeclaredPilotProvinces = count
		}
	case unit || strings.Contains(s, "名单"):
		p.section = sectionUnits
		if count > 0 && p.n.DeclaredUnits == 0 {
			p.n.DeclaredUnits = count
		}
	default:
		return false
	}
	p.close()
	p.region = ""
	return true
}

// batchAbove returns the batch that the line above a short heading names
// when the two are one heading broken over two paragraphs (第一批全国婴幼儿
// 照护服务示范城市 / 拟命名名单): the line above is short and no sentence.
// It returns 0 otherwise.
func (p *parser) batchAbove(l *line) int {
	if utf8.RuneCountInString(strings.TrimSpace(l.simp)) > 20 {
		return 0
	}
	for i := l.num - 2; i >= 0; i-- {
		above := &p.lines[i]
		if above.blank {
			continue
		}
		s := strings.TrimSpace(above.simp)
		if utf8.RuneCountInString(s) > 40 || strings.ContainsAny(s, "。,;:!?、|") {
			return 0
		}
		return batchNumber(s)
	}
	return 0
}

// provincePrefix finds a province name at the start of norm[a:b] followed by
// a count or spaces ("北京市 东城区、西城区", "北京市(4个)东城区"), and returns
// where the name ends, where the rest begins and the count. A separator does
// not do: "北京、上海等市" is prose.
func (p *parser) provincePrefix(l *line, a, b int) (nameEnd, rest, count int, ok bool) {
	for n := min(8, b-a); n >= 2; n-- {
		e := a + n
		if !nameEdge(l.norm[e-1]) || canonicalProvince(p.s.normalize(l.written(a, e))) == "" {
			continue
		}
		if e < b && l.norm[e] == '(' {
			c := e
			for c < b && l.norm[c] != ')' {
				c++
			}
			if c < b {
				if n, ok := parseCount(l.norm[e+1 : c]); ok {
					return e, c + 1, n, true
				}
			}
			return 0, 0, 0, false
		}
		if e < b && unicode.IsSpace(l.norm[e]) {
			return e, e, 0, true
		}
		if e < b && isDash(l.norm[e]) { // 北京市——东城区
			r := e
			for r < b && (isDash(l.norm[r]) || unicode.IsSpace(l.norm[r])) {
				r++
			}
			return e, r, 0, true
		}
		return 0, 0, 0, false
	}
	return 0, 0, 0, false
}

// provincesFromProse reads the pilot provinces from the sentence that names
// them, such as 确定北京、河北、……、甘肃作为全面推进创建活动的试点省份, when the
// notice has no list of them.
func (p *parser) provincesFromProse() {
	for i := range p.lines {
		l := &p.lines[i]
		if !strings.Contains(l.simp, "试点省") {
			continue
		}
		start := 0
		for j := 0; j <= len(l.norm); j++ {
			if j < len(l.norm) && !strings.ContainsRune("。!?;", l.norm[j]) {
				continue
			}
			if names := p.provinceRun(l, start, j); len(names) >= 2 {
				for _, n := range names {
					p.addPilotProvince(n)
				}
				return
			}
			start = j + 1
		}
	}
}

// provinceRun returns the longest run of 、-separated province names in the
// clause norm[a:b] if the clause speaks of 试点省份. The first name may end a
// longer segment (确定北京) and the last begin one (甘肃作为).
func (p *parser) provinceRun(l *line, a, b int) []Name {
	if a >= b || !strings.Contains(p.s.simplify(string(l.norm[a:b])), "试点省") {
		return nil
	}
	var segs []span
	start := a
	for i := a; i <= b; i++ {
		if i == b || l.norm[i] == '、' {
			s, e := trimSpace(l.norm, start, i)
			segs = append(segs, span{s, e})
			start = i + 1
		}
	}
	var best, run []Name
	for k, s := range segs {
		n, ok := p.exactProvince(l, s)
		if !ok && len(run) > 0 {
			n, ok = p.provinceAt(l, s, false) // the last name may begin a segment
			if ok {
				run = append(run, n)
			}
			if len(run) > len(best) {
				best = run
			}
			run = nil
			ok = false
		}
		if !ok {
			if n, ok = p.provinceAt(l, s, true); ok && k+1 < len(segs) {
				run = []Name{n} // the first name may end a segment
			}
			continue
		}
		run = append(run, n)
	}
	if len(run) > len(best) {
		best = run
	}
	return best
}

func (p *parser) exactProvince(l *line, s span) (Name, bool) {
	n := p.name(l, s.a, s.b)
	return n, canonicalProvince(n.Text) != ""
}

// provinceAt finds the longest province name at the end (atEnd) or at the
// start of a segment.
func (p *parser) provinceAt(l *line, s span, atEnd bool) (Name, bool) {
	for n := min(8, s.b-s.a); n >= 2; n-- {
		a, b := s.a, s.a+n
		if atEnd {
			a, b = s.b-n, s.b
		}
		if !nameEdge(l.norm[a]) || !nameEdge(l.norm[b-1]) {
			continue
		}
		if nm := p.name(l, a, b); canonicalProvince(nm.Text) != "" {
			return nm, true
		}
	}
	return Name{}, false
}

func isDash(r rune) bool { return strings.ContainsRune("-‐‑‒–—―−─", r) }

// nameEdge reports whether a name can begin or end with r.
func nameEdge(r rune) bool {
	return !unicode.IsSpace(r) && !unicode.IsPunct(r) && !unicode.IsSymbol(r)
}

func (p *parser) noListError() error {
	nonBlank := 0
	for _, l := range p.lines {
		if !l.blank {
			nonBlank++
		}
	}
	detail := fmt.Sprintf("%d lines of text, none a province followed by unit names", nonBlank)
	if k := len(p.n.PilotProvinces); k > 0 {
		detail += fmt.Sprintf(" (%d pilot provinces found, but no units)", k)
	}
	return fmt.Errorf("%w: %s", ErrNoList, detail)
}
