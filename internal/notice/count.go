package notice

import (
	"strings"
	"unicode"
)

// parseCount parses the inside of a count such as "4个", "共108个" or "十二个"
// and reports whether it is one: a number, optionally after 共, optionally
// followed by a classifier and more words.
func parseCount(rs []rune) (int, bool) {
	a, b := trimSpace(rs, 0, len(rs))
	if a < b && rs[a] == '共' {
		a++
	}
	for a < b && unicode.IsSpace(rs[a]) {
		a++
	}
	i := a
	for i < b && (isDigit(rs[i]) || isCJKDigit(rs[i])) {
		i++
	}
	if i == a || i-a > 6 {
		return 0, false
	}
	n, ok := parseNumber(rs[a:i])
	if !ok {
		return 0, false
	}
	for i < b && unicode.IsSpace(rs[i]) {
		i++
	}
	if i < b && !strings.ContainsRune("个個家处處项項座", rs[i]) {
		return 0, false
	}
	return n, true
}

// parseNumber parses ASCII digits or a Chinese numeral below ten thousand.
func parseNumber(rs []rune) (int, bool) {
	if isDigit(rs[0]) {
		n := 0
		for _, r := range rs {
			if !isDigit(r) {
				return 0, false
			}
			n = n*10 + int(r-'0')
		}
		return n, true
	}
	total, digit := 0, -1
	for _, r := range rs {
		if unit := cjkUnit(r); unit > 0 {
			if digit < 0 {
				digit = 1
			}
			total += digit * unit
			digit = -1
			continue
		}
		d := runeIndex("零一二三四五六七八九", r)
		switch r {
		case '〇':
			d = 0
		case '两':
			d = 2
		}
		if d < 0 || digit > 0 {
			return 0, false
		}
		digit = d
	}
	if digit > 0 {
		total += digit
	}
	return total, true
}

func cjkUnit(r rune) int {
	switch r {
	case '十':
		return 10
	case '百':
		return 100
	case '千':
		return 1000
	}
	return 0
}

// trailingCount finds a count in parentheses at the end of rs[a:b], such as
// "(4个)", and returns where the parentheses open and the number.
func trailingCount(rs []rune, a, b int) (open, n int, ok bool) {
	a, b = trimSpace(rs, a, b)
	if b-a < 3 || rs[b-1] != ')' {
		return 0, 0, false
	}
	o := b - 2
	for o >= a && rs[o] != '(' && rs[o] != ')' {
		o--
	}
	if o < a || rs[o] != '(' {
		return 0, 0, false
	}
	n, ok = parseCount(rs[o+1 : b-1])
	if !ok {
		return 0, 0, false
	}
	return o, n, true
}

// bareCount finds a count without parentheses at the end of rs[a:b], such
// as the "4个" of "北京市4个", and returns where it begins and the number.
func bareCount(rs []rune, a, b int) (start, n int, ok bool) {
	a, b = trimSpace(rs, a, b)
	if b-a < 3 || (rs[b-1] != '个' && rs[b-1] != '個') {
		return 0, 0, false
	}
	i := b - 1
	for i > a && (isDigit(rs[i-1]) || isCJKDigit(rs[i-1])) {
		i--
	}
	if i == b-1 || i == a {
		return 0, 0, false
	}
	n, ok = parseNumber(rs[i : b-1])
	if !ok {
		return 0, 0, false
	}
	if rs[i-1] == '共' && i-1 > a {
		i--
	}
	return i, n, true
}

// anyCount finds the last count in parentheses anywhere in rs, such as the
// "(108个)" of a heading, and returns its number, or 0.
func anyCount(rs []rune) int {
	found := 0
	for i := 0; i < len(rs); i++ {
		if rs[i] != '(' {
			continue
		}
		j := i + 1
		for j < len(rs) && rs[j] != ')' && rs[j] != '(' {
			j++
		}
		if j < len(rs) && rs[j] == ')' {
			if n, ok := parseCount(rs[i+1 : j]); ok && hasClassifier(rs[i+1:j]) {
				found = n
			}
		}
	}
	return found
}

func hasClassifier(rs []rune) bool {
	for _, r := range rs {
		if r == '个' || r == '個' {
			return true
		}
	}
	return false
}

// bareHeadingCount finds the only count of a heading written without parentheses
// in Arabic digits ("首批16个试点城市名单") and returns its number, or 0 when
// there is none or more than one. A count of provinces, departments or
// batches ("12个省份", "3个部门") is not a count of units and is not taken.
func bareHeadingCount(rs []rune) int {
	found, n := 0, 0
	for i := 0; i < len(rs); i++ {
		if !isDigit(rs[i]) || i > 0 && isDigit(rs[i-1]) {
			continue
		}
		j := i
		for j < len(rs) && isDigit(rs[j]) {
			j++
		}
		if j < len(rs) && (rs[j] == '个' || rs[j] == '個') {
			if countsNoUnits(rs[j+1:]) {
				found++ // a count, but not of the list's units
				continue
			}
			if v, ok := parseNumber(rs[i:j]); ok && v > 0 {
				found, n = found+1, v
			}
		}
	}
	if found != 1 {
		return 0
	}
	return n
}

// countsNoUnits reports whether what follows a count's 个 names something
// other than units: provinces (省, 省份, 省区), departments or batches.
func countsNoUnits(after []rune) bool {
	for _, w := range []string{"省", "部门", "部委", "批", "方面", "类"} {
		if strings.HasPrefix(string(after), w) {
			return true
		}
	}
	return false
}

// batchNumber returns N from the first "第N批" in s (Arabic or Chinese
// numerals), 1 for "首批" (the first batch), 0 when there is none.
func batchNumber(s string) int {
	if strings.Contains(s, "首批") {
		return 1
	}
	rs := []rune(s)
	for i, r := range rs {
		if r != '第' {
			continue
		}
		for j := i + 1; j < len(rs) && j <= i+5; j++ {
			if rs[j] == '批' {
				if j > i+1 {
					if n, ok := parseNumber(rs[i+1 : j]); ok && n > 0 {
						return n
					}
				}
				break
			}
		}
	}
	return 0
}
