package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"pilotmap/internal/gaps"
	"pilotmap/internal/gazetteer"
)

func runGaps(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "gaps", "[--json] [--top N] [--db PATH|URL]")
	db := dbFlag(fs)
	asJSON := fs.Bool("json", false, "print the gap report as JSON (the shape of GET /api/v1/gaps)")
	top := fs.Int("top", 10, "clusters and farthest units to list in the summary")
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	if *top < 1 {
		fmt.Fprintf(e.stderr, "pilotmap gaps: --top must be at least 1, got %d\n", *top)
		return 2
	}
	ds, ok := openDataset(ctx, e, "gaps", *db)
	if !ok {
		return 1
	}
	defer ds.Close()
	w, ok := buildWorld(ctx, e, "gaps", ds, worldParts{gaps: true})
	if !ok {
		return 1
	}
	rep := *w.Gaps
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintf(e.stderr, "pilotmap gaps: %v\n", err)
			return 1
		}
		return 0
	}
	printGaps(e.stdout, rep, ds.Gazetteer, *top)
	return 0
}

// printGaps writes the readable summary of a gap report.
func printGaps(w io.Writer, rep gaps.Report, gz *gazetteer.Gazetteer, top int) {
	name := func(code string) string {
		if d, ok := gz.Division(code); ok {
			return d.Name
		}
		return code
	}
	var comparable int
	for _, r := range rep.Regions {
		comparable += r.Comparable
	}
	var noPolygon []string
	for _, u := range rep.UncoveredUnits {
		if !u.HasPolygon {
			noPolygon = append(noPolygon, fmt.Sprintf("%s %s", u.Name, u.Code))
		}
	}
	fmt.Fprintf(w, "%d of %d comparable units have no pilot; those with a boundary form %d gap clusters\n", len(rep.UncoveredUnits), comparable, len(rep.Clusters))
	if len(noPolygon) > 0 {
		fmt.Fprintf(w, "%d without boundary (distance unknown, in no cluster): %s\n", len(noPolygon), strings.Join(noPolygon, ", "))
	}

	fmt.Fprintf(w, "\nlargest gap clusters (by area): neighbouring uncovered units each %g km or more from every pilot; nearer units are in a pilot's reach and in no cluster\n", rep.FarKM)
	tw := tabwriter.NewWriter(w, 0, 2, 2, ' ', 0)
	fmt.Fprintln(tw, "  #\tarea km²\tunits\tmax km to a pilot\tlargest unit: provinces")
	for _, c := range rep.Clusters[:min(top, len(rep.Clusters))] {
		provs := make([]string, 0, len(c.ProvinceCodes))
		for _, p := range c.ProvinceCodes {
			provs = append(provs, name(p))
		}
		list := strings.Join(provs[:min(4, len(provs))], "、")
		if len(provs) > 4 {
			list += fmt.Sprintf(" and %d more", len(provs)-4)
		}
		fmt.Fprintf(tw, "  %d\t%.0f\t%d\t%.1f\t%s: %s\n", c.ID, c.AreaKM2, len(c.Units), c.MaxDistanceKM, c.Name, list)
	}
	tw.Flush()

	far := make([]gaps.UncoveredUnit, 0, len(rep.UncoveredUnits))
	for _, u := range rep.UncoveredUnits {
		if u.DistanceKM != nil && *u.DistanceKM > 0 {
			far = append(far, u)
		}
	}
	sort.SliceStable(far, func(i, j int) bool { return *far[i].DistanceKM > *far[j].DistanceKM })
	fmt.Fprintf(w, "\nfarthest from any pilot (boundary to boundary):\n")
	tw = tabwriter.NewWriter(w, 0, 2, 2, ' ', 0)
	for _, u := range far[:min(top, len(far))] {
		fmt.Fprintf(tw, "  %s\t%.1f km\tcluster %d\t%s (%s), nearest pilot %s %s\n", u.Code, *u.DistanceKM, u.Cluster, u.Name, name(u.ProvinceCode), u.NearestPilotCode, name(u.NearestPilotCode))
	}
	tw.Flush()

	fmt.Fprintf(w, "\nprovinces without any pilot unit:")
	if len(rep.ProvincesWithoutUnits) == 0 {
		fmt.Fprint(w, " none")
	}
	for _, p := range rep.ProvincesWithoutUnits {
		fmt.Fprintf(w, " %s %s", name(p), p)
	}
	fmt.Fprintln(w)

	pp := append([]gaps.PilotProvince(nil), rep.PilotProvinces...)
	sort.SliceStable(pp, func(i, j int) bool { return pp[i].UncoveredShare > pp[j].UncoveredShare })
	fmt.Fprintf(w, "\nfull-promotion pilot provinces, most uncovered first:\n")
	tw = tabwriter.NewWriter(w, 0, 2, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "code\tcovered\tuncovered share\tof area\t  province")
	for _, p := range pp {
		fmt.Fprintf(tw, "%s\t%d of %d\t%.1f%%\t%.1f%%\t  %s\n", p.Code, p.Covered, p.Comparable, 100*p.UncoveredShare, 100*p.UncoveredAreaShare, p.Name)
	}
	tw.Flush()

	fmt.Fprintf(w, "\nregions:\n")
	tw = tabwriter.NewWriter(w, 0, 2, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "region\tcovered\tcoverage\tuncovered km²\tprovinces without units\tmax km to a pilot\t")
	for _, r := range rep.Regions {
		fmt.Fprintf(tw, "%s\t%d of %d\t%.1f%%\t%.0f\t%d\t%.1f\t  %s\n", r.NameEN, r.Covered, r.Comparable, 100*r.Coverage, r.UncoveredAreaKM2, r.ProvincesWithoutUnits, r.MaxDistanceKM, r.Name)
	}
	tw.Flush()
	q := rep.Inequality
	fmt.Fprintf(w, "\ninequality: region spread %.1f percentage points (best %s %.1f%%, worst %s %.1f%%); Gini over %d provinces' coverage %.2f\n",
		100*q.RegionSpread, q.BestRegion, 100*q.BestCoverage, q.WorstRegion, 100*q.WorstCoverage, q.Provinces, q.ProvinceGini)
	if q.Summary != "" {
		fmt.Fprintln(w, q.Summary)
	}
}
