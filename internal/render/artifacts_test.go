package render

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestArtifacts renders the presentation SVGs, checks each is well-formed
// XML with an svg root of the layout's size, and writes them to
// artifactDir (PILOTMAP_ARTIFACTS=$PWD/test-artifacts for a look; convert
// with rsvg-convert).
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
		svg := renderSVG(t, m, a.o)
		checkSVG(t, a.name, svg)
		p := filepath.Join(dir, a.name)
		if err := os.WriteFile(p, svg, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", p)
	}
}

// checkSVG reads the whole document as XML: its root is an svg element
// with a viewBox, and every element closes.
func checkSVG(t *testing.T, name string, svg []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(svg))
	root := ""
	elems := 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: not well-formed XML: %v", name, err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			elems++
			if root == "" {
				root = se.Name.Local
				if !slices.ContainsFunc(se.Attr, func(a xml.Attr) bool { return a.Name.Local == "viewBox" && a.Value != "" }) {
					t.Errorf("%s: the svg root has no viewBox", name)
				}
			}
		}
	}
	if root != "svg" || elems < 100 {
		t.Errorf("%s: root %q with %d elements, want an svg with a drawn map", name, root, elems)
	}
}
