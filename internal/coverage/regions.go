package coverage

// Region is one of the four economic regions of the National Bureau of
// Statistics (东部, 中部, 西部, 东北).
type Region struct {
	Key  string // "east", "central", "west", "northeast"
	Name string // "东部", "中部", "西部", "东北"
	// NameEN is the English name.
	NameEN string
}

// Regions returns the four regions in their usual order.
func Regions() []Region {
	return []Region{
		{Key: "east", Name: "东部", NameEN: "East"},
		{Key: "central", Name: "中部", NameEN: "Central"},
		{Key: "west", Name: "西部", NameEN: "West"},
		{Key: "northeast", Name: "东北", NameEN: "Northeast"},
	}
}

// RegionOf returns the region key of a mainland province code, "" for
// 台湾, 香港, 澳门 and unknown codes.
func RegionOf(provinceCode string) string {
	switch provinceCode {
	case "110000", "120000", "130000", "310000", "320000", "330000", "350000", "370000", "440000", "460000":
		return "east"
	case "140000", "340000", "360000", "410000", "420000", "430000":
		return "central"
	case "150000", "450000", "500000", "510000", "520000", "530000", "540000", "610000", "620000", "630000", "640000", "650000":
		return "west"
	case "210000", "220000", "230000":
		return "northeast"
	}
	return ""
}

// InProgram reports whether a province-level unit can hold pilots: the 31
// mainland provinces. 台湾, 香港 and 澳门 are shown on every map but are
// outside the program.
func InProgram(provinceCode string) bool { return RegionOf(provinceCode) != "" }
