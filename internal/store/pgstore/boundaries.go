package pgstore

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"pilotmap/internal/store"
)

// PutBoundaryVersion stores a boundary version and its layers without
// using it; the same version again changes nothing, other content under
// the same name is refused (store.ErrConflict).
func (s *Store) PutBoundaryVersion(ctx context.Context, v store.BoundaryVersion) error {
	if err := store.CheckBoundaryVersion(v); err != nil {
		return err
	}
	now := store.Stamp(s.now())
	_, err := s.write(ctx, func(tx pgx.Tx) (bool, error) {
		stored, found, err := readBoundaryVersion(ctx, tx, v.Version)
		if err != nil {
			return false, err
		}
		if found {
			if store.SameBoundaryVersion(stored, v) {
				return false, nil
			}
			return false, store.BoundaryVersionConflict(v.Version)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO boundary_versions (version, source, license, attribution, filename, sha256, report, format, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, v.Version, v.Source, v.License, v.Attribution, v.Filename, v.SHA256, v.Report, v.Format, now); err != nil {
			return false, fmt.Errorf("insert version: %w", err)
		}
		for name, data := range v.Layers {
			if _, err := tx.Exec(ctx, "INSERT INTO boundary_version_layers (version, layer, data) VALUES ($1, $2, $3)", v.Version, name, data); err != nil {
				return false, fmt.Errorf("insert layer %s: %w", name, err)
			}
		}
		return true, nil
	})
	if err != nil {
		return fmt.Errorf("store: put boundary version %q: %w", v.Version, err)
	}
	return nil
}

func readBoundaryVersion(ctx context.Context, tx pgx.Tx, version string) (store.BoundaryVersion, bool, error) {
	v := store.BoundaryVersion{Version: version, Layers: map[string][]byte{}}
	err := tx.QueryRow(ctx, "SELECT source, license, attribution, filename, sha256, report, format, created_at FROM boundary_versions WHERE version = $1", version).
		Scan(&v.Source, &v.License, &v.Attribution, &v.Filename, &v.SHA256, &v.Report, &v.Format, &v.CreatedAt)
	if noRows(err) {
		return store.BoundaryVersion{}, false, nil
	}
	if err != nil {
		return store.BoundaryVersion{}, false, fmt.Errorf("read version: %w", err)
	}
	rows, err := tx.Query(ctx, "SELECT layer, data FROM boundary_version_layers WHERE version = $1", version)
	if err != nil {
		return store.BoundaryVersion{}, false, fmt.Errorf("read layers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var data []byte
		if err := rows.Scan(&name, &data); err != nil {
			return store.BoundaryVersion{}, false, fmt.Errorf("read layers: %w", err)
		}
		v.Layers[name] = data
	}
	return v, true, rows.Err()
}

// BoundaryVersions returns every stored version without its layers, oldest
// first; Active marks the one whose layers are in use.
func (s *Store) BoundaryVersions(ctx context.Context) ([]store.BoundaryVersion, error) {
	rows, err := s.pool.Query(ctx, `SELECT v.version, v.source, v.license, v.attribution, v.filename, v.sha256, v.report, v.format, v.created_at,
	coalesce((SELECT l.version = v.version FROM boundary_layers l WHERE l.layer = 'units'), false)
FROM boundary_versions v ORDER BY v.created_at, v.version`)
	if err != nil {
		return nil, fmt.Errorf("store: boundary versions: %w", err)
	}
	defer rows.Close()
	var out []store.BoundaryVersion
	for rows.Next() {
		var v store.BoundaryVersion
		if err := rows.Scan(&v.Version, &v.Source, &v.License, &v.Attribution, &v.Filename, &v.SHA256, &v.Report, &v.Format, &v.CreatedAt, &v.Active); err != nil {
			return nil, fmt.Errorf("store: boundary versions: %w", err)
		}
		v.CreatedAt = v.CreatedAt.UTC()
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: boundary versions: %w", err)
	}
	return out, nil
}

// UseBoundaryVersion replaces the boundary layers in use with a stored
// version's, in one transaction; layers in use that the version lacks are
// removed.
func (s *Store) UseBoundaryVersion(ctx context.Context, version string) error {
	now := store.Stamp(s.now())
	_, err := s.write(ctx, func(tx pgx.Tx) (bool, error) {
		v, found, err := readBoundaryVersion(ctx, tx, version)
		if err != nil {
			return false, err
		}
		if !found {
			return false, store.ErrNotFound
		}
		changed := false
		for name, data := range v.Layers {
			tag, err := tx.Exec(ctx, `INSERT INTO boundary_layers (layer, format, version, data, updated_at) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (layer) DO UPDATE SET format = excluded.format, version = excluded.version, data = excluded.data, updated_at = excluded.updated_at
WHERE boundary_layers.format IS DISTINCT FROM excluded.format OR boundary_layers.version IS DISTINCT FROM excluded.version
   OR boundary_layers.data IS DISTINCT FROM excluded.data`, name, v.Format, version, data, now)
			if err != nil {
				return false, fmt.Errorf("layer %s: %w", name, err)
			}
			changed = changed || tag.RowsAffected() > 0
		}
		tag, err := tx.Exec(ctx, "DELETE FROM boundary_layers WHERE layer NOT IN (SELECT layer FROM boundary_version_layers WHERE version = $1)", version)
		if err != nil {
			return false, fmt.Errorf("remove other layers: %w", err)
		}
		return changed || tag.RowsAffected() > 0, nil
	})
	if err != nil {
		return fmt.Errorf("store: use boundary version %q: %w", version, err)
	}
	return nil
}
