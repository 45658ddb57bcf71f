package geobuild

import (
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

// settle runs the server's snapping over the derived layers and repairs
// what it leaves, until snapping moves, inserts and drops nothing
// (layer.Settle): the server then serves, before simplifying, exactly the
// polygons the generator made valid.
func settle(res *Result) error {
	rounds, err := layer.Settle(res.Provinces, res.Units, res.Nanhai, func(l string, f boundary.Feature) orb.MultiPolygon {
		if l == layer.Provinces {
			return makeValid(f.Geometry, &res.RepairedProvinces)
		}
		return makeValid(f.Geometry, &res.RepairedUnits)
	}, maxSettle)
	if err != nil {
		return err
	}
	res.SettleRounds = rounds
	return nil
}
