// Package gaps finds where a pilot program does not reach: the adjacency
// graph of the comparable units, each uncovered unit's distance to the
// nearest pilot, the connected clusters of uncovered units (national and per
// province), the provinces without any pilot, the full-promotion provinces'
// uncovered share and the regions' coverage with an inequality figure.
//
// It is pure: values in, values out. The geometry (adjacency graph and the
// distance index) depends only on the boundaries, so it is built once by
// NewIndex and reused by Analyze for every set of pilots.
//
// # Adjacency
//
// Two units are neighbours when they share a border of at least
// Options.MinSharedKM. The shared length of A with B is the length of A's
// boundary that lies within Options.ToleranceDeg of B's boundary or inside B;
// the edge weight is the larger of the two directions. The tolerance absorbs
// the mismatches of simplified data (neighbours one grid step apart,
// borders of different provinces drawn from different files); counting the
// boundary inside B makes overlapping units (the 兵团 cities and the
// prefectures around them) neighbours. Two units that touch at a point share
// about 2·ToleranceDeg of boundary (≤ 2.2 km with the defaults), under
// MinSharedKM, so they are not neighbours. The boundary is cut into pieces no
// longer than the tolerance; each piece's midpoint is looked up in a grid of
// boundary segments, so the work is linear in the length of the boundaries,
// not quadratic in their segments.
//
// # Distance
//
// The distance between two units is the great-circle distance between their
// boundaries: 0 when they touch, overlap or one contains the other. The
// search runs on the unit sphere in 3D (points as unit vectors, segments as
// chords, exact segment–segment distances, chains of consecutive segments
// bounded by spheres to prune pairs); the reported figure is the haversine
// distance (orb/geo) between the two closest points. Chords sag under the arc
// by less than 10 m for the data's segment lengths, so the result is exact
// to well under 1%. An uncovered unit that is a neighbour of a pilot has
// distance 0 and that pilot (the one with the longest shared border) as its
// nearest pilot; a distance under Options.TouchKM is reported as 0 (the
// boundaries touch within the data's precision).
//
// # Units without polygon
//
// A comparable unit without polygon (the newest 兵团 cities) is listed among
// the uncovered units with has_polygon false, distance_km null, no nearest
// pilot and cluster 0: nothing can be said about where it lies.
package gaps

import (
	"errors"
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// Options are the geometric tolerances of the analysis.
type Options struct {
	// ToleranceDeg is how close (in degrees, longitude and latitude taken
	// as plane coordinates) a boundary must come to another to count as the
	// same line. The default 0.01° is ten steps of the data's 1/1024° grid,
	// about 1.1 km north–south: enough for the borders of neighbouring
	// provinces, which come from different files, and still under the width
	// of the rivers between urban districts.
	ToleranceDeg float64
	// MinSharedKM is the shared boundary length from which two units are
	// neighbours. It must exceed the ≈2·ToleranceDeg (2.2 km with the
	// default tolerance) a point contact yields; the default is 3 km.
	MinSharedKM float64
	// TouchKM is the distance under which two boundaries count as touching
	// (distance 0), about the tolerance. The default is 1 km.
	TouchKM float64
}

// DefaultOptions returns the tolerances used for the national data.
func DefaultOptions() Options {
	return Options{ToleranceDeg: 0.01, MinSharedKM: 3, TouchKM: 1}
}

func (o Options) validate() error {
	bad := func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }
	switch {
	case bad(o.ToleranceDeg) || o.ToleranceDeg <= 0 || o.ToleranceDeg > 1:
		return fmt.Errorf("gaps: tolerance %v° must be in (0, 1]", o.ToleranceDeg)
	case bad(o.MinSharedKM) || o.MinSharedKM < 0:
		return fmt.Errorf("gaps: minimum shared border %v km must be ≥ 0", o.MinSharedKM)
	case bad(o.TouchKM) || o.TouchKM < 0:
		return fmt.Errorf("gaps: touch distance %v km must be ≥ 0", o.TouchKM)
	}
	return nil
}

// ErrNoGazetteer is returned by Analyze when the input has no gazetteer.
var ErrNoGazetteer = errors.New("gaps: no gazetteer")

// Report is the gap analysis: the JSON of GET /api/v1/gaps and of
// `pilotmap gaps --json`. Treat it as read-only or Clone it first.
type Report struct {
	// UncoveredUnits are the comparable units of the 31 mainland provinces
	// without any pilot, sorted by code.
	UncoveredUnits []UncoveredUnit `json:"uncovered_units"`
	// FarKM is the distance from which an uncovered unit counts as far
	// from every pilot (Input.FarKM).
	FarKM float64 `json:"far_km"`
	// Clusters are the connected groups, in the adjacency graph and across
	// provinces, of the uncovered units with polygons at least FarKM from
	// every pilot, ranked by area (id 1 is the largest). Together they hold
	// every such unit exactly once; with FarKM 0, every uncovered unit
	// with a polygon.
	Clusters []Cluster `json:"clusters"`
	// ProvinceClusters are the clusters within each province (adjacency
	// restricted to the province's own units), for the provinces that have
	// uncovered units, sorted by province code.
	ProvinceClusters []ProvinceGaps `json:"province_clusters"`
	// ProvincesWithoutUnits are the codes of the mainland provinces with no
	// pilot unit at all, sorted.
	ProvincesWithoutUnits []string `json:"provinces_without_units"`
	// PilotProvinces are the full-promotion pilot provinces with their
	// coverage, sorted by code.
	PilotProvinces []PilotProvince `json:"pilot_provinces"`
	// Regions are the four NBS regions' coverage, in their usual order.
	Regions []RegionGaps `json:"regions"`
	// Inequality sums up how unevenly the program reaches.
	Inequality Inequality `json:"inequality"`
}

// UncoveredUnit is a comparable unit without any pilot.
type UncoveredUnit struct {
	Code         string `json:"code"`
	Name         string `json:"name"`
	NameEN       string `json:"name_en"`
	ProvinceCode string `json:"province_code"`
	// DistanceKM is the distance from its boundary to the nearest pilot
	// unit's boundary (0 for a neighbour of a pilot); null when the unit has
	// no polygon or there is no pilot with a polygon.
	DistanceKM *float64 `json:"distance_km"`
	// NearestPilotCode is the comparable unit of the nearest pilot; "" when
	// DistanceKM is null.
	NearestPilotCode string `json:"nearest_pilot_code"`
	// NearestPilotName and NearestPilotNameEN name that comparable unit;
	// "" when DistanceKM is null.
	NearestPilotName   string `json:"nearest_pilot_name"`
	NearestPilotNameEN string `json:"nearest_pilot_name_en"`
	// Cluster is the id of its national cluster; 0 when it has no polygon
	// or lies within Report.FarKM of a pilot.
	Cluster int `json:"cluster"`
	// ProvinceCluster is the id of its cluster within its province; 0 when
	// it has no polygon.
	ProvinceCluster int `json:"province_cluster"`
	// PilotProvince is true when its province is a full-promotion pilot
	// province.
	PilotProvince bool `json:"pilot_province"`
	// HasPolygon is false for the units the boundaries lack.
	HasPolygon bool    `json:"has_polygon"`
	AreaKM2    float64 `json:"area_km2"`
}

// Cluster is a connected group of uncovered units.
type Cluster struct {
	// ID is the rank by area: 1 is the largest.
	ID int `json:"id"`
	// Name and NameEN are the names of its largest unit.
	Name   string `json:"name"`
	NameEN string `json:"name_en"`
	// Units are the codes of its units, sorted.
	Units []string `json:"units"`
	// ProvinceCodes are the provinces it reaches into, sorted.
	ProvinceCodes []string `json:"province_codes"`
	// AreaKM2 is the sum of its units' areas (overlapping units, such as
	// the 兵团 cities, count in full).
	AreaKM2 float64 `json:"area_km2"`
	// MaxDistanceKM is the largest distance_km of its units.
	MaxDistanceKM float64 `json:"max_distance_km"`
	// Label is a point (lon, lat) inside its largest unit, for its number
	// on the map.
	Label orb.Point `json:"label"`
}

// ProvinceGaps are one province's uncovered units grouped into clusters.
type ProvinceGaps struct {
	ProvinceCode  string `json:"province_code"`
	Name          string `json:"name"`
	NameEN        string `json:"name_en"`
	PilotProvince bool   `json:"pilot_province"`
	// Uncovered counts its uncovered comparable units (with or without
	// polygon).
	Uncovered int `json:"uncovered"`
	// Clusters are ranked by area; their ids are ranks within the province.
	Clusters []ProvinceCluster `json:"clusters"`
}

// ProvinceCluster is a connected group of uncovered units of one province.
type ProvinceCluster struct {
	// ID is the rank by area within the province: 1 is the largest.
	ID int `json:"id"`
	// Cluster is the national cluster that holds it.
	Cluster       int       `json:"cluster"`
	Name          string    `json:"name"`
	NameEN        string    `json:"name_en"`
	Units         []string  `json:"units"`
	AreaKM2       float64   `json:"area_km2"`
	MaxDistanceKM float64   `json:"max_distance_km"`
	Label         orb.Point `json:"label"`
}

// PilotProvince is a full-promotion pilot province's coverage.
type PilotProvince struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	NameEN     string `json:"name_en"`
	Covered    int    `json:"covered"`
	Comparable int    `json:"comparable"`
	// UncoveredShare is (comparable − covered) / comparable, 0..1.
	UncoveredShare float64 `json:"uncovered_share"`
	// UncoveredAreaShare is the uncovered units' share of its area, 0..1.
	UncoveredAreaShare float64 `json:"uncovered_area_share"`
}

// RegionGaps is one NBS region's coverage.
type RegionGaps struct {
	Key       string   `json:"key"`
	Name      string   `json:"name"`
	NameEN    string   `json:"name_en"`
	Provinces []string `json:"provinces"`
	// ProvincesWithoutUnits counts its provinces with no pilot unit.
	ProvincesWithoutUnits int `json:"provinces_without_units"`
	Covered               int `json:"covered"`
	Comparable            int `json:"comparable"`
	Uncovered             int `json:"uncovered"`
	// Coverage is covered / comparable, 0..1.
	Coverage         float64 `json:"coverage"`
	AreaKM2          float64 `json:"area_km2"`
	UncoveredAreaKM2 float64 `json:"uncovered_area_km2"`
	// MaxDistanceKM is the largest distance_km of its uncovered units.
	MaxDistanceKM float64 `json:"max_distance_km"`
}

// Inequality are two figures a planner can quote about how unevenly the
// program reaches.
type Inequality struct {
	// BestRegion and WorstRegion are the keys of the regions with the
	// highest and lowest coverage (regions without comparable units are
	// left out).
	BestRegion    string  `json:"best_region"`
	BestCoverage  float64 `json:"best_coverage"`
	WorstRegion   string  `json:"worst_region"`
	WorstCoverage float64 `json:"worst_coverage"`
	// RegionSpread is BestCoverage − WorstCoverage as a share (0.2 = 20
	// percentage points).
	RegionSpread float64 `json:"region_spread"`
	// ProvinceGini is the Gini coefficient of the mainland provinces'
	// coverage shares, each province counting once: 0 when every province
	// has the same coverage, (n−1)/n when one province holds all of it.
	ProvinceGini float64 `json:"province_gini"`
	// Provinces is the number of provinces the Gini is taken over.
	Provinces int `json:"provinces"`
	// Summary says the same in one sentence.
	Summary string `json:"summary"`
}

// Clone returns a deep copy of the report.
func (r Report) Clone() Report {
	out := r
	out.UncoveredUnits = make([]UncoveredUnit, len(r.UncoveredUnits))
	for i, u := range r.UncoveredUnits {
		if u.DistanceKM != nil {
			d := *u.DistanceKM
			u.DistanceKM = &d
		}
		out.UncoveredUnits[i] = u
	}
	out.Clusters = make([]Cluster, len(r.Clusters))
	for i, c := range r.Clusters {
		c.Units = clone(c.Units)
		c.ProvinceCodes = clone(c.ProvinceCodes)
		out.Clusters[i] = c
	}
	out.ProvinceClusters = make([]ProvinceGaps, len(r.ProvinceClusters))
	for i, p := range r.ProvinceClusters {
		cs := make([]ProvinceCluster, len(p.Clusters))
		for j, c := range p.Clusters {
			c.Units = clone(c.Units)
			cs[j] = c
		}
		p.Clusters = cs
		out.ProvinceClusters[i] = p
	}
	out.ProvincesWithoutUnits = clone(r.ProvincesWithoutUnits)
	out.PilotProvinces = clone(r.PilotProvinces)
	out.Regions = make([]RegionGaps, len(r.Regions))
	for i, g := range r.Regions {
		g.Provinces = clone(g.Provinces)
		out.Regions[i] = g
	}
	return out
}

// clone copies a slice, keeping it non-nil so that JSON shows [] not null.
func clone[T any](s []T) []T { return append(make([]T, 0, len(s)), s...) }
