package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Import stores one notice's batch in one transaction, all or nothing (see
// RunImport for what it writes).
//
// Importing the same raw bytes again for the same program and batch changes
// nothing and returns the earlier import (Created false). Importing other
// bytes into an existing batch fails with a *BatchConflictError. A unit or
// designation that names an unknown division, a code listed twice, an empty
// program name or a batch number below 1 fail with an error wrapping
// ErrInvalid; nothing is written then.
func (s *SQLite) Import(ctx context.Context, req ImportRequest) (ImportResult, error) {
	req, err := CheckImport(req)
	if err != nil {
		return ImportResult{}, err
	}
	var res ImportResult
	version, err := s.write(ctx, func(tx *sql.Tx) (bool, error) {
		itx := &sqliteImportTx{tx: tx}
		defer itx.close()
		var err error
		res, err = RunImport(ctx, itx, req, s.now())
		return res.Created, err
	})
	if err != nil {
		return ImportResult{}, WrapImportError(req, err)
	}
	res.DataVersion = version
	return res, nil
}

// sqliteImportTx is ImportTx on a SQLite transaction; the statements that
// run once per unit are prepared on first use.
type sqliteImportTx struct {
	tx                      *sql.Tx
	division, unit, history *sql.Stmt
}

var _ ImportTx = (*sqliteImportTx)(nil)

func (t *sqliteImportTx) close() {
	for _, st := range []*sql.Stmt{t.division, t.unit, t.history} {
		if st != nil {
			st.Close()
		}
	}
}

func (t *sqliteImportTx) prepare(ctx context.Context, st **sql.Stmt, query string) error {
	if *st != nil {
		return nil
	}
	p, err := t.tx.PrepareContext(ctx, query)
	if err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	*st = p
	return nil
}

func (t *sqliteImportTx) Division(ctx context.Context, code string) (StoredDivision, bool, error) {
	if err := t.prepare(ctx, &t.division, "SELECT name, level FROM divisions WHERE code = ?"); err != nil {
		return StoredDivision{}, false, err
	}
	var d StoredDivision
	err := t.division.QueryRowContext(ctx, code).Scan(&d.Name, &d.Level)
	if errors.Is(err, sql.ErrNoRows) {
		return StoredDivision{}, false, nil
	}
	if err != nil {
		return StoredDivision{}, false, err
	}
	return d, true, nil
}

func (t *sqliteImportTx) Program(ctx context.Context, name string) (int64, error) {
	var id int64
	err := t.tx.QueryRowContext(ctx, "SELECT id FROM programs WHERE name = ?", name).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

func (t *sqliteImportTx) Batch(ctx context.Context, programID int64, number int) (EarlierBatch, bool, error) {
	var b EarlierBatch
	var at timeText
	err := t.tx.QueryRowContext(ctx, `SELECT b.id, i.id, i.sha256, i.filename, i.imported_at,
       (SELECT count(*) FROM pilot_units u WHERE u.batch_id = b.id)
FROM batches b JOIN imports i ON i.id = b.import_id
WHERE b.program_id = ? AND b.number = ?`, programID, number).
		Scan(&b.BatchID, &b.ImportID, &b.SHA256, &b.Filename, &at, &b.Units)
	if errors.Is(err, sql.ErrNoRows) {
		return EarlierBatch{}, false, nil
	}
	if err != nil {
		return EarlierBatch{}, false, err
	}
	b.ImportedAt = at.Time
	return b, true, nil
}

// insert runs an INSERT and returns the new row's id.
func (t *sqliteImportTx) insert(ctx context.Context, query string, args ...any) (int64, error) {
	r, err := t.tx.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return r.LastInsertId()
}

func (t *sqliteImportTx) CreateProgram(ctx context.Context, name string, at time.Time) (int64, error) {
	return t.insert(ctx, "INSERT INTO programs (name, created_at) VALUES (?, ?)", name, formatTime(at))
}

func (t *sqliteImportTx) CreateImport(ctx context.Context, im NewImport) (int64, error) {
	return t.insert(ctx, `INSERT INTO imports (sha256, raw, filename, program, batch_number, units, imported_at)
VALUES (?, ?, ?, ?, ?, ?, ?)`, im.SHA256, im.Raw, im.Filename, im.Program, im.BatchNumber, im.Units, formatTime(im.At))
}

func (t *sqliteImportTx) CreateBatch(ctx context.Context, programID, importID int64, req ImportRequest) (int64, error) {
	return t.insert(ctx, `INSERT INTO batches (program_id, number, name, doc_number, title, import_id)
VALUES (?, ?, ?, ?, ?, ?)`, programID, req.BatchNumber, req.BatchName, req.DocNumber, req.Title, importID)
}

func (t *sqliteImportTx) AddUnit(ctx context.Context, batchID, importID int64, u NewPilotUnit, reason string, at time.Time) error {
	if err := t.prepare(ctx, &t.unit, `INSERT INTO pilot_units (batch_id, code, name, level, province_code, comparable_code,
	province_written, written, line, rule, confidence, status, status_since)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`); err != nil {
		return err
	}
	if err := t.prepare(ctx, &t.history, "INSERT INTO unit_status_history (unit_id, status, reason, at, import_id) VALUES (?, ?, ?, ?, ?)"); err != nil {
		return err
	}
	r, err := t.unit.ExecContext(ctx, batchID, u.Code, u.Name, u.Level, u.ProvinceCode, nullString(u.ComparableCode),
		u.ProvinceWritten, u.Written, u.Line, u.Rule, u.Confidence, string(StatusActive), formatTime(at))
	if err != nil {
		return err
	}
	unitID, err := r.LastInsertId()
	if err != nil {
		return err
	}
	if _, err := t.history.ExecContext(ctx, unitID, string(StatusActive), reason, formatTime(at), importID); err != nil {
		return fmt.Errorf("status history: %w", err)
	}
	return nil
}

func (t *sqliteImportTx) AddDesignation(ctx context.Context, programID, importID int64, d NewDesignation) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO designations (program_id, province_code, written, kind, import_id)
VALUES (?, ?, ?, ?, ?) ON CONFLICT (program_id, province_code, kind) DO NOTHING`, programID, d.ProvinceCode, d.Written, d.Kind, importID)
	return err
}

// SetUnitStatus sets a pilot unit's status, appends a row to its history
// and increments the data version, in one transaction. The unit must exist
// (else an error wrapping ErrNotFound) and the status be valid (else
// ErrInvalid). Setting the status a unit already has still records the
// decision in the history.
func (s *SQLite) SetUnitStatus(ctx context.Context, unitID int64, status Status, reason string) error {
	prefix, err := CheckStatusChange(unitID, status)
	if err != nil {
		return err
	}
	now := formatTime(s.now())
	_, err = s.write(ctx, func(tx *sql.Tx) (bool, error) {
		r, err := tx.ExecContext(ctx, "UPDATE pilot_units SET status = ?, status_since = ? WHERE id = ?", string(status), now, unitID)
		if err != nil {
			return false, err
		}
		n, err := r.RowsAffected()
		if err != nil {
			return false, err
		}
		if n == 0 {
			return false, ErrNotFound
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO unit_status_history (unit_id, status, reason, at, import_id) VALUES (?, ?, ?, ?, NULL)",
			unitID, string(status), reason, now); err != nil {
			return false, fmt.Errorf("status history: %w", err)
		}
		return true, nil
	})
	if err != nil {
		return fmt.Errorf("%s: %w", prefix, err)
	}
	return nil
}

// divisionExists reports whether a division is stored.
func divisionExists(q queryer) DivisionExists {
	return func(ctx context.Context, code string) (bool, error) {
		var one int
		err := q.QueryRowContext(ctx, "SELECT 1 FROM divisions WHERE code = ?", code).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		return true, nil
	}
}
