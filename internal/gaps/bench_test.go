package gaps_test

import (
	"testing"

	"pilotmap/internal/gaps"
)

// BenchmarkAdjacency builds the index (adjacency graph and distance index)
// of the 448 national unit polygons.
func BenchmarkAdjacency(b *testing.B) {
	nd := loadNational(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := gaps.NewIndex(nd.units, gaps.DefaultOptions()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAnalyze is the cold path: index, distances, clusters and figures
// for the default pilots.
func BenchmarkAnalyze(b *testing.B) {
	nd := loadNational(b)
	b.ReportAllocs()
	for b.Loop() {
		x, err := gaps.NewIndex(nd.units, gaps.DefaultOptions())
		if err != nil {
			b.Fatal(err)
		}
		if _, err := x.Analyze(nd.input); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAnalyzeIndexed is the path after an import: the index is kept,
// the report is computed again.
func BenchmarkAnalyzeIndexed(b *testing.B) {
	nd := loadNational(b)
	x, err := gaps.NewIndex(nd.units, gaps.DefaultOptions())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := x.Analyze(nd.input); err != nil {
			b.Fatal(err)
		}
	}
}
