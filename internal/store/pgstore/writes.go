package pgstore

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"pilotmap/internal/gazetteer"
	"pilotmap/internal/store"
)

// Import stores one notice's batch in one transaction, all or nothing, by
// the rules of store.RunImport: the same text again changes nothing, other
// text in a stored batch is a *store.BatchConflictError, a request naming
// unknown divisions wraps store.ErrInvalid.
func (s *Store) Import(ctx context.Context, req store.ImportRequest) (store.ImportResult, error) {
	req, err := store.CheckImport(req)
	if err != nil {
		return store.ImportResult{}, err
	}
	var res store.ImportResult
	version, err := s.write(ctx, func(tx pgx.Tx) (bool, error) {
		var err error
		res, err = store.RunImport(ctx, importTx{tx}, req, s.now())
		return res.Created, err
	})
	if err != nil {
		return store.ImportResult{}, store.WrapImportError(req, err)
	}
	res.DataVersion = version
	return res, nil
}

// importTx is store.ImportTx on a PostgreSQL transaction. pgx prepares
// and caches the statements that repeat per unit by itself.
type importTx struct{ tx pgx.Tx }

var _ store.ImportTx = importTx{}

func (t importTx) Division(ctx context.Context, code string) (store.StoredDivision, bool, error) {
	var d store.StoredDivision
	err := t.tx.QueryRow(ctx, "SELECT name, level FROM divisions WHERE code = $1", code).Scan(&d.Name, &d.Level)
	if noRows(err) {
		return store.StoredDivision{}, false, nil
	}
	if err != nil {
		return store.StoredDivision{}, false, err
	}
	return d, true, nil
}

func (t importTx) Program(ctx context.Context, name string) (int64, error) {
	var id int64
	err := t.tx.QueryRow(ctx, "SELECT id FROM programs WHERE name = $1", name).Scan(&id)
	if noRows(err) {
		return 0, nil
	}
	return id, err
}

func (t importTx) Batch(ctx context.Context, programID int64, number int) (store.EarlierBatch, bool, error) {
	var b store.EarlierBatch
	err := t.tx.QueryRow(ctx, `SELECT b.id, i.id, i.sha256, i.filename, i.imported_at,
       (SELECT count(*) FROM pilot_units u WHERE u.batch_id = b.id)
FROM batches b JOIN imports i ON i.id = b.import_id
WHERE b.program_id = $1 AND b.number = $2`, programID, number).
		Scan(&b.BatchID, &b.ImportID, &b.SHA256, &b.Filename, &b.ImportedAt, &b.Units)
	if noRows(err) {
		return store.EarlierBatch{}, false, nil
	}
	if err != nil {
		return store.EarlierBatch{}, false, err
	}
	b.ImportedAt = b.ImportedAt.UTC()
	return b, true, nil
}

// insert gives the row the next id of table and runs query with it as $1.
func (t importTx) insert(ctx context.Context, table, query string, args ...any) (int64, error) {
	id, err := nextID(ctx, t.tx, table)
	if err != nil {
		return 0, err
	}
	if _, err := t.tx.Exec(ctx, query, append([]any{id}, args...)...); err != nil {
		return 0, err
	}
	return id, nil
}

func (t importTx) CreateProgram(ctx context.Context, name string, at time.Time) (int64, error) {
	return t.insert(ctx, "programs", "INSERT INTO programs (id, name, created_at) VALUES ($1, $2, $3)", name, at)
}

func (t importTx) CreateImport(ctx context.Context, im store.NewImport) (int64, error) {
	return t.insert(ctx, "imports", `INSERT INTO imports (id, sha256, raw, filename, program, batch_number, units, imported_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, im.SHA256, im.Raw, im.Filename, im.Program, im.BatchNumber, im.Units, im.At)
}

func (t importTx) CreateBatch(ctx context.Context, programID, importID int64, req store.ImportRequest) (int64, error) {
	return t.insert(ctx, "batches", `INSERT INTO batches (id, program_id, number, name, doc_number, title, import_id)
VALUES ($1, $2, $3, $4, $5, $6, $7)`, programID, req.BatchNumber, req.BatchName, req.DocNumber, req.Title, importID)
}

func (t importTx) AddUnit(ctx context.Context, batchID, importID int64, u store.NewPilotUnit, reason string, at time.Time) error {
	unitID, err := t.insert(ctx, "pilot_units", `INSERT INTO pilot_units (id, batch_id, code, name, level, province_code, comparable_code,
	province_written, written, line, rule, confidence, status, status_since)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		batchID, u.Code, u.Name, u.Level, u.ProvinceCode, nullString(u.ComparableCode),
		u.ProvinceWritten, u.Written, u.Line, u.Rule, u.Confidence, string(store.StatusActive), at)
	if err != nil {
		return err
	}
	if _, err := t.insert(ctx, "unit_status_history", "INSERT INTO unit_status_history (id, unit_id, status, reason, at, import_id) VALUES ($1, $2, $3, $4, $5, $6)",
		unitID, string(store.StatusActive), reason, at, importID); err != nil {
		return fmt.Errorf("status history: %w", err)
	}
	return nil
}

func (t importTx) AddDesignation(ctx context.Context, programID, importID int64, d store.NewDesignation) error {
	_, err := t.insert(ctx, "designations", `INSERT INTO designations (id, program_id, province_code, written, kind, import_id)
VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (program_id, province_code, kind) DO NOTHING`, programID, d.ProvinceCode, d.Written, d.Kind, importID)
	return err
}

// nullString maps "" to NULL, for optional foreign keys.
func nullString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// SetUnitStatus sets a pilot unit's status, appends a row to its history
// and increments the data version, in one transaction; an unknown unit
// wraps store.ErrNotFound, an unknown status store.ErrInvalid.
func (s *Store) SetUnitStatus(ctx context.Context, unitID int64, status store.Status, reason string) error {
	prefix, err := store.CheckStatusChange(unitID, status)
	if err != nil {
		return err
	}
	now := store.Stamp(s.now())
	_, err = s.write(ctx, func(tx pgx.Tx) (bool, error) {
		tag, err := tx.Exec(ctx, "UPDATE pilot_units SET status = $1, status_since = $2 WHERE id = $3", string(status), now, unitID)
		if err != nil {
			return false, err
		}
		if tag.RowsAffected() == 0 {
			return false, store.ErrNotFound
		}
		if _, err := (importTx{tx}).insert(ctx, "unit_status_history", "INSERT INTO unit_status_history (id, unit_id, status, reason, at, import_id) VALUES ($1, $2, $3, $4, $5, NULL)",
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

// SeedDivisions upserts the divisions (stored ones absent from the list
// are kept) and replaces the alias table, in one transaction; the data
// version changes only when something stored changes.
func (s *Store) SeedDivisions(ctx context.Context, divisions []gazetteer.Division, aliases []gazetteer.Alias) error {
	if err := store.ValidateDivisions(divisions); err != nil {
		return fmt.Errorf("store: seed divisions: %w", err)
	}
	_, err := s.write(ctx, func(tx pgx.Tx) (bool, error) {
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

// upsertDivisions sends the upserts as one batch (one round trip for the
// 3342 divisions of the gazetteer).
func upsertDivisions(ctx context.Context, tx pgx.Tx, divisions []gazetteer.Division) (bool, error) {
	var b pgx.Batch
	for _, d := range divisions {
		b.Queue(`INSERT INTO divisions (code, name, level, parent_code, name_en) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level, parent_code = excluded.parent_code, name_en = excluded.name_en
WHERE divisions.name IS DISTINCT FROM excluded.name OR divisions.level IS DISTINCT FROM excluded.level
   OR divisions.parent_code IS DISTINCT FROM excluded.parent_code OR divisions.name_en IS DISTINCT FROM excluded.name_en`,
			d.Code, d.Name, string(d.Level), nullString(d.ParentCode), d.NameEN)
	}
	results := tx.SendBatch(ctx, &b)
	changed := false
	for _, d := range divisions {
		tag, err := results.Exec()
		if err != nil {
			results.Close()
			return false, fmt.Errorf("division %s (%s): %w", d.Code, d.Name, err)
		}
		changed = changed || tag.RowsAffected() > 0
	}
	if err := results.Close(); err != nil {
		return false, err
	}
	if err := store.CheckParents(ctx, divisions, divisionExists(tx)); err != nil {
		return false, err
	}
	return changed, nil
}

func replaceAliases(ctx context.Context, tx pgx.Tx, aliases []gazetteer.Alias) (bool, error) {
	stored, err := readAliases(ctx, tx)
	if err != nil {
		return false, err
	}
	if slices.Equal(stored, aliases) {
		return false, nil
	}
	if _, err := tx.Exec(ctx, "DELETE FROM aliases"); err != nil {
		return false, fmt.Errorf("delete aliases: %w", err)
	}
	for i, a := range aliases {
		if err := store.CheckAlias(ctx, i+1, a, divisionExists(tx)); err != nil {
			return false, err
		}
	}
	rows := make([][]any, len(aliases))
	for i, a := range aliases {
		rows[i] = []any{i + 1, a.Written, a.ProvinceCode, a.OldCode, a.Code, string(a.Kind), a.Year, a.ListedUntil, a.Source, a.Note}
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"aliases"},
		[]string{"seq", "written", "province_code", "old_code", "code", "kind", "year", "listed_until", "source", "note"},
		pgx.CopyFromRows(rows)); err != nil {
		return false, fmt.Errorf("insert aliases: %w", err)
	}
	return true, nil
}

// divisionExists reports whether a division is stored, inside tx.
func divisionExists(tx pgx.Tx) store.DivisionExists {
	return func(ctx context.Context, code string) (bool, error) {
		var ok bool
		err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM divisions WHERE code = $1)", code).Scan(&ok)
		return ok, err
	}
}

// PutBoundaryLayer stores a layer's bytes (the compact encoding of
// internal/boundary), replacing its row; the same format, version and bytes
// again change nothing.
func (s *Store) PutBoundaryLayer(ctx context.Context, layer, format, version string, data []byte) error {
	if err := store.CheckBoundaryLayer(layer, format); err != nil {
		return err
	}
	if data == nil {
		data = []byte{} // NOT NULL: an empty layer is empty bytes
	}
	now := store.Stamp(s.now())
	_, err := s.write(ctx, func(tx pgx.Tx) (bool, error) {
		tag, err := tx.Exec(ctx, `INSERT INTO boundary_layers (layer, format, version, data, updated_at) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (layer) DO UPDATE SET format = excluded.format, version = excluded.version, data = excluded.data, updated_at = excluded.updated_at
WHERE boundary_layers.format IS DISTINCT FROM excluded.format OR boundary_layers.version IS DISTINCT FROM excluded.version
   OR boundary_layers.data IS DISTINCT FROM excluded.data`,
			layer, format, version, data, now)
		if err != nil {
			return false, err
		}
		return tag.RowsAffected() > 0, nil
	})
	if err != nil {
		return fmt.Errorf("store: put boundary layer %q: %w", layer, err)
	}
	return nil
}
