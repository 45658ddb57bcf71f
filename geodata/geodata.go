// Package geodata embeds pilotmap's default data: the gazetteer
// (divisions.csv, aliases.csv, history.csv), the boundary layers derived from echarts
// (provinces, units, nanhai in the compact format of internal/boundary), their provenance,
// and the default notice. See README.md in this folder for sources,
// licenses and how to regenerate.
package geodata

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"sort"
)

//go:embed divisions.csv aliases.csv history.csv provinces.layer.gz units.layer.gz nanhai.layer.gz nanhai_line.geojson provenance.json notices/*.txt
var files embed.FS

// DefaultNotice is the path of the default notice inside FS().
const DefaultNotice = "notices/guoweijiating-2013-5.txt"

// FS returns the embedded files (read-only).
func FS() fs.FS { return files }

// Version returns a digest of every embedded file, names and contents: it
// changes whenever the boundary data, the gazetteer or the default notice
// changes, and is part of every cache key and ETag derived from this data.
func Version() (string, error) {
	var names []string
	err := fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			names = append(names, p)
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("geodata: list files: %w", err)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		data, err := fs.ReadFile(files, n)
		if err != nil {
			return "", fmt.Errorf("geodata: read %s: %w", n, err)
		}
		fmt.Fprintf(h, "%s\x00%d\x00", n, len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}
