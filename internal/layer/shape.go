package layer

import (
	"sync"

	"github.com/paulmach/orb"

	"pilotmap/internal/boundary"
)

// Shape is a feature with its geometry for one zoom.
//
// Geometry is shared by every caller asking for the same layer and zoom:
// treat it as read-only (clone it before handing it to anything that
// modifies its input, such as orb's simplifiers, clip or project).
type Shape struct {
	Feature  boundary.Feature // the source feature; its Geometry is the full-resolution one
	Geometry orb.MultiPolygon // simplified and rounded for the zoom; outer rings CCW, holes CW, rings closed
	Label    orb.Point        // a point inside Geometry (the feature's label point when that is inside)
	Bound    orb.Bound        // bounding box of Geometry
}

// Layers lists the layer names a Topology serves.
func (t *Topology) Layers() []string {
	names := make([]string, len(t.layers))
	for i, l := range t.layers {
		names[i] = l.name
	}
	return names
}

func (t *Topology) layerIndex(name string) int {
	for i, l := range t.layers {
		if l.name == name && l.src != nil {
			return i
		}
	}
	return -1
}

// Shape returns one feature of a layer at a zoom. Zooms are clamped to
// 0..MaxZoom; above DataZoom the geometry is DataZoom's.
func (t *Topology) Shape(layer, code string, zoom int) (Shape, bool) {
	li := t.layerIndex(layer)
	if li < 0 {
		return Shape{}, false
	}
	fi, ok := t.layers[li].byCode[code]
	if !ok {
		return Shape{}, false
	}
	return t.levelFor(zoom).shapes[li][fi], true
}

// Geometry returns a feature's geometry simplified and rounded for the
// zoom (read-only, see Shape).
func (t *Topology) Geometry(layer, code string, zoom int) (orb.MultiPolygon, bool) {
	s, ok := t.Shape(layer, code, zoom)
	return s.Geometry, ok
}

// Features returns the features of a layer at a zoom whose geometry's
// bounding box intersects bbox (the zero Bound: all), in code order; nil
// for an unknown layer.
func (t *Topology) Features(layer string, zoom int, bbox orb.Bound) []Shape {
	return t.FeaturesFunc(layer, zoom, bbox, nil)
}

// FeaturesFunc is Features keeping only the features for which keep (when
// not nil) returns true — e.g. the pilot units of the units layer.
func (t *Topology) FeaturesFunc(layer string, zoom int, bbox orb.Bound, keep func(*boundary.Feature) bool) []Shape {
	li := t.layerIndex(layer)
	if li < 0 {
		return nil
	}
	all := t.levelFor(zoom).shapes[li]
	whole := bbox == orb.Bound{}
	out := make([]Shape, 0, len(all))
	for i := range all {
		s := &all[i]
		if len(s.Geometry) == 0 || (!whole && !s.Bound.Intersects(bbox)) || (keep != nil && !keep(&s.Feature)) {
			continue
		}
		out = append(out, *s)
	}
	return out
}

// Prepare builds the geometry of the zooms 0..maxZoom now (concurrently)
// instead of on first use.
func (t *Topology) Prepare(maxZoom int) {
	var wg sync.WaitGroup
	for z := 0; z <= min(maxZoom, DataZoom); z++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t.levelFor(z)
		}()
	}
	wg.Wait()
}
