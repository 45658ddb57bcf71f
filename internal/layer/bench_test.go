package layer

import (
	"fmt"
	"testing"

	"pilotmap/geodata"
	"pilotmap/internal/boundary"
)

// BenchmarkNewTopology builds the national topology (snapping, arcs,
// Douglas–Peucker significance), as the server does at start.
func BenchmarkNewTopology(b *testing.B) {
	set, err := boundary.Load(geodata.FS())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NewTopology(set); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLevel builds the geometry of all layers for one zoom, as done
// on the first request for that zoom.
func BenchmarkLevel(b *testing.B) {
	topo := testTopology(b)
	for _, z := range []int{0, 4, 8, 12} {
		b.Run(fmt.Sprintf("z=%d", z), func(b *testing.B) {
			b.ReportAllocs()
			var points int
			for b.Loop() {
				lv := topo.buildLevel(z)
				points = 0
				for _, shapes := range lv.shapes {
					for _, s := range shapes {
						points += pointCount(s.Geometry)
					}
				}
			}
			b.ReportMetric(float64(points), "points")
		})
	}
}
