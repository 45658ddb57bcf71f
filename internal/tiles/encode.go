// Package tiles encodes pilotmap's boundary layers as Mapbox Vector Tiles
// (2.1) and describes tile sets as TileJSON; the server keeps the encoded
// tiles in its one cache.
//
// Geometry comes from layer.Topology, already simplified for the tile's
// zoom with shared borders, so neighbouring features meet exactly in tiles
// too; tiles only project, clip and encode it. Encoding is deterministic:
// the same shapes and properties give the same bytes, so a hash of them
// makes a strong ETag.
package tiles

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"

	"pilotmap/internal/boundary"
	"pilotmap/internal/layer"
	"pilotmap/internal/polyrepair"
)

// Extent is the size of a tile in tile coordinates.
const Extent = 4096

// Buffer is how far, in tile coordinates, geometry is kept beyond the
// tile's edges, so renderers draw no seams along them.
const Buffer = 64

// Bound is the lon/lat bounding box of a tile with its buffer: the
// features whose bounds miss it are not in the tile.
func Bound(tile maptile.Tile) orb.Bound {
	return tile.Bound(float64(Buffer) / Extent)
}

// Render encodes the features of a topology layer (source: "provinces",
// "units" or "nanhai") that keep accepts (nil: all) for a tile, as an MVT
// layer called name; see Encode.
func Render(topo *layer.Topology, source, name string, tile maptile.Tile, keep func(*boundary.Feature) bool, props func(code string) map[string]any) ([]byte, error) {
	if !tile.Valid() || int(tile.Z) > layer.MaxZoom {
		return nil, fmt.Errorf("tile %d/%d/%d: out of range", tile.Z, tile.X, tile.Y)
	}
	return Encode(name, topo.FeaturesFunc(source, int(tile.Z), Bound(tile), keep), props, tile)
}

// Encode encodes shapes (simplified for tile.Z, e.g. from
// layer.Topology.Features at that zoom) as one MVT layer named layerName,
// version 2, extent 4096: each feature with id = its code (when numeric)
// and the properties props returns for its code (nil props: code and
// name; nil values are left out; values other than strings, numbers and
// booleans are JSON-encoded into strings). Geometry is projected to tile
// coordinates, clipped to the tile plus Buffer and oriented as MVT wants
// (exterior rings clockwise on screen). Features are in the order given.
//
// Encode returns nil and no error when no feature reaches into the tile
// (an HTTP server answers 204).
func Encode(layerName string, shapes []layer.Shape, props func(code string) map[string]any, tile maptile.Tile) ([]byte, error) {
	if !tile.Valid() {
		return nil, fmt.Errorf("tile %d/%d/%d: out of range", tile.Z, tile.X, tile.Y)
	}
	bound := Bound(tile)
	pr := newProjector(tile)
	box := orb.Bound{Min: orb.Point{-Buffer, -Buffer}, Max: orb.Point{Extent + Buffer, Extent + Buffer}}
	l := &mvt.Layer{Name: layerName, Version: 2, Extent: Extent}
	for i := range shapes {
		s := &shapes[i]
		if !s.Bound.Intersects(bound) {
			continue
		}
		var mp orb.MultiPolygon
		for _, p := range s.Geometry {
			if len(p) == 0 || !p[0].Bound().Intersects(bound) {
				continue
			}
			if q := pr.polygon(p, box); q != nil {
				mp = append(mp, q)
			}
		}
		// Rounding to tile coordinates and clipping can make rings touch
		// or cross themselves (and run along the buffer's edge twice):
		// repair on the tile's integer grid.
		mp, _ = polyrepair.Repair(mp, 1)
		if len(mp) == 0 {
			continue
		}
		f := &geojson.Feature{Geometry: mp, Properties: tileProperties(s, props)}
		if _, err := strconv.ParseUint(s.Feature.Code, 10, 64); err == nil {
			f.ID = s.Feature.Code // the encoder turns numeric strings into ids
		}
		if len(mp) == 1 {
			f.Geometry = mp[0]
		}
		l.Features = append(l.Features, f)
	}
	if len(l.Features) == 0 {
		return nil, nil
	}
	b, err := mvt.Marshal(mvt.Layers{l})
	if err != nil {
		return nil, fmt.Errorf("tile %d/%d/%d: %w", tile.Z, tile.X, tile.Y, err)
	}
	return b, nil
}

// tileProperties returns the properties of a feature in a form the MVT
// encoder takes.
func tileProperties(s *layer.Shape, props func(code string) map[string]any) geojson.Properties {
	if props == nil {
		return geojson.Properties{"code": s.Feature.Code, "name": s.Feature.Name}
	}
	src := props(s.Feature.Code)
	out := make(geojson.Properties, len(src))
	for k, v := range src {
		switch v.(type) {
		case nil:
			continue
		case string, bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64:
			out[k] = v
		default:
			b, err := json.Marshal(v)
			if err != nil {
				b = []byte(fmt.Sprint(v))
			}
			out[k] = string(b)
		}
	}
	return out
}

// projector maps lon/lat to the tile coordinates of one tile.
type projector struct {
	world  float64 // size of the world in tile coordinates
	x0, y0 float64 // the tile's top-left corner in world coordinates
}

func newProjector(t maptile.Tile) projector {
	return projector{
		world: math.Ldexp(Extent, int(t.Z)),
		x0:    float64(t.X) * Extent,
		y0:    float64(t.Y) * Extent,
	}
}

func (pr projector) point(p orb.Point) orb.Point {
	s := math.Sin(p[1] * math.Pi / 180)
	s = min(max(s, -0.9999), 0.9999)
	x := (p[0]/360 + 0.5) * pr.world
	y := (0.5 - math.Log((1+s)/(1-s))/(4*math.Pi)) * pr.world
	return orb.Point{math.Floor(x - pr.x0), math.Floor(y - pr.y0)}
}

// polygon projects, clips and cleans a polygon; nil when nothing is left
// of its outer ring. Rings are reversed: counter-clockwise in lon/lat is
// clockwise on a y-down tile, which MVT wants for exterior rings.
func (pr projector) polygon(p orb.Polygon, box orb.Bound) orb.Polygon {
	var out orb.Polygon
	for i, r := range p {
		pts := make(orb.Ring, 0, len(r))
		for j := len(r) - 1; j >= 0; j-- {
			q := pr.point(r[j])
			if n := len(pts); n == 0 || pts[n-1] != q {
				pts = append(pts, q)
			}
		}
		c := tidy(clip.Ring(box, pts), i == 0)
		if c == nil {
			if i == 0 {
				return nil
			}
			continue
		}
		out = append(out, c)
	}
	return out
}

// tidy rounds clipped coordinates to integers and drops repeated points;
// nil when the ring has no area left or the wrong orientation (exterior
// rings have a positive shoelace area in tile coordinates).
func tidy(r orb.Ring, outer bool) orb.Ring {
	if r == nil {
		return nil
	}
	out := r[:0]
	for _, p := range r {
		p = orb.Point{math.Round(p[0]), math.Round(p[1])}
		if n := len(out); n == 0 || out[n-1] != p {
			out = append(out, p)
		}
	}
	if n := len(out); n > 1 && out[0] == out[n-1] {
		out = out[:n-1]
	}
	if len(out) < 3 {
		return nil
	}
	out = append(out, out[0])
	var a float64
	for i := 0; i+1 < len(out); i++ {
		a += out[i][0]*out[i+1][1] - out[i+1][0]*out[i][1]
	}
	if (outer && a <= 0) || (!outer && a >= 0) {
		return nil
	}
	return out
}
