package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

var _ Admin = (*SQLite)(nil)

// schemaV3 adds what writes through the web need: the reviewer's decisions
// of an import, the effective date and author of a status change, and the
// audit log, which triggers keep append-only.
const schemaV3 = `
ALTER TABLE unit_status_history ADD COLUMN effective_date TEXT NOT NULL DEFAULT '';
ALTER TABLE unit_status_history ADD COLUMN actor TEXT NOT NULL DEFAULT '';

CREATE TABLE import_decisions (
	id            INTEGER PRIMARY KEY,
	import_id     INTEGER NOT NULL REFERENCES imports (id),
	line          INTEGER NOT NULL,
	written       TEXT NOT NULL,
	province_code TEXT NOT NULL,
	kind          TEXT NOT NULL CHECK (kind IN ('division', 'not_division')),
	code          TEXT NOT NULL,
	note          TEXT NOT NULL,
	decided_by    TEXT NOT NULL,
	CHECK ((kind = 'division') = (code <> ''))
) STRICT;
CREATE INDEX import_decisions_import ON import_decisions (import_id);

CREATE TABLE audit_log (
	id     INTEGER PRIMARY KEY,
	at     TEXT NOT NULL,
	actor  TEXT NOT NULL,
	client TEXT NOT NULL,
	action TEXT NOT NULL CHECK (action <> ''),
	target TEXT NOT NULL,
	detail TEXT NOT NULL,
	before TEXT NOT NULL,
	after  TEXT NOT NULL
) STRICT;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
`

// Publish stores a reviewed notice: the import, the decisions and the
// audit entry in one write transaction.
func (s *SQLite) Publish(ctx context.Context, req PublishRequest) (ImportResult, error) {
	ir := req.Import
	ir.Program = strings.TrimSpace(ir.Program)
	prefix := fmt.Sprintf("store: publish %q batch %d", ir.Program, ir.BatchNumber)
	if err := validateImport(ir); err != nil {
		return ImportResult{}, fmt.Errorf("%s: %w", prefix, err)
	}
	if err := validateDecisions(req.Decisions); err != nil {
		return ImportResult{}, fmt.Errorf("%s: %w", prefix, err)
	}
	sum := sha256.Sum256(ir.Raw)
	hash := hex.EncodeToString(sum[:])
	var res ImportResult
	version, err := s.write(ctx, func(tx *sql.Tx) (bool, error) {
		var err error
		if res, err = s.importTx(ctx, tx, ir, hash); err != nil || !res.Created {
			return false, err
		}
		if err := insertDecisions(ctx, tx, res.ImportID, req.Decisions); err != nil {
			return false, err
		}
		if req.Audit != nil {
			if _, err := s.appendAudit(ctx, tx, req.Audit(res)); err != nil {
				return false, err
			}
		}
		return true, nil
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

func insertDecisions(ctx context.Context, tx *sql.Tx, importID int64, ds []Decision) error {
	if len(ds) == 0 {
		return nil
	}
	division, err := tx.PrepareContext(ctx, "SELECT name, level, coalesce(parent_code, '') FROM divisions WHERE code = ?")
	if err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	defer division.Close()
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO import_decisions (import_id, line, written, province_code, kind, code, note, decided_by)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	defer stmt.Close()
	for _, d := range ds {
		if d.Kind == DecisionDivision {
			if _, ok, err := lookupDivision(ctx, division, d.Code); err != nil {
				return err
			} else if !ok {
				return fmt.Errorf("decision on line %d (%s): unknown division code %s: %w", d.Line, d.Written, d.Code, ErrInvalid)
			}
		}
		if _, err := stmt.ExecContext(ctx, importID, d.Line, d.Written, d.ProvinceCode, d.Kind, d.Code, d.Note, d.DecidedBy); err != nil {
			return fmt.Errorf("decision on line %d (%s): %w", d.Line, d.Written, err)
		}
	}
	return nil
}

// ChangeStatus changes a unit's status with its effective date and audit
// entry in one write transaction.
func (s *SQLite) ChangeStatus(ctx context.Context, req StatusRequest) (StatusEvent, error) {
	prefix := fmt.Sprintf("store: set status of pilot unit %d to %q", req.UnitID, req.Status)
	if err := validateStatusRequest(req); err != nil {
		return StatusEvent{}, fmt.Errorf("%s: %w", prefix, err)
	}
	ev := StatusEvent{StatusChange: StatusChange{UnitID: req.UnitID, Status: req.Status, Reason: req.Reason, At: s.now().UTC()},
		EffectiveDate: req.EffectiveDate, Actor: req.Actor}
	now := formatTime(ev.At)
	ev.At, _ = parseTime(now) // as stored
	_, err := s.write(ctx, func(tx *sql.Tx) (bool, error) {
		before, err := scanUnit(tx.QueryRowContext(ctx, unitColumns+"\nWHERE u.id = ?", req.UnitID))
		if errors.Is(err, sql.ErrNoRows) {
			return false, ErrNotFound
		}
		if err != nil {
			return false, err
		}
		if before.Status == req.Status {
			return false, fmt.Errorf("the unit is %s already (since %s): %w", before.Status, before.StatusSince.Format("2006-01-02"), ErrConflict)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE pilot_units SET status = ?, status_since = ? WHERE id = ?", string(req.Status), now, req.UnitID); err != nil {
			return false, err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO unit_status_history (unit_id, status, reason, at, import_id, effective_date, actor)
VALUES (?, ?, ?, ?, NULL, ?, ?)`, req.UnitID, string(req.Status), req.Reason, now, req.EffectiveDate, req.Actor); err != nil {
			return false, fmt.Errorf("status history: %w", err)
		}
		if req.Audit != nil {
			if _, err := s.appendAudit(ctx, tx, req.Audit(before, ev)); err != nil {
				return false, err
			}
		}
		return true, nil
	})
	if err != nil {
		return StatusEvent{}, fmt.Errorf("%s: %w", prefix, err)
	}
	return ev, nil
}

// UnitHistory returns a unit's status changes with effective dates.
func (s *SQLite) UnitHistory(ctx context.Context, unitID int64) ([]StatusEvent, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT h.id, coalesce(h.status, ''), coalesce(h.reason, ''), coalesce(h.at, ''), coalesce(h.import_id, 0),
       coalesce(h.effective_date, ''), coalesce(h.actor, '')
FROM pilot_units u LEFT JOIN unit_status_history h ON h.unit_id = u.id
WHERE u.id = ? ORDER BY h.at, h.id`, unitID)
	if err != nil {
		return nil, fmt.Errorf("store: history of pilot unit %d: %w", unitID, err)
	}
	defer rows.Close()
	found := false
	out := []StatusEvent{}
	for rows.Next() {
		found = true
		var id sql.NullInt64
		var status string
		var at string
		ev := StatusEvent{StatusChange: StatusChange{UnitID: unitID}}
		if err := rows.Scan(&id, &status, &ev.Reason, &at, &ev.ImportID, &ev.EffectiveDate, &ev.Actor); err != nil {
			return nil, fmt.Errorf("store: history of pilot unit %d: %w", unitID, err)
		}
		if !id.Valid {
			continue
		}
		ev.Status = Status(status)
		if ev.At, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("store: history of pilot unit %d: %w", unitID, err)
		}
		out = append(out, ev)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: history of pilot unit %d: %w", unitID, err)
	}
	if !found {
		return nil, fmt.Errorf("store: history of pilot unit %d: %w", unitID, ErrNotFound)
	}
	return out, nil
}

// Decisions returns an import's reviewer decisions in the order given.
func (s *SQLite) Decisions(ctx context.Context, importID int64) ([]Decision, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT line, written, province_code, kind, code, note, decided_by
FROM import_decisions WHERE import_id = ? ORDER BY id`, importID)
	if err != nil {
		return nil, fmt.Errorf("store: decisions of import %d: %w", importID, err)
	}
	defer rows.Close()
	out := []Decision{}
	for rows.Next() {
		var d Decision
		if err := rows.Scan(&d.Line, &d.Written, &d.ProvinceCode, &d.Kind, &d.Code, &d.Note, &d.DecidedBy); err != nil {
			return nil, fmt.Errorf("store: decisions of import %d: %w", importID, err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: decisions of import %d: %w", importID, err)
	}
	return out, nil
}

// AppendAudit appends one entry in its own transaction without touching
// the data version (an audit entry changes no data the map shows).
func (s *SQLite) AppendAudit(ctx context.Context, e AuditEntry) (AuditEntry, error) {
	if err := validateAudit(e); err != nil {
		return AuditEntry{}, fmt.Errorf("store: append audit: %w", err)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return AuditEntry{}, fmt.Errorf("store: append audit: begin: %w", err)
	}
	defer tx.Rollback()
	out, err := s.appendAudit(ctx, tx, e)
	if err != nil {
		return AuditEntry{}, fmt.Errorf("store: append audit: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return AuditEntry{}, fmt.Errorf("store: append audit: commit: %w", err)
	}
	return out, nil
}

func (s *SQLite) appendAudit(ctx context.Context, tx *sql.Tx, e AuditEntry) (AuditEntry, error) {
	if err := validateAudit(e); err != nil {
		return AuditEntry{}, err
	}
	at := formatTime(s.now())
	r, err := tx.ExecContext(ctx, `INSERT INTO audit_log (at, actor, client, action, target, detail, before, after)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, at, e.Actor, e.Client, e.Action, e.Target, e.Detail, e.Before, e.After)
	if err != nil {
		return AuditEntry{}, fmt.Errorf("audit entry: %w", err)
	}
	if e.ID, err = r.LastInsertId(); err != nil {
		return AuditEntry{}, fmt.Errorf("audit entry: %w", err)
	}
	e.At, _ = parseTime(at)
	return e, nil
}

// AuditLog returns a page of the audit log, newest first.
func (s *SQLite) AuditLog(ctx context.Context, q AuditQuery) ([]AuditEntry, error) {
	if q.Limit < 0 || q.BeforeID < 0 {
		return nil, fmt.Errorf("store: audit log: negative limit or before: %w", ErrInvalid)
	}
	query := "SELECT id, at, actor, client, action, target, detail, before, after FROM audit_log"
	var args []any
	if q.BeforeID > 0 {
		query += " WHERE id < ?"
		args = append(args, q.BeforeID)
	}
	query += " ORDER BY id DESC"
	if q.Limit > 0 {
		query += " LIMIT ?"
		args = append(args, q.Limit)
	}
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: audit log: %w", err)
	}
	defer rows.Close()
	out := []AuditEntry{}
	for rows.Next() {
		var e AuditEntry
		var at timeText
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Client, &e.Action, &e.Target, &e.Detail, &e.Before, &e.After); err != nil {
			return nil, fmt.Errorf("store: audit log: %w", err)
		}
		e.At = at.Time
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: audit log: %w", err)
	}
	return out, nil
}
