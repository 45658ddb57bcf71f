package boundaryfile

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/planar"

	"pilotmap/internal/boundary"
	"pilotmap/internal/gazetteer"
)

// Datum is the datum of a file's coordinates.
type Datum string

// The datums Check converts from.
const (
	DatumWGS84 Datum = "wgs84" // also CGCS2000, which agrees to centimetres
	DatumGCJ02 Datum = "gcj02"
)

// ParseDatum returns the datum named s.
func ParseDatum(s string) (Datum, error) {
	switch d := Datum(strings.ToLower(s)); d {
	case DatumWGS84, DatumGCJ02:
		return d, nil
	}
	return "", fmt.Errorf("datum %q: want wgs84 or gcj02", s)
}

// Options say how to read a file's features and how strict the checks are.
type Options struct {
	CodeField string // the property holding the 6-digit division code
	NameField string // the property holding the name ("" = none)
	// Level, when set, is the level of every feature; "" detects it from
	// each code (PP0000 province, PPCC00 prefecture, else county).
	Level gazetteer.Level
	Datum Datum
	// MinCoverage is the share (0..1) of the comparable units' area, as
	// the boundaries in use draw it, that the file must cover; below it
	// the import is refused unless Force.
	MinCoverage float64
	Force       bool
	// AreaChange (a share) and CentroidKM flag a unit whose area or
	// centroid moved by more than that from the boundaries in use.
	AreaChange, CentroidKM float64
	// MovedKM2 flags territory of at least that many km² that lies in
	// another comparable unit than in the boundaries in use.
	MovedKM2 float64
}

// Input is what Check reads.
type Input struct {
	File      *File
	Filename  string
	Gazetteer *gazetteer.Gazetteer
	Current   *boundary.Set // the boundaries in use
	Options   Options
}

// Ref names a feature of the file or a division.
type Ref struct {
	Code   string `json:"code,omitempty"`
	Name   string `json:"name,omitempty"`
	Object string `json:"object,omitempty"`
	Index  int    `json:"index"`
	Note   string `json:"note,omitempty"`
}

// Change is a unit whose area or centroid differs from the boundaries in
// use by more than the thresholds.
type Change struct {
	Code       string  `json:"code"`
	Name       string  `json:"name"`
	BeforeKM2  float64 `json:"before_km2"`
	AfterKM2   float64 `json:"after_km2"`
	AreaChange float64 `json:"area_change"` // (after-before)/before
	CentroidKM float64 `json:"centroid_km"`
}

// Transfer is territory that lies in another comparable unit than in the
// boundaries in use (公主岭: from 四平市 to 长春市).
type Transfer struct {
	FromCode string  `json:"from_code"`
	FromName string  `json:"from_name"`
	ToCode   string  `json:"to_code"`
	ToName   string  `json:"to_name"`
	AreaKM2  float64 `json:"area_km2"`
}

// Repair is what making a feature's polygons storable changed.
type Repair struct {
	Code string `json:"code"`
	Name string `json:"name"`
	Note string `json:"note"`
}

// Report is the result of the checks, printed before anything is stored.
type Report struct {
	File     string   `json:"file"`
	Format   Format   `json:"format"`
	Objects  []string `json:"objects"`
	Features int      `json:"features"`
	Datum    Datum    `json:"datum"`

	NoCode        []Ref `json:"no_code"`        // features whose code field is empty
	NotPolygon    []Ref `json:"not_polygon"`    // features without polygons
	Unknown       []Ref `json:"unknown"`        // codes unknown to the gazetteer
	LevelMismatch []Ref `json:"level_mismatch"` // code's level is not the gazetteer's
	NotComparable []Ref `json:"not_comparable"` // known, neither a province nor a comparable unit
	Duplicates    []Ref `json:"duplicates"`     // a code again: the first one is used
	NamesDiffer   []Ref `json:"names_differ"`   // name field ≠ gazetteer name (used anyway)

	Provinces     int   `json:"provinces"`      // province polygons from the file
	KeptProvinces []Ref `json:"kept_provinces"` // provinces the file lacks: current boundary kept
	Units         int   `json:"units"`          // comparable units from the file
	Missing       []Ref `json:"missing"`        // comparable units with no polygon in the file: current boundary kept
	NoBoundary    []Ref `json:"no_boundary"`    // comparable units in neither the file nor the boundaries in use
	New           []Ref `json:"new"`            // units from the file without a current boundary

	Repaired []Repair   `json:"repaired"`
	Changed  []Change   `json:"changed"`
	Moved    []Transfer `json:"moved"`

	Comparable     int     `json:"comparable"`     // comparable units in the gazetteer
	CoverageCount  float64 `json:"coverage_count"` // share of them drawn by the file
	CoverageArea   float64 `json:"coverage_area"`  // share of their current area drawn by the file
	MinCoverage    float64 `json:"min_coverage"`   // of the area
	Refused        bool    `json:"refused"`
	RefusedBecause string  `json:"refused_because,omitempty"`
	Forced         bool    `json:"forced"`
	Version        string  `json:"version"` // the boundary version it would be stored as
	Nanhai         string  `json:"nanhai"`  // where the South China Sea layer comes from
	AreaChange     float64 `json:"area_change_threshold"`
	CentroidKM     float64 `json:"centroid_km_threshold"`
	MovedKM2       float64 `json:"moved_km2_threshold"`
}

// Result is the checked file: the report and the layers to store.
type Result struct {
	Report Report
	Set    *boundary.Set
	Layers map[string][]byte // compact layers, by name
}

// Check maps, converts, snaps and checks a file's features and builds the
// boundary set they would replace the current one with. It stores nothing.
func Check(in Input) (*Result, error) {
	o := in.Options
	if o.CodeField == "" {
		return nil, fmt.Errorf("check: no code field (--code-field); the first feature has properties %s", propertyNames(in.File))
	}
	if o.Level != "" && !o.Level.Valid() {
		return nil, fmt.Errorf("check: level %q: want province, prefecture or county", o.Level)
	}
	if _, err := ParseDatum(string(o.Datum)); err != nil {
		return nil, fmt.Errorf("check: %w", err)
	}
	g, cur := in.Gazetteer, in.Current
	rep := Report{File: in.Filename, Format: in.File.Format, Objects: in.File.Objects, Features: len(in.File.Features), Datum: o.Datum,
		MinCoverage: o.MinCoverage, AreaChange: o.AreaChange, CentroidKM: o.CentroidKM, MovedKM2: o.MovedKM2,
		Nanhai: "the boundaries in use (a boundary file has no South China Sea layer)"}
	repairs := map[string][]string{} // code → what making it valid changed
	provinces := map[string]boundary.Feature{}
	units := map[string]boundary.Feature{}
	for _, ft := range in.File.Features {
		ref := Ref{Object: ft.Object, Index: ft.Index, Code: Text(ft.Properties, o.CodeField)}
		if o.NameField != "" {
			ref.Name = Text(ft.Properties, o.NameField)
		}
		if ft.Kind != "" || len(ft.Geometry) == 0 {
			ref.Note = ft.Kind
			rep.NotPolygon = append(rep.NotPolygon, ref)
			continue
		}
		if ref.Code == "" {
			rep.NoCode = append(rep.NoCode, ref)
			continue
		}
		d, ok := g.Division(ref.Code)
		if !ok {
			rep.Unknown = append(rep.Unknown, ref)
			continue
		}
		level := o.Level
		if level == "" {
			level = levelOfCode(ref.Code)
		}
		if level != d.Level {
			ref.Note = fmt.Sprintf("read as %s, the gazetteer has %s %s", level, d.Level, d.Name)
			rep.LevelMismatch = append(rep.LevelMismatch, ref)
			continue
		}
		var into map[string]boundary.Feature
		switch {
		case d.Level == gazetteer.Province:
			into = provinces
		case g.IsComparable(d.Code):
			into = units
		default:
			ref.Note = d.Name
			rep.NotComparable = append(rep.NotComparable, ref)
			continue
		}
		if first, dup := into[d.Code]; dup {
			ref.Note = "the first one is used: " + first.Source
			rep.Duplicates = append(rep.Duplicates, ref)
			continue
		}
		if ref.Name != "" && ref.Name != d.Name {
			ref.Note = "gazetteer: " + d.Name
			rep.NamesDiffer = append(rep.NamesDiffer, ref)
		}
		geom, note := storable(ft.Geometry, o.Datum)
		if len(geom) == 0 {
			ref.Note = "no polygon left on the 1/1024° grid: " + note
			rep.NotPolygon = append(rep.NotPolygon, ref)
			continue
		}
		if note != "" {
			repairs[d.Code] = append(repairs[d.Code], note)
		}
		into[d.Code] = boundary.Feature{Code: d.Code, Name: d.Name, Level: string(d.Level), ProvinceCode: d.ProvinceCode(),
			ParentCode: d.ParentCode, Geometry: geom, Source: fmt.Sprintf("%s#%s[%d] %s", in.Filename, ft.Object, ft.Index, ref.Name)}
	}
	rep.Provinces, rep.Units = len(provinces), len(units)

	// Provinces and units the file lacks keep their current boundaries.
	var provFeats, unitFeats []boundary.Feature
	for _, f := range cur.Provinces.Features {
		if _, ok := provinces[f.Code]; !ok {
			provinces[f.Code] = f
			rep.KeptProvinces = append(rep.KeptProvinces, Ref{Code: f.Code, Name: f.Name})
		}
	}
	comparable := g.ComparableUnits("")
	rep.Comparable = len(comparable)
	var areaAll, areaFile float64
	fromFile := map[string]bool{}
	for _, d := range comparable {
		cf, hasCur := cur.Units.Feature(d.Code)
		_, inFile := units[d.Code]
		fromFile[d.Code] = inFile
		if hasCur {
			areaAll += cf.AreaKM2
			if inFile {
				areaFile += cf.AreaKM2
			}
		}
		switch {
		case inFile && !hasCur:
			rep.New = append(rep.New, Ref{Code: d.Code, Name: d.Name})
		case !inFile && hasCur:
			units[d.Code] = cf
			rep.Missing = append(rep.Missing, Ref{Code: d.Code, Name: d.Name, Note: "current boundary kept"})
		case !inFile && !hasCur:
			rep.NoBoundary = append(rep.NoBoundary, Ref{Code: d.Code, Name: d.Name})
		}
	}
	if rep.Comparable > 0 {
		rep.CoverageCount = float64(rep.Units) / float64(rep.Comparable)
	}
	if areaAll > 0 {
		rep.CoverageArea = areaFile / areaAll
	}
	for _, f := range provinces {
		provFeats = append(provFeats, f)
	}
	for _, f := range units {
		unitFeats = append(unitFeats, f)
	}
	sortFeatures(provFeats)
	sortFeatures(unitFeats)
	nanhai := slices.Clone(cur.Nanhai.Features)
	if err := settle(provFeats, unitFeats, nanhai, repairs); err != nil {
		return nil, fmt.Errorf("check: %w", err)
	}
	for code, notes := range repairs {
		name := code
		if d, ok := g.Division(code); ok {
			name = d.Name
		}
		rep.Repaired = append(rep.Repaired, Repair{Code: code, Name: name, Note: strings.Join(notes, "; ")})
	}
	slices.SortFunc(rep.Repaired, func(a, b Repair) int { return strings.Compare(a.Code, b.Code) })

	res := &Result{Layers: map[string][]byte{}}
	for name, feats := range map[string][]boundary.Feature{"provinces": provFeats, "units": unitFeats, "nanhai": nanhai} {
		var buf bytes.Buffer
		if err := boundary.WriteCompact(&buf, feats); err != nil {
			return nil, fmt.Errorf("check: layer %s: %w", name, err)
		}
		res.Layers[name] = buf.Bytes()
	}
	set, err := boundary.ReadSet(func(layer string) ([]byte, error) { return res.Layers[layer], nil })
	if err != nil {
		return nil, fmt.Errorf("check: %w", err)
	}
	res.Set = set

	for _, f := range set.Units.Features {
		before, ok := cur.Units.Feature(f.Code)
		if !ok || !fromFile[f.Code] {
			continue
		}
		c := Change{Code: f.Code, Name: f.Name, BeforeKM2: round1(before.AreaKM2), AfterKM2: round1(f.AreaKM2)}
		if before.AreaKM2 > 0 {
			c.AreaChange = math.Round((f.AreaKM2-before.AreaKM2)/before.AreaKM2*1e4) / 1e4
		}
		c.CentroidKM = round1(geo.Distance(centroid(before.Geometry), centroid(f.Geometry)) / 1000)
		if math.Abs(c.AreaChange) > o.AreaChange || c.CentroidKM > o.CentroidKM {
			rep.Changed = append(rep.Changed, c)
		}
	}
	rep.Moved = transfers(cur.Units, set.Units, fromFile, o.MovedKM2)

	h := sha256.New()
	for _, name := range boundary.LayerNames() {
		h.Write(res.Layers[name])
	}
	rep.Version = "file-" + hex.EncodeToString(h.Sum(nil))[:12]
	if rep.CoverageArea < o.MinCoverage {
		reason := fmt.Sprintf("the file draws %.1f%% of the comparable units' area, below --min-coverage %.1f%%", rep.CoverageArea*100, o.MinCoverage*100)
		if o.Force {
			rep.Forced = true
			rep.RefusedBecause = reason + " (stored anyway: --force)"
		} else {
			rep.Refused, rep.RefusedBecause = true, reason
		}
	}
	res.Report = rep
	return res, nil
}

func propertyNames(f *File) string {
	if len(f.Features) == 0 {
		return "(none: the file has no features)"
	}
	var names []string
	for k := range f.Features[0].Properties {
		names = append(names, k)
	}
	slices.Sort(names)
	return fmt.Sprintf("%q", names)
}

// levelOfCode detects a level from a code: PP0000 province, PPCC00
// prefecture, else county.
func levelOfCode(code string) gazetteer.Level {
	switch {
	case strings.HasSuffix(code, "0000"):
		return gazetteer.Province
	case strings.HasSuffix(code, "00"):
		return gazetteer.Prefecture
	}
	return gazetteer.County
}

func sortFeatures(fs []boundary.Feature) {
	slices.SortFunc(fs, func(a, b boundary.Feature) int { return strings.Compare(a.Code, b.Code) })
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }

// centroid is the area-weighted centroid of a multipolygon (lon/lat).
func centroid(mp orb.MultiPolygon) orb.Point {
	c, _ := planar.CentroidArea(mp)
	return c
}

// storable converts a feature's polygons to WGS-84 and makes them valid
// on the compact grid (1/1024°): shells counter-clockwise, holes
// clockwise (repair); note says what the repair changed ("" when nothing
// beyond putting the points on the grid).
func storable(mp orb.MultiPolygon, datum Datum) (orb.MultiPolygon, string) {
	conv := mp.Clone()
	if datum == DatumGCJ02 {
		for _, p := range conv {
			for _, r := range p {
				for i, pt := range r {
					r[i][0], r[i][1] = GCJ02ToWGS84(pt[0], pt[1])
				}
			}
		}
	}
	return repair(conv)
}
