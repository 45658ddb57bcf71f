package render

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/paulmach/orb"

	"pilotmap/internal/coverage"
	"pilotmap/internal/layer"
	"pilotmap/internal/store"
	"pilotmap/internal/world"
)

// Map is what a presentation map shows: the boundaries (through the shared
// topology, so neighbouring units meet at every scale), the provinces with
// their coverage figures, the comparable units and the pilot units. Build
// it with NewMap; SVG draws it. A Map is read-only once built and may be
// used by several goroutines at once.
type Map struct {
	// Topology holds the boundary layers (provinces, units, nanhai),
	// simplified per zoom.
	Topology *layer.Topology
	// Provinces are every province-level unit on the map (the 31 mainland
	// ones, 台湾, 香港 and 澳门), by code.
	Provinces []Province
	// Units are the comparable units of the mainland provinces, by code.
	Units []Unit
	// Pilots are the active pilot units, in store order (of the selected
	// batches in a view of a selection).
	Pilots []Pilot
	// Batches are the selected batches' numbers, sorted, when the map is of
	// a view of selected batches (world.World.Select); nil for every batch.
	Batches []int
	// BoundaryCredit names the boundaries of an imported boundary file
	// (world.World.BoundaryCredit) in the source line; "" for the embedded
	// default.
	BoundaryCredit string
	// Program is the program's name (创建幸福家庭活动) when there is one.
	Program string
	// DocNumbers are the notices the stored batches come from, e.g.
	// 国卫家庭发〔2013〕5号, in batch order.
	DocNumbers []string
	// National are the nation's coverage figures.
	National coverage.National
	// Gaps is the gap analysis for the gaps view; nil when not available.
	Gaps *Gaps
	// NanhaiLine is the dashed line of the 南海诸岛 inset (lon/lat), from
	// the boundaries (geodata/nanhai_line.geojson).
	NanhaiLine orb.MultiLineString
}

// Province is one province-level unit and its coverage.
type Province struct {
	Code, Name string
	// NameEN is the gazetteer's English name (Inner Mongolia, Xizang).
	NameEN string
	// InProgram is false for 台湾, 香港 and 澳门: shown, never covered.
	InProgram bool
	// PilotProvince marks the full-promotion pilot provinces.
	PilotProvince bool
	// Coverage is covered comparable units / comparable units (0..1).
	Coverage                             float64
	Units, ComparableUnits, CoveredUnits int
}

// Unit is one comparable unit.
type Unit struct {
	Code, Name, ProvinceCode string
	// Pilot is true when the unit itself is an active pilot unit; Covered
	// when it holds one (itself or a division below it).
	Pilot, Covered bool
}

// Pilot is one active pilot unit.
type Pilot struct {
	Code, Name, ComparableCode, ProvinceCode string
	Batch                                    int
	// New is true when no batch of the program before the selected ones
	// holds a pilot unit under its comparable unit (world.Comparable.New);
	// always false without selected batches.
	New bool
}

// NewMap takes what the maps show from a world built with a topology;
// with the world's gap analysis, Map.Gaps is set too. Given a view of a
// selection (world.World.Select), the map shows the view's pilot units,
// coverage and figures, the notices of the selected batches, and marks
// the pilot units new in the selected batches.
func NewMap(w *world.World) (Map, error) {
	if w.Topology == nil {
		return Map{}, fmt.Errorf("render map: the world has no topology")
	}
	sel := w.Selection
	m := Map{Topology: w.Topology, National: w.Stats.National, BoundaryCredit: w.BoundaryCredit(), Batches: slices.Clone(sel.Batches)}
	if w.Boundaries != nil {
		m.NanhaiLine = w.Boundaries.NanhaiLine
	}
	if w.Gaps != nil {
		m.Gaps = GapsFromReport(*w.Gaps)
	}
	units := w.FilterUnits(store.UnitFilter{Status: store.StatusActive})
	pilot := map[string]bool{}
	covered := map[string]bool{}
	for _, u := range units {
		ci := w.Comparable(u.ComparableCode)
		isNew := len(sel.Batches) > 0 && ci != nil && ci.New
		m.Pilots = append(m.Pilots, Pilot{Code: u.Code, Name: u.Name, ComparableCode: u.ComparableCode, ProvinceCode: u.ProvinceCode, Batch: u.BatchNumber, New: isNew})
		pilot[u.Code] = true
		covered[u.ComparableCode] = true
	}
	seen := map[string]bool{}
	for _, b := range w.Batches {
		if !sel.IsZero() && (b.ProgramID != sel.ProgramID || (len(sel.Batches) > 0 && !slices.Contains(sel.Batches, b.Number))) {
			continue // a view names the notices of what it shows
		}
		if m.Program == "" {
			m.Program = b.Program
		}
		if d := strings.TrimSpace(b.DocNumber); d != "" && !seen[d] {
			seen[d] = true
			m.DocNumbers = append(m.DocNumbers, d)
		}
	}
	g := w.Gazetteer
	for _, d := range g.Provinces() {
		p := Province{Code: d.Code, Name: d.Name, NameEN: d.NameEN, InProgram: coverage.InProgram(d.Code)}
		if s, ok := w.ProvinceStats(d.Code); ok {
			p.PilotProvince, p.Coverage = s.PilotProvince, s.Coverage
			p.Units, p.ComparableUnits, p.CoveredUnits = s.Units, s.ComparableUnits, s.CoveredUnits
		}
		m.Provinces = append(m.Provinces, p)
		if !p.InProgram {
			continue
		}
		for _, u := range g.ComparableUnits(d.Code) {
			m.Units = append(m.Units, Unit{Code: u.Code, Name: u.Name, ProvinceCode: d.Code, Pilot: pilot[u.Code], Covered: covered[u.Code]})
		}
	}
	sort.Slice(m.Provinces, func(i, j int) bool { return m.Provinces[i].Code < m.Provinces[j].Code })
	sort.Slice(m.Units, func(i, j int) bool { return m.Units[i].Code < m.Units[j].Code })
	return m, nil
}

// province returns the province with the code.
func (m *Map) province(code string) (Province, bool) {
	i := sort.Search(len(m.Provinces), func(i int) bool { return m.Provinces[i].Code >= code })
	if i < len(m.Provinces) && m.Provinces[i].Code == code {
		return m.Provinces[i], true
	}
	return Province{}, false
}

// unit returns the comparable unit with the code.
func (m *Map) unit(code string) (Unit, bool) {
	i := sort.Search(len(m.Units), func(i int) bool { return m.Units[i].Code >= code })
	if i < len(m.Units) && m.Units[i].Code == code {
		return m.Units[i], true
	}
	return Unit{}, false
}

// NewUnits returns the number of comparable units new in the selected
// batches that hold a pilot unit of the map (the web map's 本批新增 count:
// the pilots layer's features marked new), of the province with the code
// or, for "", of the whole map; 0 without selected batches.
func (m *Map) NewUnits(province string) int {
	seen := map[string]bool{}
	for _, p := range m.Pilots {
		if p.New && (province == "" || p.ProvinceCode == province) {
			seen[p.ComparableCode] = true
		}
	}
	return len(seen)
}
