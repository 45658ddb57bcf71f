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
	ds := &Dataset{Store: st}
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
	versions := map[string]string{}
	ds.Boundaries, err = boundary.ReadSet(func(layer string) ([]byte, error) {
		data, format, version, err := st.BoundaryLayer(ctx, layer)
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
		return nil, fmt.Errorf("open dataset: %w", err)
	}
	// The South China Sea line is part of the map, not of the boundary
	// data a deployment may store: it comes with the embedded geodata.
	if src.FS != nil {
		if ds.Boundaries.NanhaiLine, err = boundary.LoadNanhaiLine(src.FS); err != nil {
			return nil, fmt.Errorf("open dataset: %w", err)
		}
	}
	ds.BoundaryVersion = versions["units"]
	for l, v := range versions {
		if v != ds.BoundaryVersion {
			return nil, fmt.Errorf("open dataset: boundary layer %s has version %s, units has %s", l, v, ds.BoundaryVersion)
		}
	}
	return ds, nil
}

// Close closes the store.
func (d *Dataset) Close() error { return d.Store.Close() }

// Version is the data version: the boundaries' version and the store's
// data version. Every cache key and ETag includes it.
func (d *Dataset) Version(ctx context.Context) (string, error) {
	v, err := d.Store.DataVersion(ctx)
	if err != nil {
		return "", fmt.Errorf("data version: %w", err)
	}
	return fmt.Sprintf("%s-%d", d.BoundaryVersion, v), nil
}

// PilotProvinces returns the codes of the full-promotion pilot provinces.
func (d *Dataset) PilotProvinces(ctx context.Context) ([]string, error) {
	ds, err := d.Store.Designations(ctx)
	if err != nil {
		return nil, fmt.Errorf("designations: %w", err)
	}
	seen := map[string]bool{}
	var out []string
	for _, x := range ds {
		if x.Kind == "full_promotion" && !seen[x.ProvinceCode] {
			seen[x.ProvinceCode] = true
			out = append(out, x.ProvinceCode)
		}
	}
	return out, nil
}
