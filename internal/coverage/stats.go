// Package coverage computes how far a pilot program reaches: coverage
// statistics per province, region and nation, from the pilot units, the
// gazetteer's comparable units and the boundaries' areas. It is pure: values
// in, values out.
package coverage

import (
	"sort"

	"pilotmap/internal/boundary"
	"pilotmap/internal/gazetteer"
)

// Pilot is one active pilot unit as coverage sees it.
type Pilot struct {
	Code           string // the matched division
	ComparableCode string // the comparable unit it counts under
	ProvinceCode   string
}

// Input is what Compute needs.
type Input struct {
	Gazetteer      *gazetteer.Gazetteer
	Units          *boundary.Layer // comparable units' polygons, for areas
	Pilots         []Pilot         // active pilot units of the loaded programs
	PilotProvinces []string        // codes of the full-promotion pilot provinces
}

// National are the country's figures (mainland only).
type National struct {
	Units              int     `json:"units"`
	ProvincesWithUnits int     `json:"provinces_with_units"`
	PilotProvinces     int     `json:"pilot_provinces"`
	ComparableUnits    int     `json:"comparable_units"`
	CoveredUnits       int     `json:"covered_units"`
	Coverage           float64 `json:"coverage"`
	AreaKM2            float64 `json:"area_km2"`
	CoveredAreaKM2     float64 `json:"covered_area_km2"`
}

// Province are one mainland province's figures.
type Province struct {
	Code            string  `json:"code"`
	Name            string  `json:"name"`
	NameEN          string  `json:"name_en"`
	Region          string  `json:"region"`
	PilotProvince   bool    `json:"pilot_province"`
	Units           int     `json:"units"`
	ComparableUnits int     `json:"comparable_units"`
	CoveredUnits    int     `json:"covered_units"`
	Coverage        float64 `json:"coverage"`
	AreaKM2         float64 `json:"area_km2"`
	CoveredAreaKM2  float64 `json:"covered_area_km2"`
}

// RegionStats are one region's figures.
type RegionStats struct {
	Key                string   `json:"key"`
	Name               string   `json:"name"`
	NameEN             string   `json:"name_en"`
	Provinces          []string `json:"provinces"`
	ProvincesWithUnits int      `json:"provinces_with_units"`
	PilotProvinces     int      `json:"pilot_provinces"`
	Units              int      `json:"units"`
	ComparableUnits    int      `json:"comparable_units"`
	CoveredUnits       int      `json:"covered_units"`
	Coverage           float64  `json:"coverage"`
	AreaKM2            float64  `json:"area_km2"`
	CoveredAreaKM2     float64  `json:"covered_area_km2"`
}

// Stats are the coverage figures; the JSON shape of `pilotmap stats --json`.
type Stats struct {
	National  National      `json:"national"`
	Provinces []Province    `json:"provinces"`
	Regions   []RegionStats `json:"regions"`
}

// Covered returns the set of comparable unit codes that hold at least one pilot.
func Covered(pilots []Pilot) map[string]bool {
	out := make(map[string]bool, len(pilots))
	for _, p := range pilots {
		out[p.ComparableCode] = true
	}
	return out
}

// Compute derives the statistics. Units counts distinct pilot divisions;
// coverage is covered comparable units / comparable units; areas are
// spherical areas of the comparable units' polygons (a unit without polygon
// adds none).
func Compute(in Input) Stats {
	covered := Covered(in.Pilots)
	units := map[string]map[string]bool{} // province → pilot codes
	for _, p := range in.Pilots {
		if units[p.ProvinceCode] == nil {
			units[p.ProvinceCode] = map[string]bool{}
		}
		units[p.ProvinceCode][p.Code] = true
	}
	pilotProv := map[string]bool{}
	for _, c := range in.PilotProvinces {
		pilotProv[c] = true
	}
	var st Stats
	for _, d := range in.Gazetteer.Provinces() {
		if !InProgram(d.Code) {
			continue
		}
		p := Province{Code: d.Code, Name: d.Name, NameEN: d.NameEN, Region: RegionOf(d.Code), PilotProvince: pilotProv[d.Code], Units: len(units[d.Code])}
		for _, c := range in.Gazetteer.ComparableUnits(d.Code) {
			p.ComparableUnits++
			var area float64
			if in.Units != nil {
				if f, ok := in.Units.Feature(c.Code); ok {
					area = f.AreaKM2
				}
			}
			p.AreaKM2 += area
			if covered[c.Code] {
				p.CoveredUnits++
				p.CoveredAreaKM2 += area
			}
		}
		p.Coverage = ratio(p.CoveredUnits, p.ComparableUnits)
		st.Provinces = append(st.Provinces, p)
	}
	sort.Slice(st.Provinces, func(i, j int) bool { return st.Provinces[i].Code < st.Provinces[j].Code })
	byRegion := map[string]*RegionStats{}
	for _, r := range Regions() {
		st.Regions = append(st.Regions, RegionStats{Key: r.Key, Name: r.Name, NameEN: r.NameEN})
	}
	for i := range st.Regions {
		byRegion[st.Regions[i].Key] = &st.Regions[i]
	}
	n := &st.National
	for _, p := range st.Provinces {
		r := byRegion[p.Region]
		r.Provinces = append(r.Provinces, p.Code)
		for _, agg := range []struct {
			units, withUnits, pilot, comparable, covered *int
			area, coveredArea                            *float64
		}{
			{&n.Units, &n.ProvincesWithUnits, &n.PilotProvinces, &n.ComparableUnits, &n.CoveredUnits, &n.AreaKM2, &n.CoveredAreaKM2},
			{&r.Units, &r.ProvincesWithUnits, &r.PilotProvinces, &r.ComparableUnits, &r.CoveredUnits, &r.AreaKM2, &r.CoveredAreaKM2},
		} {
			*agg.units += p.Units
			if p.Units > 0 {
				*agg.withUnits++
			}
			if p.PilotProvince {
				*agg.pilot++
			}
			*agg.comparable += p.ComparableUnits
			*agg.covered += p.CoveredUnits
			*agg.area += p.AreaKM2
			*agg.coveredArea += p.CoveredAreaKM2
		}
	}
	n.Coverage = ratio(n.CoveredUnits, n.ComparableUnits)
	for i := range st.Regions {
		st.Regions[i].Coverage = ratio(st.Regions[i].CoveredUnits, st.Regions[i].ComparableUnits)
	}
	return st
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
