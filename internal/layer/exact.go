package layer

import (
	"fmt"

	"pilotmap/internal/boundary"
)

// Exact returns the layers as the topology holds them before any
// simplification: snapped onto each other (see NewTopology), every vertex
// on the exact 1/1024° grid. The geodata generator feeds them back through
// its repair until snapping moves nothing, so what the server builds from
// the embedded data is what the generator checked.
func (t *Topology) Exact() (*boundary.Set, error) {
	lv := t.buildLevelWith(DataZoom, -1, -1)
	var set boundary.Set
	for li, tl := range t.layers {
		if tl.src == nil {
			continue
		}
		feats := make([]boundary.Feature, len(lv.shapes[li]))
		for i, s := range lv.shapes[li] {
			feats[i] = s.Feature
			feats[i].Geometry = s.Geometry
		}
		l, err := boundary.NewLayer(tl.name, feats)
		if err != nil {
			return nil, fmt.Errorf("topology: exact %s: %w", tl.name, err)
		}
		switch tl.name {
		case Provinces:
			set.Provinces = l
		case Units:
			set.Units = l
		case Nanhai:
			set.Nanhai = l
		}
	}
	return &set, nil
}
