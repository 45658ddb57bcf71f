package layer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

func TestFeatureCollectionRoundTrip(t *testing.T) {
	topo := testTopology(t)
	for _, l := range []string{Provinces, Units, Nanhai} {
		shapes := topo.Features(l, 4, orb.Bound{})
		var buf bytes.Buffer
		if err := WriteFeatureCollection(&buf, shapes, ShapeProperties); err != nil {
			t.Fatal(err)
		}
		fc, err := geojson.UnmarshalFeatureCollection(buf.Bytes())
		if err != nil {
			t.Fatalf("%s: %v", l, err)
		}
		if len(fc.Features) != len(shapes) {
			t.Fatalf("%s: %d features, want %d", l, len(fc.Features), len(shapes))
		}
		for i, f := range fc.Features {
			s := shapes[i]
			if f.ID != s.Feature.Code || f.Properties.MustString("code") != s.Feature.Code || f.Properties.MustString("name") != s.Feature.Name {
				t.Errorf("%s feature %d: id %v, properties %v", l, i, f.ID, f.Properties)
			}
			got, ok := f.Geometry.(orb.MultiPolygon) // always, even for one polygon
			if !ok {
				t.Fatalf("%s %s: geometry %T, want a MultiPolygon", l, s.Feature.Code, f.Geometry)
			}
			if !orb.Equal(got, s.Geometry) {
				t.Errorf("%s %s: geometry changed in the round trip", l, s.Feature.Code)
			}
			lon, ok1 := f.Properties["label_lon"].(float64)
			lat, ok2 := f.Properties["label_lat"].(float64)
			if !ok1 || !ok2 || lon != s.Label[0] || lat != s.Label[1] {
				t.Errorf("%s %s: label %v, %v, want %v", l, s.Feature.Code, f.Properties["label_lon"], f.Properties["label_lat"], s.Label)
			}
		}
		again, err := AppendFeatureCollection(nil, shapes, ShapeProperties)
		if err != nil || !bytes.Equal(again, buf.Bytes()) {
			t.Errorf("%s: output differs between two writes", l)
		}
	}
}

type marshalFails struct{}

func (marshalFails) MarshalJSON() ([]byte, error) { return nil, errors.New("no") }

func TestAppendValue(t *testing.T) {
	for _, c := range []struct {
		in   any
		want string
	}{
		{nil, `null`},
		{"北京市", `"北京市"`},
		{"a\"b\\c\n\t\r\x01", `"a\"b\\c\n\t\r\u0001"`},
		{"bad \xff utf8", `"bad \ufffd utf8"`},
		{"line\u2028sep", `"line\u2028sep"`},
		{true, `true`},
		{42, `42`},
		{int64(-7), `-7`},
		{uint32(7), `7`},
		{0.5, `0.5`},
		{1e21, `1e+21`},
		{1e-7, `1e-07`},
		{116.39, `116.39`},
		{math.NaN(), `null`},
		{math.Inf(1), `null`},
		{float32(0.1), `0.1`},
		{orb.Point{116.4, 39.9}, `[116.4,39.9]`},
		{[]string{"a", "b"}, `["a","b"]`},
		{[]float64{1, 2.5}, `[1,2.5]`},
		{[]any{1, "x", nil}, `[1,"x",null]`},
		{map[string]any{"b": 1, "a": map[string]any{"d": true, "c": nil}}, `{"a":{"c":null,"d":true},"b":1}`},
		{geojson.Properties{"z": 1, "y": 2}, `{"y":2,"z":1}`},
		{struct {
			A int `json:"a"`
		}{3}, `{"a":3}`},
	} {
		got, err := appendValue(nil, c.in)
		if err != nil {
			t.Errorf("%v: %v", c.in, err)
			continue
		}
		if string(got) != c.want {
			t.Errorf("%#v: got %s, want %s", c.in, got, c.want)
		}
		if !json.Valid(got) {
			t.Errorf("%#v: invalid JSON %s", c.in, got)
		}
	}
	if _, err := appendValue(nil, marshalFails{}); err == nil {
		t.Error("want the marshaller's error")
	}
}

func TestAppendFeatureCollectionShapes(t *testing.T) {
	sq := orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}}
	shapes := []Shape{{Geometry: orb.MultiPolygon{sq}}, {Geometry: orb.MultiPolygon{sq, sq}}, {}}
	shapes[0].Feature.Code, shapes[1].Feature.Code, shapes[2].Feature.Code = "1", "2", "3"
	got, err := AppendFeatureCollection(nil, shapes, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"FeatureCollection","features":[` +
		`{"type":"Feature","id":"1","geometry":{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,1],[0,0]]]]},"properties":{}},` +
		`{"type":"Feature","id":"2","geometry":{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,1],[0,0]]],[[[0,0],[1,0],[1,1],[0,1],[0,0]]]]},"properties":{}},` +
		`{"type":"Feature","id":"3","geometry":null,"properties":{}}]}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	_, err = AppendFeatureCollection(nil, shapes, func(*Shape) map[string]any { return map[string]any{"x": marshalFails{}} })
	if err == nil {
		t.Error("want an error for a property that cannot be encoded")
	}
}

// BenchmarkFeatureCollection encodes the national provinces + units at a
// zoom, reporting the size raw and gzipped.
func BenchmarkFeatureCollection(b *testing.B) {
	topo := testTopology(b)
	for _, z := range []int{3, 4, 6, 8} {
		shapes := append(topo.Features(Provinces, z, orb.Bound{}), topo.Features(Units, z, orb.Bound{})...)
		b.Run(fmt.Sprintf("z=%d", z), func(b *testing.B) {
			b.ReportAllocs()
			var out []byte
			for b.Loop() {
				var err error
				if out, err = AppendFeatureCollection(nil, shapes, ShapeProperties); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(out)), "bytes")
			b.ReportMetric(float64(gzipSize(b, out)), "gzip-bytes")
		})
	}
}

// BenchmarkFeatureCollectionOrb is the same through orb/geojson and
// encoding/json, for comparison.
func BenchmarkFeatureCollectionOrb(b *testing.B) {
	topo := testTopology(b)
	for _, z := range []int{4, 8} {
		shapes := append(topo.Features(Provinces, z, orb.Bound{}), topo.Features(Units, z, orb.Bound{})...)
		b.Run(fmt.Sprintf("z=%d", z), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				fc := geojson.NewFeatureCollection()
				for i := range shapes {
					f := geojson.NewFeature(shapes[i].Geometry)
					f.ID = shapes[i].Feature.Code
					f.Properties = ShapeProperties(&shapes[i])
					fc.Append(f)
				}
				if _, err := json.Marshal(fc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
