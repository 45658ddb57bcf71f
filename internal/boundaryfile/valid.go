package boundaryfile

import (
	"fmt"

	"github.com/paulmach/orb"

	"pilotmap/internal/boundary"
	"pilotmap/internal/layer"
	"pilotmap/internal/polyrepair"
)

// maxSettle bounds the rounds of settle.
const maxSettle = 8

// repair makes a feature's polygons valid on the compact grid (see
// polyrepair) and says what that changed ("" when nothing).
func repair(mp orb.MultiPolygon) (orb.MultiPolygon, string) {
	out, s := polyrepair.Repair(mp, boundary.CompactScale)
	if s.Inserted == 0 && s.Dropped == 0 {
		return out, ""
	}
	return out, fmt.Sprintf("%d vertices inserted where edges crossed or touched, %d rings dropped", s.Inserted, s.Dropped)
}

// settle snaps the layers as the server will (layer.Settle) and repairs
// what snapping leaves, as the generator does for the embedded layers:
// the server then serves, before simplifying, exactly the polygons found
// valid. notes collects what each repair changed, by code.
func settle(provinces, units, nanhai []boundary.Feature, notes map[string][]string) error {
	_, err := layer.Settle(provinces, units, nanhai, func(_ string, f boundary.Feature) orb.MultiPolygon {
		g, note := repair(f.Geometry)
		if note != "" {
			notes[f.Code] = append(notes[f.Code], "after snapping to the neighbours: "+note)
		}
		return g
	}, maxSettle)
	return err
}
