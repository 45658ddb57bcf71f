// Package boundary loads the administrative-boundary layers (provinces,
// comparable units, the South China Sea islands) and computes what the rest
// of pilotmap needs from their geometry: areas, label points, lookups.
package boundary

import (
	"bytes"
	"fmt"
	"io/fs"
	"math"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"
)

// Feature is one boundary: a division's code and names and its polygons.
type Feature struct {
	Code         string
	Name         string
	Level        string // "province", "prefecture" or "county"
	ProvinceCode string
	ParentCode   string
	Geometry     orb.MultiPolygon // lon/lat, outer rings counter-clockwise
	AreaKM2      float64          // spherical area (orb/geo)
	Label        orb.Point        // a point inside the largest polygon, for its label
	Source       string           // the source features it was derived from
}

// Layer is a loaded boundary layer, features sorted by code.
type Layer struct {
	Name     string
	Features []Feature
	byCode   map[string]int
	bounds   []orb.Bound // of each feature
	bound    orb.Bound
}

// NewLayer indexes features; codes must be unique.
func NewLayer(name string, feats []Feature) (*Layer, error) {
	sort.Slice(feats, func(i, j int) bool { return feats[i].Code < feats[j].Code })
	l := &Layer{Name: name, Features: feats, byCode: make(map[string]int, len(feats)), bounds: make([]orb.Bound, len(feats))}
	for i, f := range feats {
		if _, dup := l.byCode[f.Code]; dup {
			return nil, fmt.Errorf("layer %s: duplicate code %s", name, f.Code)
		}
		l.byCode[f.Code] = i
		l.bounds[i] = f.Geometry.Bound()
		if i == 0 {
			l.bound = l.bounds[i]
		} else {
			l.bound = l.bound.Union(l.bounds[i])
		}
	}
	return l, nil
}

// Feature returns the feature with the code.
func (l *Layer) Feature(code string) (Feature, bool) {
	i, ok := l.byCode[code]
	if !ok {
		return Feature{}, false
	}
	return l.Features[i], true
}

// Bound is the bounding box of all features.
func (l *Layer) Bound() orb.Bound { return l.bound }

// BoundFunc is the bounding box of the features keep accepts; the zero
// Bound when it accepts none.
func (l *Layer) BoundFunc(keep func(*Feature) bool) orb.Bound {
	var b orb.Bound
	first := true
	for i := range l.Features {
		switch {
		case !keep(&l.Features[i]):
		case first:
			b, first = l.bounds[i], false
		default:
			b = b.Union(l.bounds[i])
		}
	}
	return b
}

// Set is the three default layers, and the South China Sea line.
type Set struct {
	Provinces, Units, Nanhai *Layer
	// NanhaiLine is the dashed line of the 南海诸岛 inset (lon/lat, one
	// segment per dash; geodata/nanhai_line.geojson), nil when not loaded.
	NanhaiLine orb.MultiLineString
}

// NanhaiLineFile is the file of the South China Sea line.
const NanhaiLineFile = "nanhai_line.geojson"

// ReadNanhaiLine reads the South China Sea line: a GeoJSON
// FeatureCollection of one MultiLineString feature.
func ReadNanhaiLine(data []byte) (orb.MultiLineString, error) {
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", NanhaiLineFile, err)
	}
	if len(fc.Features) != 1 {
		return nil, fmt.Errorf("%s: %d features, want one", NanhaiLineFile, len(fc.Features))
	}
	ml, ok := fc.Features[0].Geometry.(orb.MultiLineString)
	if !ok || len(ml) == 0 {
		return nil, fmt.Errorf("%s: geometry %T, want a MultiLineString", NanhaiLineFile, fc.Features[0].Geometry)
	}
	return ml, nil
}

// NanhaiLineFeature is the South China Sea line as a GeoJSON feature:
// id and code "nanhai-line", name 南海断续线, level "line".
func NanhaiLineFeature(line orb.MultiLineString) *geojson.Feature {
	f := geojson.NewFeature(line)
	f.ID = "nanhai-line"
	f.Properties = geojson.Properties{"code": "nanhai-line", "name": "南海断续线", "level": "line"}
	return f
}

// LoadNanhaiLine reads the South China Sea line from fsys.
func LoadNanhaiLine(fsys fs.FS) (orb.MultiLineString, error) {
	data, err := fs.ReadFile(fsys, NanhaiLineFile)
	if err != nil {
		return nil, fmt.Errorf("boundary: %w", err)
	}
	return ReadNanhaiLine(data)
}

// LayerFile is the file name of a layer in the compact format.
func LayerFile(layer string) string { return layer + ".layer.gz" }

// LayerNames are the layers of a Set, in the order Load reads them.
func LayerNames() []string { return []string{"provinces", "units", "nanhai"} }

// Load reads provinces.layer.gz, units.layer.gz and nanhai.layer.gz from
// fsys, and nanhai_line.geojson when fsys has it.
func Load(fsys fs.FS) (*Set, error) {
	s, err := ReadSet(func(layer string) ([]byte, error) { return fs.ReadFile(fsys, LayerFile(layer)) })
	if err != nil {
		return nil, err
	}
	if _, err := fs.Stat(fsys, NanhaiLineFile); err == nil {
		if s.NanhaiLine, err = LoadNanhaiLine(fsys); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// ReadSet reads the three layers in the compact format from wherever read
// finds them (the embedded files, the database).
func ReadSet(read func(layer string) ([]byte, error)) (*Set, error) {
	var s Set
	for _, name := range LayerNames() {
		data, err := read(name)
		if err != nil {
			return nil, fmt.Errorf("boundary: layer %s: %w", name, err)
		}
		l, err := ReadCompact(name, bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("boundary: %w", err)
		}
		switch name {
		case "provinces":
			s.Provinces = l
		case "units":
			s.Units = l
		case "nanhai":
			s.Nanhai = l
		}
	}
	return &s, nil
}

// AreaKM2 is the spherical area of a multipolygon in square kilometres.
func AreaKM2(mp orb.MultiPolygon) float64 {
	var a float64
	for _, p := range mp {
		a += math.Abs(geo.Area(p))
	}
	return a / 1e6
}

// LabelPoint returns a point inside the largest polygon: its centroid when
// that lies inside, else the middle of the widest inside stretch of the
// horizontal line through the centroid (or, failing that, through the
// polygon's middle latitude).
func LabelPoint(mp orb.MultiPolygon) orb.Point {
	if len(mp) == 0 {
		return orb.Point{}
	}
	best, bestArea := mp[0], -1.0
	for _, p := range mp {
		if a := planar.Area(p); a > bestArea {
			best, bestArea = p, a
		}
	}
	c, _ := planar.CentroidArea(best)
	if planar.PolygonContains(best, c) {
		return c
	}
	b := best.Bound()
	for _, y := range []float64{c[1], (b.Min[1] + b.Max[1]) / 2, b.Min[1] + (b.Max[1]-b.Min[1])/3, b.Min[1] + 2*(b.Max[1]-b.Min[1])/3} {
		if p, ok := widestSpan(best, y); ok {
			return p
		}
	}
	return best[0][0]
}

// widestSpan intersects the polygon with the line at latitude y and returns
// the middle of the widest inside stretch.
func widestSpan(p orb.Polygon, y float64) (orb.Point, bool) {
	var xs []float64
	for _, r := range p {
		for i := 0; i+1 < len(r); i++ {
			a, b := r[i], r[i+1]
			if (a[1] > y) != (b[1] > y) {
				xs = append(xs, a[0]+(y-a[1])*(b[0]-a[0])/(b[1]-a[1]))
			}
		}
	}
	sort.Float64s(xs)
	bestW, found := 0.0, false
	var pt orb.Point
	for i := 0; i+1 < len(xs); i += 2 {
		if w := xs[i+1] - xs[i]; w > bestW {
			bestW, pt, found = w, orb.Point{(xs[i] + xs[i+1]) / 2, y}, true
		}
	}
	return pt, found && planar.PolygonContains(p, pt)
}
