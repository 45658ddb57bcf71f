package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/paulmach/orb/geojson"

	"pilotmap/internal/boundary"
	"pilotmap/internal/coverage"
	"pilotmap/internal/export"
	"pilotmap/internal/layer"
)

func runExport(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "export", "--layer provinces|units|nanhai|gaps [--format geojson|csv] [--lang en|zh] [--db PATH|URL]")
	name := fs.String("layer", "", "layer to export: provinces, units or nanhai (csv: units, provinces or gaps)")
	db := dbFlag(fs)
	format := fs.String("format", "geojson", "output format: geojson, or csv (units.csv: the pilot units; provinces.csv: coverage per province; gaps.csv: the uncovered units and their nearest pilot)")
	lang := fs.String("lang", "en", "csv header row: en (snake_case keys) or zh (Chinese column names)")
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	switch *format {
	case "geojson":
	case "csv":
		return runExportCSV(ctx, e, *name, *lang, *db)
	default:
		fmt.Fprintf(e.stderr, "pilotmap export: --format %q is not supported (use geojson or csv)\n", *format)
		return 2
	}
	if *name != "provinces" && *name != "units" && *name != "nanhai" {
		if *name == "" {
			fmt.Fprintln(e.stderr, "pilotmap export: --layer is required (provinces, units or nanhai)")
		} else {
			fmt.Fprintf(e.stderr, "pilotmap export: unknown --layer %q (use provinces, units or nanhai)\n", *name)
		}
		return 2
	}
	ds, ok := openDataset(ctx, e, "export", *db)
	if !ok {
		return 1
	}
	defer ds.Close()
	w, ok := buildWorld(ctx, e, "export", ds, worldParts{})
	if !ok {
		return 1
	}
	// A comparable unit is a pilot when it holds an active pilot unit,
	// itself or one below it (河北省 正定县 makes 石家庄市 one), as on the
	// server's layers.
	holdsPilot := coverage.Covered(w.ActivePilots())
	set := w.Boundaries
	var l *boundary.Layer
	english := func(f boundary.Feature, p geojson.Properties) {
		d, _ := w.Gazetteer.Division(f.Code)
		p["name_en"] = d.NameEN
	}
	extend := english
	switch *name {
	case "provinces":
		l = set.Provinces
	case "units":
		l = set.Units
		extend = func(f boundary.Feature, p geojson.Properties) {
			english(f, p)
			p["pilot"] = holdsPilot[f.Code]
		}
	case "nanhai":
		l = set.Nanhai
	}
	fc := layer.FeatureCollection(l, extend)
	if *name == "nanhai" && len(set.NanhaiLine) > 0 {
		// The islands, and the dashed line of the 南海诸岛 inset.
		fc.Append(boundary.NanhaiLineFeature(set.NanhaiLine))
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(fc); err != nil {
		fmt.Fprintf(e.stderr, "pilotmap export: write: %v\n", err)
		return 1
	}
	return 0
}

// runExportCSV writes units.csv, provinces.csv or gaps.csv (UTF-8 with
// BOM, one header row, codes quoted as text) to stdout.
func runExportCSV(ctx context.Context, e *env, name, lang, db string) int {
	if name != "units" && name != "provinces" && name != "gaps" {
		fmt.Fprintf(e.stderr, "pilotmap export: --format csv needs --layer units, provinces or gaps, not %q\n", name)
		return 2
	}
	if lang != "en" && lang != "zh" {
		fmt.Fprintf(e.stderr, "pilotmap export: unknown --lang %q (use en or zh)\n", lang)
		return 2
	}
	ds, ok := openDataset(ctx, e, "export", db)
	if !ok {
		return 1
	}
	defer ds.Close()
	w, ok := buildWorld(ctx, e, "export", ds, worldParts{gaps: name == "gaps"})
	if !ok {
		return 1
	}
	opt := export.Options{Lang: lang}
	var err error
	switch name {
	case "units":
		err = export.Units(e.stdout, w, opt)
	case "gaps":
		err = export.Gaps(e.stdout, w, opt)
	default:
		err = export.Provinces(e.stdout, w, opt)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "pilotmap export: %v\n", err)
		return 1
	}
	return 0
}
