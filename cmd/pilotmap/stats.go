package main

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"
)

func runStats(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "stats", "[--json] [--db PATH|URL]")
	db := dbFlag(fs)
	asJSON := fs.Bool("json", false, "print the statistics as JSON")
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	ds, ok := openDataset(ctx, e, "stats", *db)
	if !ok {
		return 1
	}
	defer ds.Close()
	w, ok := buildWorld(ctx, e, "stats", ds, worldParts{})
	if !ok {
		return 1
	}
	st := w.Stats
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(st); err != nil {
			fmt.Fprintf(e.stderr, "pilotmap stats: %v\n", err)
			return 1
		}
		return 0
	}
	n := st.National
	fmt.Fprintf(e.stdout, "%d pilot units in %d provinces; %d full-promotion pilot provinces\n", n.Units, n.ProvincesWithUnits, n.PilotProvinces)
	fmt.Fprintf(e.stdout, "coverage %d/%d comparable units (%.1f%%), %.0f of %.0f km² (%.1f%%)\n\n",
		n.CoveredUnits, n.ComparableUnits, 100*n.Coverage, n.CoveredAreaKM2, n.AreaKM2, 100*pct(n.CoveredAreaKM2, n.AreaKM2))
	tw := tabwriter.NewWriter(e.stdout, 0, 2, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "code\tprovince\tregion\tpilot province\tunits\tcovered\tcoverage\tarea km²\tcovered km²\t")
	for _, p := range st.Provinces {
		pp := ""
		if p.PilotProvince {
			pp = "yes"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d/%d\t%.1f%%\t%.0f\t%.0f\t\n", p.Code, p.Name, p.Region, pp, p.Units, p.CoveredUnits, p.ComparableUnits, 100*p.Coverage, p.AreaKM2, p.CoveredAreaKM2)
	}
	tw.Flush()
	fmt.Fprintln(e.stdout)
	tw = tabwriter.NewWriter(e.stdout, 0, 2, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "region\tprovinces\tunits\tcovered\tcoverage\t")
	for _, r := range st.Regions {
		fmt.Fprintf(tw, "%s %s\t%d\t%d\t%d/%d\t%.1f%%\t\n", r.Name, r.NameEN, len(r.Provinces), r.Units, r.CoveredUnits, r.ComparableUnits, 100*r.Coverage)
	}
	tw.Flush()
	return 0
}

func pct(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}
