package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"pilotmap/internal/boundary"
	"pilotmap/internal/boundaryfile"
	"pilotmap/internal/dataset"
	"pilotmap/internal/gazetteer"
	"pilotmap/internal/store"
)

const boundariesUsage = "usage: pilotmap boundaries import FILE [flags] | list [--db PATH|URL] | use VERSION [--db PATH|URL]"

func runBoundaries(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, boundariesUsage)
		return 2
	}
	switch args[0] {
	case "import":
		return runBoundariesImport(ctx, e, args[1:])
	case "list":
		return runBoundariesList(ctx, e, args[1:])
	case "use":
		return runBoundariesUse(ctx, e, args[1:])
	case "-h", "--help", "help":
		fmt.Fprintln(e.stdout, boundariesUsage)
		return 0
	}
	fmt.Fprintf(e.stderr, "pilotmap boundaries: unknown subcommand %q\n%s\n", args[0], boundariesUsage)
	return 2
}

// maxBoundaryFile bounds the file read into memory.
const maxBoundaryFile = 512 << 20

func runBoundariesImport(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "boundaries import", "FILE --code-field NAME --datum wgs84|gcj02 --source TEXT --license TEXT [flags]")
	db := dbFlag(fs)
	object := fs.String("object", "", "read only this TopoJSON object (default: every object)")
	codeField := fs.String("code-field", "", "property holding the 6-digit division code (required)")
	nameField := fs.String("name-field", "", "property holding the name, compared with the gazetteer's")
	level := fs.String("level", "", "level of every feature: province, prefecture or county (default: from each code: PP0000 province, PPCC00 prefecture, else county)")
	datum := fs.String("datum", "", "datum of the coordinates: wgs84 (also CGCS2000) or gcj02 (required)")
	source := fs.String("source", "", "where the file comes from, shown in every map's source line (required)")
	license := fs.String("license", "", "the file's license, shown in every map's source line (required)")
	attribution := fs.String("attribution", "", "attribution the license asks for, shown in every map's source line")
	minCoverage := fs.Float64("min-coverage", 0.95, "refuse unless the file draws this share of the comparable units' area")
	areaChange := fs.Float64("area-change", 0.05, "flag units whose area differs from the boundaries in use by more than this share")
	centroidKM := fs.Float64("centroid-km", 10, "flag units whose centroid moved by more than this many km")
	movedKM2 := fs.Float64("moved-km2", 500, "flag territory of at least this many km² that moved to another comparable unit")
	force := fs.Bool("force", false, "store the boundaries even when the coverage is below --min-coverage")
	use := fs.Bool("use", false, "switch to the imported boundaries at once (as boundaries use)")
	dryRun := fs.Bool("dry-run", false, "check and print the report, store nothing")
	asJSON := fs.Bool("json", false, "print the check report as JSON")
	file, rest := splitFile(args)
	if code, ok := parseFlags(e, fs, rest); !ok {
		return code
	}
	if file == "" && fs.NArg() == 1 {
		file = fs.Arg(0)
	} else if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "pilotmap boundaries import: unexpected arguments %q\n", fs.Args())
		return 2
	}
	var missing []string
	for name, v := range map[string]string{"FILE": file, "--code-field": *codeField, "--datum": *datum, "--source": *source, "--license": *license} {
		if strings.TrimSpace(v) == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		fmt.Fprintf(e.stderr, "pilotmap boundaries import: missing %s\n", strings.Join(slices.Sorted(slices.Values(missing)), ", "))
		fs.Usage()
		return 2
	}
	d, err := boundaryfile.ParseDatum(*datum)
	if err != nil {
		fmt.Fprintf(e.stderr, "pilotmap boundaries import: --datum: %v\n", err)
		return 2
	}
	lv := gazetteer.Level(*level)
	if lv != "" && !lv.Valid() {
		fmt.Fprintf(e.stderr, "pilotmap boundaries import: --level %q: want province, prefecture or county\n", *level)
		return 2
	}
	for name, v := range map[string]float64{"--min-coverage": *minCoverage, "--area-change": *areaChange} {
		if v < 0 || v > 1 {
			fmt.Fprintf(e.stderr, "pilotmap boundaries import: %s %v: want a share between 0 and 1\n", name, v)
			return 2
		}
	}
	if *centroidKM < 0 || *movedKM2 < 0 {
		fmt.Fprintln(e.stderr, "pilotmap boundaries import: --centroid-km and --moved-km2 must not be negative")
		return 2
	}
	raw, err := readLimited(file)
	if err != nil {
		fmt.Fprintf(e.stderr, "pilotmap boundaries import: %v\n", err)
		return 1
	}
	f, err := boundaryfile.Read(raw, *object)
	if err != nil {
		fmt.Fprintf(e.stderr, "pilotmap boundaries import: %s: %v\n", file, err)
		return 1
	}
	ds, ok := openDataset(ctx, e, "boundaries import", *db)
	if !ok {
		return 1
	}
	defer ds.Close()
	res, err := boundaryfile.Check(boundaryfile.Input{File: f, Filename: filepath.Base(file), Gazetteer: ds.Gazetteer, Current: ds.Boundaries,
		Options: boundaryfile.Options{CodeField: *codeField, NameField: *nameField, Level: lv, Datum: d, MinCoverage: *minCoverage, Force: *force,
			AreaChange: *areaChange, CentroidKM: *centroidKM, MovedKM2: *movedKM2}})
	if err != nil {
		fmt.Fprintf(e.stderr, "pilotmap boundaries import: %v\n", err)
		return 2
	}
	rep := res.Report
	reportJSON, err := json.Marshal(rep)
	if err != nil {
		fmt.Fprintf(e.stderr, "pilotmap boundaries import: %v\n", err)
		return 1
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintf(e.stderr, "pilotmap boundaries import: %v\n", err)
			return 1
		}
	} else {
		printBoundaryReport(e.stdout, rep)
	}
	if rep.Refused {
		fmt.Fprintf(e.stderr, "pilotmap boundaries import: refused, nothing stored: %s (--force stores it anyway)\n", rep.RefusedBecause)
		return 1
	}
	if *dryRun {
		fmt.Fprintln(e.stderr, "dry run: nothing stored")
		return 0
	}
	// The embedded default stays available to switch back to.
	if _, err := ds.StoreEmbedded(ctx); err != nil {
		fmt.Fprintf(e.stderr, "pilotmap boundaries import: %v\n", err)
		return 1
	}
	sum := sha256.Sum256(raw)
	v := store.BoundaryVersion{Version: rep.Version, Source: *source, License: *license, Attribution: *attribution,
		Filename: filepath.Base(file), SHA256: hex.EncodeToString(sum[:]), Report: string(reportJSON), Format: boundary.CompactFormat, Layers: res.Layers}
	if err := ds.Store.PutBoundaryVersion(ctx, v); err != nil {
		fmt.Fprintf(e.stderr, "pilotmap boundaries import: %v\n", err)
		return exitCode(err)
	}
	if !*use {
		fmt.Fprintf(e.stderr, "stored boundary version %s; switch to it with: pilotmap boundaries use %s\n", v.Version, v.Version)
		return 0
	}
	if err := ds.Store.UseBoundaryVersion(ctx, v.Version); err != nil {
		fmt.Fprintf(e.stderr, "pilotmap boundaries import: %v\n", err)
		return 1
	}
	fmt.Fprintf(e.stderr, "stored boundary version %s and switched to it\n", v.Version)
	return 0
}

// splitFile takes the first argument that is not a flag as the file, so
// that FILE may come before the flags.
func splitFile(args []string) (string, []string) {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		return args[0], args[1:]
	}
	return "", args
}

func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxBoundaryFile+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(b) > maxBoundaryFile {
		return nil, fmt.Errorf("%s: larger than %d MiB", path, maxBoundaryFile>>20)
	}
	return b, nil
}

func printBoundaryReport(w io.Writer, r boundaryfile.Report) {
	fmt.Fprintf(w, "boundary file %s (%s, objects %s): %d features, datum %s\n", r.File, r.Format, strings.Join(r.Objects, ", "), r.Features, r.Datum)
	fmt.Fprintf(w, "used: %d province polygons, %d comparable units\n", r.Provinces, r.Units)
	fmt.Fprintf(w, "coverage: %d of %d comparable units (%.1f%%), %.1f%% of their area (minimum %.1f%%)\n",
		r.Units, r.Comparable, 100*r.CoverageCount, 100*r.CoverageArea, 100*r.MinCoverage)
	refs := func(title string, rs []boundaryfile.Ref) {
		fmt.Fprintf(w, "\n%s: %d\n", title, len(rs))
		for _, x := range rs {
			fmt.Fprintf(w, "  %s %s", x.Code, x.Name)
			if x.Object != "" {
				fmt.Fprintf(w, " [%s #%d]", x.Object, x.Index)
			}
			if x.Note != "" {
				fmt.Fprintf(w, " — %s", x.Note)
			}
			fmt.Fprintln(w)
		}
	}
	refs("codes unknown to the gazetteer (not used)", r.Unknown)
	refs("features without a code (not used)", r.NoCode)
	refs("features without polygons (not used)", r.NotPolygon)
	refs("level differs from the gazetteer (not used)", r.LevelMismatch)
	refs("neither a province nor a comparable unit (not used)", r.NotComparable)
	refs("duplicate codes (the first is used)", r.Duplicates)
	refs("names differ from the gazetteer (used, gazetteer name kept)", r.NamesDiffer)
	refs("comparable units with no polygon in the file (current boundary kept)", r.Missing)
	refs("comparable units without any boundary", r.NoBoundary)
	refs("provinces the file lacks (current boundary kept)", r.KeptProvinces)
	refs("units new to the boundaries", r.New)
	fmt.Fprintf(w, "\npolygons repaired: %d\n", len(r.Repaired))
	for _, x := range r.Repaired {
		fmt.Fprintf(w, "  %s %s — %s\n", x.Code, x.Name, x.Note)
	}
	fmt.Fprintf(w, "\nunits whose area differs by more than %.0f%% or whose centroid moved more than %g km: %d\n", 100*r.AreaChange, r.CentroidKM, len(r.Changed))
	for _, c := range r.Changed {
		fmt.Fprintf(w, "  %s %s: %.0f → %.0f km² (%+.1f%%), centroid %.1f km\n", c.Code, c.Name, c.BeforeKM2, c.AfterKM2, 100*c.AreaChange, c.CentroidKM)
	}
	fmt.Fprintf(w, "\nterritory that moved to another unit (at least %g km²): %d\n", r.MovedKM2, len(r.Moved))
	for _, m := range r.Moved {
		fmt.Fprintf(w, "  %.0f km² from %s %s to %s %s\n", m.AreaKM2, m.FromCode, m.FromName, m.ToCode, m.ToName)
	}
	fmt.Fprintf(w, "\nSouth China Sea layer: %s\n", r.Nanhai)
	switch {
	case r.Refused:
		fmt.Fprintf(w, "result: refused: %s\n", r.RefusedBecause)
	case r.Forced:
		fmt.Fprintf(w, "result: %s; version %s\n", r.RefusedBecause, r.Version)
	default:
		fmt.Fprintf(w, "result: accepted as boundary version %s\n", r.Version)
	}
}

func runBoundariesList(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "boundaries list", "[--db PATH|URL] [--json]")
	db := dbFlag(fs)
	asJSON := fs.Bool("json", false, "print the versions as JSON")
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	ds, ok := openDataset(ctx, e, "boundaries list", *db)
	if !ok {
		return 1
	}
	defer ds.Close()
	vs, err := ds.Store.BoundaryVersions(ctx)
	if err != nil {
		fmt.Fprintf(e.stderr, "pilotmap boundaries list: %v\n", err)
		return 1
	}
	type row struct {
		Version     string `json:"version"`
		Active      bool   `json:"active"`
		Embedded    bool   `json:"embedded"`
		Stored      bool   `json:"stored"`
		Source      string `json:"source"`
		License     string `json:"license"`
		Attribution string `json:"attribution"`
		File        string `json:"file"`
		SHA256      string `json:"sha256,omitempty"`
		CreatedAt   string `json:"created_at,omitempty"`
	}
	var rows []row
	embeddedStored := false
	for _, v := range vs {
		emb := v.Version == ds.Embedded.Version && dataset.IsEmbedded(v)
		embeddedStored = embeddedStored || emb
		rows = append(rows, row{v.Version, v.Active, emb, true, v.Source, v.License, v.Attribution, v.Filename, v.SHA256, v.CreatedAt.Format("2006-01-02T15:04:05Z")})
	}
	if !embeddedStored {
		p := dataset.EmbeddedProvenance(ds.Embedded.Version)
		rows = append([]row{{p.Version, ds.BoundaryVersion == p.Version, true, false, p.Source, p.License, p.Attribution, p.Filename, "", ""}}, rows...)
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rows); err != nil {
			fmt.Fprintf(e.stderr, "pilotmap boundaries list: %v\n", err)
			return 1
		}
		return 0
	}
	for _, r := range rows {
		mark := " "
		if r.Active {
			mark = "*"
		}
		kind := "imported " + r.CreatedAt
		if r.Embedded {
			kind = "embedded default"
		}
		fmt.Fprintf(e.stdout, "%s %-20s %s: %s (%s) from %s\n", mark, r.Version, kind, r.Source, r.License, r.File)
	}
	fmt.Fprintln(e.stdout, "(* in use; pilotmap boundaries use VERSION switches, \"embedded\" names the embedded default)")
	return 0
}

func runBoundariesUse(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "boundaries use", "VERSION [--db PATH|URL]")
	db := dbFlag(fs)
	version, rest := splitFile(args)
	if code, ok := parseFlags(e, fs, rest); !ok {
		return code
	}
	if version == "" && fs.NArg() == 1 {
		version = fs.Arg(0)
	} else if fs.NArg() > 0 || version == "" {
		fmt.Fprintln(e.stderr, "pilotmap boundaries use: give one VERSION (pilotmap boundaries list shows them)")
		return 2
	}
	ds, ok := openDataset(ctx, e, "boundaries use", *db)
	if !ok {
		return 1
	}
	defer ds.Close()
	if version == "embedded" || version == ds.Embedded.Version {
		v, err := ds.StoreEmbedded(ctx)
		if err != nil {
			fmt.Fprintf(e.stderr, "pilotmap boundaries use: %v\n", err)
			return 1
		}
		version = v.Version
	}
	if err := ds.Store.UseBoundaryVersion(ctx, version); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			fmt.Fprintf(e.stderr, "pilotmap boundaries use: no boundary version %q (pilotmap boundaries list shows them)\n", version)
			return 1
		}
		fmt.Fprintf(e.stderr, "pilotmap boundaries use: %v\n", err)
		return 1
	}
	fmt.Fprintf(e.stdout, "boundaries in use: %s\n", version)
	return 0
}
