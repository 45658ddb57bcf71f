package echarts

import (
	"math"
	"testing"
)

// The expected values below were worked out by hand from the rules of the
// format: '@' is 64 (delta 0); '°' is U+00B0 = 176, 176-64 = 112, zigzag 112 → +56;
// 'Ü' is U+00DC = 220, 220-64 = 156 → +78; '¯' is U+00AF = 175 → 111 → -56;
// 'Û' is U+00DB = 219 → 155 → -78.
func TestDecodeRingHandChecked(t *testing.T) {
	got, err := DecodeRing("@@°Ü¯Û", 122886, 24033)
	if err != nil {
		t.Fatal(err)
	}
	want := [][2]int64{{122886, 24033}, {122942, 24111}, {122886, 24033}}
	if len(got) != len(want) {
		t.Fatalf("got %d points, want %d: %v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("point %d = %v, want %v", i, got[i], want[i])
		}
	}
}

func TestZigzag(t *testing.T) {
	for in, want := range map[int64]int64{0: 0, 1: -1, 2: 1, 3: -2, 4: 2, 112: 56, 111: -56} {
		if got := zigzag(in); got != want {
			t.Errorf("zigzag(%d) = %d, want %d", in, got, want)
		}
	}
}

func TestDecodeFile(t *testing.T) {
	src := `{"type":"FeatureCollection","UTF8Encoding":true,"features":[
	 {"type":"Feature","id":"710000","properties":{"name":"台湾"},
	  "geometry":{"type":"MultiPolygon","coordinates":[["@@°Ü¯Û"]],"encodeOffsets":[[[122886,24033]]]}},
	 {"type":"Feature","properties":{"id":"460300","name":"三沙市"},
	  "geometry":{"type":"Polygon","coordinates":["@@BA"],"encodeOffsets":[[1024,2048]]}}]}`
	f, err := Decode([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Features) != 2 {
		t.Fatalf("features = %d", len(f.Features))
	}
	tw := f.Features[0]
	if tw.ID != "710000" || tw.Name != "台湾" || len(tw.Polygons) != 1 {
		t.Fatalf("first feature = %+v", tw)
	}
	p := tw.Polygons[0][0][1]
	if math.Abs(p[0]-122942.0/1024) > 1e-12 || math.Abs(p[1]-24111.0/1024) > 1e-12 {
		t.Errorf("second point = %v, want (%v, %v)", p, 122942.0/1024, 24111.0/1024)
	}
	ss := f.Features[1]
	if ss.ID != "460300" {
		t.Errorf("id from properties = %q", ss.ID)
	}
	// 'B' = 66 → 2 → +1 ; 'A' = 65 → 1 → -1
	q := ss.Polygons[0][0][1]
	if q != [2]float64{1025.0 / 1024, 2047.0 / 1024} {
		t.Errorf("decoded point = %v", q)
	}
}

func TestDecodeErrors(t *testing.T) {
	for name, src := range map[string]string{
		"not json":     `{`,
		"odd ring":     `{"UTF8Encoding":true,"features":[{"geometry":{"type":"Polygon","coordinates":["@@@"],"encodeOffsets":[[0,0]]}}]}`,
		"missing offs": `{"UTF8Encoding":true,"features":[{"geometry":{"type":"Polygon","coordinates":["@@"],"encodeOffsets":[]}}]}`,
		"bad type":     `{"UTF8Encoding":true,"features":[{"geometry":{"type":"Point","coordinates":[1,2]}}]}`,
		"below base":   `{"UTF8Encoding":true,"features":[{"geometry":{"type":"Polygon","coordinates":["!!"],"encodeOffsets":[[0,0]]}}]}`,
	} {
		if _, err := Decode([]byte(src)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
