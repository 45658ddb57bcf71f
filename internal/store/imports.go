package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"strings"

	"pilotmap/internal/gazetteer"
)

// Import stores one notice's batch in one transaction, all or nothing: the
// program (created when new), the import with its raw bytes and their
// sha256, the batch, its pilot units (status active, with a first history
// row pointing at the import) and the designations.
//
// Importing the same raw bytes again for the same program and batch changes
// nothing and returns the earlier import (Created false). Importing other
// bytes into an existing batch fails with a *BatchConflictError. A unit or
// designation that names an unknown division, a code listed twice, an empty
// program name or a batch number below 1 fail with an error wrapping
// ErrInvalid; nothing is written then.
func (s *SQLite) Import(ctx context.Context, req ImportRequest) (ImportResult, error) {
	req.Program = strings.TrimSpace(req.Program)
	prefix := fmt.Sprintf("store: import %q batch %d", req.Program, req.BatchNumber)
	if err := validateImport(req); err != nil {
		return ImportResult{}, fmt.Errorf("%s: %w", prefix, err)
	}
	sum := sha256.Sum256(req.Raw)
	hash := hex.EncodeToString(sum[:])
	var res ImportResult
	version, err := s.write(ctx, func(tx *sql.Tx) (bool, error) {
		var err error
		res, err = s.importTx(ctx, tx, req, hash)
		return res.Created, err
	})
	if err != nil {
		if _, ok := errors.AsType[*BatchConflictError](err); ok {
			return ImportResult{}, err
		}
		return ImportResult{}, fmt.Errorf("%s: %w", prefix, err)
	}
	res.DataVersion = version
	return res, nil
}

// validateImport checks what can be checked without the database.
func validateImport(req ImportRequest) error {
	if req.Program == "" {
		return fmt.Errorf("empty program name: %w", ErrInvalid)
	}
	if req.BatchNumber < 1 {
		return fmt.Errorf("batch number %d, want 1 or more: %w", req.BatchNumber, ErrInvalid)
	}
	if len(req.Raw) == 0 {
		return fmt.Errorf("no raw text: %w", ErrInvalid)
	}
	if len(req.Units) == 0 && len(req.Designations) == 0 {
		return fmt.Errorf("no units and no designations: %w", ErrInvalid)
	}
	firstLine := make(map[string]int, len(req.Units))
	for _, u := range req.Units {
		if !isDivisionCode(u.Code) {
			return fmt.Errorf("%s: code %q, want six digits: %w", describeUnit(u), u.Code, ErrInvalid)
		}
		if line, dup := firstLine[u.Code]; dup {
			return fmt.Errorf("%s: listed twice (first on line %d): %w", describeUnit(u), line, ErrInvalid)
		}
		firstLine[u.Code] = u.Line
		if math.IsNaN(u.Confidence) || u.Confidence < 0 || u.Confidence > 1 {
			return fmt.Errorf("%s: confidence %v, want 0..1: %w", describeUnit(u), u.Confidence, ErrInvalid)
		}
		if u.Line < 0 {
			return fmt.Errorf("%s: negative line: %w", describeUnit(u), ErrInvalid)
		}
	}
	type key struct{ province, kind string }
	seen := make(map[key]bool, len(req.Designations))
	for _, d := range req.Designations {
		if d.Kind == "" {
			return fmt.Errorf("designation of %s (written %s): empty kind: %w", d.ProvinceCode, d.Written, ErrInvalid)
		}
		k := key{d.ProvinceCode, d.Kind}
		if seen[k] {
			return fmt.Errorf("designation %s of %s (written %s): listed twice: %w", d.Kind, d.ProvinceCode, d.Written, ErrInvalid)
		}
		seen[k] = true
	}
	return nil
}

func describeUnit(u NewPilotUnit) string {
	return fmt.Sprintf("unit %s (written %s, line %d)", u.Code, u.Written, u.Line)
}

// importTx does the work of Import inside tx. Created is false when the
// batch already holds the same text.
func (s *SQLite) importTx(ctx context.Context, tx *sql.Tx, req ImportRequest, hash string) (ImportResult, error) {
	now := formatTime(s.now())
	programID, err := lookupProgram(ctx, tx, req.Program)
	if err != nil {
		return ImportResult{}, err
	}
	if programID != 0 {
		earlier, found, err := existingBatch(ctx, tx, programID, req.BatchNumber)
		if err != nil {
			return ImportResult{}, err
		}
		if found {
			if earlier.sha256 != hash {
				return ImportResult{}, &BatchConflictError{
					Program: req.Program, BatchNumber: req.BatchNumber, SHA256: hash,
					EarlierImportID: earlier.importID, EarlierFilename: earlier.filename,
					EarlierSHA256: earlier.sha256, EarlierAt: earlier.importedAt.Time,
				}
			}
			return ImportResult{ImportID: earlier.importID, ProgramID: programID, BatchID: earlier.batchID, Units: earlier.units}, nil
		}
	} else {
		r, err := tx.ExecContext(ctx, "INSERT INTO programs (name, created_at) VALUES (?, ?)", req.Program, now)
		if err != nil {
			return ImportResult{}, fmt.Errorf("create program: %w", err)
		}
		if programID, err = r.LastInsertId(); err != nil {
			return ImportResult{}, fmt.Errorf("create program: %w", err)
		}
	}

	r, err := tx.ExecContext(ctx, `INSERT INTO imports (sha256, raw, filename, program, batch_number, units, imported_at)
VALUES (?, ?, ?, ?, ?, ?, ?)`, hash, req.Raw, req.Filename, req.Program, req.BatchNumber, len(req.Units), now)
	if err != nil {
		return ImportResult{}, fmt.Errorf("record import: %w", err)
	}
	importID, err := r.LastInsertId()
	if err != nil {
		return ImportResult{}, fmt.Errorf("record import: %w", err)
	}
	r, err = tx.ExecContext(ctx, `INSERT INTO batches (program_id, number, name, doc_number, title, import_id)
VALUES (?, ?, ?, ?, ?, ?)`, programID, req.BatchNumber, req.BatchName, req.DocNumber, req.Title, importID)
	if err != nil {
		return ImportResult{}, fmt.Errorf("create batch: %w", err)
	}
	batchID, err := r.LastInsertId()
	if err != nil {
		return ImportResult{}, fmt.Errorf("create batch: %w", err)
	}

	reason := "imported"
	if req.DocNumber != "" {
		reason = "listed in " + req.DocNumber
	}
	if err := insertUnits(ctx, tx, batchID, importID, req.Units, reason, now); err != nil {
		return ImportResult{}, err
	}
	if err := insertDesignations(ctx, tx, programID, importID, req.Designations); err != nil {
		return ImportResult{}, err
	}
	return ImportResult{ImportID: importID, ProgramID: programID, BatchID: batchID, Created: true, Units: len(req.Units)}, nil
}

func lookupProgram(ctx context.Context, q queryer, name string) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, "SELECT id FROM programs WHERE name = ?", name).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("look up program: %w", err)
	}
	return id, nil
}

type earlierBatch struct {
	batchID, importID int64
	sha256, filename  string
	importedAt        timeText
	units             int
}

func existingBatch(ctx context.Context, q queryer, programID int64, number int) (earlierBatch, bool, error) {
	var b earlierBatch
	err := q.QueryRowContext(ctx, `SELECT b.id, i.id, i.sha256, i.filename, i.imported_at,
       (SELECT count(*) FROM pilot_units u WHERE u.batch_id = b.id)
FROM batches b JOIN imports i ON i.id = b.import_id
WHERE b.program_id = ? AND b.number = ?`, programID, number).
		Scan(&b.batchID, &b.importID, &b.sha256, &b.filename, &b.importedAt, &b.units)
	if errors.Is(err, sql.ErrNoRows) {
		return earlierBatch{}, false, nil
	}
	if err != nil {
		return earlierBatch{}, false, fmt.Errorf("look up batch: %w", err)
	}
	return b, true, nil
}

// divisionRow is what importing needs to know about a division.
type divisionRow struct {
	name, level, parent string
}

func lookupDivision(ctx context.Context, stmt *sql.Stmt, code string) (divisionRow, bool, error) {
	var d divisionRow
	err := stmt.QueryRowContext(ctx, code).Scan(&d.name, &d.level, &d.parent)
	if errors.Is(err, sql.ErrNoRows) {
		return divisionRow{}, false, nil
	}
	if err != nil {
		return divisionRow{}, false, fmt.Errorf("look up division %s: %w", code, err)
	}
	return d, true, nil
}

func insertUnits(ctx context.Context, tx *sql.Tx, batchID, importID int64, units []NewPilotUnit, reason, now string) error {
	division, err := tx.PrepareContext(ctx, "SELECT name, level, coalesce(parent_code, '') FROM divisions WHERE code = ?")
	if err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	defer division.Close()
	unit, err := tx.PrepareContext(ctx, `INSERT INTO pilot_units (batch_id, code, name, level, province_code, comparable_code,
	province_written, written, line, rule, confidence, status, status_since)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	defer unit.Close()
	history, err := tx.PrepareContext(ctx, "INSERT INTO unit_status_history (unit_id, status, reason, at, import_id) VALUES (?, ?, ?, ?, ?)")
	if err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	defer history.Close()

	for _, u := range units {
		d, ok, err := lookupDivision(ctx, division, u.Code)
		if err != nil {
			return fmt.Errorf("%s: %w", describeUnit(u), err)
		}
		if !ok {
			return fmt.Errorf("%s: unknown division code: %w", describeUnit(u), ErrInvalid)
		}
		if u.Name == "" {
			u.Name = d.name
		}
		if u.Level == "" {
			u.Level = d.level
		}
		if u.ProvinceCode == "" {
			u.ProvinceCode = gazetteer.ProvinceOf(u.Code)
		}
		if u.ProvinceCode != gazetteer.ProvinceOf(u.Code) {
			return fmt.Errorf("%s: province %s, but the code lies in %s: %w", describeUnit(u), u.ProvinceCode, gazetteer.ProvinceOf(u.Code), ErrInvalid)
		}
		if p, ok, err := lookupDivision(ctx, division, u.ProvinceCode); err != nil {
			return fmt.Errorf("%s: %w", describeUnit(u), err)
		} else if !ok || p.level != string(gazetteer.Province) {
			return fmt.Errorf("%s: unknown province %s: %w", describeUnit(u), u.ProvinceCode, ErrInvalid)
		}
		if u.ComparableCode != "" {
			if _, ok, err := lookupDivision(ctx, division, u.ComparableCode); err != nil {
				return fmt.Errorf("%s: %w", describeUnit(u), err)
			} else if !ok || gazetteer.ProvinceOf(u.ComparableCode) != u.ProvinceCode {
				return fmt.Errorf("%s: comparable unit %s is not a division of province %s: %w", describeUnit(u), u.ComparableCode, u.ProvinceCode, ErrInvalid)
			}
		}
		r, err := unit.ExecContext(ctx, batchID, u.Code, u.Name, u.Level, u.ProvinceCode, nullString(u.ComparableCode),
			u.ProvinceWritten, u.Written, u.Line, u.Rule, u.Confidence, string(StatusActive), now)
		if err != nil {
			return fmt.Errorf("%s: %w", describeUnit(u), err)
		}
		unitID, err := r.LastInsertId()
		if err != nil {
			return fmt.Errorf("%s: %w", describeUnit(u), err)
		}
		if _, err := history.ExecContext(ctx, unitID, string(StatusActive), reason, now, importID); err != nil {
			return fmt.Errorf("%s: status history: %w", describeUnit(u), err)
		}
	}
	return nil
}

func insertDesignations(ctx context.Context, tx *sql.Tx, programID, importID int64, designations []NewDesignation) error {
	if len(designations) == 0 {
		return nil
	}
	division, err := tx.PrepareContext(ctx, "SELECT name, level, coalesce(parent_code, '') FROM divisions WHERE code = ?")
	if err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	defer division.Close()
	// A designation the program already has (from an earlier batch's notice)
	// keeps its first import.
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO designations (program_id, province_code, written, kind, import_id)
VALUES (?, ?, ?, ?, ?) ON CONFLICT (program_id, province_code, kind) DO NOTHING`)
	if err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	defer stmt.Close()
	for _, d := range designations {
		p, ok, err := lookupDivision(ctx, division, d.ProvinceCode)
		if err != nil {
			return fmt.Errorf("designation %s of %q: %w", d.Kind, d.Written, err)
		}
		if !ok || p.level != string(gazetteer.Province) {
			return fmt.Errorf("designation %s of %q: unknown province code %q: %w", d.Kind, d.Written, d.ProvinceCode, ErrInvalid)
		}
		if _, err := stmt.ExecContext(ctx, programID, d.ProvinceCode, d.Written, d.Kind, importID); err != nil {
			return fmt.Errorf("designation %s of %q: %w", d.Kind, d.Written, err)
		}
	}
	return nil
}

// SetUnitStatus sets a pilot unit's status, appends a row to its history
// and increments the data version, in one transaction. The unit must exist
// (else an error wrapping ErrNotFound) and the status be valid (else
// ErrInvalid). Setting the status a unit already has still records the
// decision in the history.
func (s *SQLite) SetUnitStatus(ctx context.Context, unitID int64, status Status, reason string) error {
	prefix := fmt.Sprintf("store: set status of pilot unit %d to %q", unitID, status)
	if !status.Valid() {
		return fmt.Errorf("%s: unknown status: %w", prefix, ErrInvalid)
	}
	now := formatTime(s.now())
	_, err := s.write(ctx, func(tx *sql.Tx) (bool, error) {
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
