package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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
// audit entry in one write transaction (RunPublish).
func (s *SQLite) Publish(ctx context.Context, req PublishRequest) (ImportResult, error) {
	req, err := CheckPublish(req)
	if err != nil {
		return ImportResult{}, err
	}
	var res ImportResult
	version, err := s.write(ctx, func(tx *sql.Tx) (bool, error) {
		atx := &sqliteAdminTx{sqliteImportTx: &sqliteImportTx{tx: tx}}
		defer atx.close()
		var err error
		res, err = RunPublish(ctx, atx, req, s.now())
		return res.Created, err
	})
	if err != nil {
		return ImportResult{}, WrapImportError(req.Import, err)
	}
	res.DataVersion = version
	return res, nil
}

// ChangeStatus changes a unit's status with its effective date and audit
// entry in one write transaction (RunStatusChange).
func (s *SQLite) ChangeStatus(ctx context.Context, req StatusRequest) (StatusEvent, error) {
	if err := CheckStatusRequest(req); err != nil {
		return StatusEvent{}, err
	}
	var ev StatusEvent
	_, err := s.write(ctx, func(tx *sql.Tx) (bool, error) {
		atx := &sqliteAdminTx{sqliteImportTx: &sqliteImportTx{tx: tx}}
		defer atx.close()
		var err error
		ev, err = RunStatusChange(ctx, atx, req, s.now())
		return err == nil, err
	})
	if err != nil {
		return StatusEvent{}, fmt.Errorf("%s: %w", StatusPrefix(req), err)
	}
	return ev, nil
}

// sqliteAdminTx is AdminTx on a SQLite transaction.
type sqliteAdminTx struct {
	*sqliteImportTx
}

var _ AdminTx = (*sqliteAdminTx)(nil)

func (t *sqliteAdminTx) Unit(ctx context.Context, id int64) (PilotUnit, bool, error) {
	u, err := scanUnit(t.tx.QueryRowContext(ctx, UnitColumns+"\nWHERE u.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return PilotUnit{}, false, nil
	}
	return u, err == nil, err
}

func (t *sqliteAdminTx) SetStatus(ctx context.Context, ev StatusEvent) error {
	at := formatTime(ev.At)
	if _, err := t.tx.ExecContext(ctx, "UPDATE pilot_units SET status = ?, status_since = ? WHERE id = ?", string(ev.Status), at, ev.UnitID); err != nil {
		return err
	}
	if _, err := t.tx.ExecContext(ctx, `INSERT INTO unit_status_history (unit_id, status, reason, at, import_id, effective_date, actor)
VALUES (?, ?, ?, ?, NULL, ?, ?)`, ev.UnitID, string(ev.Status), ev.Reason, at, ev.EffectiveDate, ev.Actor); err != nil {
		return fmt.Errorf("status history: %w", err)
	}
	return nil
}

func (t *sqliteAdminTx) AddDecision(ctx context.Context, importID int64, d Decision) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO import_decisions (import_id, line, written, province_code, kind, code, note, decided_by)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, importID, d.Line, d.Written, d.ProvinceCode, d.Kind, d.Code, d.Note, d.DecidedBy)
	return err
}

func (t *sqliteAdminTx) AddAudit(ctx context.Context, e AuditEntry) (int64, error) {
	return addAuditRow(ctx, t.tx, e)
}

func addAuditRow(ctx context.Context, tx *sql.Tx, e AuditEntry) (int64, error) {
	r, err := tx.ExecContext(ctx, `INSERT INTO audit_log (at, actor, client, action, target, detail, before, after)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, formatTime(e.At), e.Actor, e.Client, e.Action, e.Target, e.Detail, e.Before, e.After)
	if err != nil {
		return 0, err
	}
	return r.LastInsertId()
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
	e, err := AuditAt(e, s.now())
	if err != nil {
		return AuditEntry{}, err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return AuditEntry{}, fmt.Errorf("store: append audit: begin: %w", err)
	}
	defer tx.Rollback()
	if e.ID, err = addAuditRow(ctx, tx, e); err != nil {
		return AuditEntry{}, fmt.Errorf("store: append audit: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return AuditEntry{}, fmt.Errorf("store: append audit: commit: %w", err)
	}
	return e, nil
}

// AuditLog returns a page of the audit log, newest first.
func (s *SQLite) AuditLog(ctx context.Context, q AuditQuery) ([]AuditEntry, error) {
	if err := CheckAuditQuery(q); err != nil {
		return nil, err
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
