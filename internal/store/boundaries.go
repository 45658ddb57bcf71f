package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// PutBoundaryVersion stores a boundary version and its layers without
// using it; the same version again changes nothing, other content under
// the same name is refused (ErrConflict).
func (s *SQLite) PutBoundaryVersion(ctx context.Context, v BoundaryVersion) error {
	if err := CheckBoundaryVersion(v); err != nil {
		return err
	}
	_, err := s.write(ctx, func(tx *sql.Tx) (bool, error) {
		stored, found, err := readBoundaryVersion(ctx, tx, v.Version)
		if err != nil {
			return false, err
		}
		if found {
			if SameBoundaryVersion(stored, v) {
				return false, nil
			}
			return false, BoundaryVersionConflict(v.Version)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO boundary_versions (version, source, license, attribution, filename, sha256, report, format, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, v.Version, v.Source, v.License, v.Attribution, v.Filename, v.SHA256, v.Report, v.Format, formatTime(s.now())); err != nil {
			return false, fmt.Errorf("insert version: %w", err)
		}
		for name, data := range v.Layers {
			if _, err := tx.ExecContext(ctx, "INSERT INTO boundary_version_layers (version, layer, data) VALUES (?, ?, ?)", v.Version, name, data); err != nil {
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

func readBoundaryVersion(ctx context.Context, q queryer, version string) (BoundaryVersion, bool, error) {
	v := BoundaryVersion{Version: version, Layers: map[string][]byte{}}
	var created string
	err := q.QueryRowContext(ctx, "SELECT source, license, attribution, filename, sha256, report, format, created_at FROM boundary_versions WHERE version = ?", version).
		Scan(&v.Source, &v.License, &v.Attribution, &v.Filename, &v.SHA256, &v.Report, &v.Format, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return BoundaryVersion{}, false, nil
	}
	if err != nil {
		return BoundaryVersion{}, false, fmt.Errorf("read version: %w", err)
	}
	if v.CreatedAt, err = parseTime(created); err != nil {
		return BoundaryVersion{}, false, err
	}
	rows, err := q.QueryContext(ctx, "SELECT layer, data FROM boundary_version_layers WHERE version = ?", version)
	if err != nil {
		return BoundaryVersion{}, false, fmt.Errorf("read layers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var data []byte
		if err := rows.Scan(&name, &data); err != nil {
			return BoundaryVersion{}, false, fmt.Errorf("read layers: %w", err)
		}
		v.Layers[name] = data
	}
	return v, true, rows.Err()
}

// BoundaryVersions returns every stored version without its layers, oldest
// first; Active marks the one whose layers are in use.
func (s *SQLite) BoundaryVersions(ctx context.Context) ([]BoundaryVersion, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT v.version, v.source, v.license, v.attribution, v.filename, v.sha256, v.report, v.format, v.created_at,
	coalesce((SELECT l.version = v.version FROM boundary_layers l WHERE l.layer = 'units'), 0)
FROM boundary_versions v ORDER BY v.created_at, v.version`)
	if err != nil {
		return nil, fmt.Errorf("store: boundary versions: %w", err)
	}
	defer rows.Close()
	var out []BoundaryVersion
	for rows.Next() {
		var v BoundaryVersion
		var created string
		if err := rows.Scan(&v.Version, &v.Source, &v.License, &v.Attribution, &v.Filename, &v.SHA256, &v.Report, &v.Format, &created, &v.Active); err != nil {
			return nil, fmt.Errorf("store: boundary versions: %w", err)
		}
		if v.CreatedAt, err = parseTime(created); err != nil {
			return nil, fmt.Errorf("store: boundary versions: %w", err)
		}
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
func (s *SQLite) UseBoundaryVersion(ctx context.Context, version string) error {
	_, err := s.write(ctx, func(tx *sql.Tx) (bool, error) {
		v, found, err := readBoundaryVersion(ctx, tx, version)
		if err != nil {
			return false, err
		}
		if !found {
			return false, ErrNotFound
		}
		changed := false
		for name, data := range v.Layers {
			res, err := tx.ExecContext(ctx, `INSERT INTO boundary_layers (layer, format, version, data, updated_at) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (layer) DO UPDATE SET format = excluded.format, version = excluded.version, data = excluded.data, updated_at = excluded.updated_at
WHERE boundary_layers.format IS NOT excluded.format OR boundary_layers.version IS NOT excluded.version
   OR boundary_layers.data IS NOT excluded.data`, name, v.Format, version, data, formatTime(s.now()))
			if err != nil {
				return false, fmt.Errorf("layer %s: %w", name, err)
			}
			n, err := res.RowsAffected()
			if err != nil {
				return false, fmt.Errorf("layer %s: %w", name, err)
			}
			changed = changed || n > 0
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM boundary_layers WHERE layer NOT IN (SELECT layer FROM boundary_version_layers WHERE version = ?)", version)
		if err != nil {
			return false, fmt.Errorf("remove other layers: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return false, fmt.Errorf("remove other layers: %w", err)
		}
		return changed || n > 0, nil
	})
	if err != nil {
		return fmt.Errorf("store: use boundary version %q: %w", version, err)
	}
	return nil
}
