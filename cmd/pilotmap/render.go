package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"pilotmap/internal/render"
	"pilotmap/internal/world"
)

// pngUnsupported explains why render makes no PNG and how to get one.
const pngUnsupported = `pilotmap render: PNG is not made offline (rasterising Chinese text needs a browser or librsvg with CJK fonts).
Write an SVG instead (--out map.svg), then either use "Export PNG" in the web map's presentation mode,
or convert it: rsvg-convert -z 2 map.svg -o map.png   (Debian: apt-get install librsvg2-bin fonts-noto-cjk)`

func runRender(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "render", "--out FILE.svg [--view coverage|gaps] [--province CODE] [--layout 16:9|4:3|a4] [--title T] [--subtitle S] [--lang zh|en] [--approval-number N] [--unapproved-note TEXT] [--date YYYY-MM-DD] [--program NAME] [--batch N[,M…]] [--db PATH|URL]")
	out := fs.String("out", "", "file to write: FILE.svg, or - for stdout (required)")
	view := fs.String("view", "coverage", "coverage, or gaps (distance of the units without a pilot to the nearest one, largest clusters)")
	province := fs.String("province", "", "a mainland province code (e.g. 110000) for a province map; empty for the national map")
	layoutName := fs.String("layout", "16:9", "page: 16:9 (1920×1080), 4:3 (1600×1200) or a4 (landscape, 297×210 mm)")
	title := fs.String("title", "", "title (default 创建幸福家庭活动试点覆盖图, or the English title with --lang en)")
	subtitle := fs.String("subtitle", "", "subtitle (default: the notices' numbers, e.g. 依据 国卫家庭发〔2013〕5号)")
	lang := fs.String("lang", "zh", "language of the map's words: zh or en")
	approval := fs.String("approval-number", "", "map approval number (审图号) to print, e.g. GS（2024）1234号; empty prints no approval line (PILOTMAP_APPROVAL_NUMBER, shared with serve)")
	unapproved := fs.String("unapproved-note", "", "printed instead of the approval line while --approval-number is not set; empty: "+render.DefaultUnapproved+" (PILOTMAP_UNAPPROVED_NOTE, shared with serve)")
	date := fs.String("date", "", "map date YYYY-MM-DD (default today)")
	program := fs.String("program", "", "show one program's batches only (its name; may be left out with --batch when one program is stored)")
	batch := fs.String("batch", "", "show these batches only, e.g. 3 or 2,3: their pilot units and figures, the units new in them striped (coverage view)")
	db := dbFlag(fs)
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "pilotmap render: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	hasBatch := false
	fs.Visit(func(f *flag.Flag) { hasBatch = hasBatch || f.Name == "batch" })
	switch ext := strings.ToLower(filepath.Ext(*out)); {
	case *out == "":
		fmt.Fprintln(e.stderr, "pilotmap render: --out is required (FILE.svg, or - for stdout)")
		return 2
	case ext == ".png":
		fmt.Fprintln(e.stderr, pngUnsupported)
		return 2
	case *out != "-" && ext != ".svg":
		fmt.Fprintf(e.stderr, "pilotmap render: --out %q: the only format is SVG (FILE.svg)\n", *out)
		return 2
	}
	opt, err := render.ParseQuery(url.Values{
		"view": {*view}, "province": {*province}, "layout": {*layoutName},
		"title": {*title}, "subtitle": {*subtitle}, "lang": {*lang},
	})
	if err != nil {
		fmt.Fprintf(e.stderr, "pilotmap render: %v\n", flagError(err))
		return 2
	}
	opt.Approval = *approval
	opt.Unapproved = *unapproved
	opt.Date = time.Now()
	if *date != "" {
		if opt.Date, err = time.Parse("2006-01-02", *date); err != nil {
			fmt.Fprintf(e.stderr, "pilotmap render: --date %q: want YYYY-MM-DD\n", *date)
			return 2
		}
	}

	ds, ok := openDataset(ctx, e, "render", *db)
	if !ok {
		return 1
	}
	defer ds.Close()
	// The gap index takes half a second: only the gaps view needs it.
	w, ok := buildWorld(ctx, e, "render", ds, worldParts{topology: true, gaps: opt.View == render.ViewGaps})
	if !ok {
		return 1
	}
	sel, err := w.ParseSelection(*program, *batch, hasBatch)
	var se *world.SelectionError
	if errors.As(err, &se) {
		fmt.Fprintf(e.stderr, "pilotmap render: invalid --%s\n", se)
		return 2
	}
	if !sel.IsZero() && opt.View == render.ViewGaps {
		fmt.Fprintln(e.stderr, "pilotmap render: --view gaps shows every stored batch: leave out --program and --batch")
		return 2
	}
	if w, err = w.Select(sel); err != nil {
		fmt.Fprintf(e.stderr, "pilotmap render: %v\n", err)
		return 1
	}
	m, err := render.NewMap(w)
	if err != nil {
		fmt.Fprintf(e.stderr, "pilotmap render: %v\n", err)
		return 1
	}
	if *out == "-" {
		if err := render.SVG(e.stdout, m, opt); err != nil {
			fmt.Fprintf(e.stderr, "pilotmap render: %v\n", flagError(err))
			return exitCode(err)
		}
		return 0
	}
	n, err := writeSVG(*out, m, opt)
	if err != nil {
		fmt.Fprintf(e.stderr, "pilotmap render: %v\n", flagError(err))
		return exitCode(err)
	}
	fmt.Fprintf(e.stdout, "wrote %s (%d bytes)\n", *out, n)
	return 0
}

// writeSVG renders into a temporary file next to path and renames it into
// place, so a failed run leaves no half-written map.
func writeSVG(path string, m render.Map, opt render.Options) (int64, error) {
	f, err := os.CreateTemp(filepath.Dir(path), ".render-*.svg")
	if err != nil {
		return 0, fmt.Errorf("create %s: %w", path, err)
	}
	defer os.Remove(f.Name())
	if err := render.SVG(f, m, opt); err != nil {
		f.Close()
		return 0, err
	}
	st, err := f.Stat()
	if err == nil {
		err = f.Chmod(0o644)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return 0, fmt.Errorf("write %s: %w", path, err)
	}
	return st.Size(), nil
}

// flagError words a render.ParamError in terms of the command's flags.
func flagError(err error) error {
	var pe *render.ParamError
	if errors.As(err, &pe) {
		return fmt.Errorf("invalid --%s %q: %s", pe.Param, pe.Value, pe.Reason)
	}
	return err
}

// exitCode is 2 for a bad option, 1 for anything else.
func exitCode(err error) int {
	var pe *render.ParamError
	if errors.As(err, &pe) {
		return 2
	}
	return 1
}
