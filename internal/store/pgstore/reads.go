package pgstore

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"pilotmap/internal/gazetteer"
	"pilotmap/internal/store"
)

// dialect is PostgreSQL's: $n placeholders, ILIKE on "C"-collated columns
// (ASCII letters fold, as SQLite's LIKE does).
func dialect() store.Dialect {
	return store.Dialect{Placeholder: func(n int) string { return fmt.Sprintf("$%d", n) }, Like: "ILIKE"}
}

// queryer is what the pool and a transaction share for reading.
type queryer interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// collect runs query and reads every row with scan; an empty result is an
// empty, non-nil slice, as the SQLite store returns.
func collect[T any](ctx context.Context, q queryer, what string, scan func(pgx.Rows) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("store: %s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	return out, nil
}

func scanUnit(r store.RowScanner) (store.PilotUnit, error) {
	var since time.Time
	return store.ScanUnit(r, &since, func() time.Time { return since.UTC() })
}

// PilotUnits returns the pilot units the filter selects, sorted by
// program, batch, line in the notice and code.
func (s *Store) PilotUnits(ctx context.Context, f store.UnitFilter) ([]store.PilotUnit, error) {
	if err := store.ValidateFilter(f); err != nil {
		return nil, err
	}
	q, args := store.UnitsQuery(f, dialect())
	return collect(ctx, s.pool, "pilot units", func(r pgx.Rows) (store.PilotUnit, error) { return scanUnit(r) }, q, args...)
}

// PilotUnit returns one pilot unit, or an error wrapping store.ErrNotFound.
func (s *Store) PilotUnit(ctx context.Context, id int64) (store.PilotUnit, error) {
	u, err := scanUnit(s.pool.QueryRow(ctx, store.UnitColumns+"\nWHERE u.id = $1", id))
	if noRows(err) {
		return store.PilotUnit{}, fmt.Errorf("store: pilot unit %d: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return store.PilotUnit{}, fmt.Errorf("store: pilot unit %d: %w", id, err)
	}
	return u, nil
}

// StatusHistory returns a unit's status changes, oldest first, or an
// error wrapping store.ErrNotFound when the unit does not exist.
func (s *Store) StatusHistory(ctx context.Context, unitID int64) ([]store.StatusChange, error) {
	what := fmt.Sprintf("status history of pilot unit %d", unitID)
	found := false
	// One statement, so the existence check and the rows see one snapshot:
	// the LEFT JOIN yields a row with NULL history columns for a unit
	// without history and no row at all for a missing unit.
	rows, err := collect(ctx, s.pool, what, func(r pgx.Rows) (*store.StatusChange, error) {
		found = true
		var id *int64
		var status, reason *string
		var at *time.Time
		var importID *int64
		if err := r.Scan(&id, &status, &reason, &at, &importID); err != nil || id == nil {
			return nil, err
		}
		c := &store.StatusChange{UnitID: unitID, Status: store.Status(*status), Reason: *reason, At: at.UTC()}
		if importID != nil {
			c.ImportID = *importID
		}
		return c, nil
	}, `SELECT h.id, h.status, h.reason, h.at, h.import_id
FROM pilot_units u LEFT JOIN unit_status_history h ON h.unit_id = u.id
WHERE u.id = $1 ORDER BY h.at, h.id`, unitID)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, fmt.Errorf("store: %s: %w", what, store.ErrNotFound)
	}
	out := []store.StatusChange{}
	for _, c := range rows {
		if c != nil {
			out = append(out, *c)
		}
	}
	return out, nil
}

// Programs returns every program, sorted by id.
func (s *Store) Programs(ctx context.Context) ([]store.Program, error) {
	return collect(ctx, s.pool, "programs", func(r pgx.Rows) (store.Program, error) {
		var p store.Program
		err := r.Scan(&p.ID, &p.Name, &p.CreatedAt)
		p.CreatedAt = p.CreatedAt.UTC()
		return p, err
	}, "SELECT id, name, created_at FROM programs ORDER BY id")
}

// Batches returns every batch with its number of pilot units (whatever
// their status), sorted by program and number.
func (s *Store) Batches(ctx context.Context) ([]store.Batch, error) {
	return collect(ctx, s.pool, "batches", func(r pgx.Rows) (store.Batch, error) {
		var b store.Batch
		err := r.Scan(&b.ID, &b.ProgramID, &b.Program, &b.Number, &b.Name, &b.DocNumber, &b.Title, &b.ImportID, &b.Units)
		return b, err
	}, `SELECT b.id, b.program_id, p.name, b.number, b.name, b.doc_number, b.title, b.import_id,
       (SELECT count(*) FROM pilot_units u WHERE u.batch_id = b.id)
FROM batches b JOIN programs p ON p.id = b.program_id
ORDER BY b.program_id, b.number`)
}

// Designations returns every province designation, sorted by program,
// kind and province code.
func (s *Store) Designations(ctx context.Context) ([]store.Designation, error) {
	return collect(ctx, s.pool, "designations", func(r pgx.Rows) (store.Designation, error) {
		var d store.Designation
		err := r.Scan(&d.ID, &d.ProgramID, &d.Program, &d.ProvinceCode, &d.Written, &d.Kind, &d.ImportID)
		return d, err
	}, `SELECT d.id, d.program_id, p.name, d.province_code, d.written, d.kind, d.import_id
FROM designations d JOIN programs p ON p.id = d.program_id
ORDER BY d.program_id, d.kind, d.province_code`)
}

// Imports returns every import without its raw text, sorted by id.
func (s *Store) Imports(ctx context.Context) ([]store.Import, error) {
	return collect(ctx, s.pool, "imports", func(r pgx.Rows) (store.Import, error) {
		var im store.Import
		err := r.Scan(&im.ID, &im.SHA256, &im.Filename, &im.Program, &im.BatchNumber, &im.Units, &im.ImportedAt)
		im.ImportedAt = im.ImportedAt.UTC()
		return im, err
	}, "SELECT id, sha256, filename, program, batch_number, units, imported_at FROM imports ORDER BY id")
}

// ImportText returns an import's raw bytes, or an error wrapping
// store.ErrNotFound.
func (s *Store) ImportText(ctx context.Context, id int64) ([]byte, error) {
	var raw []byte
	err := s.pool.QueryRow(ctx, "SELECT raw FROM imports WHERE id = $1", id).Scan(&raw)
	if noRows(err) {
		return nil, fmt.Errorf("store: import %d text: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: import %d text: %w", id, err)
	}
	return raw, nil
}

// Divisions returns every stored division, sorted by code.
func (s *Store) Divisions(ctx context.Context) ([]gazetteer.Division, error) {
	out, err := collect(ctx, s.pool, "divisions", func(r pgx.Rows) (gazetteer.Division, error) {
		var d gazetteer.Division
		err := r.Scan(&d.Code, &d.Name, &d.Level, &d.ParentCode, &d.NameEN)
		return d, err
	}, "SELECT code, name, level, coalesce(parent_code, ''), name_en FROM divisions ORDER BY code")
	if len(out) == 0 {
		return nil, err // as the SQLite store: no divisions is a nil slice
	}
	return out, err
}

// Aliases returns the alias table in the order it was seeded.
func (s *Store) Aliases(ctx context.Context) ([]gazetteer.Alias, error) {
	return readAliases(ctx, s.pool)
}

func readAliases(ctx context.Context, q queryer) ([]gazetteer.Alias, error) {
	out, err := collect(ctx, q, "aliases", func(r pgx.Rows) (gazetteer.Alias, error) {
		var a gazetteer.Alias
		err := r.Scan(&a.Written, &a.ProvinceCode, &a.OldCode, &a.Code, &a.Kind, &a.Year, &a.ListedUntil, &a.Source, &a.Note)
		return a, err
	}, "SELECT written, province_code, old_code, code, kind, year, listed_until, source, note FROM aliases ORDER BY seq")
	if len(out) == 0 {
		return nil, err // as the SQLite store: no aliases is a nil slice
	}
	return out, err
}

// BoundaryLayer returns a layer's bytes, format and version, or an error
// wrapping store.ErrNotFound.
func (s *Store) BoundaryLayer(ctx context.Context, layer string) (data []byte, format, version string, err error) {
	err = s.pool.QueryRow(ctx, "SELECT data, format, version FROM boundary_layers WHERE layer = $1", layer).Scan(&data, &format, &version)
	if noRows(err) {
		return nil, "", "", fmt.Errorf("store: boundary layer %q: %w", layer, store.ErrNotFound)
	}
	if err != nil {
		return nil, "", "", fmt.Errorf("store: boundary layer %q: %w", layer, err)
	}
	return data, format, version, nil
}
