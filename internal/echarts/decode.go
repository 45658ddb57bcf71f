// Package echarts decodes the map files shipped with the npm package echarts
// (map/json/*.json). Their geometry is stored with "UTF8Encoding": each ring
// is a string of character pairs; each character minus 64 is a zigzag-encoded
// delta from the previous point, starting at the ring's encodeOffsets, and the
// running sum divided by the scale (UTF8Scale, default 1024) is longitude and
// latitude.
//
// The decoder keeps the quantized integer coordinates available (Ring.Quantized)
// because points that are equal in the source must stay exactly equal after
// decoding: shared borders are recognized by equal vertices.
package echarts

import (
	"encoding/json"
	"fmt"

	"github.com/paulmach/orb"
)

// DefaultScale is the quantization used when a file does not name UTF8Scale.
const DefaultScale = 1024

// File is one decoded echarts map file.
type File struct {
	Features []Feature
}

// Feature is one decoded feature: its id and name as the source writes them
// and its geometry in lon/lat, rings as stored (not re-oriented, not closed).
type Feature struct {
	// ID is the source's "id" (often a six-digit division code); "" when absent.
	ID string
	// Name is properties.name.
	Name string
	// Polygons holds the geometry: one entry for a Polygon, several for a MultiPolygon.
	Polygons []orb.Polygon
}

type rawFile struct {
	UTF8Encoding bool         `json:"UTF8Encoding"`
	UTF8Scale    *float64     `json:"UTF8Scale"`
	Features     []rawFeature `json:"features"`
}

type rawFeature struct {
	ID         json.RawMessage `json:"id"`
	Properties struct {
		ID   json.RawMessage `json:"id"`
		Name string          `json:"name"`
	} `json:"properties"`
	Geometry struct {
		Type          string          `json:"type"`
		Coordinates   json.RawMessage `json:"coordinates"`
		EncodeOffsets json.RawMessage `json:"encodeOffsets"`
	} `json:"geometry"`
}

// Decode parses an echarts map file. Files without UTF8Encoding are read as
// plain GeoJSON Polygon/MultiPolygon coordinates.
func Decode(data []byte) (*File, error) {
	var raw rawFile
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("echarts: parse map json: %w", err)
	}
	scale := float64(DefaultScale)
	if raw.UTF8Scale != nil && *raw.UTF8Scale > 0 {
		scale = *raw.UTF8Scale
	}
	out := &File{Features: make([]Feature, 0, len(raw.Features))}
	for i, rf := range raw.Features {
		f := Feature{ID: idString(rf.ID), Name: rf.Properties.Name}
		if f.ID == "" {
			f.ID = idString(rf.Properties.ID)
		}
		polys, err := decodeGeometry(rf.Geometry.Type, rf.Geometry.Coordinates, rf.Geometry.EncodeOffsets, raw.UTF8Encoding, scale)
		if err != nil {
			return nil, fmt.Errorf("echarts: feature %d (%s %s): %w", i, f.ID, f.Name, err)
		}
		f.Polygons = polys
		out.Features = append(out.Features, f)
	}
	return out, nil
}

func idString(m json.RawMessage) string {
	if len(m) == 0 || string(m) == "null" {
		return ""
	}
	var s string
	if err := json.Unmarshal(m, &s); err == nil {
		return s
	}
	var n json.Number
	if err := json.Unmarshal(m, &n); err == nil {
		return n.String()
	}
	return ""
}

func decodeGeometry(typ string, coords, offsets json.RawMessage, encoded bool, scale float64) ([]orb.Polygon, error) {
	switch typ {
	case "Polygon":
		if !encoded {
			var p orb.Polygon
			if err := json.Unmarshal(coords, &p); err != nil {
				return nil, fmt.Errorf("polygon coordinates: %w", err)
			}
			return []orb.Polygon{p}, nil
		}
		var rings []string
		var offs [][2]int64
		if err := json.Unmarshal(coords, &rings); err != nil {
			return nil, fmt.Errorf("polygon rings: %w", err)
		}
		if err := json.Unmarshal(offsets, &offs); err != nil {
			return nil, fmt.Errorf("polygon encodeOffsets: %w", err)
		}
		p, err := decodePolygon(rings, offs, scale)
		if err != nil {
			return nil, err
		}
		return []orb.Polygon{p}, nil
	case "MultiPolygon":
		if !encoded {
			var mp orb.MultiPolygon
			if err := json.Unmarshal(coords, &mp); err != nil {
				return nil, fmt.Errorf("multipolygon coordinates: %w", err)
			}
			return mp, nil
		}
		var polys [][]string
		var offs [][][2]int64
		if err := json.Unmarshal(coords, &polys); err != nil {
			return nil, fmt.Errorf("multipolygon rings: %w", err)
		}
		if err := json.Unmarshal(offsets, &offs); err != nil {
			return nil, fmt.Errorf("multipolygon encodeOffsets: %w", err)
		}
		if len(offs) != len(polys) {
			return nil, fmt.Errorf("multipolygon has %d polygons but %d offset lists", len(polys), len(offs))
		}
		out := make([]orb.Polygon, 0, len(polys))
		for i := range polys {
			p, err := decodePolygon(polys[i], offs[i], scale)
			if err != nil {
				return nil, fmt.Errorf("polygon %d: %w", i, err)
			}
			out = append(out, p)
		}
		return out, nil
	default:
		return nil, fmt.Errorf("unsupported geometry type %q", typ)
	}
}

func decodePolygon(rings []string, offs [][2]int64, scale float64) (orb.Polygon, error) {
	if len(offs) != len(rings) {
		return nil, fmt.Errorf("%d rings but %d encodeOffsets", len(rings), len(offs))
	}
	p := make(orb.Polygon, 0, len(rings))
	for i, s := range rings {
		q, err := DecodeRing(s, offs[i][0], offs[i][1])
		if err != nil {
			return nil, fmt.Errorf("ring %d: %w", i, err)
		}
		r := make(orb.Ring, len(q))
		for j, pt := range q {
			r[j] = orb.Point{float64(pt[0]) / scale, float64(pt[1]) / scale}
		}
		p = append(p, r)
	}
	return p, nil
}

// DecodeRing decodes one encoded ring to quantized integer points (lon, lat
// multiplied by the scale), starting from the offsets x0, y0.
func DecodeRing(s string, x0, y0 int64) ([][2]int64, error) {
	units := []rune(s)
	if len(units)%2 != 0 {
		return nil, fmt.Errorf("odd number of characters (%d) in encoded ring", len(units))
	}
	out := make([][2]int64, 0, len(units)/2)
	x, y := x0, y0
	for i := 0; i < len(units); i += 2 {
		dx := int64(units[i]) - 64
		dy := int64(units[i+1]) - 64
		if dx < 0 || dy < 0 {
			return nil, fmt.Errorf("character %q at %d is below the encoding's base", units[i], i)
		}
		x += zigzag(dx)
		y += zigzag(dy)
		out = append(out, [2]int64{x, y})
	}
	return out, nil
}

func zigzag(v int64) int64 { return (v >> 1) ^ -(v & 1) }
