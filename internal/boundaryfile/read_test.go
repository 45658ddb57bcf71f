package boundaryfile

import (
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// A quantized topology: two squares sharing an edge (arc 0), the second
// walking it backwards (~0 = -1).
const testTopology = `{"type":"Topology",
 "transform":{"scale":[0.5,0.25],"translate":[100,30]},
 "objects":{
  "units":{"type":"GeometryCollection","geometries":[
   {"type":"Polygon","arcs":[[0,1]],"properties":{"code":"110101"}},
   {"type":"Polygon","arcs":[[-1,2]],"id":"x","properties":{"code":110102}},
   {"type":"Point","coordinates":[0,0],"properties":{"code":"110105"}}]},
  "other":{"type":"MultiPolygon","arcs":[[[1]]],"properties":{"code":"120000"}}},
 "arcs":[[[2,0],[0,4]],[[2,4],[-2,0],[0,-4],[2,0]],[[2,0],[2,0],[0,4],[-2,0]]]}`

func TestReadTopoJSON(t *testing.T) {
	f, err := Read([]byte(testTopology), "")
	if err != nil {
		t.Fatal(err)
	}
	if f.Format != FormatTopoJSON || strings.Join(f.Objects, ",") != "units,other" || len(f.Features) != 4 {
		t.Fatalf("format %s, objects %v, %d features", f.Format, f.Objects, len(f.Features))
	}
	// Arc 0 decodes to (101,30)→(101,31); feature 0 is arc 0 then arc 1.
	want0 := orb.Ring{{101, 30}, {101, 31}, {100, 31}, {100, 30}, {101, 30}}
	if got := f.Features[0].Geometry; len(got) != 1 || !got[0][0].Equal(want0) {
		t.Errorf("feature 0 = %v, want %v", got, want0)
	}
	// Feature 1 walks arc 0 backwards, then arc 2.
	want1 := orb.Ring{{101, 31}, {101, 30}, {102, 30}, {102, 31}, {101, 31}}
	if got := f.Features[1].Geometry; len(got) != 1 || !got[0][0].Equal(want1) {
		t.Errorf("feature 1 = %v, want %v", got, want1)
	}
	if c := Text(f.Features[1].Properties, "code"); c != "110102" {
		t.Errorf("a numeric code reads as %q, want 110102", c)
	}
	if id := Text(f.Features[1].Properties, "id"); id != "x" {
		t.Errorf("the geometry's id is not a property: %q", id)
	}
	if f.Features[2].Kind != "Point" || f.Features[2].Geometry != nil {
		t.Errorf("a point feature: kind %q, geometry %v", f.Features[2].Kind, f.Features[2].Geometry)
	}
	if f.Features[3].Object != "other" || len(f.Features[3].Geometry) != 1 {
		t.Errorf("the MultiPolygon object: %+v", f.Features[3])
	}

	only, err := Read([]byte(testTopology), "other")
	if err != nil || len(only.Features) != 1 || only.Objects[0] != "other" {
		t.Errorf("--object other: %v, %+v", err, only)
	}
	if _, err := Read([]byte(testTopology), "nope"); err == nil || !strings.Contains(err.Error(), `"units" "other"`) {
		t.Errorf("a missing object: %v", err)
	}
}

func TestReadRejects(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`not json`, "neither a zip nor JSON"},
		{`{"type":"Feature"}`, `JSON of type "Feature"`},
		{`{"type":"Topology","arcs":[[[1]]],"objects":{}}`, "position 0 has 1 numbers"},
		{`{"type":"Topology","arcs":[],"objects":{"a":{"type":"Polygon","arcs":[[3]]}}}`, "arc 3 of 0"},
		{"PK\x03\x04broken", "zip"},
	} {
		if _, err := Read([]byte(tc.in), ""); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Read(%.30q): err = %v, want it to say %q", tc.in, err, tc.want)
		}
	}
}
