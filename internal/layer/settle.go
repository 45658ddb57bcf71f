package layer

import (
	"fmt"
	"slices"

	"github.com/paulmach/orb"

	"pilotmap/internal/boundary"
)

// Settle runs the server's snapping (NewTopology) over the three layers'
// features and replaces each feature's geometry by fix of its snapped
// exact geometry, until snapping moves, inserts and drops nothing: the
// server then serves, before simplifying, exactly the polygons fix made
// (valid, with polyrepair). Snapping closes gaps and overlaps of a grid
// step or so between neighbours, which can make a ring cross itself where
// the neighbours' borders zigzag, hence the rounds. It returns how many
// rounds changed something; more than maxRounds is an error.
func Settle(provinces, units, nanhai []boundary.Feature, fix func(layer string, f boundary.Feature) orb.MultiPolygon, maxRounds int) (int, error) {
	for round := 1; ; round++ {
		set := &boundary.Set{}
		var err error
		if set.Provinces, err = boundary.NewLayer(Provinces, slices.Clone(provinces)); err != nil {
			return 0, err
		}
		if set.Units, err = boundary.NewLayer(Units, slices.Clone(units)); err != nil {
			return 0, err
		}
		if set.Nanhai, err = boundary.NewLayer(Nanhai, slices.Clone(nanhai)); err != nil {
			return 0, err
		}
		topo, err := NewTopology(set)
		if err != nil {
			return 0, fmt.Errorf("settle: %w", err)
		}
		st := topo.Stats()
		if st.Snapped == 0 && st.Inserted == 0 && st.DroppedRings == 0 {
			return round - 1, nil
		}
		if round > maxRounds {
			return 0, fmt.Errorf("settle: snapping still moves %d, inserts %d and drops %d after %d rounds", st.Snapped, st.Inserted, st.DroppedRings, maxRounds)
		}
		exact, err := topo.Exact()
		if err != nil {
			return 0, fmt.Errorf("settle: %w", err)
		}
		for _, l := range []struct {
			name  string
			feats []boundary.Feature
			from  *boundary.Layer
		}{{Provinces, provinces, exact.Provinces}, {Units, units, exact.Units}, {Nanhai, nanhai, exact.Nanhai}} {
			for i := range l.feats {
				f, ok := l.from.Feature(l.feats[i].Code)
				if !ok {
					return 0, fmt.Errorf("settle: %s lost while snapping", l.feats[i].Code)
				}
				l.feats[i].Geometry = fix(l.name, f)
			}
		}
	}
}
