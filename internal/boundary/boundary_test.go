package boundary

import (
	"bytes"
	"compress/gzip"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

func TestCompactRoundTrip(t *testing.T) {
	g := 1.0 / CompactScale
	feats := []Feature{
		{Code: "110101", Name: "东城区", Level: "county", ProvinceCode: "110000", ParentCode: "110000", Source: "test",
			Geometry: orb.MultiPolygon{{{{116, 39}, {116 + 100*g, 39}, {116 + 100*g, 39 + 100*g}, {116, 39}}}}},
		{Code: "460300", Name: "三沙市", Level: "prefecture", ProvinceCode: "460000", ParentCode: "460000",
			Geometry: orb.MultiPolygon{
				{{{112, 16}, {112 + 3*g, 16}, {112 + 3*g, 16 + 3*g}, {112, 16 + 3*g}, {112, 16}}, {{112 + g, 16 + g}, {112 + g, 16 + 2*g}, {112 + 2*g, 16 + 2*g}, {112 + g, 16 + g}}},
				{{{113.5, 8.25}, {113.5 + g, 8.25}, {113.5, 8.25 + g}, {113.5, 8.25}}},
			}},
	}
	var buf bytes.Buffer
	if err := WriteCompact(&buf, feats); err != nil {
		t.Fatal(err)
	}
	first := buf.Bytes()
	var again bytes.Buffer
	WriteCompact(&again, feats)
	if !bytes.Equal(first, again.Bytes()) {
		t.Error("writing the same features twice gave different bytes")
	}
	l, err := ReadCompact("test", bytes.NewReader(first))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range feats {
		got, ok := l.Feature(want.Code)
		if !ok {
			t.Fatalf("%s missing", want.Code)
		}
		if got.Name != want.Name || got.Level != want.Level || got.ProvinceCode != want.ProvinceCode || got.ParentCode != want.ParentCode || got.Source != want.Source {
			t.Errorf("%s: attributes %+v", want.Code, got)
		}
		if !orb.Equal(got.Geometry, want.Geometry) {
			t.Errorf("%s: geometry %v, want %v", want.Code, got.Geometry, want.Geometry)
		}
		if got.AreaKM2 <= 0 || !planar.MultiPolygonContains(got.Geometry, got.Label) {
			t.Errorf("%s: area %v, label %v", want.Code, got.AreaKM2, got.Label)
		}
	}
}

func TestCompactRejectsOffGridAndDamage(t *testing.T) {
	var buf bytes.Buffer
	err := WriteCompact(&buf, []Feature{{Code: "1", Geometry: orb.MultiPolygon{{{{0.1, 0}, {1, 0}, {1, 1}, {0.1, 0}}}}}})
	if err == nil || !strings.Contains(err.Error(), "grid") {
		t.Errorf("off-grid point: %v", err)
	}
	good := bytes.Buffer{}
	WriteCompact(&good, []Feature{{Code: "1", Geometry: orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}}}})
	// Truncate the uncompressed stream: the reader must fail, not return half a layer.
	zr, _ := gzip.NewReader(bytes.NewReader(good.Bytes()))
	var raw bytes.Buffer
	raw.ReadFrom(zr)
	for _, cut := range []int{4, len(compactMagic) + 1, raw.Len() - 1} {
		var z bytes.Buffer
		zw := gzip.NewWriter(&z)
		zw.Write(raw.Bytes()[:cut])
		zw.Close()
		if _, err := ReadCompact("cut", &z); err == nil {
			t.Errorf("a stream cut at %d of %d bytes was accepted", cut, raw.Len())
		}
	}
	if _, err := ReadCompact("junk", strings.NewReader("not gzip")); err == nil {
		t.Error("junk accepted")
	}
}

func TestLabelPointInsideConcavePolygon(t *testing.T) {
	// A U shape: its centroid lies in the notch, outside the polygon.
	u := orb.MultiPolygon{{{{0, 0}, {3, 0}, {3, 3}, {2, 3}, {2, 1}, {1, 1}, {1, 3}, {0, 3}, {0, 0}}}}
	c, _ := planar.CentroidArea(u)
	if planar.MultiPolygonContains(u, c) {
		t.Fatal("test shape's centroid should lie outside")
	}
	if p := LabelPoint(u); !planar.MultiPolygonContains(u, p) {
		t.Errorf("label %v outside the U", p)
	}
	// The largest polygon gets the label.
	two := orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}}, {{{10, 10}, {15, 10}, {15, 15}, {10, 15}, {10, 10}}}}
	if p := LabelPoint(two); p[0] < 10 {
		t.Errorf("label %v not in the larger polygon", p)
	}
}
