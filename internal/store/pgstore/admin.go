package pgstore

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"pilotmap/internal/store"
)

var _ store.Admin = (*Store)(nil)

// Publish stores a reviewed notice: the import, the decisions and the
// audit entry in one write transaction (store.RunPublish).
func (s *Store) Publish(ctx context.Context, req store.PublishRequest) (store.ImportResult, error) {
	req, err := store.CheckPublish(req)
	if err != nil {
		return store.ImportResult{}, err
	}
	var res store.ImportResult
	version, err := s.write(ctx, func(tx pgx.Tx) (bool, error) {
		var err error
		res, err = store.RunPublish(ctx, adminTx{importTx{tx}}, req, s.now())
		return res.Created, err
	})
	if err != nil {
		return store.ImportResult{}, store.WrapImportError(req.Import, err)
	}
	res.DataVersion = version
	return res, nil
}

// ChangeStatus changes a unit's status with its effective date and audit
// entry in one write transaction (store.RunStatusChange).
func (s *Store) ChangeStatus(ctx context.Context, req store.StatusRequest) (store.StatusEvent, error) {
	if err := store.CheckStatusRequest(req); err != nil {
		return store.StatusEvent{}, err
	}
	var ev store.StatusEvent
	_, err := s.write(ctx, func(tx pgx.Tx) (bool, error) {
		var err error
		ev, err = store.RunStatusChange(ctx, adminTx{importTx{tx}}, req, s.now())
		return err == nil, err
	})
	if err != nil {
		return store.StatusEvent{}, fmt.Errorf("%s: %w", store.StatusPrefix(req), err)
	}
	return ev, nil
}

// adminTx is store.AdminTx on a PostgreSQL transaction.
type adminTx struct{ importTx }

var _ store.AdminTx = adminTx{}

func (t adminTx) Unit(ctx context.Context, id int64) (store.PilotUnit, bool, error) {
	u, err := scanUnit(t.tx.QueryRow(ctx, store.UnitColumns+"\nWHERE u.id = $1", id))
	if noRows(err) {
		return store.PilotUnit{}, false, nil
	}
	return u, err == nil, err
}

func (t adminTx) SetStatus(ctx context.Context, ev store.StatusEvent) error {
	if _, err := t.tx.Exec(ctx, "UPDATE pilot_units SET status = $1, status_since = $2 WHERE id = $3", string(ev.Status), ev.At, ev.UnitID); err != nil {
		return err
	}
	if _, err := t.insert(ctx, "unit_status_history", `INSERT INTO unit_status_history (id, unit_id, status, reason, at, import_id, effective_date, actor)
VALUES ($1, $2, $3, $4, $5, NULL, $6, $7)`, ev.UnitID, string(ev.Status), ev.Reason, ev.At, ev.EffectiveDate, ev.Actor); err != nil {
		return fmt.Errorf("status history: %w", err)
	}
	return nil
}

func (t adminTx) AddDecision(ctx context.Context, importID int64, d store.Decision) error {
	_, err := t.insert(ctx, "import_decisions", `INSERT INTO import_decisions (id, import_id, line, written, province_code, kind, code, note, decided_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, importID, d.Line, d.Written, d.ProvinceCode, d.Kind, d.Code, d.Note, d.DecidedBy)
	return err
}

func (t adminTx) AddAudit(ctx context.Context, e store.AuditEntry) (int64, error) {
	return t.insert(ctx, "audit_log", `INSERT INTO audit_log (id, at, actor, client, action, target, detail, before, after)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, e.At, e.Actor, e.Client, e.Action, e.Target, e.Detail, e.Before, e.After)
}

// AppendAudit appends one entry in its own transaction, after every
// earlier writer (the data-version row's lock, which makes its id unique),
// without changing the data version.
func (s *Store) AppendAudit(ctx context.Context, e store.AuditEntry) (store.AuditEntry, error) {
	e, err := store.AuditAt(e, s.now())
	if err != nil {
		return store.AuditEntry{}, err
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return store.AuditEntry{}, fmt.Errorf("store: append audit: begin: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) // a no-op after Commit
	var v int64
	if err := tx.QueryRow(ctx, "SELECT value FROM meta WHERE key = 'data_version' FOR UPDATE").Scan(&v); err != nil {
		return store.AuditEntry{}, fmt.Errorf("store: append audit: lock: %w", err)
	}
	if e.ID, err = (adminTx{importTx{tx}}).AddAudit(ctx, e); err != nil {
		return store.AuditEntry{}, fmt.Errorf("store: append audit: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return store.AuditEntry{}, fmt.Errorf("store: append audit: commit: %w", err)
	}
	return e, nil
}

// UnitHistory returns a unit's status changes with their effective dates
// and authors, oldest first, or an error wrapping store.ErrNotFound.
func (s *Store) UnitHistory(ctx context.Context, unitID int64) ([]store.StatusEvent, error) {
	what := fmt.Sprintf("history of pilot unit %d", unitID)
	found := false
	rows, err := collect(ctx, s.pool, what, func(r pgx.Rows) (*store.StatusEvent, error) {
		found = true
		var id, importID *int64
		var status, reason, effective, actor *string
		var at *time.Time
		if err := r.Scan(&id, &status, &reason, &at, &importID, &effective, &actor); err != nil || id == nil {
			return nil, err
		}
		ev := &store.StatusEvent{StatusChange: store.StatusChange{UnitID: unitID, Status: store.Status(*status), Reason: *reason, At: at.UTC()},
			EffectiveDate: *effective, Actor: *actor}
		if importID != nil {
			ev.ImportID = *importID
		}
		return ev, nil
	}, `SELECT h.id, h.status, h.reason, h.at, h.import_id, h.effective_date, h.actor
FROM pilot_units u LEFT JOIN unit_status_history h ON h.unit_id = u.id
WHERE u.id = $1 ORDER BY h.at, h.id`, unitID)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, fmt.Errorf("store: %s: %w", what, store.ErrNotFound)
	}
	out := []store.StatusEvent{}
	for _, ev := range rows {
		if ev != nil {
			out = append(out, *ev)
		}
	}
	return out, nil
}

// Decisions returns an import's reviewer decisions in the order given.
func (s *Store) Decisions(ctx context.Context, importID int64) ([]store.Decision, error) {
	return collect(ctx, s.pool, fmt.Sprintf("decisions of import %d", importID), func(r pgx.Rows) (store.Decision, error) {
		var d store.Decision
		err := r.Scan(&d.Line, &d.Written, &d.ProvinceCode, &d.Kind, &d.Code, &d.Note, &d.DecidedBy)
		return d, err
	}, `SELECT line, written, province_code, kind, code, note, decided_by
FROM import_decisions WHERE import_id = $1 ORDER BY id`, importID)
}

// AuditLog returns a page of the audit log, newest first.
func (s *Store) AuditLog(ctx context.Context, q store.AuditQuery) ([]store.AuditEntry, error) {
	if err := store.CheckAuditQuery(q); err != nil {
		return nil, err
	}
	query := "SELECT id, at, actor, client, action, target, detail, before, after FROM audit_log"
	var args []any
	if q.BeforeID > 0 {
		args = append(args, q.BeforeID)
		query += fmt.Sprintf(" WHERE id < $%d", len(args))
	}
	query += " ORDER BY id DESC"
	if q.Limit > 0 {
		args = append(args, q.Limit)
		query += fmt.Sprintf(" LIMIT $%d", len(args))
	}
	return collect(ctx, s.pool, "audit log", func(r pgx.Rows) (store.AuditEntry, error) {
		var e store.AuditEntry
		err := r.Scan(&e.ID, &e.At, &e.Actor, &e.Client, &e.Action, &e.Target, &e.Detail, &e.Before, &e.After)
		e.At = e.At.UTC()
		return e, err
	}, query, args...)
}
