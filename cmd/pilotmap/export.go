package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/paulmach/orb/geojson"

	"pilotmap/geodata"
	"pilotmap/internal/boundary"
	"pilotmap/internal/layer"
)

func runExport(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "export", "--layer provinces|units|nanhai [--format geojson]")
	name := fs.String("layer", "", "layer to export: provinces, units or nanhai")
	format := fs.String("format", "geojson", "output format: geojson")
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	if *format != "geojson" {
		fmt.Fprintf(e.stderr, "pilotmap export: --format %q is not supported (use geojson)\n", *format)
		return 2
	}
	set, err := boundary.Load(geodata.FS())
	if err != nil {
		fmt.Fprintf(e.stderr, "pilotmap export: %v\n", err)
		return 1
	}
	var l *boundary.Layer
	var extend func(boundary.Feature, geojson.Properties)
	switch *name {
	case "provinces":
		l = set.Provinces
	case "units":
		l = set.Units
		extend = func(_ boundary.Feature, p geojson.Properties) { p["pilot"] = false }
	case "nanhai":
		l = set.Nanhai
	case "":
		fmt.Fprintln(e.stderr, "pilotmap export: --layer is required (provinces, units or nanhai)")
		return 2
	default:
		fmt.Fprintf(e.stderr, "pilotmap export: unknown --layer %q (use provinces, units or nanhai)\n", *name)
		return 2
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(layer.FeatureCollection(l, extend)); err != nil {
		fmt.Fprintf(e.stderr, "pilotmap export: write: %v\n", err)
		return 1
	}
	return 0
}
