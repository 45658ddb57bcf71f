package gaps

import (
	"fmt"
	"math"
	"runtime"
	"sort"
	"sync"

	"pilotmap/internal/coverage"
	"pilotmap/internal/gazetteer"
)

// Input is what Analyze needs besides the geometry: the divisions and the
// active pilots, as coverage takes them.
type Input struct {
	Gazetteer      *gazetteer.Gazetteer
	Pilots         []coverage.Pilot // active pilot units
	PilotProvinces []string         // codes of the full-promotion pilot provinces
	// FarKM is the distance to the nearest pilot from which an uncovered
	// unit belongs to a national cluster (NationalFarKM for the served
	// report); 0 puts every uncovered unit with a polygon in one.
	FarKM float64
}

// NationalFarKM is the FarKM of the served gap report: a national cluster
// is a connected group of uncovered units each at least 50 km (boundary to
// boundary) from every pilot unit. Nearer units are a pilot's surroundings,
// named by their nearest pilot; measured on the default data, 244 of the
// 340 uncovered units with polygon border a pilot and 38 lie 50 km or more
// from one.
const NationalFarKM = 50.0

// Analyze computes the gap report of the pilots over the index's units.
// A comparable unit is covered when a pilot counts under it (coverage.Covered);
// the comparable units are the gazetteer's, in the 31 mainland provinces.
func (x *Index) Analyze(in Input) (Report, error) {
	if in.Gazetteer == nil {
		return Report{}, ErrNoGazetteer
	}
	st := coverage.Compute(coverage.Input{Gazetteer: in.Gazetteer, Units: x.units, Pilots: in.Pilots, PilotProvinces: in.PilotProvinces})
	covered := coverage.Covered(in.Pilots)
	n := len(x.units.Features)
	isPilot := make([]bool, n)
	var pilots []int
	for code := range covered {
		if i, ok := x.byCode[code]; ok && !x.shapes[i].empty() {
			isPilot[i] = true
			pilots = append(pilots, i)
		}
	}
	sort.Ints(pilots)

	rep := Report{
		UncoveredUnits: []UncoveredUnit{}, Clusters: []Cluster{}, ProvinceClusters: []ProvinceGaps{},
		ProvincesWithoutUnits: []string{}, PilotProvinces: []PilotProvince{}, Regions: []RegionGaps{},
	}
	pos := make([]int, n) // feature → position in rep.UncoveredUnits, -1 when covered or not a mainland comparable unit
	for i := range pos {
		pos[i] = -1
	}
	var uncovered []int // features of uncovered units with polygon
	perProvince := map[string]int{}
	for _, p := range st.Provinces {
		for _, d := range in.Gazetteer.ComparableUnits(p.Code) {
			if covered[d.Code] {
				continue
			}
			perProvince[p.Code]++
			u := UncoveredUnit{Code: d.Code, Name: d.Name, NameEN: d.NameEN, ProvinceCode: p.Code, PilotProvince: p.PilotProvince}
			if i, ok := x.byCode[d.Code]; ok && !x.shapes[i].empty() {
				u.HasPolygon = true
				u.AreaKM2 = round(x.units.Features[i].AreaKM2, 1)
				pos[i] = len(rep.UncoveredUnits)
				uncovered = append(uncovered, i)
			}
			rep.UncoveredUnits = append(rep.UncoveredUnits, u)
		}
	}

	x.distances(uncovered, pilots, isPilot, func(i, pilot int, km float64) {
		u := &rep.UncoveredUnits[pos[i]]
		d := round(km, 2)
		u.DistanceKM, u.NearestPilotCode = &d, x.units.Features[pilot].Code
		if p, ok := in.Gazetteer.Division(u.NearestPilotCode); ok {
			u.NearestPilotName, u.NearestPilotNameEN = p.Name, p.NameEN
		}
	})

	// National clusters of the units far from every pilot, then the
	// clusters within each province of all uncovered units.
	rep.FarKM = in.FarKM
	isFar := func(i int) bool {
		d := rep.UncoveredUnits[pos[i]].DistanceKM
		return d == nil || *d >= in.FarKM
	}
	var far []int
	for _, i := range uncovered {
		if isFar(i) {
			far = append(far, i)
		}
	}
	for _, members := range x.components(far, pos, func(_, b int) bool { return isFar(b) }) {
		rep.Clusters = append(rep.Clusters, x.cluster(members, rep.UncoveredUnits, pos))
	}
	rank(rep.Clusters, func(c *Cluster) (float64, string) { return c.AreaKM2, c.Units[0] }, func(c *Cluster, id int) {
		c.ID = id
		for _, code := range c.Units {
			rep.UncoveredUnits[pos[x.byCode[code]]].Cluster = id
		}
	})
	sameProvince := func(a, b int) bool {
		return rep.UncoveredUnits[pos[a]].ProvinceCode == rep.UncoveredUnits[pos[b]].ProvinceCode
	}
	byProvince := map[string][]ProvinceCluster{}
	for _, members := range x.components(uncovered, pos, sameProvince) {
		c := x.cluster(members, rep.UncoveredUnits, pos)
		pc := ProvinceCluster{Cluster: rep.UncoveredUnits[pos[members[0]]].Cluster, Name: c.Name, NameEN: c.NameEN, Units: c.Units, AreaKM2: c.AreaKM2, MaxDistanceKM: c.MaxDistanceKM, Label: c.Label}
		prov := c.ProvinceCodes[0]
		byProvince[prov] = append(byProvince[prov], pc)
	}

	maxDist := map[string]float64{} // region → largest distance
	for _, u := range rep.UncoveredUnits {
		if u.DistanceKM != nil {
			r := coverage.RegionOf(u.ProvinceCode)
			maxDist[r] = max(maxDist[r], *u.DistanceKM)
		}
	}
	var shares []float64
	for _, p := range st.Provinces {
		if p.Units == 0 {
			rep.ProvincesWithoutUnits = append(rep.ProvincesWithoutUnits, p.Code)
		}
		if p.PilotProvince {
			rep.PilotProvinces = append(rep.PilotProvinces, PilotProvince{
				Code: p.Code, Name: p.Name, NameEN: p.NameEN, Covered: p.CoveredUnits, Comparable: p.ComparableUnits,
				UncoveredShare:     share(float64(p.ComparableUnits-p.CoveredUnits), float64(p.ComparableUnits)),
				UncoveredAreaShare: share(p.AreaKM2-p.CoveredAreaKM2, p.AreaKM2),
			})
		}
		if p.ComparableUnits > 0 {
			shares = append(shares, p.Coverage)
		}
		if perProvince[p.Code] > 0 {
			cs := byProvince[p.Code]
			rank(cs, func(c *ProvinceCluster) (float64, string) { return c.AreaKM2, c.Units[0] }, func(c *ProvinceCluster, id int) {
				c.ID = id
				for _, code := range c.Units {
					rep.UncoveredUnits[pos[x.byCode[code]]].ProvinceCluster = id
				}
			})
			if cs == nil {
				cs = []ProvinceCluster{}
			}
			rep.ProvinceClusters = append(rep.ProvinceClusters, ProvinceGaps{ProvinceCode: p.Code, Name: p.Name, NameEN: p.NameEN, PilotProvince: p.PilotProvince, Uncovered: perProvince[p.Code], Clusters: cs})
		}
	}
	for _, r := range st.Regions {
		rep.Regions = append(rep.Regions, RegionGaps{
			Key: r.Key, Name: r.Name, NameEN: r.NameEN, Provinces: clone(r.Provinces),
			ProvincesWithoutUnits: len(r.Provinces) - r.ProvincesWithUnits,
			Covered:               r.CoveredUnits, Comparable: r.ComparableUnits, Uncovered: r.ComparableUnits - r.CoveredUnits,
			Coverage: r.Coverage, AreaKM2: round(r.AreaKM2, 1), UncoveredAreaKM2: round(r.AreaKM2-r.CoveredAreaKM2, 1),
			MaxDistanceKM: maxDist[r.Key],
		})
	}
	rep.Inequality = inequality(rep.Regions, shares)
	return rep, nil
}

// distances finds, in parallel, the nearest pilot of each unit and calls
// found (serially) with the unit, the pilot and the distance in km. Units
// for which no pilot is found (there is none) are skipped.
func (x *Index) distances(units, pilots []int, isPilot []bool, found func(unit, pilot int, km float64)) {
	type result struct {
		pilot int
		km    float64
	}
	res := make([]result, len(units))
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := w; k < len(units); k += workers {
				p, km := x.nearest(units[k], pilots, isPilot)
				res[k] = result{p, km}
			}
		}()
	}
	wg.Wait()
	for k, r := range res {
		if r.pilot >= 0 {
			found(units[k], r.pilot, r.km)
		}
	}
}

// nearest returns the pilot nearest to unit i and the distance in km: a
// neighbouring pilot (the longest shared border) at 0, else the pilot with
// the closest boundary; -1 when there is no pilot.
func (x *Index) nearest(i int, pilots []int, isPilot []bool) (int, float64) {
	best, shared := -1, 0.0
	for _, l := range x.adj[i] {
		if isPilot[l.to] && l.sharedKM > shared {
			best, shared = l.to, l.sharedKM
		}
	}
	if best >= 0 {
		return best, 0
	}
	s := &x.shapes[i]
	type cand struct {
		p  int
		lb float64
	}
	cands := make([]cand, len(pilots))
	for k, p := range pilots {
		t := &x.shapes[p]
		cands[k] = cand{p, max(0, s.c.dist(t.c)-s.r-t.r)}
	}
	sort.Slice(cands, func(a, b int) bool {
		if cands[a].lb != cands[b].lb {
			return cands[a].lb < cands[b].lb
		}
		return cands[a].p < cands[b].p
	})
	bestC := closest{chord: math.Inf(1)}
	for _, c := range cands {
		if c.lb >= bestC.chord {
			break
		}
		if d, ok := shapeDistance(s, &x.shapes[c.p], bestC.chord); ok {
			best, bestC = c.p, d
		}
	}
	if best < 0 {
		return -1, 0
	}
	km := bestC.km()
	if km < x.opt.TouchKM {
		km = 0
	}
	return best, km
}

// components returns the connected components of the units in the
// adjacency graph, following only edges between units both in the list
// (pos ≥ 0) for which join holds.
func (x *Index) components(units, pos []int, join func(a, b int) bool) [][]int {
	parent := map[int]int{}
	for _, u := range units {
		parent[u] = u
	}
	var find func(int) int
	find = func(u int) int {
		for parent[u] != u {
			parent[u] = parent[parent[u]]
			u = parent[u]
		}
		return u
	}
	for _, a := range units {
		for _, l := range x.adj[a] {
			if b := l.to; pos[b] >= 0 && join(a, b) {
				if ra, rb := find(a), find(b); ra != rb {
					parent[max(ra, rb)] = min(ra, rb)
				}
			}
		}
	}
	groups := map[int][]int{}
	var roots []int
	for _, u := range units { // units are sorted by code, features too
		r := find(u)
		if groups[r] == nil {
			roots = append(roots, r)
		}
		groups[r] = append(groups[r], u)
	}
	out := make([][]int, len(roots))
	for k, r := range roots {
		out[k] = groups[r]
	}
	return out
}

// cluster describes a group of uncovered units (features, sorted by code).
func (x *Index) cluster(members []int, units []UncoveredUnit, pos []int) Cluster {
	c := Cluster{Units: make([]string, 0, len(members)), ProvinceCodes: []string{}}
	largest, area := -1, 0.0
	seen := map[string]bool{}
	for _, m := range members {
		f := x.units.Features[m]
		u := units[pos[m]]
		c.Units = append(c.Units, f.Code)
		if !seen[u.ProvinceCode] {
			seen[u.ProvinceCode] = true
			c.ProvinceCodes = append(c.ProvinceCodes, u.ProvinceCode)
		}
		area += f.AreaKM2
		if largest < 0 || f.AreaKM2 > x.units.Features[largest].AreaKM2 {
			largest = m
		}
		if u.DistanceKM != nil {
			c.MaxDistanceKM = max(c.MaxDistanceKM, *u.DistanceKM)
		}
	}
	sort.Strings(c.ProvinceCodes)
	c.AreaKM2 = round(area, 1)
	c.Name, c.NameEN, c.Label = units[pos[largest]].Name, units[pos[largest]].NameEN, x.units.Features[largest].Label
	return c
}

// rank sorts by area (largest first, then by first unit code) and numbers
// from 1.
func rank[T any](s []T, key func(*T) (float64, string), number func(*T, int)) {
	sort.Slice(s, func(i, j int) bool {
		ai, ci := key(&s[i])
		aj, cj := key(&s[j])
		if ai != aj {
			return ai > aj
		}
		return ci < cj
	})
	for i := range s {
		number(&s[i], i+1)
	}
}

// inequality compares the regions' coverage and takes the Gini coefficient
// of the provinces' coverage shares.
func inequality(regions []RegionGaps, shares []float64) Inequality {
	var q Inequality
	first := true
	for _, r := range regions {
		if r.Comparable == 0 {
			continue
		}
		if first || r.Coverage > q.BestCoverage {
			q.BestRegion, q.BestCoverage = r.Key, r.Coverage
		}
		if first || r.Coverage < q.WorstCoverage {
			q.WorstRegion, q.WorstCoverage = r.Key, r.Coverage
		}
		first = false
	}
	q.RegionSpread = q.BestCoverage - q.WorstCoverage
	q.ProvinceGini = Gini(shares)
	q.Provinces = len(shares)
	name := map[string]string{}
	for _, r := range regions {
		name[r.Key] = r.NameEN
	}
	if !first {
		q.Summary = fmt.Sprintf("Coverage ranges from %.1f%% of comparable units in the %s region to %.1f%% in the %s region, a spread of %.1f percentage points; the Gini coefficient of the %d provinces' coverage is %.2f (0 = even, 1 = concentrated).",
			100*q.WorstCoverage, name[q.WorstRegion], 100*q.BestCoverage, name[q.BestRegion], 100*q.RegionSpread, q.Provinces, q.ProvinceGini)
	}
	return q
}

// Gini returns the Gini coefficient of non-negative values: the mean
// absolute difference between all pairs divided by twice the mean, so 0
// when all are equal and (n−1)/n when one value holds everything. It is 0
// for no values or when all are 0.
func Gini(values []float64) float64 {
	n := len(values)
	if n == 0 {
		return 0
	}
	v := append([]float64(nil), values...)
	sort.Float64s(v)
	var sum, weighted float64
	for i, x := range v {
		sum += x
		weighted += float64(i+1) * x
	}
	if sum == 0 {
		return 0
	}
	return 2*weighted/(float64(n)*sum) - float64(n+1)/float64(n)
}

func share(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func round(v float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(v*p) / p
}
