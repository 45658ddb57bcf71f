package notice

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// tableKinds: a line is a row of a markdown table ('|'-separated) or of a
// tab-separated table, or not a table row.
const (
	noTable = iota
	pipeTable
	tabTable
)

// tableKind tells whether l is a table row. A row that starts a table needs
// two non-empty cells (or a leading '|'); inside a table, any line with the
// table's separator is a row.
func tableKind(l *line, inBlock bool) int {
	a, b := l.bounds()
	if a == b {
		return noTable
	}
	rs := l.norm[a:b]
	if rs[0] == '|' {
		return pipeTable
	}
	if containsRune(rs, '|') && (inBlock || nonEmptyCells(l, pipeTable) >= 2) {
		return pipeTable
	}
	if containsRune(l.norm, '\t') && (inBlock || nonEmptyCells(l, tabTable) >= 2) {
		return tabTable
	}
	return noTable
}

func nonEmptyCells(l *line, kind int) int {
	n := 0
	for _, c := range l.cells(kind) {
		if c.a < c.b {
			n++
		}
	}
	return n
}

// cells splits a table row into trimmed cells.
func (l *line) cells(kind int) []span {
	a, b := 0, len(l.norm) // a tab at either end delimits an empty cell
	sep := '\t'
	if kind == pipeTable {
		sep = '|'
		a, b = trimSpace(l.norm, a, b)
		if a < b && l.norm[a] == '|' {
			a++
		}
		if b > a && l.norm[b-1] == '|' && !(b-2 >= a && l.norm[b-2] == '\\') {
			b--
		}
	}
	var out []span
	start := a
	for i := a; i <= b; i++ {
		if i == b || l.norm[i] == sep && !(sep == '|' && i > a && l.norm[i-1] == '\\') {
			s, e := trimSpace(l.norm, start, i)
			out = append(out, span{s, e})
			start = i + 1
		}
	}
	return out
}

// isSeparatorRow reports a markdown header separator row: |---|:---:|.
func isSeparatorRow(l *line, cells []span) bool {
	dashes := 0
	for _, c := range cells {
		for _, r := range l.norm[c.a:c.b] {
			switch {
			case r == '-' || r == '—' || r == '–':
				dashes++
			case r == ':' || r == ' ':
			default:
				return false
			}
		}
	}
	return dashes > 0
}

// column roles
type role int

const (
	roleUnknown role = iota
	roleIndex
	roleProvince
	roleRegion
	roleCount
	roleUnits
	roleRemark
)

// headerRole returns the role a header cell names and whether the cell is a
// column title (rather than any text, taken for units). A title is the
// whole cell: it is made only of the words titles are made of (所在省(区、市),
// 试点县(市、区), 市县名称, 县及县级市(120个), 数量(个)), so a unit whose
// name holds such a word (晋城市, 共青城市, 城区) is none.
func headerRole(text string) (role, bool) {
	lower := strings.ToLower(text)
	core := cellCore(text)
	switch {
	case text == "":
		return roleUnknown, false
	case lower == "no" || lower == "no." || text == "#":
		return roleIndex, true
	case !isColumnTitle(core):
		return roleUnits, false
	case core == "序号" || core == "编号" || core == "序":
		return roleIndex, true
	case strings.Contains(core, "备注") || strings.Contains(core, "说明"):
		return roleRemark, true
	case strings.Contains(core, "数量") || strings.Contains(core, "个数") || strings.Contains(core, "数目") ||
		strings.HasSuffix(core, "数") || strings.Contains(core, "合计"):
		return roleCount, true
	case strings.Contains(core, "单位") || strings.Contains(core, "名单"):
		return roleUnits, true
	case (strings.Contains(core, "区域") || strings.Contains(core, "片区") || strings.Contains(core, "地区") ||
		strings.Contains(core, "大区")) && !strings.Contains(core, "名称"): // 区域名称 names the units
		return roleRegion, true
	case strings.Contains(core, "省"):
		return roleProvince, true
	}
	return roleUnits, true
}

// isColumnTitle reports whether core, a cell's cellCore, is made only of
// title words: 所在省, 试点县, 县及县级市, 城市. A
// single character other than 省 and 序 is no title (the 区 and 市 of a
// split 试点县(市、区) are not).
func isColumnTitle(core string) bool {
	rs := []rune(core)
	if len(rs) == 0 || len(rs) == 1 && rs[0] != '省' && rs[0] != '序' {
		return false
	}
	// reach[i]: rs[:i] is a sequence of title words
	reach := make([]bool, len(rs)+1)
	reach[0] = true
	for i := range rs {
		if !reach[i] {
			continue
		}
		for j := i + 1; j <= len(rs) && j <= i+4; j++ {
			if titleWord(string(rs[i:j])) {
				reach[j] = true
			}
		}
	}
	return reach[len(rs)]
}

// titleWord reports a word column titles are made of.
func titleWord(w string) bool {
	switch w {
	case "序号", "编号", "序",
		"所在", "所属", "来源", "试点", "示范", "入选", "拟命名",
		"省", "省份", "省市", "省区", "省区市",
		"地区", "区域", "片区", "大区",
		"城市", "地市", "市县", "县市", "区县", "县区", "县级市", "县", "市", "区", "单位", "名称", "名单",
		"数量", "个数", "数目", "数", "合计",
		"备注", "说明",
		"及", "和", "、":
		return true
	}
	return false
}

// cellCore returns a normalized cell without its parenthesized parts (a
// qualifier, a count, pinyin a site inserted) and without the markup a page
// left in it: 所在省(区、市) → 所在省, 省份(24个) → 省份, 来源省市</p> → 来源省市.
// A bracket left open keeps the text as it is.
func cellCore(text string) string {
	var b strings.Builder
	rs := []rune(text)
	depth := 0
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == '(':
			depth++
		case r == ')' && depth > 0:
			depth--
		case depth > 0:
		case r == '<' || r == '&':
			// a tag or an entity, closed or cut at the end of the cell
			// (the normalized text loses a trailing >)
			end := '>'
			if r == '&' {
				end = ';'
			}
			j := i + 1
			for j < len(rs) && j < i+12 && (rs[j] == '/' || rs[j] < 0x80 && unicode.IsLetter(rs[j])) {
				j++
			}
			if j == i+1 || j < len(rs) && rs[j] != end {
				b.WriteRune(r)
				continue
			}
			i = j
		default:
			b.WriteRune(r)
		}
	}
	if depth > 0 {
		return text
	}
	return b.String()
}

type tableRow struct {
	l     *line
	cells []span
}

// tableBlock reads the table that starts at line i and returns the index of
// the first line after it.
func (p *parser) tableBlock(i, kind int) int {
	var rows []tableRow
	next := i + 1
	for j := i; j < len(p.lines); j++ {
		l := &p.lines[j]
		if l.blank || p.isPageArtifact(l) {
			continue
		}
		if tableKind(l, true) != kind {
			break
		}
		rows = append(rows, tableRow{l, l.cells(kind)})
		next = j + 1
	}
	p.close()
	if !p.table(rows) {
		for _, r := range rows {
			p.textLine(r.l)
		}
	}
	p.close()
	return next
}

// cellText returns the normalized text of cell c of row r, "" if absent.
func (p *parser) cellText(r tableRow, c int) string {
	if c < 0 || c >= len(r.cells) {
		return ""
	}
	return p.s.normalize(r.l.written(r.cells[c].a, r.cells[c].b))
}

// headerLike reports a row of column titles: no province, every non-empty
// cell short, at least one a column title (headerRole).
func (p *parser) headerLike(r tableRow) bool {
	known := false
	for c := range r.cells {
		t := p.cellText(r, c)
		if t == "" {
			continue
		}
		if provinceish(stripCount(t)) || utf8.RuneCountInString(t) > 12 {
			return false
		}
		if _, ok := headerRole(t); ok {
			known = true
		}
	}
	return known
}

// table reads the rows of a table into groups and reports whether it found
// the table's province column (or a declared units column); if not, the
// rows are left to be read as text lines.
func (p *parser) table(rows []tableRow) bool {
	header := -1
	isSep := make([]bool, len(rows))
	ncol := 0
	for k, r := range rows {
		ncol = max(ncol, len(r.cells))
		if isSeparatorRow(r.l, r.cells) {
			isSep[k] = true
			if header < 0 && k > 0 {
				header = k - 1
			}
		}
	}
	if header < 0 && len(rows) > 0 && p.headerLike(rows[0]) {
		header = 0
	}
	roles := make([]role, ncol)
	if header >= 0 {
		for c := range rows[header].cells {
			if ro, ok := headerRole(p.cellText(rows[header], c)); ok {
				roles[c] = ro // a cell that is no title leaves its column to the cells below
			}
			p.unitsTitleCount(rows[header], c, roles[c])
		}
	}
	data := func(k int) bool { return k != header && !isSep[k] && !p.headerLike(rows[k]) }

	// infer the roles the header did not give from the cells
	type stats struct{ nonEmpty, province, region, number int }
	st := make([]stats, ncol)
	for k, r := range rows {
		if !data(k) {
			continue
		}
		for c := range r.cells {
			t := p.cellText(r, c)
			if t == "" {
				continue
			}
			st[c].nonEmpty++
			name := stripCount(t)
			if provinceish(name) || provinceish(cellCore(name)) { // 吉林省<br>, 湖北(qū)省 count too
				st[c].province++
			}
			if isRegion(name) {
				st[c].region++
			}
			if _, ok := parseNumber([]rune(t)); ok && isDigit([]rune(t)[0]) {
				st[c].number++
			}
		}
	}
	provCol := indexOf(roles, roleProvince)
	if provCol < 0 {
		best := 0
		for c := range roles {
			if roles[c] == roleUnknown && st[c].province > best && st[c].province*2 >= st[c].nonEmpty {
				provCol, best = c, st[c].province
			}
		}
		if provCol >= 0 {
			roles[provCol] = roleProvince
		}
	}
	for c := range roles {
		if roles[c] != roleUnknown {
			continue
		}
		switch s := st[c]; {
		case s.nonEmpty == 0:
		case s.region*2 >= s.nonEmpty && s.region > 0:
			roles[c] = roleRegion
		case s.number == s.nonEmpty && c == 0:
			roles[c] = roleIndex
		case s.number == s.nonEmpty:
			roles[c] = roleCount
		default:
			roles[c] = roleUnits
		}
	}
	unitCols := []int{}
	for c, r := range roles {
		if r == roleUnits {
			unitCols = append(unitCols, c)
		}
	}
	if provCol < 0 && (header < 0 || len(unitCols) == 0) {
		return false
	}
	regionCol, countCol := indexOf(roles, roleRegion), indexOf(roles, roleCount)

	var g *Group
	for k, r := range rows {
		if !data(k) {
			continue
		}
		filled := 0
		for c := range r.cells {
			if r.cells[c].a < r.cells[c].b {
				filled++
			}
		}
		if filled == 0 {
			continue
		}
		if filled == 1 && p.regionRow(r) { // a row spanning the table: a region heading
			g = nil
			continue
		}
		if t := p.cellText(r, regionCol); t != "" {
			p.region = t
		}
		var prov Name
		count := 0
		if provCol >= 0 && provCol < len(r.cells) && r.cells[provCol].a < r.cells[provCol].b {
			c := r.cells[provCol]
			hB := c.b
			if o, n, ok := trailingCount(r.l.norm, c.a, c.b); ok {
				hB, count = o, n
			}
			prov = p.name(r.l, c.a, hB)
			if isTotal(prov.Text) {
				continue
			}
		}
		if t := p.cellText(r, countCol); t != "" {
			if n, ok := parseNumber([]rune(t)); ok && isDigit([]rune(t)[0]) {
				count = n
			}
		}
		var units listShape
		for _, c := range unitCols {
			if c < len(r.cells) {
				sh := p.list(r.l, r.cells[c].a, r.cells[c].b)
				for _, n := range sh.names {
					units.add(n)
				}
			}
		}
		switch {
		case prov.Text != "" && len(unitCols) == 0 && p.section == sectionProvinces:
			p.addPilotProvince(prov)
			continue
		case prov.Text != "":
			if g == nil || g.Province.Text != prov.Text || g.Region != p.region {
				g = p.newGroup(prov, count)
			} else if g.DeclaredCount == 0 {
				g.DeclaredCount = count
			}
		case g == nil: // an empty province cell with nothing above to carry down
			if len(units.names) == 0 {
				continue
			}
			g = p.newGroup(Name{Line: r.l.num}, count)
		}
		g.Units = append(g.Units, units.names...)
	}
	return true
}

// unitsTitleCount takes the count in the title of a table's units column,
// 县及县级市(120个), for the list's declared total when no heading gave one.
func (p *parser) unitsTitleCount(header tableRow, c int, ro role) {
	if ro != roleUnits || p.n.DeclaredUnits > 0 || p.section == sectionProvinces {
		return
	}
	if _, n, ok := trailingCount(header.l.norm, header.cells[c].a, header.cells[c].b); ok {
		p.n.DeclaredUnits = n
	}
}

// regionRow reports a row whose only filled cell names a region, and sets
// the region.
func (p *parser) regionRow(r tableRow) bool {
	for c := range r.cells {
		if t := p.cellText(r, c); t != "" && isRegion(t) {
			p.region = t
			return true
		}
	}
	return false
}

// stripCount removes a trailing count such as "(4个)" from a normalized name.
func stripCount(t string) string {
	rs := []rune(t)
	if o, _, ok := trailingCount(rs, 0, len(rs)); ok {
		return strings.TrimSpace(string(rs[:o]))
	}
	return t
}

func indexOf(roles []role, want role) int {
	for c, r := range roles {
		if r == want {
			return c
		}
	}
	return -1
}

// isTotal reports a table's total row.
func isTotal(text string) bool {
	switch strings.TrimFunc(text, unicode.IsSpace) {
	case "合计", "总计", "小计", "共计", "总数":
		return true
	}
	return false
}
