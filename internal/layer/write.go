package layer

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// ShapeProperties are the properties every served feature carries: code,
// name, level, province_code and the label point inside the geometry of
// the zoom as two numbers, label_lon and label_lat (numbers, not an array,
// so GIS tools read them as plain fields). Callers add their own (pilot,
// coverage, …) to the map.
func ShapeProperties(s *Shape) map[string]any {
	p := map[string]any{
		"code":          s.Feature.Code,
		"name":          s.Feature.Name,
		"level":         s.Feature.Level,
		"province_code": s.Feature.ProvinceCode,
	}
	SetLabel(p, s.Label)
	return p
}

// SetLabel puts a label point into properties as label_lon and label_lat.
func SetLabel(p map[string]any, label orb.Point) {
	p["label_lon"], p["label_lat"] = label[0], label[1]
}

// WriteFeatureCollection writes shapes as an RFC 7946 GeoJSON
// FeatureCollection: id = code, properties from props (nil: none; a nil
// map: none), geometry a Polygon or MultiPolygon in lon/lat with outer
// rings counter-clockwise and closed rings.
func WriteFeatureCollection(w io.Writer, shapes []Shape, props func(s *Shape) map[string]any) error {
	b, err := AppendFeatureCollection(nil, shapes, props)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// AppendFeatureCollection appends the FeatureCollection of
// WriteFeatureCollection to dst. The output depends only on its input
// (property keys sorted), so it can be hashed for an ETag.
//
// It is written by hand, not through encoding/json, because the national
// layers are large: see BenchmarkFeatureCollection.
func AppendFeatureCollection(dst []byte, shapes []Shape, props func(s *Shape) map[string]any) ([]byte, error) {
	if dst == nil {
		n := 64
		for i := range shapes {
			n += 160 + 20*pointCount(shapes[i].Geometry)
		}
		dst = make([]byte, 0, n)
	}
	dst = append(dst, `{"type":"FeatureCollection","features":[`...)
	var err error
	for i := range shapes {
		s := &shapes[i]
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"type":"Feature","id":`...)
		dst = appendString(dst, s.Feature.Code)
		dst = append(dst, `,"geometry":`...)
		dst = AppendGeometry(dst, s.Geometry)
		dst = append(dst, `,"properties":`...)
		var p map[string]any
		if props != nil {
			p = props(s)
		}
		if dst, err = appendObject(dst, p); err != nil {
			return nil, fmt.Errorf("geojson: feature %s: %w", s.Feature.Code, err)
		}
		dst = append(dst, '}')
	}
	return append(dst, "]}"...), nil
}

func pointCount(mp orb.MultiPolygon) int {
	n := 0
	for _, p := range mp {
		for _, r := range p {
			n += len(r)
		}
	}
	return n
}

// AppendGeometry appends a multipolygon as a GeoJSON geometry object: a
// MultiPolygon even when it has one polygon (one geometry type per
// collection: GDAL, QGIS and GeoPackage want it), null when empty.
func AppendGeometry(dst []byte, mp orb.MultiPolygon) []byte {
	if len(mp) == 0 {
		return append(dst, "null"...)
	}
	dst = append(dst, `{"type":"MultiPolygon","coordinates":[`...)
	for i, p := range mp {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendPolygon(dst, p)
	}
	return append(dst, "]}"...)
}

func appendPolygon(dst []byte, p orb.Polygon) []byte {
	dst = append(dst, '[')
	for i, r := range p {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, '[')
		for j, pt := range r {
			if j > 0 {
				dst = append(dst, ',')
			}
			dst = appendPoint(dst, pt)
		}
		dst = append(dst, ']')
	}
	return append(dst, ']')
}

func appendPoint(dst []byte, p orb.Point) []byte {
	dst = append(dst, '[')
	dst = appendFloat(dst, p[0])
	dst = append(dst, ',')
	dst = appendFloat(dst, p[1])
	return append(dst, ']')
}

// appendFloat writes the shortest decimal that reads back as f, in plain
// notation for the usual magnitudes (like encoding/json); NaN and ±Inf,
// which JSON cannot hold, as null.
func appendFloat(dst []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(dst, "null"...)
	}
	if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
		return strconv.AppendFloat(dst, f, 'e', -1, 64)
	}
	return strconv.AppendFloat(dst, f, 'f', -1, 64)
}

// appendObject writes a JSON object with its keys sorted.
func appendObject(dst []byte, m map[string]any) ([]byte, error) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	dst = append(dst, '{')
	var err error
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, k)
		dst = append(dst, ':')
		if dst, err = appendValue(dst, m[k]); err != nil {
			return nil, fmt.Errorf("property %s: %w", k, err)
		}
	}
	return append(dst, '}'), nil
}

// appendValue writes the common property types directly and anything else
// through encoding/json.
func appendValue(dst []byte, v any) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return append(dst, "null"...), nil
	case string:
		return appendString(dst, v), nil
	case bool:
		return strconv.AppendBool(dst, v), nil
	case int:
		return strconv.AppendInt(dst, int64(v), 10), nil
	case int32:
		return strconv.AppendInt(dst, int64(v), 10), nil
	case int64:
		return strconv.AppendInt(dst, v, 10), nil
	case uint32:
		return strconv.AppendUint(dst, uint64(v), 10), nil
	case uint64:
		return strconv.AppendUint(dst, v, 10), nil
	case float64:
		return appendFloat(dst, v), nil
	case float32:
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return append(dst, "null"...), nil
		}
		return strconv.AppendFloat(dst, float64(v), 'g', -1, 32), nil
	case orb.Point:
		return appendPoint(dst, v), nil
	case []string:
		dst = append(dst, '[')
		for i, s := range v {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendString(dst, s)
		}
		return append(dst, ']'), nil
	case []float64:
		dst = append(dst, '[')
		for i, f := range v {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendFloat(dst, f)
		}
		return append(dst, ']'), nil
	case []any:
		dst = append(dst, '[')
		var err error
		for i, e := range v {
			if i > 0 {
				dst = append(dst, ',')
			}
			if dst, err = appendValue(dst, e); err != nil {
				return nil, err
			}
		}
		return append(dst, ']'), nil
	case map[string]any:
		return appendObject(dst, v)
	case geojson.Properties:
		return appendObject(dst, v)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append(dst, b...), nil
}

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string; invalid UTF-8 becomes U+FFFD.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' { // valid JSON, but not in JavaScript source
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
