package gazetteer

import (
	"strings"
	"unicode/utf8"
)

// ethnicGroupList holds the 55 officially recognised minority ethnic groups
// of China (少数民族), each without its trailing 族, separated by spaces. It
// is a fixed table in code: the names of autonomous divisions are built from
// it, and the generic short forms (延边州, 恩施州, 昌江县) drop these names.
const ethnicGroupList = "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 " +
	"高山 拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 " +
	"塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺"

// zu is the character 族 ("ethnic group") that ends an ethnic group's name.
const zu = "族"

// EthnicGroups returns the names of the 55 minority ethnic groups, each
// with its trailing 族 (蒙古族, 回族, 藏族, …), in the usual official order.
// The slice is new on every call.
func EthnicGroups() []string {
	names := strings.Fields(ethnicGroupList)
	for i, n := range names {
		names[i] = n + zu
	}
	return names
}

// trailingEthnicGroup returns the length in bytes of the ethnic group name
// that s ends with, or 0. A name counts with its 族 (朝鲜族, 苗族) or, for a
// name of two or more characters, without it (哈萨克, 蒙古, 维吾尔, as in
// 伊犁哈萨克自治州); a one-character name needs its 族 (回族, not 回). The
// collective 各族 ("all groups", as in 龙胜各族自治县) counts too. The
// longest match wins.
func trailingEthnicGroup(s string) int {
	best := 0
	if strings.HasSuffix(s, "各"+zu) {
		best = len("各" + zu)
	}
	withZu := strings.HasSuffix(s, zu)
	for rest := ethnicGroupList; rest != ""; {
		var name string
		name, rest, _ = strings.Cut(rest, " ")
		if withZu && strings.HasSuffix(s[:len(s)-len(zu)], name) && len(name)+len(zu) > best {
			best = len(name) + len(zu)
		}
		if utf8.RuneCountInString(name) >= 2 && strings.HasSuffix(s, name) && len(name) > best {
			best = len(name)
		}
	}
	return best
}

// stripEthnicGroups drops the ethnic group names that end the stem of an
// autonomous division's name (the part before 自治州, 自治县, 自治旗 or 自治区)
// and returns what is left and what was dropped: 恩施土家族苗族 → 恩施,
// 土家族苗族; 伊犁哈萨克 → 伊犁, 哈萨克. At least two characters are always
// left, and a stem that is itself an ethnic group keeps its name without 族
// (东乡族 → 东乡, the short form of 东乡族自治县 being 东乡县).
func stripEthnicGroups(stem string) (left, dropped string) {
	left = stem
	for {
		n := trailingEthnicGroup(left)
		if n == 0 || utf8.RuneCountInString(left[:len(left)-n]) < 2 {
			break
		}
		left = left[:len(left)-n]
	}
	if strings.HasSuffix(left, zu) && utf8.RuneCountInString(left) > 2 {
		left = strings.TrimSuffix(left, zu)
	}
	return left, stem[len(left):]
}
