package server

import (
	"slices"
	"strings"

	"github.com/paulmach/orb"

	"pilotmap/internal/boundary"
	"pilotmap/internal/coverage"
	"pilotmap/internal/layer"
	"pilotmap/internal/world"
)

// The layer catalog: one list of the served vector layers drives
// /api/v1/layers, /tiles (tiles and TileJSON) and /ogc (collections).
// Adding a layer is one entry of catalog.

// propType is a feature property's type as TileJSON names it.
type propType string

const (
	propString  propType = "String"
	propNumber  propType = "Number"
	propBoolean propType = "Boolean"
)

// layerProp is one property of a layer's features.
type layerProp struct {
	name string
	typ  propType
}

// labelProps are the label point of a feature, inside its geometry at the
// zoom served, as two plain numbers (layer.SetLabel): in the GeoJSON
// features (layers, OGC items), not in the vector tiles.
func labelProps() []layerProp {
	return []layerProp{{"label_lon", propNumber}, {"label_lat", propNumber}}
}

// layerSpec is one served layer.
type layerSpec struct {
	name, title, description string
	geometryType             string // GeoJSON type of every feature's geometry
	minZoom, maxZoom         int
	props                    []layerProp
	// tiles and ogc: whether /tiles and /ogc serve the layer (GeoJSON
	// under /api/v1/layers always).
	tiles, ogc bool
	// source is the topology layer the features come from and layerOf
	// its boundary features; keep, when set, selects the features of a
	// world that the layer holds.
	source  string
	layerOf func(*boundary.Set) *boundary.Layer
	keep    func(w *world.World) func(*boundary.Feature) bool
	// geojson, when set, builds the layer's GeoJSON instead of the
	// division features of source (the gaps layer: the gap clusters).
	geojson func(s *server, w *world.World, zoom int, bbox orb.Bound) (*representation, error)
	// extent, when set, is the bounding box of the layer's features in a
	// world; else that of its source's features it keeps.
	extent func(w *world.World) orb.Bound
	// withCoverage adds the province coverage figures to the properties.
	withCoverage bool
}

// Layer names the handlers refer to.
const (
	layerProvinces = layer.Provinces
	layerUnits     = layer.Units
	layerPilots    = "pilots"
	layerNanhai    = layer.Nanhai
	layerGaps      = "gaps" // one feature per cluster of uncovered comparable units
	// layerNanhaiLine is the South China Sea line (MultiLineString), for
	// the 南海诸岛 inset: a layer of its own (one geometry type per
	// layer), served as GeoJSON only.
	layerNanhaiLine = "nanhai_line"
)

// divisionProps are the properties of a boundary feature on every
// division layer (docs/api.md).
func divisionProps() []layerProp {
	return append([]layerProp{
		{"code", propString}, {"name", propString}, {"name_en", propString}, {"level", propString},
		{"province_code", propString}, {"pilot", propBoolean}, {"pilot_province", propBoolean},
		{"in_program", propBoolean}, {"batch", propNumber}, {"status", propString},
		{"new", propBoolean}, {"area_km2", propNumber},
	}, labelProps()...)
}

// catalog lists the served layers in the order documents list them.
func catalog() []layerSpec {
	div := divisionProps()
	return []layerSpec{
		{
			name: layerProvinces, title: "Provinces", geometryType: "MultiPolygon",
			description: "Province-level divisions (34, with 台湾, 香港, 澳门) and their coverage figures",
			maxZoom:     layer.DataZoom, tiles: true, ogc: true, source: layer.Provinces, layerOf: provincesOf, withCoverage: true,
			props: append(slices.Clone(div), layerProp{"units", propNumber}, layerProp{"comparable_units", propNumber},
				layerProp{"covered_units", propNumber}, layerProp{"coverage", propNumber}),
		},
		{
			name: layerUnits, title: "Comparable units", geometryType: "MultiPolygon",
			description: "Comparable units: districts and counties of the municipalities, prefecture-level units and province-direct county-level units elsewhere",
			maxZoom:     layer.DataZoom, tiles: true, ogc: true, source: layer.Units, layerOf: unitsOf, props: div,
		},
		{
			name: layerPilots, title: "Comparable units with a pilot", geometryType: "MultiPolygon",
			description: "Comparable units holding at least one active pilot unit",
			maxZoom:     layer.DataZoom, tiles: true, ogc: true, source: layer.Units, layerOf: unitsOf, props: div,
			keep: func(w *world.World) func(*boundary.Feature) bool {
				return func(f *boundary.Feature) bool { return w.Comparable(f.Code).Pilot() }
			},
		},
		{
			name: layerNanhai, title: "South China Sea islands", geometryType: "MultiPolygon",
			description: "The South China Sea islands (南海诸岛), for the inset of a national map",
			maxZoom:     layer.DataZoom, tiles: true, ogc: true, source: layer.Nanhai, layerOf: nanhaiOf, props: div,
		},
		{
			name: layerNanhaiLine, title: "South China Sea line", geometryType: "MultiLineString",
			description: "The dashed line of the 南海诸岛 inset (南海断续线), one feature, the same at every zoom",
			maxZoom:     layer.DataZoom,
			props:       []layerProp{{"code", propString}, {"name", propString}, {"level", propString}},
			layerOf:     nanhaiOf, extent: nanhaiLineExtent,
			geojson: func(s *server, w *world.World, _ int, bbox orb.Bound) (*representation, error) {
				return s.buildNanhaiLineLayer(w, bbox)
			},
		},
		{
			name: layerGaps, title: "Gap clusters", geometryType: "MultiPolygon",
			description: "Clusters of neighbouring comparable units without a pilot, largest first",
			maxZoom:     layer.DataZoom, source: layer.Units, layerOf: unitsOf, geojson: (*server).buildGapsLayer,
			props: append([]layerProp{{"id", propNumber}, {"rank", propNumber}, {"name", propString},
				{"units", propNumber}, {"province_codes", propString}, {"area_km2", propNumber},
				{"max_distance_km", propNumber}}, labelProps()...),
			extent: gapsExtent,
		},
	}
}

// nanhaiLineExtent is the bounding box of the South China Sea line (zero
// when the boundaries have none).
func nanhaiLineExtent(w *world.World) orb.Bound {
	if len(w.Boundaries.NanhaiLine) == 0 {
		return orb.Bound{}
	}
	return w.Boundaries.NanhaiLine.Bound()
}

// gapsExtent is the bounding box of the units of the world's gap clusters
// (zero without a gap analysis or clusters).
func gapsExtent(w *world.World) orb.Bound {
	if w.Gaps == nil {
		return orb.Bound{}
	}
	in := map[string]bool{}
	for _, c := range w.Gaps.Clusters {
		for _, code := range c.Units {
			in[code] = true
		}
	}
	return w.Boundaries.Units.BoundFunc(func(f *boundary.Feature) bool { return in[f.Code] })
}

// layerCatalog is the catalog with its lookups; the server makes one.
type layerCatalog struct {
	specs  []layerSpec
	byName map[string]*layerSpec
}

func newLayerCatalog() *layerCatalog {
	c := &layerCatalog{specs: catalog(), byName: map[string]*layerSpec{}}
	for i := range c.specs {
		c.byName[c.specs[i].name] = &c.specs[i]
	}
	return c
}

// served lists the names of the layers that serves accepts.
func (c *layerCatalog) served(serves func(*layerSpec) bool) []string {
	var out []string
	for i := range c.specs {
		if serves(&c.specs[i]) {
			out = append(out, c.specs[i].name)
		}
	}
	return out
}

// lookup finds a layer taken from the path parameter param among those
// that serves accepts; unknown is a 404 listing them.
func (c *layerCatalog) lookup(param, name string, serves func(*layerSpec) bool) (*layerSpec, error) {
	if l, ok := c.byName[name]; ok && serves(l) {
		return l, nil
	}
	names := c.served(serves)
	return nil, notFoundParam(param, "unknown layer %q; the layers are %s", clip(name), strings.Join(names, ", "))
}

func anyLayer(*layerSpec) bool    { return true }
func tileLayer(l *layerSpec) bool { return l.tiles }
func ogcLayer(l *layerSpec) bool  { return l.ogc }

// fields are the properties of the layer's GeoJSON features with their
// types.
func (l *layerSpec) fields() map[string]string {
	m := make(map[string]string, len(l.props))
	for _, p := range l.props {
		m[p.name] = string(p.typ)
	}
	return m
}

func provincesOf(b *boundary.Set) *boundary.Layer { return b.Provinces }
func unitsOf(b *boundary.Set) *boundary.Layer     { return b.Units }
func nanhaiOf(b *boundary.Set) *boundary.Layer    { return b.Nanhai }

// tileFields are the properties of the layer's vector tile features with
// their types (TileJSON).
func (l *layerSpec) tileFields() map[string]string {
	m := make(map[string]string, len(l.props))
	for _, p := range l.props {
		if !slices.Contains(labelProps(), p) {
			m[p.name] = string(p.typ)
		}
	}
	return m
}

// bound is the bounding box of the layer's own features in a world
// (pilots: the units holding an active pilot unit; gaps: the units of the
// clusters); the zero Bound when it has none.
func (l *layerSpec) bound(w *world.World) orb.Bound {
	if l.extent != nil {
		return l.extent(w)
	}
	src := l.features(w)
	if keep := l.keeper(w); keep != nil {
		return src.BoundFunc(keep)
	}
	return src.Bound()
}

// features are the boundary features of the layer's source.
func (l *layerSpec) features(w *world.World) *boundary.Layer { return l.layerOf(w.Boundaries) }

// keeper is the layer's feature filter in a world (nil: all).
func (l *layerSpec) keeper(w *world.World) func(*boundary.Feature) bool {
	if l.keep == nil {
		return nil
	}
	return l.keep(w)
}

// shapes returns the features of a division layer at a zoom within bbox
// (zero: all).
func (l *layerSpec) shapes(w *world.World, zoom int, bbox orb.Bound) []layer.Shape {
	if keep := l.keeper(w); keep != nil {
		return w.Topology.FeaturesFunc(l.source, zoom, bbox, keep)
	}
	return w.Topology.Features(l.source, zoom, bbox)
}

// featureProps returns the properties of a feature of a division layer
// (docs/api.md): code, name, name_en, level, province_code, pilot, pilot_province,
// in_program, batch, status and area_km2; with coverage also the
// province's figures.
func (l *layerSpec) featureProps(w *world.World, f *boundary.Feature) map[string]any {
	p := map[string]any{
		"code":          f.Code,
		"name":          f.Name,
		"name_en":       englishName(w.Gazetteer, f.Code),
		"level":         f.Level,
		"province_code": f.ProvinceCode,
		"area_km2":      round(f.AreaKM2, 0),
	}
	if l.withCoverage {
		st, ok := w.ProvinceStats(f.Code)
		p["pilot"] = ok && st.Units > 0
		p["pilot_province"] = w.IsPilotProvince(f.Code)
		p["in_program"] = coverage.InProgram(f.Code)
		p["batch"] = nil
		p["status"] = nil
		p["new"] = nil
		p["units"] = st.Units
		p["comparable_units"] = st.ComparableUnits
		p["covered_units"] = st.CoveredUnits
		p["coverage"] = round(st.Coverage, 4)
		return p
	}
	ci := w.Comparable(f.Code)
	p["pilot"] = ci.Pilot()
	p["pilot_province"] = w.IsPilotProvince(f.ProvinceCode)
	p["in_program"] = coverage.InProgram(f.ProvinceCode)
	p["batch"], p["status"], p["new"] = nil, nil, nil
	if ci != nil {
		p["batch"], p["status"] = ci.Batch, string(ci.Status)
		if len(w.Selection.Batches) > 0 {
			p["new"] = ci.New // only a view of selected batches knows
		}
	}
	return p
}

// shapeProps are featureProps plus the label point of the zoom's geometry
// (label_lon, label_lat).
func (l *layerSpec) shapeProps(w *world.World) func(*layer.Shape) map[string]any {
	return func(sh *layer.Shape) map[string]any {
		p := l.featureProps(w, &sh.Feature)
		layer.SetLabel(p, sh.Label)
		return p
	}
}
