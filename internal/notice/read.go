package notice

import (
	"fmt"
	"strings"
	"unicode"
)

// Lexicon knows the names of the divisions: every way each is written
// (official names, forms without the suffix, short forms, names from earlier
// years), folded to Simplified characters. Read anchors on them. The
// gazetteer provides one; the notice package knows nothing else of it.
type Lexicon interface {
	// NamesAt appends to buf the known names that start at text[i],
	// shortest first, and returns it.
	NamesAt(text []rune, i int, buf []Known) []Known
}

// Known is a known name found at a position of a text.
type Known struct {
	// Len is the name's length in characters.
	Len int
	// Province is the province's code when the name is a province's own
	// (北京市, 北京, 内蒙古), "" otherwise.
	Province string
	// Provinces are the codes of the provinces in which a division below
	// province level has this name.
	Provinces []string
	// Codes are the GB/T 2260 codes of the divisions below province level
	// the name can stand for. Read compares them only to tell a unit written
	// within another (杭州市西湖区): a county's code begins with the four
	// digits of its prefecture's.
	Codes []string
	// Suffixed reports a name that ends in an administrative suffix (市 区 县
	// 州 盟 旗 地区 …). A name without one (石家庄, 延边, 北京) is taken only
	// where it stands on its own: between separators, at the edge of a row or
	// next to another name.
	Suffixed bool
}

// Where a unit's province came from (Group.ProvinceFrom).
const (
	// FromRow: the province is written in the unit's own row (北京市:东城区,
	// | 延庆区 | 北京市 |, 北京市延庆区).
	FromRow = "row"
	// FromHeading: the province is the last one written before the unit's
	// row (a heading 1、北京市 with its units on the next lines, a table's
	// province cell carried down).
	FromHeading = "heading"
	// FromOnly: no province written before the unit fits it, and the name
	// exists in exactly one province, which is taken (said so in the result).
	FromOnly = "only province with the name"
)

// Unreadable is a run of text inside the list that may be a name but cannot
// be read as one.
type Unreadable struct {
	// Text is the text as written.
	Text string `json:"text"`
	// Line is its 1-based line number.
	Line int `json:"line"`
	// Province is the province it was listed under, as written, "" if none.
	Province string `json:"province,omitempty"`
	// Reason says why it cannot be read.
	Reason string `json:"reason"`
}

// Count is a count the notice declares, with what was read.
type Count struct {
	// Scope is "total", "province" or "region".
	Scope string `json:"scope"`
	// Name is the province or region as written; "" for the total.
	Name string `json:"name,omitempty"`
	// Line is the line the count is written on.
	Line int `json:"line"`
	// Declared is the count as written.
	Declared int `json:"declared"`
	// Read is the number of entries read in its scope: units found,
	// whether they matched or not, and unreadable entries.
	Read int `json:"read"`
}

// Read reads a notice the way Parse does, except for its list of units: the
// units are found by the names the lexicon knows, wherever they stand, and
// each is attached to its province from context (the province written in
// its row, the last province written before it, or the only province with
// that name). Layout only helps: rows, table cells, numbering and
// separators. Every other run of text in the list that could be a name is
// kept as a unit (for the matcher to judge) or reported as unreadable.
// Declared counts are compared with what was read (Notice.Counts).
func Read(data []byte, lex Lexicon) (*Notice, error) {
	text, enc, err := decode(data)
	if err != nil {
		return nil, err
	}
	s := newSimplifier(text)
	lines := splitLines(text, s)
	p := newParser(lines, s)
	p.n.Encoding = enc
	p.run()
	if s.err != nil {
		return nil, fmt.Errorf("notice: convert Traditional characters: %w", s.err)
	}
	r := &reader{lex: lex, s: s, n: p.n, skip: map[int]bool{}}
	for _, pp := range p.n.PilotProvinces {
		r.skip[pp.Line] = true
	}
	r.read(lines)
	if r.named == 0 {
		return nil, p.noListError()
	}
	return r.n, nil
}

// reader holds the state of one Read.
type reader struct {
	lex  Lexicon
	s    *simplifier
	n    *Notice
	skip map[int]bool // lines of the pilot-province list
	buf  []Known

	province *scope // the last province written
	region   *scope // the region heading the list is under
	scopes   []*scope
	groups   []*Group
	total    int          // entries read
	named    int          // entries of the list: names, pieces and unreadable text
	columns  map[int]role // the roles of a table's columns, from its header row
}

// scope is a province or a region written in the list, with the count it
// declares and the entries read under it.
type scope struct {
	kind     string // "province" or "region"
	name     Name
	code     string
	declared int
	line     int
	read     int
}

type tokenKind int

const (
	tokUnit     tokenKind = iota + 1 // a known name below province level
	tokProvince                      // a province's name
	tokRegion                        // 东部, 中部地区 …
	tokCount                         // 4个, (24個), a number standing alone in a cell
	tokNumber                        // a list number: 1. 1、 (1) or a number glued to a name
	tokPiece                         // other text that may be a name
	tokDamaged                       // text with characters a name cannot hold
	tokWord                          // a word of the list's structure (序号, 合计, 名单)
)

type token struct {
	kind  tokenKind
	a, b  int // range in the scan text
	known Known
	n     int
	sep   bool // a separator or a boundary stands between it and the token before
	paren bool // an opening bracket stands between it and the token before: 白城(吉林省)
	inner bool // a known name found inside running text (授予吉林省), not standing on its own
	space bool // a space stood right before it, between two Chinese characters
	cell  int  // the table cell it stands in (0 outside tables)
}

// read finds the list part of the text and reads it row by row.
func (r *reader) read(lines []line) {
	type prepared struct {
		st   *scanText
		toks []token
	}
	var rows []prepared
	start := -1
	for i := range lines {
		l := &lines[i]
		if l.blank || r.skip[l.num] {
			continue
		}
		st := newScanText(l, r.s)
		toks := r.tokens(st)
		if n := len(rows); n > 0 && rows[n-1].st.l.num+1 == l.num && !isListHeading(rows[n-1].st.l.simp) {
			// a line broken inside a name: 黔南\n布依族苗族自治州福泉市
			if j := r.joinBroken(rows[n-1].st, rows[n-1].toks, st, toks); j != nil {
				rows[n-1] = prepared{j, r.tokens(j)}
				continue
			}
		}
		rows = append(rows, prepared{st, toks})
		if start < 0 && isListHeading(l.simp) {
			start = len(rows) - 1
		}
	}
	if start >= 0 && !hasUnits(rows[start:], func(p prepared) []token { return p.toks }) {
		start = -1 // the heading comes after the list
	}
	if start < 0 {
		start = 0
	}
	for _, pr := range rows[start:] {
		if isTrailer(pr.st.l.simp) {
			continue
		}
		if r.tableHeader(pr.st, pr.toks) {
			continue
		}
		for _, row := range splitRow(pr.toks) {
			r.row(pr.st, row)
		}
	}
	r.finish()
}

// joinBroken returns the two lines as one when the first broke inside a
// name: it ends in a Chinese character that is no suffix, the next begins
// with one, and read together a name with a suffix runs across the break
// (石家\n庄市), or a unit follows the prefecture it lies in (焦作市\n修武县).
// It returns nil otherwise.
func (r *reader) joinBroken(a *scanText, at []token, b *scanText, bt []token) *scanText {
	if len(a.text) == 0 || len(b.text) == 0 || !isHan(a.text[len(a.text)-1]) || !isHan(b.text[0]) || len(at) == 0 || len(bt) == 0 {
		return nil
	}
	last, first := at[len(at)-1], bt[0]
	if last.b != len(a.text) || first.a != 0 {
		return nil
	}
	j := a.join(b)
	if last.kind == tokUnit && first.kind == tokUnit && isSuffixRune(a.text[len(a.text)-1]) {
		if within(last, first, j) {
			return j
		}
		return nil
	}
	if isSuffixRune(a.text[len(a.text)-1]) {
		return nil
	}
	for _, t := range r.tokens(j) {
		if t.a < len(a.text) && t.b > len(a.text) && (t.kind == tokUnit && t.known.Suffixed || t.kind == tokPiece && endsInSuffix(j.text[t.a:t.b])) {
			return j
		}
	}
	return nil
}

// tableHeader notes the column roles of a table's header row (序号 | 省份 |
// 试点单位) and reports whether toks is one; a line outside a table ends
// the table.
func (r *reader) tableHeader(st *scanText, toks []token) bool {
	if !strings.ContainsAny(string(st.text), "|\t") {
		r.columns = nil
		return false
	}
	cols := map[int]role{}
	for _, t := range toks {
		switch t.kind {
		case tokUnit, tokProvince, tokPiece, tokDamaged, tokCount:
			return false
		case tokWord:
			if ro, ok := headerRole(string(st.text[t.a:t.b])); ok {
				cols[t.cell] = ro
			}
		}
	}
	if len(cols) == 0 {
		return false
	}
	r.columns = cols
	return true
}

func hasUnits[T any](rows []T, toks func(T) []token) bool {
	for _, p := range rows {
		for _, t := range toks(p) {
			if t.kind == tokUnit {
				return true
			}
		}
	}
	return false
}

// isListHeading reports a line that announces a list: …名单, 名录, 一览表.
func isListHeading(simp string) bool {
	if len([]rune(simp)) > 80 {
		return false
	}
	for _, k := range []string{"名单", "名录", "一览表"} {
		if strings.Contains(simp, k) {
			return true
		}
	}
	return false
}

// isTrailer reports a line after a list that belongs to the page, not to
// the list: 抄送, 来源, 责任编辑 ….
func isTrailer(simp string) bool {
	t := strings.TrimLeft(simp, " #*")
	for _, k := range []string{"抄送", "责任编辑", "来源:", "来源：", "发布时间", "发布日期", "印发", "(信息公开形式", "信息公开形式"} {
		if strings.HasPrefix(t, k) {
			return true
		}
	}
	return false
}

// splitRow splits a line's tokens into rows at list numbers, when the line
// holds more than one (a table pasted without separators:
// 1延庆区北京市2怀柔区北京市…).
func splitRow(toks []token) [][]token {
	numbers := 0
	for _, t := range toks {
		if t.kind == tokNumber {
			numbers++
		}
	}
	if numbers < 2 {
		return [][]token{toks}
	}
	var rows [][]token
	cur := []token{}
	for _, t := range toks {
		if t.kind == tokNumber && len(cur) > 0 {
			rows = append(rows, cur)
			cur = []token{}
		}
		cur = append(cur, t)
	}
	return append(rows, cur)
}

// structureWord reports a word of a list's frame, never part of a name.
func structureWord(s string) bool {
	for _, k := range []string{"名单", "名录", "一览", "序号", "编号", "名称", "省份", "省市", "市县", "县市", "地市", "单位",
		"合计", "总计", "小计", "共计", "总数", "数量", "个数", "数目", "备注", "行政区", "大湾区", "长三角", "珠三角", "京津冀", "城市群", "经济圈", "都市圈", "东部地区", "中部地区", "西部地区", "东北地区", "附件", "附表", "类别", "类型", "批次", "所在", "来源", "区域", "区划", "试点", "示范",
		"通知", "公告", "关于", "以下", "如下", "以上", "其中", "包括", "以及", "排名", "先后", "省区市", "直辖市", "计划单列", "地级", "县级",
		"自治区、", "国家", "全国", "命名", "确定", "公布", "认定", "评选", "创建"} {
		if strings.Contains(s, k) {
			return true
		}
	}
	switch s {
	case "自治区", "省", "市", "区", "县", "地区", "州", "盟", "旗", "等", "和", "及", "与", "共", "各", "个",
		"城市", "森林城市", "卫生城市", "文明城市", "园林城市", "节水型城市", "海绵城市", "智慧城市":
		return true
	}
	return false
}

// regionName returns the region a word names (东部, 中部地区, 东北), "".
func regionName(s string) string {
	s = strings.TrimSuffix(s, "地区")
	switch s {
	case "东部", "中部", "西部", "东北", "华北", "华东", "华南", "华中", "西南", "西北", "东南":
		return s
	}
	return ""
}

// tokens reads one prepared line into tokens.
func (r *reader) tokens(st *scanText) []token {
	text := st.text
	var toks []token
	sep, paren, inner := true, false, false
	cell := 0
	lastEnd := 0
	pieceStart := -1
	flush := func(end int) {
		if pieceStart < 0 {
			return
		}
		toks = append(toks, r.piece(st, pieceStart, end, sep || (pieceStart > lastEnd), cell)...)
		pieceStart = -1
		lastEnd = end
		sep = false
	}
	for i := 0; i < len(text); {
		c := text[i]
		if isHan(c) {
			if pieceStart < 0 {
				if k, ok := r.known(st, i, sep || st.cut[i] == cutSpace || i == 0 || !isHan(text[i-1]) || i == lastEnd); ok {
					kind := tokUnit
					if k.Province != "" {
						kind = tokProvince
					}
					toks = append(toks, token{kind: kind, a: i, b: i + k.Len, known: k, sep: sep || i > lastEnd, paren: paren, inner: inner, space: st.cut[i] == cutSpace, cell: cell})
					i += k.Len
					lastEnd, sep, paren, inner = i, false, false, false
					continue
				}
				pieceStart = i
				i++
				continue
			}
			// inside a piece (授予吉林省延边…, 和江山市): a known name with a
			// suffix that ends where a name may end, after a word or a
			// conjunction (not after one character of a name: 东宁县 is not
			// 东 and 宁县)
			if k, ok := r.known(st, i, false); ok && k.Suffixed && r.endsName(st, i+k.Len) &&
				(i-pieceStart >= 2 || strings.ContainsRune("和及与或暨并至", text[pieceStart])) {
				flush(i)
				inner = true
				continue
			}
			i++
			continue
		}
		if isDigit(c) {
			flush(i)
			j := i
			for j < len(text) && isDigit(text[j]) {
				j++
			}
			t := numberToken(text, i, j)
			t.sep, t.cell = sep || i > lastEnd, cell
			if t.kind != 0 {
				toks = append(toks, t)
			}
			i, lastEnd, sep = t.b, t.b, t.kind == tokNumber
			continue
		}
		if c == '?' || c == '\uFFFD' || (unicode.IsLetter(c) && c < 0x3000 && pieceStart >= 0) {
			if pieceStart < 0 {
				pieceStart = i
			}
			i++
			continue
		}
		flush(i)
		if c == '|' || c == '\t' {
			cell++
		}
		if strings.ContainsRune("([【〔", c) {
			paren = true
		}
		sep = true
		i++
	}
	flush(len(text))
	return toks
}

// endsName reports whether a name may end at text[end]: at the end, before
// a character that is not Chinese, a boundary, or another known name.
func (r *reader) endsName(st *scanText, end int) bool {
	return end == len(st.text) || !isHan(st.text[end]) || st.cut[end] == cutSpace || r.startsName(st, end)
}

// runsOnToSuffix reports whether the Chinese text from end on, across
// spaces, runs on into a name with a suffix (长 白山管委会池南区): a name
// without its suffix does not end at such a space.
func runsOnToSuffix(st *scanText, end int) bool {
	j := end
	for j < len(st.text) && isHan(st.text[j]) {
		j++
	}
	return j > end && isSuffixRune(st.text[j-1])
}

func isSuffixRune(r rune) bool { return strings.ContainsRune("市区县州盟旗省", r) }

// endsInSuffix reports whether rs ends in a one-character administrative
// suffix.
func endsInSuffix(rs []rune) bool {
	return len(rs) > 0 && strings.ContainsRune("市区县州盟旗", rs[len(rs)-1])
}

// known returns the longest known name at text[i] that may stand there: a
// name without a suffix only where it stands on its own (bounded on the
// left when open is true, and on the right by a non-Chinese character, a
// boundary, the end or another known name).
func (r *reader) known(st *scanText, i int, open bool) (Known, bool) {
	r.buf = r.lex.NamesAt(st.text, i, r.buf[:0])
	for k := len(r.buf) - 1; k >= 0; k-- {
		kn := r.buf[k]
		if kn.Suffixed {
			return kn, true
		}
		end := i + kn.Len
		if end < len(st.text) && isSuffixRune(st.text[end]) {
			continue // not 洪江 of 洪江</p>区
		}
		if end < len(st.text) && st.cut[end] == cutSpace && kn.Province == "" && runsOnToSuffix(st, end) {
			continue
		}
		if open && r.endsName(st, end) {
			return kn, true
		}
	}
	return Known{}, false
}

func (r *reader) startsName(st *scanText, i int) bool {
	var buf [4]Known
	for _, k := range r.lex.NamesAt(st.text, i, buf[:0]) {
		if k.Suffixed {
			return true
		}
	}
	return false
}

// numberToken reads the number text[i:j]: a count (4个, 24 個), a list
// number (1. 1、 1) or one glued to a name), or nothing (a year, a date).
func numberToken(text []rune, i, j int) token {
	n, _ := parseNumber(text[i:j])
	k := j
	for k < len(text) && text[k] == ' ' {
		k++
	}
	if k < len(text) {
		switch c := text[k]; {
		case strings.ContainsRune("个家处项座", c):
			return token{kind: tokCount, a: i, b: k + 1, n: n}
		case strings.ContainsRune("年月日号批期届次", c) || j-i > 3:
			return token{a: i, b: k + 1}
		case strings.ContainsRune(".、)", c) && !(k+1 < len(text) && isDigit(text[k+1])):
			return token{kind: tokNumber, a: i, b: k + 1, n: n}
		case isHan(c):
			return token{kind: tokNumber, a: i, b: j, n: n}
		}
	}
	// a number on its own: a count cell or a 序号 cell; the row decides
	return token{kind: tokCount, a: i, b: j, n: n}
}

// piece classifies text[a:b], a run of text between separators that holds
// no known name: a count written in Chinese numerals, a region, a word of
// the list's frame, damaged text, or a piece that may be a name.
func (r *reader) piece(st *scanText, a, b int, sep bool, cell int) []token {
	rs := st.text[a:b]
	han, other := 0, 0
	for _, c := range rs {
		if isHan(c) {
			han++
		} else {
			other++
		}
	}
	if han == 0 {
		return nil // Latin text, a lone question mark: not a name
	}
	t := token{a: a, b: b, sep: sep, cell: cell}
	s := string(rs)
	var buf [8]Known
	for _, k := range r.lex.NamesAt(st.text, a, buf[:0]) {
		if k.Len == b-a && other == 0 {
			t.kind, t.known, t.inner = tokUnit, k, true // 东城 before 西城区
			if k.Province != "" {
				t.kind = tokProvince
			}
			return []token{t}
		}
	}
	switch {
	case other > 0:
		t.kind = tokDamaged
	case regionName(s) != "":
		t.kind = tokRegion
	default:
		if n, ok := parseCount(rs); ok && hasClassifier(rs) {
			t.kind, t.n = tokCount, n
			break
		}
		if i := strings.IndexAny(s, "个"); i > 0 {
			if n, ok := parseCount([]rune(s[:i+len("个")])); ok {
				t.kind, t.n = tokCount, n
				break
			}
		}
		if han < 2 || structureWord(s) {
			t.kind = tokWord
			break
		}
		t.kind = tokPiece
	}
	return []token{t}
}

// rowTokens is one row's tokens while the row rules reshape it.
type rowTokens struct {
	st    *scanText
	toks  []token
	provs []int // indexes of the province tokens
	units int   // tokens that may be entries of the list
}

func (rt *rowTokens) count() {
	rt.provs, rt.units = rt.provs[:0], 0
	for k, t := range rt.toks {
		switch t.kind {
		case tokProvince:
			rt.provs = append(rt.provs, k)
		case tokUnit, tokPiece, tokDamaged:
			rt.units++
		}
	}
}

func (rt *rowTokens) text(t token) string { return string(rt.st.text[t.a:t.b]) }

// rowRules reshape a row's tokens for shapes the tokens alone do not tell,
// in this order. A new shape of list is one more rule.
func (r *reader) rowRules() []func(*rowTokens) {
	return []func(*rowTokens){r.municipalityAsUnit, r.unreadableProvince, r.blottedProvince}
}

// municipalityAsUnit: a municipality named as a unit among other units
// (河北省承德市、上海市、江苏省南通市), or in the units' cell after its
// province's (| 上海 | 上海* |).
func (r *reader) municipalityAsUnit(rt *rowTokens) {
	if len(rt.provs) < 2 {
		return
	}
	seen := map[string]bool{}
	for _, k := range rt.provs {
		t := &rt.toks[k]
		code := t.known.Province
		again := seen[code] && t.cell > 0
		seen[code] = true
		if isMunicipality(code) && (again || rt.units > 0 && standsAlone(rt.toks, k)) {
			t.kind = tokUnit
			t.known.Provinces = []string{code}
		}
	}
}

// unreadableProvince: a province damaged beyond reading (沏北) in the
// table's province column, or a province-shaped piece that heads the row's
// units, is the row's province for the matcher to infer.
func (r *reader) unreadableProvince(rt *rowTokens) {
	if len(rt.provs) > 0 || rt.units < 2 {
		return
	}
	for k, t := range rt.toks {
		if t.kind == tokNumber || t.kind == tokWord || t.kind == tokCount {
			continue
		}
		if t.kind == tokPiece && (r.columns[t.cell] == roleProvince || provinceShaped(rt.text(t))) {
			rt.toks[k].kind, rt.toks[k].known = tokProvince, Known{}
		}
		return
	}
}

// blottedProvince: a province whose name was blotted out (*自治区昭苏县):
// its suffix right before a unit stands for a province the reader cannot
// name.
func (r *reader) blottedProvince(rt *rowTokens) {
	for k := 0; k+1 < len(rt.toks); k++ {
		t, next := rt.toks[k], rt.toks[k+1]
		if text := rt.text(t); t.kind == tokWord && (text == "自治区" || text == "省") && next.kind == tokUnit && !next.sep {
			rt.toks[k].kind, rt.toks[k].known = tokProvince, Known{}
		}
	}
}

// row reads one row: it sets the province and region context and adds the
// row's units, each with the province it belongs to.
func (r *reader) row(st *scanText, toks []token) {
	l := st.l
	rt := &rowTokens{st: st, toks: toks}
	rt.count()
	for _, rule := range r.rowRules() {
		rule(rt)
		rt.count()
	}
	provs, units := rt.provs, rt.units
	ctx := r.province
	scopes := map[int]*scope{}
	for k, t := range toks {
		switch t.kind {
		case tokProvince:
			sc := r.newScope("province", r.name(st, t.a, t.b), t.known.Province, l.num)
			if k+1 < len(toks) && toks[k+1].kind == tokCount {
				sc.declared = toks[k+1].n
			}
			scopes[k] = sc
			r.province = sc
		case tokRegion:
			sc := r.newScope("region", r.name(st, t.a, t.b), "", l.num)
			if k+1 < len(toks) && toks[k+1].kind == tokCount {
				sc.declared = toks[k+1].n
			}
			r.region = sc
		case tokCount:
			if k > 0 && (toks[k-1].kind == tokProvince || toks[k-1].kind == tokRegion) {
				continue
			}
			if units == 0 && len(toks) == 1 && ctx != nil && ctx.declared == 0 && ctx.read == 0 {
				ctx.declared = t.n // a count cell on a line of its own after its province
				continue
			}
			if hasWord(toks, st, "合计", "总计", "共计", "总数") && r.n.DeclaredUnits == 0 {
				r.n.DeclaredUnits = t.n
			}
		}
	}
	if units == 0 {
		return
	}
	prose := isProse(st)
	damaged := isDamaged(st, toks)
	for k, t := range toks {
		if t.kind != tokUnit && t.kind != tokPiece && t.kind != tokDamaged {
			continue
		}
		if t.kind == tokPiece && damaged {
			t.kind = tokDamaged // 四川?。撼啥际小: the rest of the row is mojibake
		}
		if t.kind == tokPiece && !endsInSuffix(st.text[t.a:t.b]) && !(t.b-t.a <= maxBareName && (t.cell > 0 || lineOf(toks, t) || listItem(st, t))) {
			continue // a word, not a name: names end in a suffix, fill a cell or a line, or are an item of a 、 list
		}
		if prose && t.kind == tokPiece && !endsInSuffix(st.text[t.a:t.b]) {
			continue
		}
		sc, from := r.provinceOf(toks, provs, scopes, k, ctx)
		joined := k > 0 && toks[k-1].kind == tokUnit && !t.sep && within(toks[k-1], t, st)
		r.add(st, t, sc, from, joined)
	}
}

func (r *reader) newScope(kind string, name Name, code string, line int) *scope {
	sc := &scope{kind: kind, name: name, code: code, line: line}
	r.scopes = append(r.scopes, sc)
	return sc
}

// name returns the name at text[a:b] of a scan text.
func (r *reader) name(st *scanText, a, b int) Name {
	return Name{Text: string(st.text[a:b]), Written: st.written(a, b), Line: st.l.num}
}

// add adds one entry of the list under the province scope sc.
func (r *reader) add(st *scanText, t token, sc *scope, from string, joined bool) {
	if !joined { // a unit within the one before it (杭州市西湖区) is one entry
		r.total++
		if sc != nil {
			sc.read++
		}
		if r.region != nil {
			r.region.read++
		}
	}
	nm := r.name(st, t.a, t.b)
	nm.Joined = joined
	r.named++
	var prov Name
	code := ""
	if sc != nil {
		prov, code = sc.name, sc.code
	}
	if t.kind == tokDamaged {
		reason := "damaged text in a row that mojibake runs through (a question mark or a replacement character right after a Chinese character)"
		if d := damage(st.text[t.a:t.b]); d != "" {
			reason = "damaged text: characters that no name holds (" + d + ")"
		}
		r.n.Unreadable = append(r.n.Unreadable, Unreadable{Text: nm.Written, Line: nm.Line, Province: prov.Written, Reason: reason})
		return
	}
	if t.kind == tokUnit && !t.inner && !joined && (from == FromHeading || from == "") && !contains(t.known.Provinces, code) && len(t.known.Provinces) == 1 {
		code, from, prov = t.known.Provinces[0], FromOnly, Name{}
	}
	g := r.lastGroup()
	if joined && g != nil {
		g.Units = append(g.Units, nm) // with the unit it lies within
		return
	}
	if g == nil || g.ProvinceCode != code || g.ProvinceFrom != from || g.Province.Line != prov.Line || g.Province.Text != prov.Text {
		g = &Group{Province: prov, ProvinceName: canonicalProvince(prov.Text), ProvinceCode: code, ProvinceFrom: from}
		if r.region != nil {
			g.Region = r.region.name.Text
		}
		r.groups = append(r.groups, g)
	}
	g.Units = append(g.Units, nm)
}

func (r *reader) lastGroup() *Group {
	if len(r.groups) == 0 {
		return nil
	}
	return r.groups[len(r.groups)-1]
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// damage describes what in rs cannot be part of a name.
func damage(rs []rune) string {
	var parts []string
	for _, c := range rs {
		switch {
		case c == '?' || c == '\uFFFD':
			parts = append(parts, "replacement character "+string(c))
		case !isHan(c):
			parts = append(parts, "Latin letter "+string(c))
		}
	}
	return strings.Join(parts, ", ")
}

// finish hands the groups to the notice and compares the declared counts.
func (r *reader) finish() {
	for _, g := range r.groups {
		r.n.Groups = append(r.n.Groups, *g)
	}
	if r.n.DeclaredUnits > 0 {
		r.n.Counts = append(r.n.Counts, Count{Scope: "total", Declared: r.n.DeclaredUnits, Read: r.total})
	}
	for _, sc := range r.scopes {
		if sc.declared > 0 {
			r.n.Counts = append(r.n.Counts, Count{Scope: sc.kind, Name: sc.name.Written, Line: sc.line, Declared: sc.declared, Read: sc.read})
		}
	}
}

// provinceOf returns the province scope of the unit at toks[k] and where it
// came from. Of the row's provinces it takes the one attached to the unit
// (白城(吉林省), 延庆区北京市: right after it, in brackets or glued on), else
// the last one before it (北京市延庆区, 江苏省苏州市、无锡市), else the
// row's only one (| 延庆区 | 北京市 |); of two, the one where a division of
// the name lies. A row without a province takes the last province written
// before it (ctx).
func (r *reader) provinceOf(toks []token, provs []int, scopes map[int]*scope, k int, ctx *scope) (*scope, string) {
	before, after := -1, -1
	for _, p := range provs {
		if p < k {
			before = p
		} else if after < 0 {
			after = p
		}
	}
	t := toks[k]
	in := func(p int) bool { return p >= 0 && contains(t.known.Provinces, scopes[p].code) }
	attached := after == k+1 && (toks[after].paren || !toks[after].sep && !toks[after].space)
	switch {
	case attached && before >= 0 && t.kind == tokUnit && in(before) != in(after):
		if in(before) {
			return scopes[before], FromRow
		}
		return scopes[after], FromRow
	case attached:
		return scopes[after], FromRow
	case before >= 0:
		return scopes[before], FromRow
	case after >= 0 && (len(provs) == 1 || in(after)):
		return scopes[after], FromRow
	case ctx == nil:
		return nil, ""
	}
	return ctx, FromHeading
}

// listItem reports whether t stands between the enumeration commas of a
// list (石家荘、唐山市), or between one and the edge of the row: an item of
// the list even without a suffix. Prose uses 、 rarely, and not around words.
func listItem(st *scanText, t token) bool {
	before, after := rune(0), rune(0)
	for i := t.a - 1; i >= 0; i-- {
		if c := st.text[i]; c != ' ' {
			before = c
			break
		}
	}
	for i := t.b; i < len(st.text); i++ {
		if c := st.text[i]; c != ' ' {
			after = c
			break
		}
	}
	edge := func(c rune) bool { return c == 0 || c == '、' || c == ':' || c == ';' || c == ',' || c == '。' }
	return (before == '、' && edge(after)) || (after == '、' && edge(before))
}

// lineOf reports whether t, short enough for a name, is all the row holds
// besides numbers and counts.
func lineOf(toks []token, t token) bool {
	if t.b-t.a > maxBareName {
		return false
	}
	for _, o := range toks {
		if o.a != t.a && o.kind != tokNumber && o.kind != tokCount {
			return false
		}
	}
	return true
}

// maxBareName is the longest name the reader takes without a suffix (in
// characters): longer text without one is a sentence.
const maxBareName = 8

// within reports whether t, written right after the unit u, names a unit
// within it (杭州市西湖区, 大兴安岭地区漠河县): a known county whose code lies
// under a prefecture u names, or a piece the lexicon does not know that ends
// in a suffix. The matcher has the last word.
func within(u, t token, st *scanText) bool {
	prefecture := false
	for _, a := range u.known.Codes {
		if len(a) == 6 && a[4:] == "00" && a[2:4] != "00" {
			prefecture = true
			for _, b := range t.known.Codes {
				if b != a && len(b) == 6 && b[:4] == a[:4] {
					return true
				}
			}
		}
	}
	return t.kind == tokPiece && prefecture && endsInSuffix(st.text[t.a:t.b])
}

// isDamaged reports a row that mojibake runs through: a question mark or a
// replacement character right after a Chinese character (湖北?。呵G門市), or
// a piece with characters no name holds.
func isDamaged(st *scanText, toks []token) bool {
	for _, t := range toks {
		if t.kind == tokDamaged {
			return true
		}
	}
	for i := 1; i < len(st.text); i++ {
		if (st.text[i] == '?' || st.text[i] == '\uFFFD') && isHan(st.text[i-1]) {
			return true
		}
	}
	return false
}

// isProse reports a line that is a sentence rather than a list: long, with
// few separators.
func isProse(st *scanText) bool {
	han, seps := 0, 0
	for _, c := range st.text {
		switch {
		case isHan(c):
			han++
		case strings.ContainsRune("、,;|\t", c):
			seps++
		}
	}
	return han > 30 && seps*12 < han
}

func isMunicipality(code string) bool {
	switch code {
	case "110000", "120000", "310000", "500000":
		return true
	}
	return false
}

// standsAlone reports a province token followed by no unit of its own: the
// next token is another province, or the row ends.
func standsAlone(toks []token, k int) bool {
	if k+1 == len(toks) {
		return toks[k].sep
	}
	next := toks[k+1]
	return next.kind == tokProvince && next.sep
}

// hasWord reports whether a frame word of the row contains one of words.
func hasWord(toks []token, st *scanText, words ...string) bool {
	for _, t := range toks {
		if t.kind != tokWord {
			continue
		}
		for _, w := range words {
			if strings.Contains(string(st.text[t.a:t.b]), w) {
				return true
			}
		}
	}
	return false
}
