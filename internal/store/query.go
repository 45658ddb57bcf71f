package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// sqliteDialect is SQLite's: ? placeholders, LIKE (case-insensitive for
// ASCII letters by default).
func sqliteDialect() Dialect {
	return Dialect{Placeholder: func(int) string { return "?" }, Like: "LIKE"}
}

func scanUnit(r RowScanner) (PilotUnit, error) {
	var since timeText
	return ScanUnit(r, &since, func() time.Time { return since.Time })
}

// PilotUnits returns the pilot units the filter selects, sorted by program,
// batch, line in the notice and code.
func (s *SQLite) PilotUnits(ctx context.Context, f UnitFilter) ([]PilotUnit, error) {
	if err := ValidateFilter(f); err != nil {
		return nil, err
	}
	q, args := UnitsQuery(f, sqliteDialect())
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: pilot units: %w", err)
	}
	defer rows.Close()
	out := []PilotUnit{}
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			return nil, fmt.Errorf("store: pilot units: %w", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: pilot units: %w", err)
	}
	return out, nil
}

// PilotUnit returns one pilot unit, or an error wrapping ErrNotFound.
func (s *SQLite) PilotUnit(ctx context.Context, id int64) (PilotUnit, error) {
	u, err := scanUnit(s.db.QueryRowContext(ctx, UnitColumns+"\nWHERE u.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return PilotUnit{}, fmt.Errorf("store: pilot unit %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return PilotUnit{}, fmt.Errorf("store: pilot unit %d: %w", id, err)
	}
	return u, nil
}

// StatusHistory returns a unit's status changes, oldest first, or an error
// wrapping ErrNotFound when the unit does not exist.
func (s *SQLite) StatusHistory(ctx context.Context, unitID int64) ([]StatusChange, error) {
	out, err := statusHistory(ctx, s.db, unitID)
	if err != nil {
		return nil, fmt.Errorf("store: status history of pilot unit %d: %w", unitID, err)
	}
	return out, nil
}

func statusHistory(ctx context.Context, q queryer, unitID int64) ([]StatusChange, error) {
	// One statement, so the existence check and the rows see one snapshot:
	// the LEFT JOIN yields a row with NULL history columns for a unit
	// without history and no row at all for a missing unit.
	rows, err := q.QueryContext(ctx, `SELECT h.id, coalesce(h.status, ''), coalesce(h.reason, ''), coalesce(h.at, ''), coalesce(h.import_id, 0)
FROM pilot_units u LEFT JOIN unit_status_history h ON h.unit_id = u.id
WHERE u.id = ? ORDER BY h.at, h.id`, unitID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	found := false
	out := []StatusChange{}
	for rows.Next() {
		found = true
		var id sql.NullInt64
		var status, at string
		c := StatusChange{UnitID: unitID}
		if err := rows.Scan(&id, &status, &c.Reason, &at, &c.ImportID); err != nil {
			return nil, err
		}
		if !id.Valid {
			continue
		}
		c.Status = Status(status)
		if c.At, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if !found {
		return nil, ErrNotFound
	}
	return out, nil
}

// Programs returns every program, sorted by id.
func (s *SQLite) Programs(ctx context.Context) ([]Program, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT id, name, created_at FROM programs ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("store: programs: %w", err)
	}
	defer rows.Close()
	out := []Program{}
	for rows.Next() {
		var p Program
		var created timeText
		if err := rows.Scan(&p.ID, &p.Name, &created); err != nil {
			return nil, fmt.Errorf("store: programs: %w", err)
		}
		p.CreatedAt = created.Time
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: programs: %w", err)
	}
	return out, nil
}

// Batches returns every batch with its number of pilot units (whatever
// their status), sorted by program and number.
func (s *SQLite) Batches(ctx context.Context) ([]Batch, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT b.id, b.program_id, p.name, b.number, b.name, b.doc_number, b.title, b.import_id,
       (SELECT count(*) FROM pilot_units u WHERE u.batch_id = b.id)
FROM batches b JOIN programs p ON p.id = b.program_id
ORDER BY b.program_id, b.number`)
	if err != nil {
		return nil, fmt.Errorf("store: batches: %w", err)
	}
	defer rows.Close()
	out := []Batch{}
	for rows.Next() {
		var b Batch
		if err := rows.Scan(&b.ID, &b.ProgramID, &b.Program, &b.Number, &b.Name, &b.DocNumber, &b.Title, &b.ImportID, &b.Units); err != nil {
			return nil, fmt.Errorf("store: batches: %w", err)
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: batches: %w", err)
	}
	return out, nil
}

// Designations returns every province designation, sorted by program, kind
// and province code.
func (s *SQLite) Designations(ctx context.Context) ([]Designation, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT d.id, d.program_id, p.name, d.province_code, d.written, d.kind, d.import_id
FROM designations d JOIN programs p ON p.id = d.program_id
ORDER BY d.program_id, d.kind, d.province_code`)
	if err != nil {
		return nil, fmt.Errorf("store: designations: %w", err)
	}
	defer rows.Close()
	out := []Designation{}
	for rows.Next() {
		var d Designation
		if err := rows.Scan(&d.ID, &d.ProgramID, &d.Program, &d.ProvinceCode, &d.Written, &d.Kind, &d.ImportID); err != nil {
			return nil, fmt.Errorf("store: designations: %w", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: designations: %w", err)
	}
	return out, nil
}

// Imports returns every import without its raw text, sorted by id.
func (s *SQLite) Imports(ctx context.Context) ([]Import, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT id, sha256, filename, program, batch_number, units, imported_at FROM imports ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("store: imports: %w", err)
	}
	defer rows.Close()
	out := []Import{}
	for rows.Next() {
		var im Import
		var at timeText
		if err := rows.Scan(&im.ID, &im.SHA256, &im.Filename, &im.Program, &im.BatchNumber, &im.Units, &at); err != nil {
			return nil, fmt.Errorf("store: imports: %w", err)
		}
		im.ImportedAt = at.Time
		out = append(out, im)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: imports: %w", err)
	}
	return out, nil
}

// ImportText returns an import's raw bytes, or an error wrapping
// ErrNotFound.
func (s *SQLite) ImportText(ctx context.Context, id int64) ([]byte, error) {
	var raw []byte
	err := s.db.QueryRowContext(ctx, "SELECT raw FROM imports WHERE id = ?", id).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: import %d text: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: import %d text: %w", id, err)
	}
	return raw, nil
}
