package notice

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// line is one line of the decoded text with the forms the parser works on.
type line struct {
	num  int    // 1-based line number
	orig []rune // the line as decoded, without its line end
	// norm is orig folded rune by rune with NFKC (full-width forms to ASCII,
	// compatibility ideographs to unified ones), format characters dropped.
	norm []rune
	// at maps each rune of norm to the index in orig it came from.
	at []int
	// simp is norm converted to Simplified Chinese: for keywords only, its
	// positions do not match norm.
	simp  string
	blank bool // nothing but spaces and format characters
	page  bool // the line held a form feed (a page break)
}

// splitLines splits text at CRLF, LF or lone CR and prepares each line.
func splitLines(text string, s *simplifier) []line {
	var lines []line
	for n := 1; ; n++ {
		i := strings.IndexAny(text, "\r\n")
		raw := text
		if i >= 0 {
			raw = text[:i]
		}
		lines = append(lines, newLine(n, raw, s))
		if i < 0 {
			break
		}
		if text[i] == '\r' && i+1 < len(text) && text[i+1] == '\n' {
			i++
		}
		text = text[i+1:]
	}
	return lines
}

func newLine(num int, raw string, s *simplifier) line {
	l := line{num: num, orig: []rune(raw)}
	l.norm = make([]rune, 0, len(l.orig))
	l.at = make([]int, 0, len(l.orig))
	for i, r := range l.orig {
		switch {
		case r == '\f':
			l.page = true
			l.norm, l.at = append(l.norm, ' '), append(l.at, i)
		case r < 0x80 || (r >= 0x4E00 && r <= 0x9FFF):
			l.norm, l.at = append(l.norm, r), append(l.at, i)
		case unicode.Is(unicode.Cf, r):
			// zero-width and other format characters carry nothing
		default:
			for _, f := range norm.NFKC.String(string(r)) {
				l.norm, l.at = append(l.norm, f), append(l.at, i)
			}
		}
	}
	a, b := trimSpace(l.norm, 0, len(l.norm))
	l.blank = a == b
	if !l.blank {
		l.simp = s.simplify(string(l.norm[a:b]))
	}
	return l
}

// written returns the original text behind norm[a:b], trimmed of spaces.
func (l *line) written(a, b int) string {
	if a >= b {
		return ""
	}
	return strings.TrimFunc(string(l.orig[l.at[a]:l.at[b-1]+1]), unicode.IsSpace)
}

// bounds returns the range of norm without leading and trailing spaces.
func (l *line) bounds() (int, int) { return trimSpace(l.norm, 0, len(l.norm)) }

func trimSpace(rs []rune, a, b int) (int, int) {
	for a < b && unicode.IsSpace(rs[a]) {
		a++
	}
	for b > a && unicode.IsSpace(rs[b-1]) {
		b--
	}
	return a, b
}

// isRule reports a markdown thematic break such as "---" or "***".
func isRule(s string) bool {
	s = strings.ReplaceAll(s, " ", "")
	if len(s) < 3 {
		return false
	}
	for _, c := range "-*_=" {
		if strings.Trim(s, string(c)) == "" {
			return true
		}
	}
	return false
}

// skipHashes skips a markdown heading's leading '#' marks.
func skipHashes(rs []rune, a, b int) (int, bool) {
	i := a
	for i < b && i-a < 6 && rs[i] == '#' {
		i++
	}
	if i == a {
		return a, false
	}
	a, _ = trimSpace(rs, i, b)
	return a, true
}

const cjkDigits = "零〇一二两三四五六七八九十百千"

func isCJKDigit(r rune) bool { return strings.ContainsRune(cjkDigits, r) }

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// stripMarker skips a list marker at the start of norm[a:b]: "1." "1、" "1)"
// "一、" "(一)" "(1)" "①" or a bullet, and the spaces after it.
func (l *line) stripMarker(a, b int) (int, bool) {
	rs := l.norm
	if a >= b {
		return a, false
	}
	end := -1
	// circled and other enclosed numbers are one rune in the original
	if o := l.orig[l.at[a]]; (o >= 0x2460 && o <= 0x24FF) || (o >= 0x2776 && o <= 0x2793) || (o >= 0x3220 && o <= 0x3243) {
		i := a
		for i < b && l.at[i] == l.at[a] {
			i++
		}
		end = i
	}
	switch r := rs[a]; {
	case end >= 0:
	case isDigit(r):
		i := a
		for i < b && i-a < 3 && isDigit(rs[i]) {
			i++
		}
		j := i
		for j < b && rs[j] == ' ' {
			j++
		}
		switch {
		case j < b && strings.ContainsRune(".、)", rs[j]) && !(j+1 < b && isDigit(rs[j+1])):
			end = j + 1
		case j > i && j < b && unicode.Is(unicode.Han, rs[j]) && i-a <= 2:
			end = j // "1 北京市"
		}
	case r == '(' || r == '[' || r == '【' || r == '〔':
		i := a + 1
		for i < b && i-a <= 3 && (isDigit(rs[i]) || isCJKDigit(rs[i])) {
			i++
		}
		if i > a+1 && i < b && strings.ContainsRune(")]】〕", rs[i]) {
			end = i + 1
		}
	case isCJKDigit(r):
		i := a
		for i < b && i-a < 3 && isCJKDigit(rs[i]) {
			i++
		}
		if i < b && (rs[i] == '、' || rs[i] == '.') {
			end = i + 1
		}
	case strings.ContainsRune("•·●○■□◆◇▪►▶√✓", r):
		end = a + 1
	case strings.ContainsRune("-*+", r):
		if a+1 < b && rs[a+1] == ' ' {
			end = a + 1
		}
	}
	if end < 0 {
		return a, false
	}
	a, _ = trimSpace(rs, end, b)
	return a, true
}
