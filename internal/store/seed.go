package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"pilotmap/internal/gazetteer"
)

// SeedDivisions upserts the divisions (divisions already stored and absent
// from the list are kept: pilot units may refer to them) and replaces the
// alias table with aliases, in one transaction. The data version changes
// only when something stored changes.
func (s *SQLite) SeedDivisions(ctx context.Context, divisions []gazetteer.Division, aliases []gazetteer.Alias) error {
	if err := ValidateDivisions(divisions); err != nil {
		return fmt.Errorf("store: seed divisions: %w", err)
	}
	_, err := s.write(ctx, func(tx *sql.Tx) (bool, error) {
		changedDivs, err := upsertDivisions(ctx, tx, divisions)
		if err != nil {
			return false, err
		}
		changedAliases, err := replaceAliases(ctx, tx, aliases)
		if err != nil {
			return false, err
		}
		return changedDivs || changedAliases, nil
	})
	if err != nil {
		return fmt.Errorf("store: seed divisions: %w", err)
	}
	return nil
}

func upsertDivisions(ctx context.Context, tx *sql.Tx, divisions []gazetteer.Division) (bool, error) {
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO divisions (code, name, level, parent_code, name_en) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level, parent_code = excluded.parent_code, name_en = excluded.name_en
WHERE divisions.name IS NOT excluded.name OR divisions.level IS NOT excluded.level
   OR divisions.parent_code IS NOT excluded.parent_code OR divisions.name_en IS NOT excluded.name_en`)
	if err != nil {
		return false, fmt.Errorf("prepare: %w", err)
	}
	defer stmt.Close()
	changed := false
	for _, d := range divisions {
		res, err := stmt.ExecContext(ctx, d.Code, d.Name, string(d.Level), nullString(d.ParentCode), d.NameEN)
		if err != nil {
			return false, fmt.Errorf("division %s (%s): %w", d.Code, d.Name, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return false, fmt.Errorf("division %s (%s): %w", d.Code, d.Name, err)
		}
		changed = changed || n > 0
	}
	if err := CheckParents(ctx, divisions, divisionExists(tx)); err != nil {
		return false, err
	}
	return changed, nil
}

func replaceAliases(ctx context.Context, tx *sql.Tx, aliases []gazetteer.Alias) (bool, error) {
	stored, err := readAliases(ctx, tx)
	if err != nil {
		return false, err
	}
	if slices.Equal(stored, aliases) {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM aliases"); err != nil {
		return false, fmt.Errorf("delete aliases: %w", err)
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO aliases (seq, written, province_code, old_code, code, kind, year, listed_until, source, note)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return false, fmt.Errorf("prepare: %w", err)
	}
	defer stmt.Close()
	for i, a := range aliases {
		if err := CheckAlias(ctx, i+1, a, divisionExists(tx)); err != nil {
			return false, err
		}
		if _, err := stmt.ExecContext(ctx, i+1, a.Written, a.ProvinceCode, a.OldCode, a.Code, string(a.Kind), a.Year, a.ListedUntil, a.Source, a.Note); err != nil {
			return false, fmt.Errorf("alias row %d (%q): %w", i+1, a.Written, err)
		}
	}
	return true, nil
}

// Divisions returns every stored division, sorted by code.
func (s *SQLite) Divisions(ctx context.Context) ([]gazetteer.Division, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT code, name, level, coalesce(parent_code, ''), name_en FROM divisions ORDER BY code")
	if err != nil {
		return nil, fmt.Errorf("store: divisions: %w", err)
	}
	defer rows.Close()
	var out []gazetteer.Division
	for rows.Next() {
		var d gazetteer.Division
		var level string
		if err := rows.Scan(&d.Code, &d.Name, &level, &d.ParentCode, &d.NameEN); err != nil {
			return nil, fmt.Errorf("store: divisions: %w", err)
		}
		d.Level = gazetteer.Level(level)
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: divisions: %w", err)
	}
	return out, nil
}

// Aliases returns the alias table in the order it was seeded.
func (s *SQLite) Aliases(ctx context.Context) ([]gazetteer.Alias, error) {
	out, err := readAliases(ctx, s.db)
	if err != nil {
		return nil, fmt.Errorf("store: aliases: %w", err)
	}
	return out, nil
}

func readAliases(ctx context.Context, q queryer) ([]gazetteer.Alias, error) {
	rows, err := q.QueryContext(ctx, "SELECT written, province_code, old_code, code, kind, year, listed_until, source, note FROM aliases ORDER BY seq")
	if err != nil {
		return nil, fmt.Errorf("read aliases: %w", err)
	}
	defer rows.Close()
	var out []gazetteer.Alias
	for rows.Next() {
		var a gazetteer.Alias
		var kind string
		if err := rows.Scan(&a.Written, &a.ProvinceCode, &a.OldCode, &a.Code, &kind, &a.Year, &a.ListedUntil, &a.Source, &a.Note); err != nil {
			return nil, fmt.Errorf("read aliases: %w", err)
		}
		a.Kind = gazetteer.AliasKind(kind)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read aliases: %w", err)
	}
	return out, nil
}

// PutBoundaryLayer stores a layer's bytes (e.g. a compact *.layer.gz of
// internal/boundary), replacing its row. Putting the same format, version
// and bytes again changes nothing.
func (s *SQLite) PutBoundaryLayer(ctx context.Context, layer, format, version string, data []byte) error {
	if err := CheckBoundaryLayer(layer, format); err != nil {
		return err
	}
	if data == nil {
		data = []byte{} // NOT NULL: an empty layer is empty bytes
	}
	_, err := s.write(ctx, func(tx *sql.Tx) (bool, error) {
		res, err := tx.ExecContext(ctx, `INSERT INTO boundary_layers (layer, format, version, data, updated_at) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (layer) DO UPDATE SET format = excluded.format, version = excluded.version, data = excluded.data, updated_at = excluded.updated_at
WHERE boundary_layers.format IS NOT excluded.format OR boundary_layers.version IS NOT excluded.version
   OR boundary_layers.data IS NOT excluded.data`,
			layer, format, version, data, formatTime(s.now()))
		if err != nil {
			return false, err
		}
		n, err := res.RowsAffected()
		return n > 0, err
	})
	if err != nil {
		return fmt.Errorf("store: put boundary layer %q: %w", layer, err)
	}
	return nil
}

// BoundaryLayer returns a layer's bytes, format and version, or an error
// wrapping ErrNotFound.
func (s *SQLite) BoundaryLayer(ctx context.Context, layer string) (data []byte, format, version string, err error) {
	err = s.db.QueryRowContext(ctx, "SELECT data, format, version FROM boundary_layers WHERE layer = ?", layer).Scan(&data, &format, &version)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", "", fmt.Errorf("store: boundary layer %q: %w", layer, ErrNotFound)
	}
	if err != nil {
		return nil, "", "", fmt.Errorf("store: boundary layer %q: %w", layer, err)
	}
	return data, format, version, nil
}
