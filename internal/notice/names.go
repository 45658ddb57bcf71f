package notice

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/longbridgeapp/opencc"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/unicode/norm"
)

// simplifier converts Traditional to Simplified Chinese. It builds its
// converter on first use, once per Parse, and remembers the first error.
type simplifier struct {
	needed bool // the text has characters that may be Traditional
	cc     *opencc.OpenCC
	tried  bool
	err    error
	runes  map[rune]rune // single characters converted so far
	gb     map[rune]bool // whether a character is in GB2312
}

// newSimplifier returns a simplifier for text. Text whose ideographs are all
// in GB2312, the Simplified character set, is left as it is: converting it
// could only damage names (乾县), and building the converter takes time.
func newSimplifier(text string) *simplifier {
	return &simplifier{needed: !allGB2312(text)}
}

// allGB2312 reports whether every Han character of text is in GB2312.
func allGB2312(text string) bool {
	enc := simplifiedchinese.GBK.NewEncoder()
	var src [utf8.UTFMax]byte
	var dst [8]byte
	for _, r := range text {
		if r < 0x2E80 || !unicode.Is(unicode.Han, r) {
			continue
		}
		n := utf8.EncodeRune(src[:], r)
		enc.Reset()
		m, _, err := enc.Transform(dst[:], src[:n], true)
		// GB2312 is the GBK zone with both bytes in A1..FE (rows A1..F7)
		if err != nil || m != 2 || dst[0] < 0xA1 || dst[0] > 0xF7 || dst[1] < 0xA1 {
			return false
		}
	}
	return true
}

// simplify returns s in Simplified characters; s itself when the text needs
// no conversion, s holds no CJK ideograph, or the converter failed (the
// error is kept in err).
func (z *simplifier) simplify(s string) string {
	if !z.needed || !hasIdeograph(s) || z.simplified(s) {
		return s
	}
	if !z.tried {
		z.tried = true
		z.cc, z.err = opencc.New("t2s")
	}
	if z.cc == nil {
		return s
	}
	out, err := z.cc.Convert(s)
	if err != nil {
		if z.err == nil {
			z.err = err
		}
		return s
	}
	return out
}

// simplified reports whether every ideograph of s is in GB2312 (so s needs
// no conversion), remembering the answer for each character.
func (z *simplifier) simplified(s string) bool {
	if z.gb == nil {
		z.gb = map[rune]bool{}
	}
	for _, r := range s {
		if r < 0x3400 {
			continue
		}
		in, ok := z.gb[r]
		if !ok {
			in = allGB2312(string(r))
			z.gb[r] = in
		}
		if !in {
			return false
		}
	}
	return true
}

// simplifyRune converts one character on its own (the same character when
// its conversion is not one character), so that positions in a line stay
// as they are.
func (z *simplifier) simplifyRune(r rune) rune {
	if !z.needed || r < 0x3400 {
		return r
	}
	if s, ok := z.runes[r]; ok {
		return s
	}
	out := r
	// a character of GB2312, the Simplified set, stays as it is (乾安县: 乾
	// is no Traditional 干 here)
	if rs := []rune(z.simplify(string(r))); len(rs) == 1 {
		out = rs[0]
	}
	if z.runes == nil {
		z.runes = map[rune]rune{}
	}
	z.runes[r] = out
	return out
}

func hasIdeograph(s string) bool {
	for _, r := range s {
		if r >= 0x3400 {
			return true
		}
	}
	return false
}

// normalize returns the normalized form of a written name: NFKC, Simplified
// characters, no spaces or format characters (but one space between two
// ASCII letters or digits), stray punctuation trimmed from both ends.
func (z *simplifier) normalize(written string) string {
	s := z.simplify(norm.NFKC.String(written))
	return trimStray(removeSpaces(s))
}

func isASCIIAlnum(r rune) bool {
	return r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

func removeSpaces(s string) string {
	rs := []rune(s)
	out := make([]rune, 0, len(rs))
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if !unicode.IsSpace(r) && !unicode.Is(unicode.Cf, r) {
			out = append(out, r)
			continue
		}
		j := i
		for j < len(rs) && (unicode.IsSpace(rs[j]) || unicode.Is(unicode.Cf, rs[j])) {
			j++
		}
		if len(out) > 0 && j < len(rs) && isASCIIAlnum(out[len(out)-1]) && isASCIIAlnum(rs[j]) {
			out = append(out, ' ')
		}
		i = j - 1
	}
	return string(out)
}

const (
	openers = "([{【〔《〈「『"
	closers = ")]}】〕》〉」』"
)

// trimStray trims punctuation and symbols from both ends of s, except
// brackets that are closed (or opened) inside s.
func trimStray(s string) string {
	rs := []rune(s)
	open, close := []rune(openers), []rune(closers)
	// last index of each closer, first index of each opener
	lastClose, firstOpen := make([]int, len(close)), make([]int, len(open))
	for k := range open {
		lastClose[k], firstOpen[k] = -1, len(rs)
	}
	for i, r := range rs {
		if k := runeIndex(closers, r); k >= 0 {
			lastClose[k] = i
		}
		if k := runeIndex(openers, r); k >= 0 && firstOpen[k] == len(rs) {
			firstOpen[k] = i
		}
	}
	a, b := 0, len(rs)
	for a < b {
		r := rs[a]
		if !unicode.IsPunct(r) && !unicode.IsSymbol(r) {
			break
		}
		if k := runeIndex(openers, r); k >= 0 && lastClose[k] > a && lastClose[k] < b {
			break
		}
		a++
	}
	for b > a {
		r := rs[b-1]
		if !unicode.IsPunct(r) && !unicode.IsSymbol(r) {
			break
		}
		if k := runeIndex(closers, r); k >= 0 && firstOpen[k] >= a && firstOpen[k] < b-1 {
			break
		}
		b--
	}
	return string(rs[a:b])
}

// runeIndex returns the index, in runes, of r in s, or -1.
func runeIndex(s string, r rune) int {
	i := 0
	for _, c := range s {
		if c == r {
			return i
		}
		i++
	}
	return -1
}

func containsRune(rs []rune, r rune) bool {
	for _, c := range rs {
		if c == r {
			return true
		}
	}
	return false
}

// unitSuffixes end the names of divisions: 市 州 区 县 盟 旗 (and 地区, 林区,
// 特区, 自治州 ...), 镇 乡, a 兵团 or 师, with Traditional forms and the
// look-alike 巿 that OCR produces.
const unitSuffixes = "市州区县盟旗镇乡团师巿區縣鎮鄉團師"

func hasUnitSuffix(text string) bool {
	if text == "" {
		return false
	}
	rs := []rune(text)
	return strings.ContainsRune(unitSuffixes, rs[len(rs)-1])
}

// placeholder reports a list entry that stands for no unit.
func placeholder(text string) bool {
	for len(text) > 2 && text[0] == '(' && text[len(text)-1] == ')' {
		text = text[1 : len(text)-1]
	}
	switch text {
	case "无", "暂无", "空", "略", "待定", "等":
		return true
	}
	return false
}

// isSep reports a rune that separates the names of a list.
func isSep(r rune) bool {
	return r == '、' || r == ',' || r == ';' || r == '。' || r == '\t'
}

// isSentenceMark reports punctuation that names do not contain and prose does.
func isSentenceMark(r rune) bool {
	return strings.ContainsRune("。!?:“”\"‘’《》…", r)
}

// span is a range [a, b) of a line's norm runes.
type span struct{ a, b int }

// hardSplit splits norm[a:b] at separators, tabs, runs of two or more
// spaces and <br> tags. Spans are trimmed and may be empty.
func (l *line) hardSplit(a, b int) []span {
	rs := l.norm
	var out []span
	start := a
	for i := a; i < b; {
		r := rs[i]
		switch {
		case isSep(r):
			out = append(out, span{start, i})
			i++
			start = i
		case unicode.IsSpace(r):
			j := i
			for j < b && unicode.IsSpace(rs[j]) {
				j++
			}
			if j-i >= 2 || r == '\t' {
				out = append(out, span{start, i})
				start = j
			}
			i = j
		case r == '<' && brTag(rs[i:b]) > 0:
			out = append(out, span{start, i})
			i += brTag(rs[i:b])
			start = i
		default:
			i++
		}
	}
	out = append(out, span{start, b})
	for k, s := range out {
		out[k].a, out[k].b = trimSpace(rs, s.a, s.b)
	}
	return out
}

// brTag returns the length of a <br>, <br/> or <br /> tag at the start of rs.
func brTag(rs []rune) int {
	s := strings.ToLower(string(rs[:min(len(rs), 6)]))
	for _, t := range []string{"<br />", "<br/>", "<br>"} {
		if strings.HasPrefix(s, t) {
			return len(t)
		}
	}
	return 0
}

// softSplit splits a hard span at single spaces, joining a fragment with the
// next one unless it ends like a division name or is a province: "石 家庄市"
// is one name, "东城区 西城区" two.
func (p *parser) softSplit(l *line, s span) []span {
	var frags []span
	start := s.a
	for i := s.a; i < s.b; i++ {
		if unicode.IsSpace(l.norm[i]) {
			if i > start {
				frags = append(frags, span{start, i})
			}
			start = i + 1
		}
	}
	if start < s.b {
		frags = append(frags, span{start, s.b})
	}
	if len(frags) <= 1 {
		return []span{s}
	}
	var out []span
	cur, last := frags[0], frags[0]
	for _, f := range frags[1:] {
		// the suffix is that of the last fragment; a province is short
		ends := hasUnitSuffix(p.s.normalize(l.written(last.a, last.b)))
		if !ends && cur.b-cur.a <= 12 {
			ends = canonicalProvince(p.s.normalize(l.written(cur.a, cur.b))) != ""
		}
		if ends {
			out = append(out, cur)
			cur = f
		} else {
			cur.b = f.b
		}
		last = f
	}
	return append(out, cur)
}

// name returns the name behind norm[a:b] of l.
func (p *parser) name(l *line, a, b int) Name {
	w := l.written(a, b)
	return Name{Text: p.s.normalize(w), Written: w, Line: l.num}
}

// listShape describes the names of a list segment and how much they look
// like a list of divisions rather than prose.
type listShape struct {
	names       []Name
	suffixed    int  // names ending like a division (市, 州, 区 ...)
	maxLen      int  // runes of the longest name
	han, total  int  // Han runes and all runes over the names
	sentence    bool // sentence punctuation inside the segment, or prose words
	endsWithSep bool // the segment ends with a separator
	count       int  // a trailing count such as "(4个)", 0 if none
}

// list splits norm[a:b] of l into names and describes them.
func (p *parser) list(l *line, a, b int) listShape {
	var sh listShape
	a, b = trimSpace(l.norm, a, b)
	if a >= b {
		return sh
	}
	if o, n, ok := trailingCount(l.norm, a, b); ok {
		sh.count = n
		b = o
		a, b = trimSpace(l.norm, a, b)
	}
	if a < b {
		sh.endsWithSep = isSep(l.norm[b-1]) && l.norm[b-1] != '。'
	}
	// marks that end the segment (a final 。) are allowed, others are prose
	tail := b
	for tail > a && (unicode.IsSpace(l.norm[tail-1]) || isSentenceMark(l.norm[tail-1])) {
		tail--
	}
	for i := a; i < b; i++ {
		if r := l.norm[i]; isSentenceMark(r) && (i < tail || r == ':' || r == '“' || r == '《') {
			sh.sentence = true
			break
		}
	}
	for _, hs := range l.hardSplit(a, b) {
		if hs.a >= hs.b {
			continue
		}
		for _, s := range p.softSplit(l, hs) {
			n := p.name(l, s.a, s.b)
			if n.Text == "" || placeholder(n.Text) {
				continue
			}
			sh.add(n)
		}
	}
	return sh
}

// proseWords occur in sentences and not in the names of divisions.
var proseWords = [...]string{"的", "以上", "上述", "其中", "要求", "工作", "活动", "我们", "加强"}

func (sh *listShape) add(n Name) {
	for _, w := range proseWords {
		if strings.Contains(n.Text, w) {
			sh.sentence = true
		}
	}
	sh.names = append(sh.names, n)
	rs := []rune(n.Text)
	sh.maxLen = max(sh.maxLen, len(rs))
	sh.total += len(rs)
	for _, r := range rs {
		if unicode.Is(unicode.Han, r) {
			sh.han++
		}
	}
	if hasUnitSuffix(n.Text) {
		sh.suffixed++
	}
}

// unitsAfterProvince reports whether the names after a province and a colon
// look like its units: no prose punctuation, short names, at least one that
// ends like a division or all very short.
func (sh *listShape) unitsAfterProvince() bool {
	return len(sh.names) > 0 && !sh.sentence && sh.maxLen <= 30 && sh.han*2 >= sh.total &&
		(sh.suffixed > 0 || sh.maxLen <= 8)
}

// continuation reports whether the names look like units on their own line:
// short, mostly Han, at least half of them ending like a division.
func (sh *listShape) continuation() bool {
	return len(sh.names) > 0 && !sh.sentence && sh.maxLen <= 20 && sh.han*2 >= sh.total &&
		sh.suffixed > 0 && sh.suffixed*2 >= len(sh.names)
}

// allProvinces reports whether every name is a recognized province.
func (sh *listShape) allProvinces() bool {
	if len(sh.names) == 0 || sh.sentence {
		return false
	}
	for _, n := range sh.names {
		if canonicalProvince(n.Text) == "" {
			return false
		}
	}
	return true
}

// provinceLike reports whether the names look like a list of provinces, some
// perhaps damaged: each recognized or one edit away from a province name.
func (sh *listShape) provinceLike() bool {
	if len(sh.names) == 0 || sh.sentence {
		return false
	}
	for _, n := range sh.names {
		if !provinceish(n.Text) {
			return false
		}
	}
	return true
}
