package geobuild

import (
	"fmt"
	"slices"

	"github.com/paulmach/orb"

	"pilotmap/internal/boundary"
	"pilotmap/internal/layer"
	"pilotmap/internal/polyrepair"
)

// RepairStats counts what making the polygons valid changed, over a layer.
type RepairStats struct {
	Features int // features changed
	Inserted int // vertices inserted where edges crossed or touched
	Dropped  int // rings dropped (spikes, parts inside another part, inverted lobes)
}

// makeValid repairs a feature's polygons on the grid of the derived files
// (see polyrepair) and counts what changed.
func makeValid(mp orb.MultiPolygon, st *RepairStats) orb.MultiPolygon {
	out, s := polyrepair.Repair(mp, coordScale)
	if s.Inserted > 0 || s.Dropped > 0 {
		st.Features++
		st.Inserted += s.Inserted
		st.Dropped += s.Dropped
	}
	return out
}

// maxSettle bounds the rounds of settle.
const maxSettle = 8

// settle runs the server's snapping (layer.NewTopology) over the derived
// layers and repairs what it leaves, until snapping moves, inserts and
// drops nothing: the server then serves, before simplifying, exactly the
// polygons the generator made valid. Snapping closes the source's gaps and
// overlaps of a grid step or so between neighbours, which can make a ring
// cross itself where the neighbours' borders zigzag.
func settle(res *Result) error {
	for round := 1; ; round++ {
		set := &boundary.Set{}
		var err error
		if set.Provinces, err = boundary.NewLayer(layer.Provinces, slices.Clone(res.Provinces)); err != nil {
			return err
		}
		if set.Units, err = boundary.NewLayer(layer.Units, slices.Clone(res.Units)); err != nil {
			return err
		}
		if set.Nanhai, err = boundary.NewLayer(layer.Nanhai, slices.Clone(res.Nanhai)); err != nil {
			return err
		}
		topo, err := layer.NewTopology(set)
		if err != nil {
			return fmt.Errorf("settle: %w", err)
		}
		st := topo.Stats()
		if st.Snapped == 0 && st.Inserted == 0 && st.DroppedRings == 0 {
			res.SettleRounds = round - 1
			return nil
		}
		if round > maxSettle {
			return fmt.Errorf("settle: snapping still moves %d, inserts %d and drops %d after %d rounds", st.Snapped, st.Inserted, st.DroppedRings, maxSettle)
		}
		exact, err := topo.Exact()
		if err != nil {
			return fmt.Errorf("settle: %w", err)
		}
		for _, l := range []struct {
			feats []Feature
			from  *boundary.Layer
			st    *RepairStats
		}{{res.Provinces, exact.Provinces, &res.RepairedProvinces}, {res.Units, exact.Units, &res.RepairedUnits}, {res.Nanhai, exact.Nanhai, &res.RepairedUnits}} {
			for i := range l.feats {
				f, ok := l.from.Feature(l.feats[i].Code)
				if !ok {
					return fmt.Errorf("settle: %s lost while snapping", l.feats[i].Code)
				}
				l.feats[i].Geometry = makeValid(f.Geometry, l.st)
			}
		}
	}
}
