package geobuild

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"pilotmap/internal/boundary"
)

// NanhaiLineFile is the derived file of the South China Sea dashed line.
const NanhaiLineFile = "nanhai_line.geojson"

// NanhaiLineSource is where the line comes from, in the echarts package.
const NanhaiLineSource = "package/lib/coord/geo/fix/nanhai.js"

// southMargin is how far (degrees) south of the southernmost island
// (曾母暗沙, James Shoal) the middle of the southernmost dash is put.
const southMargin = 0.35

var (
	pointsRe   = regexp.MustCompile(`(?s)var points = (\[.*?\]);\s*\n`)
	geoCoordRe = regexp.MustCompile(`var geoCoord = \[(\d+(?:\.\d+)?), (\d+(?:\.\d+)?)\];`)
)

// NanhaiLine derives the dashes of the South China Sea line from echarts'
// lib/coord/geo/fix/nanhai.js. The file draws ECharts' own 南海诸岛 inset
// as polygons in a local frame of screen units (x right, y down; echarts
// moves that frame next to 台湾 with x / 10.5 + 126, −y · 0.75 / 10.5 + 25,
// which the parser checks the file still says): a stretch of the south
// coast, 海南岛 as a quadrilateral, the dashes as thin quadrilaterals and
// the inset's frame. Each dash becomes a segment between the middles of
// its two short sides, in the file's order (from off Vietnam, south round
// 曾母暗沙, north to between 台湾 and Luzon).
//
// The inset's frame holds no coordinates, so the generator places the
// dashes on the map by two anchors from the boundary data itself: the
// middle of the inset's 海南岛 on the centroid of the real island
// (hainan), and the middle of the southernmost dash southMargin degrees
// south of the southernmost island of 三沙市 (southLat); the frame's x and
// y units are taken as equal on the ground at the anchors' mean latitude
// (a conformal inset), so one degree of longitude is 1/cos(φ) of a degree
// of latitude in frame units.
func NanhaiLine(js []byte, hainan orb.Point, southLat float64) (orb.MultiLineString, error) {
	if !bytes.Contains(js, []byte("points[i][k][0] /= 10.5;")) || !bytes.Contains(js, []byte("points[i][k][1] /= -10.5 / 0.75;")) {
		return nil, errors.New("nanhai.js: the frame's transform (x / 10.5, y / (−10.5 / 0.75)) is not where it was in echarts 4.9.0")
	}
	if m := geoCoordRe.FindSubmatch(js); m == nil || string(m[1]) != "126" || string(m[2]) != "25" {
		return nil, errors.New("nanhai.js: geoCoord is not [126, 25] as in echarts 4.9.0")
	}
	m := pointsRe.FindSubmatch(js)
	if m == nil {
		return nil, errors.New("nanhai.js: no `var points = [...]`")
	}
	var polys [][][2]float64
	if err := json.Unmarshal(m[1], &polys); err != nil {
		return nil, fmt.Errorf("nanhai.js: points: %w", err)
	}
	var dashes [][2]orb.Point
	var island orb.Ring
	for _, p := range polys {
		if len(p) != 5 || p[0] != p[4] {
			continue // the coast (12 points) and the frame (9 points)
		}
		var ring orb.Ring
		for _, q := range p {
			ring = append(ring, orb.Point{q[0], q[1]})
		}
		side := func(i int) float64 { return math.Hypot(ring[i][0]-ring[i+1][0], ring[i][1]-ring[i+1][1]) }
		short := 0
		for i := 1; i < 4; i++ {
			if side(i) < side(short) {
				short = i
			}
		}
		if side(short) > 2.5 {
			if island != nil {
				return nil, errors.New("nanhai.js: two quadrilaterals that are no dash (海南岛?)")
			}
			island = ring
			continue
		}
		o := (short + 2) % 4 // the opposite short side
		mid := func(i int) orb.Point {
			return orb.Point{(ring[i][0] + ring[i+1][0]) / 2, (ring[i][1] + ring[i+1][1]) / 2}
		}
		a, b := mid(short), mid(o)
		if a[1] > b[1] || (a[1] == b[1] && a[0] > b[0]) {
			a, b = b, a // north end first
		}
		dashes = append(dashes, [2]orb.Point{a, b})
	}
	if island == nil || len(dashes) < 9 {
		return nil, fmt.Errorf("nanhai.js: %d dashes and island %v; echarts 4.9.0 has 9 dashes and 海南岛", len(dashes), island != nil)
	}
	hc, _ := planar.CentroidArea(island)
	south := -1
	for i, d := range dashes {
		if south < 0 || d[0][1]+d[1][1] > dashes[south][0][1]+dashes[south][1][1] {
			south = i
		}
	}
	sy := (dashes[south][0][1]+dashes[south][1][1])/2 - hc[1]
	southAt := southLat - southMargin
	degPerUnit := (hainan[1] - southAt) / sy
	cosLat := math.Cos((hainan[1] + southAt) / 2 * math.Pi / 180)
	place := func(p orb.Point) orb.Point {
		return orb.Point{
			round6(hainan[0] + (p[0]-hc[0])*degPerUnit/cosLat),
			round6(hainan[1] - (p[1]-hc[1])*degPerUnit),
		}
	}
	var out orb.MultiLineString
	for _, d := range dashes {
		out = append(out, orb.LineString{place(d[0]), place(d[1])})
	}
	return out, nil
}

func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }

// NanhaiLineCollection is the line as the GeoJSON FeatureCollection of
// geodata/nanhai_line.geojson: one MultiLineString feature.
func NanhaiLineCollection(line orb.MultiLineString, source string) *geojson.FeatureCollection {
	fc := geojson.NewFeatureCollection()
	f := boundary.NanhaiLineFeature(line)
	f.Properties["source"] = source
	fc.Append(f)
	return fc
}

// HainanAnchors are the generator's anchors for NanhaiLine from the
// derived layers: the centroid of 海南岛 (the largest polygon of 海南省
// 460000) and the latitude of the southernmost point of the islands.
func HainanAnchors(res *Result) (orb.Point, float64, error) {
	var hainan orb.Polygon
	for _, p := range res.Provinces {
		if p.Code != "460000" {
			continue
		}
		for _, poly := range p.Geometry {
			if hainan == nil || planar.Area(poly) > planar.Area(hainan) {
				hainan = poly
			}
		}
	}
	if hainan == nil || len(res.Nanhai) == 0 {
		return orb.Point{}, 0, errors.New("no 海南省 or no islands to place the South China Sea line by")
	}
	c, _ := planar.CentroidArea(hainan)
	south := math.Inf(1)
	for _, f := range res.Nanhai {
		south = math.Min(south, f.Geometry.Bound().Min[1])
	}
	return c, south, nil
}
