package notice

import (
	"strings"
	"unicode"
)

// provinceEntry is one province-level division with the other ways it is
// written: short forms and known variants.
type provinceEntry struct {
	full  string
	forms []string
}

// provinceTable lists the 34 province-level divisions. It is never mutated.
var provinceTable = [...]provinceEntry{
	{"北京市", []string{"北京"}},
	{"天津市", []string{"天津"}},
	{"河北省", []string{"河北"}},
	{"山西省", []string{"山西"}},
	{"内蒙古自治区", []string{"内蒙古", "内蒙"}},
	{"辽宁省", []string{"辽宁"}},
	{"吉林省", []string{"吉林"}},
	{"黑龙江省", []string{"黑龙江"}},
	{"上海市", []string{"上海"}},
	{"江苏省", []string{"江苏"}},
	{"浙江省", []string{"浙江"}},
	{"安徽省", []string{"安徽"}},
	{"福建省", []string{"福建"}},
	{"江西省", []string{"江西"}},
	{"山东省", []string{"山东"}},
	{"河南省", []string{"河南"}},
	{"湖北省", []string{"湖北"}},
	{"湖南省", []string{"湖南"}},
	{"广东省", []string{"广东"}},
	{"广西壮族自治区", []string{"广西", "广西自治区"}},
	{"海南省", []string{"海南"}},
	{"重庆市", []string{"重庆"}},
	{"四川省", []string{"四川"}},
	{"贵州省", []string{"贵州"}},
	{"云南省", []string{"云南"}},
	{"西藏自治区", []string{"西藏"}},
	{"陕西省", []string{"陕西"}},
	{"甘肃省", []string{"甘肃"}},
	{"青海省", []string{"青海"}},
	{"宁夏回族自治区", []string{"宁夏", "宁夏自治区"}},
	// The 兵团's cities are province-direct units of 新疆.
	{"新疆维吾尔自治区", []string{"新疆", "新疆自治区", "新疆维吾尔族自治区", "新疆生产建设兵团"}},
	{"台湾省", []string{"台湾"}},
	{"香港特别行政区", []string{"香港", "香港特区"}},
	{"澳门特别行政区", []string{"澳门", "澳门特区"}},
}

// canonicalProvince returns the full name of the province that text (a
// normalized name) names exactly or by a known short form, else "".
func canonicalProvince(text string) string {
	for _, e := range provinceTable {
		if text == e.full {
			return e.full
		}
		for _, f := range e.forms {
			if text == f {
				return e.full
			}
		}
	}
	return ""
}

// provinceish reports whether text is a province name, exact, short or one
// edit away.
func provinceish(text string) bool {
	return canonicalProvince(text) != "" || nearProvince(text)
}

// provinceShaped reports whether text looks like a province that is damaged:
// one edit away from a province name, or a short Han name ending in 省 or
// 自治区 (not 市, which ends the names of cities too).
func provinceShaped(text string) bool {
	if nearProvince(text) {
		return true
	}
	rs := []rune(text)
	if len(rs) < 3 || len(rs) > 10 {
		return false
	}
	for _, r := range rs {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return strings.HasSuffix(text, "省") || strings.HasSuffix(text, "自治区")
}

// nearProvince reports whether text is one edit away from a province name or
// short form, such as 沏北 for 河北. It is a hint that a cell or head is a
// province; the parser does not take it for that province.
func nearProvince(text string) bool {
	rs := []rune(text)
	if len(rs) < 2 || len(rs) > 10 {
		return false
	}
	for _, r := range rs {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	for _, e := range provinceTable {
		if editDistanceAtMostOne(rs, []rune(e.full)) {
			return true
		}
		for _, f := range e.forms {
			if editDistanceAtMostOne(rs, []rune(f)) {
				return true
			}
		}
	}
	return false
}

// editDistanceAtMostOne reports whether a and b differ by at most one
// insertion, deletion or substitution.
func editDistanceAtMostOne(a, b []rune) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(b)-len(a) > 1 {
		return false
	}
	i, j, edits := 0, 0, 0
	for i < len(a) && j < len(b) {
		if a[i] == b[j] {
			i++
			j++
			continue
		}
		edits++
		if edits > 1 {
			return false
		}
		if len(a) == len(b) {
			i++
		}
		j++
	}
	return edits+(len(b)-j)+(len(a)-i) <= 1
}

// regionPrefixes begin the names of the regions a notice may group
// provinces by (the NBS four, and the traditional seven).
var regionPrefixes = [...]string{"东部", "中部", "西部", "东北", "华北", "华东", "华中", "华南", "西南", "西北"}

// isRegion reports whether text (normalized) names a region, e.g. 东部地区.
func isRegion(text string) bool {
	for _, p := range regionPrefixes {
		if len(text) < len(p) || text[:len(p)] != p {
			continue
		}
		switch text[len(p):] {
		case "", "地区", "区域", "片区", "省份", "省区", "地区省份":
			return true
		}
	}
	return false
}
