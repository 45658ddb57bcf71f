package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"pilotmap/geodata"
	"pilotmap/internal/dataset"
	"pilotmap/internal/document"
	"pilotmap/internal/gazetteer"
	"pilotmap/internal/importer"
)

// readNotice reads FILE ("-" for stdin) as text, HTML, DOCX or PDF (see
// readDocument) and returns its text; how a document other than plain text
// was read, and what its conversion noted, go to stderr as notes.
func readNotice(e *env, path string) ([]byte, error) {
	doc, err := readDocument(path)
	if err != nil {
		return nil, err
	}
	if doc.Format != document.Text {
		fmt.Fprintf(e.stderr, "note: %s\n", describe(path, doc))
	}
	for _, n := range doc.Notes {
		fmt.Fprintf(e.stderr, "note: %s: %s\n", path, n)
	}
	return doc.Text, nil
}

func runMatch(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "match", "[--json] FILE")
	asJSON := fs.Bool("json", false, "print the join table as JSON")
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(e.stderr, "pilotmap match: give exactly one notice FILE")
		return 2
	}
	raw, err := readNotice(e, fs.Arg(0))
	if err != nil {
		fmt.Fprintf(e.stderr, "pilotmap match: %v\n", err)
		return 2
	}
	g, err := gazetteer.Load(geodata.FS())
	if err != nil {
		fmt.Fprintf(e.stderr, "pilotmap match: %v\n", err)
		return 1
	}
	res, err := importer.MatchText(g, raw)
	if err != nil {
		fmt.Fprintf(e.stderr, "pilotmap match: %s: %v\n", fs.Arg(0), err)
		return 2
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			fmt.Fprintf(e.stderr, "pilotmap match: %v\n", err)
			return 1
		}
	} else {
		printJoinTable(e.stdout, res)
	}
	for _, n := range res.Notes {
		fmt.Fprintf(e.stderr, "note: %s\n", n)
	}
	if !res.Complete() {
		fmt.Fprintf(e.stderr, "pilotmap match: %s\n", incomplete(res))
		return 1
	}
	return 0
}

// incomplete says what keeps a join table from being complete: unmatched
// units, unreadable parts, declared counts that differ from what was read.
func incomplete(res *importer.Result) string {
	var parts []string
	if n := len(res.Unmatched); n > 0 {
		parts = append(parts, fmt.Sprintf("%d of %d units unmatched", n, n+len(res.Units)))
	}
	if n := len(res.Unreadable); n > 0 {
		parts = append(parts, fmt.Sprintf("%d unreadable", n))
	}
	for _, c := range res.CountsDiffer() {
		what := "in total"
		if c.Name != "" {
			what = c.Name
		}
		parts = append(parts, fmt.Sprintf("%s: declared %d, read %d", what, c.Declared, c.Read))
	}
	return strings.Join(parts, "; ")
}

func printJoinTable(w io.Writer, res *importer.Result) {
	names := make([]string, len(res.PilotProvinces))
	for i, p := range res.PilotProvinces {
		names[i] = p.Name
	}
	fmt.Fprintf(w, "pilot provinces (%d): %s\n\n", len(names), strings.Join(names, "、"))
	tw := tabwriter.NewWriter(w, 0, 2, 2, ' ', 0)
	fmt.Fprintln(tw, "line\tprovince\twritten\tcode\tname\tlevel\trule\tconfidence")
	for _, u := range res.Units {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%.2f\n", u.Line, u.Province, u.Written, u.Code, u.Name, u.Level, u.Rule, u.Confidence)
	}
	tw.Flush()
	fmt.Fprintf(w, "\n%d matched, %d unmatched, %d unreadable\n", len(res.Units), len(res.Unmatched), len(res.Unreadable))
	for _, u := range res.Unmatched {
		var c []string
		for _, x := range u.Candidates {
			c = append(c, fmt.Sprintf("%s %s (%s)", x.Code, x.Name, x.Reason))
		}
		fmt.Fprintf(w, "UNMATCHED line %d: %s %s", u.Line, u.Province, u.Written)
		if u.Reason != "" {
			fmt.Fprintf(w, " — %s", u.Reason)
		}
		if len(c) > 0 {
			fmt.Fprintf(w, " — candidates: %s", strings.Join(c, "; "))
		}
		fmt.Fprintln(w)
	}
	for _, u := range res.Unreadable {
		fmt.Fprintf(w, "UNREADABLE line %d: %s %q — %s\n", u.Line, u.Province, u.Text, u.Reason)
	}
	for _, c := range res.CountsDiffer() {
		what := "the notice"
		if c.Name != "" {
			what = c.Name
		}
		fmt.Fprintf(w, "COUNT line %d: %s declares %d, read %d\n", c.Line, what, c.Declared, c.Read)
	}
}

func runImport(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "import", "[--db PATH|URL] [--program NAME] [--batch N] [--dry-run] [--allow-unmatched] FILE")
	db := dbFlag(fs)
	program := fs.String("program", "", "program name (default: from the notice's title)")
	batch := fs.Int("batch", 0, "batch number (default: from the notice, e.g. 第二批 → 2)")
	dry := fs.Bool("dry-run", false, "match and check, store nothing")
	allow := fs.Bool("allow-unmatched", false, "store the matched units even when some units are unmatched or unreadable")
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(e.stderr, "pilotmap import: give exactly one notice FILE")
		return 2
	}
	if *batch < 0 {
		fmt.Fprintf(e.stderr, "pilotmap import: --batch must be a positive number, got %d\n", *batch)
		return 2
	}
	raw, err := readNotice(e, fs.Arg(0))
	if err != nil {
		fmt.Fprintf(e.stderr, "pilotmap import: %v\n", err)
		return 2
	}
	ds, ok := openDataset(ctx, e, "import", *db)
	if !ok {
		return 1
	}
	defer ds.Close()
	res, ir, err := importer.Import(ctx, ds.Store, ds.Gazetteer, raw, importer.Options{
		Program: *program, Batch: *batch, Filename: filepath.Base(fs.Arg(0)), AllowUnmatched: *allow, DryRun: *dry,
	})
	if res != nil {
		for _, n := range res.Notes {
			fmt.Fprintf(e.stderr, "note: %s\n", n)
		}
		for _, u := range res.Unmatched {
			fmt.Fprintf(e.stderr, "unmatched: line %d: %s %s\n", u.Line, u.Province, u.Written)
		}
		for _, u := range res.Unreadable {
			fmt.Fprintf(e.stderr, "unreadable: line %d: %q — %s\n", u.Line, u.Text, u.Reason)
		}
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "pilotmap import: %s: %v\n", fs.Arg(0), err)
		if res == nil {
			return 2
		}
		return 1
	}
	switch {
	case *dry:
		fmt.Fprintf(e.stdout, "dry run: %d units matched, %d unmatched; nothing stored\n", len(res.Units), len(res.Unmatched))
	case !ir.Created:
		fmt.Fprintf(e.stdout, "already imported as import #%d: nothing changed\n", ir.ImportID)
	default:
		fmt.Fprintf(e.stdout, "imported %d units into %s, batch %d, as import #%d; data version %d\n", ir.Units, res.Program, res.Batch, ir.ImportID, ir.DataVersion)
	}
	return 0
}

func runInit(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "init", "[--db PATH|URL]")
	db := dbFlag(fs)
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	ds, ok := openDataset(ctx, e, "init", *db)
	if !ok {
		return 1
	}
	defer ds.Close()
	if ds.Seeded {
		fmt.Fprintf(e.stdout, "created %s with the default data (%d divisions, %d units with boundaries)\n", dataset.Describe(*db), len(ds.Gazetteer.Divisions()), len(ds.Boundaries.Units.Features))
	} else if ds.EnglishAdded {
		fmt.Fprintf(e.stdout, "%s was made before divisions had English names: added them\n", dataset.Describe(*db))
	} else {
		fmt.Fprintf(e.stdout, "%s is already initialized: nothing changed\n", dataset.Describe(*db))
	}
	return 0
}
