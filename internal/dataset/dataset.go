// Package dataset opens the data a pilotmap process works on: the store
// named by a DSN, a SQLite file or a PostgreSQL database (created and
// seeded with the embedded default data when new), the
// gazetteer and the boundaries it holds, and the data version that drives
// caching. Commands and the server read it through a world
// (internal/world), the data as of one data version.
package dataset

import (
	"context"
	"fmt"
	"io/fs"
	"slices"

	"pilotmap/internal/boundary"
	"pilotmap/internal/gazetteer"
	"pilotmap/internal/importer"
	"pilotmap/internal/store"
	"pilotmap/internal/store/pgstore"
)

// Dataset is an open store with the gazetteer and boundaries loaded from it.
type Dataset struct {
	Store      store.Store
	Gazetteer  *gazetteer.Gazetteer
	Boundaries *boundary.Set
	// BoundaryVersion is the version of the stored boundary layers.
	BoundaryVersion string
	// Provenance is where the boundaries come from: the stored boundary
	// version in use, or the embedded default's (EmbeddedProvenance) when
	// that was never stored as a version.
	Provenance store.BoundaryVersion
	// Embedded is the embedded default data the database was opened with.
	Embedded Source
	// Seeded is true when Open created and seeded the database.
	Seeded bool
	// EnglishAdded is true when Open seeded again a database made before
	// divisions had English names (schema version 3), to fill them in.
	EnglishAdded bool
}

// Source is the default data a new database is seeded from.
type Source struct {
	FS      fs.FS  // the embedded geodata
	Version string // its version (geodata.Version)
}

// Open opens the database dsn names (see OpenStore); a missing or empty
// database is created and seeded from src first.
func Open(ctx context.Context, dsn string, src Source) (*Dataset, error) {
	st, err := OpenStore(ctx, dsn)
	if err != nil {
		return nil, err
	}
	ds, err := load(ctx, st, src)
	if err != nil {
		st.Close()
		return nil, err
	}
	return ds, nil
}

// OpenStore opens the store dsn names: a postgres:// or postgresql:// URL
// is a PostgreSQL database (internal/store/pgstore), anything else the path
// of a SQLite file (internal/store), created when missing. Either applies
// the migrations the database lacks.
func OpenStore(ctx context.Context, dsn string, opts ...store.Option) (store.Store, error) {
	if pgstore.IsDSN(dsn) {
		return pgstore.Open(ctx, dsn, opts...)
	}
	return store.Open(ctx, dsn, opts...)
}

// Describe names the database dsn names for logs and messages, without a
// password.
func Describe(dsn string) string {
	if pgstore.IsDSN(dsn) {
		return pgstore.Redact(dsn)
	}
	return dsn
}

func load(ctx context.Context, st store.Store, src Source) (*Dataset, error) {
	ds := &Dataset{Store: st, Embedded: src}
	divs, err := st.Divisions(ctx)
	if err != nil {
		return nil, fmt.Errorf("open dataset: %w", err)
	}
	if len(divs) == 0 {
		if _, err := importer.Seed(ctx, st, src.FS, src.Version); err != nil {
			return nil, err
		}
		ds.Seeded = true
		if divs, err = st.Divisions(ctx); err != nil {
			return nil, fmt.Errorf("open dataset: %w", err)
		}
	} else if !slices.ContainsFunc(divs, func(d gazetteer.Division) bool { return d.NameEN != "" }) {
		// Seeding is idempotent: on a database of an older version it only
		// adds what that version lacked, here the English names.
		if _, err := importer.Seed(ctx, st, src.FS, src.Version); err != nil {
			return nil, err
		}
		ds.EnglishAdded = true
		if divs, err = st.Divisions(ctx); err != nil {
			return nil, fmt.Errorf("open dataset: %w", err)
		}
	}
	aliases, err := st.Aliases(ctx)
	if err != nil {
		return nil, fmt.Errorf("open dataset: %w", err)
	}
	if ds.Gazetteer, err = gazetteer.New(divs, aliases); err != nil {
		return nil, fmt.Errorf("open dataset: %w", err)
	}
	b, err := ds.LoadBoundaries(ctx)
	if err != nil {
		return nil, fmt.Errorf("open dataset: %w", err)
	}
	ds.Boundaries, ds.BoundaryVersion, ds.Provenance = b.Set, b.Version, b.Provenance
	return ds, nil
}

// Close closes the store.
func (d *Dataset) Close() error { return d.Store.Close() }

// Version is the data version: the version of the boundaries in use and
// the store's data version. Every cache key and ETag includes it.
func (d *Dataset) Version(ctx context.Context) (string, error) {
	v, err := d.Store.DataVersion(ctx)
	if err != nil {
		return "", fmt.Errorf("data version: %w", err)
	}
	bv, err := d.ActiveBoundaryVersion(ctx)
	if err != nil {
		return "", fmt.Errorf("data version: %w", err)
	}
	return fmt.Sprintf("%s-%d", bv, v), nil
}

// ActiveBoundaryVersion returns the version of the boundaries in use: the
// active stored version, or the one the dataset opened with when none is
// marked active (a database that never stored a boundary version).
func (d *Dataset) ActiveBoundaryVersion(ctx context.Context) (string, error) {
	vs, err := d.Store.BoundaryVersions(ctx)
	if err != nil {
		return "", err
	}
	for _, v := range vs {
		if v.Active {
			return v.Version, nil
		}
	}
	return d.BoundaryVersion, nil
}

// Boundaries is one version of the boundaries: its layers and provenance.
type Boundaries struct {
	Version    string
	Set        *boundary.Set
	Provenance store.BoundaryVersion
}

// LoadBoundaries reads the boundary layers in use from the store, with the
// provenance of their version.
func (d *Dataset) LoadBoundaries(ctx context.Context) (*Boundaries, error) {
	versions := map[string]string{}
	set, err := boundary.ReadSet(func(layer string) ([]byte, error) {
		data, format, version, err := d.Store.BoundaryLayer(ctx, layer)
		if err != nil {
			return nil, err
		}
		if format != boundary.CompactFormat {
			return nil, fmt.Errorf("stored in format %q, this version reads %q", format, boundary.CompactFormat)
		}
		versions[layer] = version
		return data, nil
	})
	if err != nil {
		return nil, fmt.Errorf("boundaries: %w", err)
	}
	b := &Boundaries{Version: versions["units"], Set: set}
	// The South China Sea line is part of the map, not of the boundary
	// data a deployment may store: it comes with the embedded geodata.
	if d.Embedded.FS != nil {
		if set.NanhaiLine, err = boundary.LoadNanhaiLine(d.Embedded.FS); err != nil {
			return nil, fmt.Errorf("boundaries: %w", err)
		}
	}
	for l, v := range versions {
		if v != b.Version {
			return nil, fmt.Errorf("boundaries: layer %s has version %s, units has %s", l, v, b.Version)
		}
	}
	vs, err := d.Store.BoundaryVersions(ctx)
	if err != nil {
		return nil, fmt.Errorf("boundaries: %w", err)
	}
	b.Provenance = EmbeddedProvenance(b.Version)
	for _, v := range vs {
		if v.Version == b.Version {
			b.Provenance = v
		}
	}
	return b, nil
}

// The embedded default boundaries' provenance (geodata/README.md).
const (
	EmbeddedSource      = "Apache ECharts 4.9.0 map data (map/json/china.json and the province files), as embedded in pilotmap's geodata"
	EmbeddedLicense     = "Apache-2.0"
	EmbeddedAttribution = "Apache ECharts 4.9.0"
)

// EmbeddedProvenance is the provenance of the embedded default boundaries
// of a geodata version.
func EmbeddedProvenance(version string) store.BoundaryVersion {
	return store.BoundaryVersion{Version: version, Source: EmbeddedSource, License: EmbeddedLicense,
		Attribution: EmbeddedAttribution, Filename: "geodata (embedded)", Format: boundary.CompactFormat}
}

// IsEmbedded reports whether a provenance is the embedded default's.
func IsEmbedded(p store.BoundaryVersion) bool { return p.Source == EmbeddedSource }

// StoreEmbedded stores the embedded default boundaries as a boundary
// version (named by the geodata version), so that it can be listed and
// used again after another version; storing it again changes nothing.
func (d *Dataset) StoreEmbedded(ctx context.Context) (store.BoundaryVersion, error) {
	v := EmbeddedProvenance(d.Embedded.Version)
	v.Layers = map[string][]byte{}
	for _, layer := range boundary.LayerNames() {
		data, err := fs.ReadFile(d.Embedded.FS, boundary.LayerFile(layer))
		if err != nil {
			return v, fmt.Errorf("embedded boundaries: %w", err)
		}
		v.Layers[layer] = data
	}
	if err := d.Store.PutBoundaryVersion(ctx, v); err != nil {
		return v, fmt.Errorf("embedded boundaries: %w", err)
	}
	return v, nil
}

// PilotProvinces returns the full-promotion designations of every
// program, in the store's order; FullPromotion reads codes from them.
func (d *Dataset) PilotProvinces(ctx context.Context) ([]store.Designation, error) {
	ds, err := d.Store.Designations(ctx)
	if err != nil {
		return nil, fmt.Errorf("designations: %w", err)
	}
	var out []store.Designation
	for _, x := range ds {
		if x.Kind == store.DesignationFullPromotion {
			out = append(out, x)
		}
	}
	return out, nil
}

// FullPromotion returns the codes of the full-promotion pilot provinces
// of a program (0: of every program), each once, in designation order.
func FullPromotion(ds []store.Designation, programID int64) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range ds {
		if (programID == 0 || x.ProgramID == programID) && !seen[x.ProvinceCode] {
			seen[x.ProvinceCode] = true
			out = append(out, x.ProvinceCode)
		}
	}
	return out
}
