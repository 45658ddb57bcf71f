package notice

import (
	"strings"
	"unicode"
)

// scanText is one line prepared for finding names in it: Simplified
// characters, look-alikes folded, markup, entities, URLs and inserted pinyin
// taken out, and spaces between two Chinese characters removed (北 京 →
// 北京). Each rune remembers where in the line's norm it came from, so that
// a name can be given back as written.
type scanText struct {
	l    *line // the (first) line
	text []rune
	src  []srcPos // where in which line each rune of text came from
	cut  []cut    // what was taken out right before text[k]
}

// srcPos is a rune's place: the line and the index in its norm.
type srcPos struct {
	l *line
	i int
}

// cut says what was taken out of a line before a rune.
type cut uint8

const (
	cutNone  cut = iota
	cutSoft      // markup, an entity, inserted pinyin or a URL: nothing for the names
	cutSpace     // a space between two Chinese characters: 北 京, or 东城区 西城区
)

// lookAlikes are characters that published pages use in place of the
// character of a place name: variant or compatibility forms that NFKC and
// the Traditional-to-Simplified conversion leave as they are.
func lookAlike(r rune) rune {
	switch r {
	case '陜', '陝':
		return '陕'
	case '靑':
		return '青'
	case '淸':
		return '清'
	case '髙':
		return '高'
	case '衞':
		return '卫'
	case '鄕', '鄉':
		return '乡'
	case '峯':
		return '峰'
	case '兗':
		return '兖'
	case '內':
		return '内'
	case '敎':
		return '教'
	case '戶', '戸':
		return '户'
	case '寧':
		return '宁'
	case '眞':
		return '真'
	case '廸':
		return '迪'
	case '姫':
		return '姬'
	}
	return r
}

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

// isPinyinRune reports a letter of romanized Chinese, with or without tone
// marks (ā á ǎ à ü …), or a space or apostrophe between syllables.
func isPinyinRune(r rune) bool {
	return r == ' ' || r == '\'' || (unicode.Is(unicode.Latin, r) && unicode.IsLetter(r)) || unicode.Is(unicode.Mn, r)
}

// newScanText prepares line l.
func newScanText(l *line, z *simplifier) *scanText {
	st := &scanText{l: l}
	rs := l.norm
	c := cutNone
	soft := func() {
		if c == cutNone {
			c = cutSoft
		}
	}
	afterHan := func() bool { n := len(st.text); return n > 0 && isHan(st.text[n-1]) }
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == '<':
			if j := tagEnd(rs, i); j > i {
				i = j
				soft()
				continue
			}
		case r == '&':
			if j, rep := entityEnd(rs, i); j > i {
				i = j
				if rep == ' ' {
					c = cutSpace
				} else {
					st.add(rep, srcPos{l, i}, c)
					c = cutNone
				}
				continue
			}
		case r == '(' && afterHan():
			if j := pinyinEnd(rs, i); j > i {
				i = j
				soft()
				continue
			}
		case r == 'h' || r == 'w' || r == 'H' || r == 'W':
			if j := urlEnd(rs, i); j > i {
				i = j - 1
				soft()
				continue
			}
		case unicode.IsSpace(r):
			// a space between two Chinese characters is no separator of its own
			if afterHan() && i+1 < len(rs) {
				k := i
				for k < len(rs) && unicode.IsSpace(rs[k]) {
					k++
				}
				if k < len(rs) && (isHan(rs[k]) || rs[k] == '(' && pinyinEnd(rs, k) > k) {
					i, c = k-1, cutSpace // 北 京, and 中衛 (wèi)市
					continue
				}
			}
		}
		if isHan(r) {
			r = lookAlike(z.simplifyRune(r))
		}
		st.add(r, srcPos{l, i}, c)
		c = cutNone
	}
	return st
}

func (st *scanText) add(r rune, at srcPos, c cut) {
	st.text = append(st.text, r)
	st.src = append(st.src, at)
	st.cut = append(st.cut, c)
}

// join returns the scan text of st followed directly by next (a line
// broken inside a name).
func (st *scanText) join(next *scanText) *scanText {
	j := &scanText{l: st.l}
	j.text = append(append(j.text, st.text...), next.text...)
	j.src = append(append(j.src, st.src...), next.src...)
	j.cut = append(append(j.cut, st.cut...), next.cut...)
	return j
}

// written returns the text behind text[a:b] as written (over two lines
// when a line broke inside it).
func (st *scanText) written(a, b int) string {
	if a >= b {
		return ""
	}
	var out strings.Builder
	for i := a; i < b; {
		l := st.src[i].l
		j := i
		for j < b && st.src[j].l == l {
			j++
		}
		out.WriteString(l.written(st.src[i].i, st.src[j-1].i+1))
		i = j
	}
	return out.String()
}

// tagEnd returns the index of the '>' that closes an HTML tag starting at
// rs[i] ("<br>", "</p>", "<td class=x>"), or -1.
func tagEnd(rs []rune, i int) int {
	j := i + 1
	if j < len(rs) && rs[j] == '/' {
		j++
	}
	if j >= len(rs) || !(rs[j] >= 'a' && rs[j] <= 'z' || rs[j] >= 'A' && rs[j] <= 'Z') {
		return -1
	}
	for k := j; k < len(rs) && k-i < 200; k++ {
		switch rs[k] {
		case '>':
			return k
		case '<':
			return -1
		}
	}
	return -1
}

// entityEnd returns the index of the ';' that ends an HTML character
// reference at rs[i] and the character it stands for (a space for &nbsp;).
func entityEnd(rs []rune, i int) (int, rune) {
	j := i + 1
	for j < len(rs) && j-i <= 10 && rs[j] != ';' {
		j++
	}
	if j >= len(rs) || rs[j] != ';' || j == i+1 {
		return -1, 0
	}
	name := string(rs[i+1 : j])
	switch strings.ToLower(name) {
	case "nbsp", "ensp", "emsp", "thinsp", "#160", "#12288", "#x3000", "#xa0":
		return j, ' '
	case "amp":
		return j, '&'
	case "lt":
		return j, '<'
	case "gt":
		return j, '>'
	case "quot", "ldquo", "rdquo":
		return j, '"'
	case "middot":
		return j, '·'
	}
	if name[0] == '#' {
		n, base, k := 0, 10, 1
		if len(name) > 1 && (name[1] == 'x' || name[1] == 'X') {
			base, k = 16, 2
		}
		if k == len(name) {
			return -1, 0
		}
		for _, c := range name[k:] {
			d := strings.IndexRune("0123456789abcdef", unicode.ToLower(c))
			if d < 0 || d >= base {
				return -1, 0
			}
			n = n*base + d
		}
		if n > 0 && n <= unicode.MaxRune {
			r := rune(n)
			if unicode.IsSpace(r) {
				r = ' '
			}
			return j, r
		}
	}
	return -1, 0
}

// pinyinEnd returns the index of the ')' that closes romanized syllables a
// web page inserted after a character ("區(qū)", "內(nèi)"), or -1.
func pinyinEnd(rs []rune, i int) int {
	letters := 0
	for k := i + 1; k < len(rs) && k-i <= 24; k++ {
		switch {
		case rs[k] == ')':
			if letters == 0 {
				return -1
			}
			return k
		case isPinyinRune(rs[k]):
			if rs[k] != ' ' && rs[k] != '\'' {
				letters++
			}
		default:
			return -1
		}
	}
	return -1
}

// urlEnd returns the end of a URL starting at rs[i] (http://, https://,
// www.), or -1.
func urlEnd(rs []rune, i int) int {
	s := strings.ToLower(string(rs[i:min(len(rs), i+8)]))
	if !strings.HasPrefix(s, "http://") && !strings.HasPrefix(s, "https://") && !strings.HasPrefix(s, "www.") {
		return -1
	}
	j := i
	for j < len(rs) && rs[j] < 0x80 && !unicode.IsSpace(rs[j]) && rs[j] != ')' && rs[j] != ']' && rs[j] != '"' && rs[j] != '|' && rs[j] != ',' {
		j++
	}
	return j
}
