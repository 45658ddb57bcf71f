package server

import (
	"context"
	"fmt"
	"slices"

	"pilotmap/internal/coverage"
	"pilotmap/internal/gazetteer"
	"pilotmap/internal/store"
)

// snapshot is what the handlers derive from one data version: the
// statistics and the pilot units indexed the ways the API reads them. It is
// built once per version and read-only afterwards.
type snapshot struct {
	version        string
	stats          coverage.Stats
	provinceStats  map[string]coverage.Province // mainland province code → figures
	pilotProvinces map[string]bool              // full-promotion pilot provinces
	units          []store.PilotUnit            // every pilot unit, any status
	byCode         map[string][]store.PilotUnit // division code → its pilot units
	comparable     map[string]*comparableInfo   // comparable unit code → its pilots
	programs       []store.Program
	batches        []store.Batch
}

// comparableInfo is what a comparable unit holds of the pilot units.
type comparableInfo struct {
	pilotCodes []string     // codes of the active pilot units counted under it
	batch      int          // lowest batch number of those (of any pilot when none is active)
	status     store.Status // active when it holds an active pilot, else revoked
}

// pilot reports whether the comparable unit holds an active pilot unit.
func (c *comparableInfo) pilot() bool { return c != nil && len(c.pilotCodes) > 0 }

// snapshot returns the snapshot of the current data version, building it
// when the version changed.
func (s *server) snapshot(ctx context.Context) (*snapshot, error) {
	v, err := s.versions.get(ctx)
	if err != nil {
		return nil, err
	}
	if sn := s.snap.Load(); sn != nil && sn.version == v {
		return sn, nil
	}
	s.snapMu.Lock()
	defer s.snapMu.Unlock()
	if sn := s.snap.Load(); sn != nil && sn.version == v {
		return sn, nil
	}
	// The version was read before the data: should an import land in
	// between, this snapshot holds newer data under the older version and
	// the next version read rebuilds it; never the other way round.
	sn, err := s.buildSnapshot(ctx, v)
	if err != nil {
		return nil, err
	}
	s.snap.Store(sn)
	return sn, nil
}

func (s *server) buildSnapshot(ctx context.Context, version string) (*snapshot, error) {
	ds := s.data
	st, err := ds.Stats(ctx)
	if err != nil {
		return nil, err
	}
	pp, err := ds.PilotProvinces(ctx)
	if err != nil {
		return nil, err
	}
	units, err := ds.Store.PilotUnits(ctx, store.UnitFilter{})
	if err != nil {
		return nil, fmt.Errorf("pilot units: %w", err)
	}
	programs, err := ds.Store.Programs(ctx)
	if err != nil {
		return nil, fmt.Errorf("programs: %w", err)
	}
	batches, err := ds.Store.Batches(ctx)
	if err != nil {
		return nil, fmt.Errorf("batches: %w", err)
	}
	sn := &snapshot{
		version:        version,
		stats:          st,
		provinceStats:  map[string]coverage.Province{},
		pilotProvinces: map[string]bool{},
		units:          units,
		byCode:         map[string][]store.PilotUnit{},
		comparable:     map[string]*comparableInfo{},
		programs:       programs,
		batches:        batches,
	}
	for _, p := range st.Provinces {
		sn.provinceStats[p.Code] = p
	}
	for _, c := range pp {
		sn.pilotProvinces[c] = true
	}
	for _, u := range units {
		sn.byCode[u.Code] = append(sn.byCode[u.Code], u)
		ci := sn.comparable[u.ComparableCode]
		if ci == nil {
			ci = &comparableInfo{status: store.StatusRevoked}
			sn.comparable[u.ComparableCode] = ci
		}
		active := u.Status == store.StatusActive
		switch {
		case active && ci.status != store.StatusActive:
			// The first active pilot decides the batch from now on.
			ci.status, ci.batch = store.StatusActive, u.BatchNumber
		case active == (ci.status == store.StatusActive) && (ci.batch == 0 || u.BatchNumber < ci.batch):
			ci.batch = u.BatchNumber
		}
		if active && !slices.Contains(ci.pilotCodes, u.Code) {
			ci.pilotCodes = append(ci.pilotCodes, u.Code)
		}
	}
	for _, ci := range sn.comparable {
		slices.Sort(ci.pilotCodes)
	}
	return sn, nil
}

// provinceEntry is one element of /api/v1/provinces: the coverage figures
// of `pilotmap stats` (zero for 台湾, 香港, 澳门) with where to draw it.
type provinceEntry struct {
	coverage.Province
	InProgram bool       `json:"in_program"`
	Label     [2]float64 `json:"label"`
	BBox      [4]float64 `json:"bbox"`
}

// province returns a province's entry.
func (s *server) provinceEntry(sn *snapshot, d gazetteer.Division) provinceEntry {
	e := provinceEntry{InProgram: coverage.InProgram(d.Code)}
	if p, ok := sn.provinceStats[d.Code]; ok {
		e.Province = p
	}
	e.Code, e.Name, e.Region, e.PilotProvince = d.Code, d.Name, coverage.RegionOf(d.Code), sn.pilotProvinces[d.Code]
	if f, ok := s.data.Boundaries.Provinces.Feature(d.Code); ok {
		e.Label = [2]float64(f.Label)
		b := f.Geometry.Bound()
		e.BBox = [4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}
		if e.AreaKM2 == 0 {
			e.AreaKM2 = f.AreaKM2
		}
	}
	return e
}
