package render

import (
	"os"
	"path/filepath"
	"testing"
)

// TestArtifacts writes the presentation SVGs to test-artifacts/ for a look
// (convert with rsvg-convert) and prints their paths.
func TestArtifacts(t *testing.T) {
	m := testMap(t)
	dir := artifactDir(t)
	for _, a := range []struct {
		name string
		o    Options
	}{
		{"map-national-coverage.svg", Options{}},
		{"map-beijing-110000.svg", Options{Province: "110000"}},
		{"map-national-gaps.svg", Options{View: ViewGaps}},
		{"map-gansu-620000-gaps.svg", Options{View: ViewGaps, Province: "620000"}},
		{"map-national-coverage-a4-en.svg", Options{Layout: Layouts()[2], Lang: LangEN, Approval: "GS(2024)0000"}},
		{"map-national-coverage-4x3.svg", Options{Layout: Layouts()[1]}},
		{"map-hainan-460000.svg", Options{Province: "460000"}},
		{"map-chongqing-500000-4x3.svg", Options{Province: "500000", Layout: Layouts()[1]}},
	} {
		p := filepath.Join(dir, a.name)
		if err := os.WriteFile(p, renderSVG(t, m, a.o), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", p)
	}
}
