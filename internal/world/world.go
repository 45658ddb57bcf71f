// Package world is what pilotmap knows as of one data version: the
// gazetteer and the boundaries, their topology, the stored pilot units,
// programs and batches, the coverage statistics and the gap analysis.
//
// Build reads all of it from the store once (the data version first, so a
// world never claims an older version than its data) and derives the rest
// in memory; a World is never changed afterwards and may be shared by any
// number of goroutines. The server holds the current world through a
// Loader, which builds a new one when the data version moves (an import, a
// status change) and swaps it in atomically; the commands build one and
// use it. Render, export, the server and the CLI read from a World, never
// from the store behind its back.
package world

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"pilotmap/internal/boundary"
	"pilotmap/internal/coverage"
	"pilotmap/internal/dataset"
	"pilotmap/internal/gaps"
	"pilotmap/internal/gazetteer"
	"pilotmap/internal/layer"
	"pilotmap/internal/store"
)

// World is the data as of one data version; see the package comment.
type World struct {
	// Version is the data version (dataset.Dataset.Version): every cache
	// key and ETag derives from it.
	Version    string
	Gazetteer  *gazetteer.Gazetteer
	Boundaries *boundary.Set
	// BoundaryVersion and Provenance name the boundaries' version and
	// where they come from (source, license, attribution): every map's
	// source line shows them.
	BoundaryVersion string
	Provenance      store.BoundaryVersion
	// Topology holds the boundary layers as shared arcs; nil when the
	// world was built without (Source.Topology).
	Topology *layer.Topology
	// Units are every stored pilot unit, active and revoked, in store
	// order (program, batch, line in the notice, code).
	Units    []store.PilotUnit
	Programs []store.Program
	Batches  []store.Batch
	// Stats are the coverage statistics of the active pilot units.
	Stats coverage.Stats
	// Gaps is the gap analysis; nil when built without a gap index
	// (Source.GapIndex). Read it, never change it (Clone first).
	Gaps *gaps.Report
	// BuildDuration is how long Build took.
	BuildDuration time.Duration
	// Selection is what a view made by Select shows (zero: everything).
	Selection Selection

	designations   []store.Designation          // full promotion, of every program
	pilotProvinces []string                     // codes, in designation order
	isPilotProv    map[string]bool              // full-promotion pilot provinces
	provinceStats  map[string]coverage.Province // mainland province code → figures
	byCode         map[string][]store.PilotUnit // division code → its pilot units
	comparable     map[string]*Comparable       // comparable unit code → its pilots
}

// Comparable is what a comparable unit holds of the pilot units.
type Comparable struct {
	// PilotCodes are the sorted codes of the active pilot units counted
	// under it.
	PilotCodes []string
	// Batch is the lowest batch number of those (of any of its pilot
	// units when none is active).
	Batch int
	// Status is active when it holds an active pilot unit, else revoked.
	Status store.Status
	// New is true in a view of selected batches (Select) when no earlier
	// batch of the program holds a pilot unit under the comparable unit.
	New bool
}

// Pilot reports whether the comparable unit holds an active pilot unit
// (false for nil: a unit without any pilot unit).
func (c *Comparable) Pilot() bool { return c != nil && len(c.PilotCodes) > 0 }

// Source is what Build reads.
type Source struct {
	Data *dataset.Dataset
	// Boundaries are the boundaries to build with; nil takes those the
	// dataset opened with (Data.Boundaries).
	Boundaries *dataset.Boundaries
	// Topology is the topology of Data.Boundaries, built once per
	// boundary set (layer.NewTopology); nil leaves World.Topology nil.
	Topology *layer.Topology
	// GapIndex is the gap index of Data.Boundaries.Units, built once per
	// boundary set (NewGapIndex); nil leaves World.Gaps nil.
	GapIndex *gaps.Index
}

// NewGapIndex builds the gap index (adjacency graph and distance index) of
// a boundary set's units: about half a second for the national data, so a
// process builds it once and passes it to every Build.
func NewGapIndex(b *boundary.Set) (*gaps.Index, error) {
	x, err := gaps.NewIndex(b.Units, gaps.DefaultOptions())
	if err != nil {
		return nil, fmt.Errorf("gap index: %w", err)
	}
	return x, nil
}

// Build reads the store once and derives the world of its current data
// version.
func Build(ctx context.Context, src Source) (*World, error) {
	start := time.Now()
	ds := src.Data
	if ds == nil {
		return nil, fmt.Errorf("build world: no dataset")
	}
	// The version is read before the data: should an import land in
	// between, this world holds newer data under the older version and the
	// next version check builds it again; never the other way round.
	version, err := ds.Version(ctx)
	if err != nil {
		return nil, fmt.Errorf("build world: %w", err)
	}
	units, err := ds.Store.PilotUnits(ctx, store.UnitFilter{})
	if err != nil {
		return nil, fmt.Errorf("build world: pilot units: %w", err)
	}
	designations, err := ds.PilotProvinces(ctx)
	if err != nil {
		return nil, fmt.Errorf("build world: %w", err)
	}
	pp := dataset.FullPromotion(designations, 0)
	programs, err := ds.Store.Programs(ctx)
	if err != nil {
		return nil, fmt.Errorf("build world: programs: %w", err)
	}
	batches, err := ds.Store.Batches(ctx)
	if err != nil {
		return nil, fmt.Errorf("build world: batches: %w", err)
	}
	b := src.Boundaries
	if b == nil {
		b = &dataset.Boundaries{Version: ds.BoundaryVersion, Set: ds.Boundaries, Provenance: ds.Provenance}
	}
	w := &World{
		Version:         version,
		Gazetteer:       ds.Gazetteer,
		Boundaries:      b.Set,
		BoundaryVersion: b.Version,
		Provenance:      b.Provenance,
		Topology:        src.Topology,
		Units:           units,
		Programs:        programs,
		Batches:         batches,
		designations:    designations,
		pilotProvinces:  pp,
		provinceStats:   map[string]coverage.Province{},
		byCode:          map[string][]store.PilotUnit{},
		comparable:      map[string]*Comparable{},
	}
	w.isPilotProv = provinceSet(pp)
	active := w.ActivePilots()
	w.Stats = coverage.Compute(coverage.Input{Gazetteer: ds.Gazetteer, Units: b.Set.Units, Pilots: active, PilotProvinces: pp})
	for _, p := range w.Stats.Provinces {
		w.provinceStats[p.Code] = p
	}
	w.indexUnits()
	if src.GapIndex != nil {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("build world: %w", err)
		}
		rep, err := src.GapIndex.Analyze(gaps.Input{Gazetteer: ds.Gazetteer, Pilots: active, PilotProvinces: pp, FarKM: gaps.NationalFarKM})
		if err != nil {
			return nil, fmt.Errorf("build world: gaps: %w", err)
		}
		w.Gaps = &rep
	}
	w.BuildDuration = time.Since(start)
	return w, nil
}

// indexUnits fills byCode and comparable from Units.
func (w *World) indexUnits() {
	for _, u := range w.Units {
		w.byCode[u.Code] = append(w.byCode[u.Code], u)
		ci := w.comparable[u.ComparableCode]
		if ci == nil {
			ci = &Comparable{Status: store.StatusRevoked}
			w.comparable[u.ComparableCode] = ci
		}
		active := u.Status == store.StatusActive
		switch {
		case active && ci.Status != store.StatusActive:
			// The first active pilot decides the batch from now on.
			ci.Status, ci.Batch = store.StatusActive, u.BatchNumber
		case active == (ci.Status == store.StatusActive) && (ci.Batch == 0 || u.BatchNumber < ci.Batch):
			ci.Batch = u.BatchNumber
		}
		if active && !slices.Contains(ci.PilotCodes, u.Code) {
			ci.PilotCodes = append(ci.PilotCodes, u.Code)
		}
	}
	for _, ci := range w.comparable {
		slices.Sort(ci.PilotCodes)
	}
}

// ActivePilots returns the active pilot units as coverage sees them, in
// store order.
func (w *World) ActivePilots() []coverage.Pilot {
	var out []coverage.Pilot
	for _, u := range w.Units {
		if u.Status == store.StatusActive {
			out = append(out, coverage.Pilot{Code: u.Code, ComparableCode: u.ComparableCode, ProvinceCode: u.ProvinceCode})
		}
	}
	return out
}

// BoundaryCredit is the boundaries' credit for a map's source line: ""
// for the embedded default (the maps name it already), else the boundary
// file's attribution and source with its license.
func (w *World) BoundaryCredit() string {
	p := w.Provenance
	if dataset.IsEmbedded(p) || (p.Source == "" && p.Attribution == "") {
		return ""
	}
	credit := p.Source
	if p.Attribution != "" && p.Attribution != p.Source {
		credit = strings.TrimSuffix(p.Attribution+", "+p.Source, ", ")
	}
	if p.License != "" {
		credit += " (" + p.License + ")"
	}
	return credit
}

// PilotProvinces returns the codes of the full-promotion pilot provinces.
func (w *World) PilotProvinces() []string { return slices.Clone(w.pilotProvinces) }

// IsPilotProvince reports whether a province is a full-promotion pilot
// province.
func (w *World) IsPilotProvince(code string) bool { return w.isPilotProv[code] }

// ProvinceStats returns a mainland province's coverage figures.
func (w *World) ProvinceStats(code string) (coverage.Province, bool) {
	p, ok := w.provinceStats[code]
	return p, ok
}

// PilotUnitsOf returns the pilot units stored under a division code (one
// per batch that lists it), in store order.
func (w *World) PilotUnitsOf(code string) []store.PilotUnit { return w.byCode[code] }

// Comparable returns what a comparable unit holds of the pilot units; nil
// when it holds none (Comparable.Pilot is false for nil).
func (w *World) Comparable(code string) *Comparable { return w.comparable[code] }

// FilterUnits returns the pilot units that f selects, in store order, as
// store.Store.PilotUnits would.
func (w *World) FilterUnits(f store.UnitFilter) []store.PilotUnit {
	q := asciiLower(f.Query)
	var out []store.PilotUnit
	for _, u := range w.Units {
		switch {
		case f.ProvinceCode != "" && u.ProvinceCode != f.ProvinceCode,
			f.BatchNumber != 0 && u.BatchNumber != f.BatchNumber,
			f.ProgramID != 0 && u.ProgramID != f.ProgramID,
			f.Status != "" && u.Status != f.Status:
			continue
		}
		if q != "" && !strings.Contains(asciiLower(u.Name), q) && !strings.Contains(asciiLower(u.Written), q) && !strings.Contains(asciiLower(u.Code), q) {
			continue
		}
		out = append(out, u)
	}
	return out
}

// asciiLower lowers ASCII letters only, as SQLite's LIKE compares.
func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	}, s)
}

// provinceSet is the set of the codes.
func provinceSet(codes []string) map[string]bool {
	set := make(map[string]bool, len(codes))
	for _, c := range codes {
		set[c] = true
	}
	return set
}
