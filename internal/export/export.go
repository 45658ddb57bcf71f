// Package export writes pilotmap's tables for spreadsheets: units.csv (one
// row per stored pilot unit), provinces.csv (the coverage figures of
// every mainland province) and gaps.csv (every uncovered comparable unit
// with its nearest pilot). Names come in Chinese and English (name_en).
//
// The files are made for Excel as much as for programs:
//
//   - UTF-8 with a byte order mark (EF BB BF), so Excel opens the Chinese
//     text correctly instead of guessing a legacy code page;
//   - exactly one header row, with stable snake_case keys (HeaderKeys) or,
//     with Options.Lang "zh", Chinese column names;
//   - RFC 4180 quoting, CRLF line ends;
//   - codes as text: every code column is always quoted. Division codes
//     (GB/T 2260) are six digits and never start with 0, so even when Excel
//     turns a column into numbers their digits survive; quoting marks them
//     as text for readers that honour it (LibreOffice, pandas with dtype=str).
//     To keep them as text in Excel, open the file through Data → From
//     Text/CSV and set the column type to Text;
//   - formula injection guard: a text cell that would start with =, +, -, @,
//     TAB or CR gets a leading apostrophe (OWASP), so a name in a notice
//     cannot run as a formula. No stored name starts so today.
//
// Numbers are written with a dot as decimal separator: coverage as a ratio
// with 4 decimals, confidence with 2, areas in whole km².
//
// The package is pure apart from the io.Writer: WriteUnits and
// WriteProvinces take values; Units and Provinces take them from a
// *world.World (internal/world), the data as of one data version.
package export

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"pilotmap/internal/coverage"
	"pilotmap/internal/gaps"
	"pilotmap/internal/gazetteer"
	"pilotmap/internal/store"
	"pilotmap/internal/world"
)

// BOM is the UTF-8 byte order mark every file starts with.
const BOM = "\uFEFF"

// Options control the tables' presentation.
type Options struct {
	// Lang chooses the header row: "" or "en" the snake_case keys of
	// UnitsHeader and ProvincesHeader, "zh" Chinese column names.
	Lang string
}

// column is one column of a table: its key, Chinese name and whether it
// holds text (quoted always when it is a code).
type column struct {
	key, zh string
	code    bool // a division code: always quoted
	text    bool // free text: guarded against formula injection
}

// unitColumns are units.csv's columns (a function: no package-level
// mutable state).
func unitColumns() []column {
	return []column{
		{key: "program", zh: "活动", text: true},
		{key: "batch", zh: "批次"},
		{key: "batch_name", zh: "批次名称", text: true},
		{key: "doc_number", zh: "文号", text: true},
		{key: "province_code", zh: "省级代码", code: true},
		{key: "province", zh: "省份", text: true},
		{key: "province_en", zh: "省份（英文）", text: true},
		{key: "province_written", zh: "原文省份", text: true},
		{key: "written", zh: "原文名称", text: true},
		{key: "code", zh: "区划代码", code: true},
		{key: "name", zh: "名称", text: true},
		{key: "name_en", zh: "名称（英文）", text: true},
		{key: "level", zh: "级别", text: true},
		{key: "comparable_code", zh: "可比单位代码", code: true},
		{key: "comparable_name", zh: "可比单位", text: true},
		{key: "comparable_name_en", zh: "可比单位（英文）", text: true},
		{key: "rule", zh: "匹配规则", text: true},
		{key: "confidence", zh: "置信度"},
		{key: "status", zh: "状态", text: true},
		{key: "status_since", zh: "状态日期", text: true},
		{key: "line", zh: "原文行号"},
	}
}

// provinceColumns are provinces.csv's columns.
func provinceColumns() []column {
	return []column{
		{key: "code", zh: "省级代码", code: true},
		{key: "name", zh: "省份", text: true},
		{key: "name_en", zh: "省份（英文）", text: true},
		{key: "region", zh: "区域", text: true},
		{key: "pilot_province", zh: "全面推进试点省"},
		{key: "units", zh: "试点单位数"},
		{key: "comparable_units", zh: "可比单位数"},
		{key: "covered_units", zh: "有试点的可比单位数"},
		{key: "coverage", zh: "覆盖率"},
		{key: "area_km2", zh: "面积（平方公里）"},
		{key: "covered_area_km2", zh: "覆盖面积（平方公里）"},
	}
}

// BatchInfo names a batch for units.csv; the key is program and number.
type BatchInfo struct {
	Program   string
	Number    int
	Name      string // e.g. 第二批试点单位
	DocNumber string // e.g. 国卫家庭发〔2013〕5号
}

// UnitsInput is what WriteUnits needs.
type UnitsInput struct {
	Units   []store.PilotUnit
	Batches []BatchInfo
	// Divisions gives a division by code (provinces, comparable units and
	// the units themselves, for their Chinese and English names); nil
	// leaves the names it would give empty (a unit's own Chinese name is
	// the stored one).
	Divisions func(code string) gazetteer.Division
}

// WriteUnits writes units.csv: one row per pilot unit in the order given
// (store order: program, batch, line in the notice, code), whatever its
// status.
func WriteUnits(w io.Writer, in UnitsInput, opt Options) error {
	type bkey struct {
		program string
		number  int
	}
	batches := make(map[bkey]BatchInfo, len(in.Batches))
	for _, b := range in.Batches {
		batches[bkey{b.Program, b.Number}] = b
	}
	div := in.Divisions
	if div == nil {
		div = func(string) gazetteer.Division { return gazetteer.Division{} }
	}
	t := newTable(w, unitColumns(), opt)
	for _, u := range in.Units {
		b := batches[bkey{u.Program, u.BatchNumber}]
		since := ""
		if !u.StatusSince.IsZero() {
			since = u.StatusSince.UTC().Format("2006-01-02")
		}
		t.row(
			u.Program,
			strconv.Itoa(u.BatchNumber),
			b.Name,
			b.DocNumber,
			u.ProvinceCode,
			div(u.ProvinceCode).Name,
			div(u.ProvinceCode).NameEN,
			u.ProvinceWritten,
			u.Written,
			u.Code,
			u.Name,
			div(u.Code).NameEN,
			u.Level,
			u.ComparableCode,
			div(u.ComparableCode).Name,
			div(u.ComparableCode).NameEN,
			u.Rule,
			strconv.FormatFloat(u.Confidence, 'f', 2, 64),
			string(u.Status),
			since,
			strconv.Itoa(u.Line),
		)
	}
	return t.flush("units.csv")
}

// WriteProvinces writes provinces.csv: one row per province in the order
// given (coverage.Compute's: by code).
func WriteProvinces(w io.Writer, provinces []coverage.Province, opt Options) error {
	t := newTable(w, provinceColumns(), opt)
	for _, p := range provinces {
		t.row(
			p.Code,
			p.Name,
			p.NameEN,
			p.Region,
			strconv.FormatBool(p.PilotProvince),
			strconv.Itoa(p.Units),
			strconv.Itoa(p.ComparableUnits),
			strconv.Itoa(p.CoveredUnits),
			strconv.FormatFloat(p.Coverage, 'f', 4, 64),
			strconv.FormatFloat(p.AreaKM2, 'f', 0, 64),
			strconv.FormatFloat(p.CoveredAreaKM2, 'f', 0, 64),
		)
	}
	return t.flush("provinces.csv")
}

// Units writes units.csv of every pilot unit of the world (active and
// revoked: the status column tells them apart).
func Units(w io.Writer, wd *world.World, opt Options) error {
	in := UnitsInput{Units: wd.Units, Divisions: divisions(wd.Gazetteer)}
	for _, b := range wd.Batches {
		in.Batches = append(in.Batches, BatchInfo{Program: b.Program, Number: b.Number, Name: b.Name, DocNumber: b.DocNumber})
	}
	return WriteUnits(w, in, opt)
}

// Provinces writes provinces.csv of the coverage figures of the world.
func Provinces(w io.Writer, wd *world.World, opt Options) error {
	return WriteProvinces(w, wd.Stats.Provinces, opt)
}

func divisions(g *gazetteer.Gazetteer) func(string) gazetteer.Division {
	if g == nil {
		return nil
	}
	return func(code string) gazetteer.Division {
		d, _ := g.Division(code)
		return d
	}
}

// gapColumns are gaps.csv's columns.
func gapColumns() []column {
	return []column{
		{key: "province_code", zh: "省级代码", code: true},
		{key: "province", zh: "省份", text: true},
		{key: "province_en", zh: "省份（英文）", text: true},
		{key: "code", zh: "区划代码", code: true},
		{key: "name", zh: "名称", text: true},
		{key: "name_en", zh: "名称（英文）", text: true},
		{key: "area_km2", zh: "面积（平方公里）"},
		{key: "has_polygon", zh: "有边界数据"},
		{key: "distance_km", zh: "距最近试点（公里）"},
		{key: "nearest_pilot_code", zh: "最近试点代码", code: true},
		{key: "nearest_pilot", zh: "最近试点", text: true},
		{key: "nearest_pilot_en", zh: "最近试点（英文）", text: true},
		{key: "cluster", zh: "空白片区"},
		{key: "province_cluster", zh: "省内空白片区"},
	}
}

// WriteGaps writes gaps.csv: one row per uncovered comparable unit in the
// order given (the gap report's: province, then code). distance_km and the
// nearest pilot are empty for a unit without boundary data; cluster is 0
// for a unit in no national cluster.
func WriteGaps(w io.Writer, units []gaps.UncoveredUnit, division func(code string) gazetteer.Division, opt Options) error {
	t := newTable(w, gapColumns(), opt)
	for _, u := range units {
		dist := ""
		if u.DistanceKM != nil {
			dist = strconv.FormatFloat(*u.DistanceKM, 'f', 1, 64)
		}
		p := division(u.ProvinceCode)
		t.row(
			u.ProvinceCode, p.Name, p.NameEN,
			u.Code, u.Name, u.NameEN,
			strconv.FormatFloat(u.AreaKM2, 'f', 0, 64),
			strconv.FormatBool(u.HasPolygon),
			dist,
			u.NearestPilotCode, u.NearestPilotName, u.NearestPilotNameEN,
			strconv.Itoa(u.Cluster), strconv.Itoa(u.ProvinceCluster),
		)
	}
	return t.flush("gaps.csv")
}

// Gaps writes gaps.csv of the world's gap report.
func Gaps(w io.Writer, wd *world.World, opt Options) error {
	if wd.Gaps == nil {
		return fmt.Errorf("write gaps.csv: %w", ErrNoGaps)
	}
	return WriteGaps(w, wd.Gaps.UncoveredUnits, divisions(wd.Gazetteer), opt)
}

// ErrNoGaps is returned by Gaps for a world without a gap report (no
// boundaries).
var ErrNoGaps = errors.New("no gap report: the world was built without a gap index")

// table writes one CSV file: BOM, header, rows. The first write error is
// kept and returned by flush.
type table struct {
	w    *bufio.Writer
	cols []column
	err  error
}

func newTable(w io.Writer, cols []column, opt Options) *table {
	t := &table{w: bufio.NewWriter(w), cols: cols}
	t.write(BOM)
	head := make([]string, len(cols))
	for i, c := range cols {
		head[i] = c.key
		if opt.Lang == "zh" {
			head[i] = c.zh
		}
	}
	t.line(head, false)
	return t
}

func (t *table) write(s string) {
	if t.err == nil {
		_, t.err = t.w.WriteString(s)
	}
}

// row writes one record; len(fields) must equal the number of columns.
func (t *table) row(fields ...string) {
	if len(fields) != len(t.cols) {
		panic(fmt.Sprintf("export: row has %d fields, table %d columns", len(fields), len(t.cols)))
	}
	t.line(fields, true)
}

func (t *table) line(fields []string, data bool) {
	var b strings.Builder
	for i, f := range fields {
		if i > 0 {
			b.WriteByte(',')
		}
		c := t.cols[i]
		if data && c.text {
			f = guard(f)
		}
		if (data && c.code) || needsQuotes(f) {
			b.WriteByte('"')
			b.WriteString(strings.ReplaceAll(f, `"`, `""`))
			b.WriteByte('"')
		} else {
			b.WriteString(f)
		}
	}
	b.WriteString("\r\n")
	t.write(b.String())
}

func (t *table) flush(name string) error {
	if t.err == nil {
		t.err = t.w.Flush()
	}
	if t.err != nil {
		return fmt.Errorf("write %s: %w", name, t.err)
	}
	return nil
}

// needsQuotes reports whether a field must be quoted under RFC 4180 (and
// for encoding/csv, which also trims nothing but treats a leading space
// as data).
func needsQuotes(f string) bool {
	return f != "" && (strings.ContainsAny(f, "\",\r\n") || f[0] == ' ' || f[len(f)-1] == ' ')
}

// guard prefixes a text cell that a spreadsheet would read as a formula.
func guard(f string) string {
	if f != "" && strings.ContainsRune("=+-@\t\r", rune(f[0])) {
		return "'" + f
	}
	return f
}
