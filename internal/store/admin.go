package store

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Admin is what the admin routes need beyond Store: publishing a notice
// with the reviewer's decisions, a status change with its effective date,
// and the audit log. Each write appends its audit entry in its own
// transaction, so a write and its entry are stored together or not at all.
type Admin interface {
	// Publish stores an import (as Store.Import), every reviewer decision
	// and the audit entry req.Audit returns, in one transaction. When the
	// batch already holds the same text nothing is written (Created false,
	// no audit entry); a batch holding another text is a
	// *BatchConflictError and nothing is written.
	Publish(ctx context.Context, req PublishRequest) (ImportResult, error)
	// ChangeStatus sets a pilot unit's status with a reason and an
	// effective date, appends its history row and the audit entry, in one
	// transaction. A unit that does not exist wraps ErrNotFound; a unit
	// that already has the status wraps ErrConflict; an empty reason, a
	// bad status or a malformed date wrap ErrInvalid. Nothing is written
	// on an error.
	ChangeStatus(ctx context.Context, req StatusRequest) (StatusEvent, error)
	// UnitHistory returns a unit's status changes with their effective
	// dates and who made them, oldest first, or an error wrapping
	// ErrNotFound.
	UnitHistory(ctx context.Context, unitID int64) ([]StatusEvent, error)
	// Decisions returns the reviewer decisions stored with an import, in
	// the order they were given (none for an import without review).
	Decisions(ctx context.Context, importID int64) ([]Decision, error)
	// AppendAudit appends one audit entry on its own (a sign-in, a failed
	// sign-in, a sign-out); the data version does not change.
	AppendAudit(ctx context.Context, e AuditEntry) (AuditEntry, error)
	// AuditLog returns audit entries newest first: those with an id below
	// q.BeforeID (0: from the newest), at most q.Limit (0: all).
	AuditLog(ctx context.Context, q AuditQuery) ([]AuditEntry, error)
}

// The kinds of reviewer decision.
const (
	// DecisionDivision: the row is the division Decision.Code.
	DecisionDivision = "division"
	// DecisionNotDivision: the row is no division (a zone such as 贵安新区,
	// a heading, an unreadable fragment) and is left out.
	DecisionNotDivision = "not_division"
)

// Decision is a reviewer's decision about one row of a notice's join table
// (an unmatched or ambiguous unit, an unreadable part, or a matched unit
// the reviewer overrode), keyed by its line and its text as written.
type Decision struct {
	Line         int
	Written      string
	ProvinceCode string // the row's province, "" when none was read
	Kind         string // DecisionDivision or DecisionNotDivision
	Code         string // the division chosen; "" for DecisionNotDivision
	Note         string // the reviewer's remark, may be ""
	DecidedBy    string
}

// PublishRequest is a reviewed notice to store.
type PublishRequest struct {
	Import    ImportRequest
	Decisions []Decision
	// Audit returns the audit entry of the publish, given what the
	// import stored (its ids are known only inside the transaction).
	Audit func(ImportResult) AuditEntry
}

// StatusRequest is a status change of one pilot unit.
type StatusRequest struct {
	UnitID int64
	Status Status
	Reason string
	// EffectiveDate is the date the change takes effect as the decision
	// states it (YYYY-MM-DD), e.g. the date of the notice that revokes.
	EffectiveDate string
	Actor         string
	// Audit returns the audit entry of the change, given the unit before
	// it and the history row it appends.
	Audit func(before PilotUnit, ev StatusEvent) AuditEntry
}

// StatusEvent is a row of a unit's status history with the effective date
// and who recorded it ("" for rows written by an import or before
// schema version 3).
type StatusEvent struct {
	StatusChange
	EffectiveDate string
	Actor         string
}

// AuditEntry is one row of the append-only audit log.
type AuditEntry struct {
	ID     int64
	At     time.Time
	Actor  string // who: the signed-in user, "token" for a bearer token, or the name tried
	Client string // the client's address
	Action string // e.g. AuditSignIn, AuditPublish
	Target string // what it acted on, e.g. "pilot unit 12"
	Detail string // a sentence for people
	Before string // JSON of the state before ("" when none)
	After  string // JSON of the state after ("" when none)
}

// The actions the audit log records.
const (
	AuditSignIn       = "sign_in"
	AuditSignInFailed = "sign_in_failed"
	AuditSignOut      = "sign_out"
	AuditPublish      = "publish"
	AuditUnitStatus   = "unit_status"
)

// AuditQuery selects a page of the audit log.
type AuditQuery struct {
	BeforeID int64 // 0: from the newest
	Limit    int   // 0: all
}

// AdminTx is what the admin writes need from a backend's write
// transaction, beyond an import's.
type AdminTx interface {
	ImportTx
	// Unit returns a pilot unit; found is false when there is none.
	Unit(ctx context.Context, id int64) (u PilotUnit, found bool, err error)
	// SetStatus sets the unit's status (status_since ev.At) and appends ev
	// to its history.
	SetStatus(ctx context.Context, ev StatusEvent) error
	// AddDecision stores a reviewer decision of an import.
	AddDecision(ctx context.Context, importID int64, d Decision) error
	// AddAudit appends e (e.At set) and returns its id.
	AddAudit(ctx context.Context, e AuditEntry) (int64, error)
}

// CheckPublish checks a publish before any transaction.
func CheckPublish(req PublishRequest) (PublishRequest, error) {
	ir, err := CheckImport(req.Import)
	if err != nil {
		return PublishRequest{}, err
	}
	req.Import = ir
	if err := validateDecisions(req.Decisions); err != nil {
		return PublishRequest{}, fmt.Errorf("%s: %w", importPrefix(ir), err)
	}
	return req, nil
}

// RunPublish does the work of Publish inside tx: RunImport, then, when the
// import created the batch, every decision (a decided code must be a
// stored division) and the audit entry. req must have passed CheckPublish.
func RunPublish(ctx context.Context, tx AdminTx, req PublishRequest, now time.Time) (ImportResult, error) {
	res, err := RunImport(ctx, tx, req.Import, now)
	if err != nil || !res.Created {
		return res, err
	}
	for _, d := range req.Decisions {
		if d.Kind == DecisionDivision {
			if _, ok, err := tx.Division(ctx, d.Code); err != nil {
				return ImportResult{}, err
			} else if !ok {
				return ImportResult{}, fmt.Errorf("decision on line %d (%s): unknown division code %s: %w", d.Line, d.Written, d.Code, ErrInvalid)
			}
		}
		if err := tx.AddDecision(ctx, res.ImportID, d); err != nil {
			return ImportResult{}, fmt.Errorf("decision on line %d (%s): %w", d.Line, d.Written, err)
		}
	}
	if req.Audit != nil {
		if err := addAudit(ctx, tx, req.Audit(res), now); err != nil {
			return ImportResult{}, err
		}
	}
	return res, nil
}

// RunStatusChange does the work of ChangeStatus inside tx. req must have
// passed CheckStatusRequest.
func RunStatusChange(ctx context.Context, tx AdminTx, req StatusRequest, now time.Time) (StatusEvent, error) {
	before, found, err := tx.Unit(ctx, req.UnitID)
	if err != nil {
		return StatusEvent{}, err
	}
	if !found {
		return StatusEvent{}, ErrNotFound
	}
	if before.Status == req.Status {
		return StatusEvent{}, fmt.Errorf("the unit is %s already (since %s): %w", before.Status, before.StatusSince.Format(time.DateOnly), ErrConflict)
	}
	ev := StatusEvent{StatusChange: StatusChange{UnitID: req.UnitID, Status: req.Status, Reason: req.Reason, At: Stamp(now)},
		EffectiveDate: req.EffectiveDate, Actor: req.Actor}
	if err := tx.SetStatus(ctx, ev); err != nil {
		return StatusEvent{}, err
	}
	if req.Audit != nil {
		if err := addAudit(ctx, tx, req.Audit(before, ev), now); err != nil {
			return StatusEvent{}, err
		}
	}
	return ev, nil
}

// AuditAt checks an entry appended on its own and stamps it.
func AuditAt(e AuditEntry, now time.Time) (AuditEntry, error) {
	if err := validateAudit(e); err != nil {
		return AuditEntry{}, fmt.Errorf("store: append audit: %w", err)
	}
	e.At = Stamp(now)
	return e, nil
}

func addAudit(ctx context.Context, tx AdminTx, e AuditEntry, now time.Time) error {
	e, err := AuditAt(e, now)
	if err != nil {
		return err
	}
	if _, err := tx.AddAudit(ctx, e); err != nil {
		return fmt.Errorf("audit entry: %w", err)
	}
	return nil
}

// CheckAuditQuery checks a page request of the audit log.
func CheckAuditQuery(q AuditQuery) error {
	if q.Limit < 0 || q.BeforeID < 0 {
		return fmt.Errorf("store: audit log: negative limit or before: %w", ErrInvalid)
	}
	return nil
}

// StatusPrefix names a status change in its errors.
func StatusPrefix(req StatusRequest) string {
	return fmt.Sprintf("store: set status of pilot unit %d to %q", req.UnitID, req.Status)
}

// CheckStatusRequest checks a status change before any transaction.
func CheckStatusRequest(req StatusRequest) error {
	if err := validateStatusRequest(req); err != nil {
		return fmt.Errorf("%s: %w", StatusPrefix(req), err)
	}
	return nil
}

var isoDate = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// ValidDate reports whether s is a calendar date written YYYY-MM-DD.
func ValidDate(s string) bool {
	if !isoDate.MatchString(s) {
		return false
	}
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// validateStatusRequest checks what every backend checks before writing.
func validateStatusRequest(req StatusRequest) error {
	if !req.Status.Valid() {
		return fmt.Errorf("unknown status %q: %w", req.Status, ErrInvalid)
	}
	if strings.TrimSpace(req.Reason) == "" {
		return fmt.Errorf("empty reason: %w", ErrInvalid)
	}
	if !ValidDate(req.EffectiveDate) {
		return fmt.Errorf("effective date %q, want YYYY-MM-DD: %w", req.EffectiveDate, ErrInvalid)
	}
	return nil
}

// validateDecisions checks the decisions of a publish.
func validateDecisions(ds []Decision) error {
	type key struct {
		line    int
		written string
	}
	seen := make(map[key]bool, len(ds))
	for _, d := range ds {
		k := key{d.Line, d.Written}
		if seen[k] {
			return fmt.Errorf("decision on line %d (%s) given twice: %w", d.Line, d.Written, ErrInvalid)
		}
		seen[k] = true
		switch d.Kind {
		case DecisionDivision:
			if !isDivisionCode(d.Code) {
				return fmt.Errorf("decision on line %d (%s): code %q, want six digits: %w", d.Line, d.Written, d.Code, ErrInvalid)
			}
		case DecisionNotDivision:
			if d.Code != "" {
				return fmt.Errorf("decision on line %d (%s): not a division, yet code %q: %w", d.Line, d.Written, d.Code, ErrInvalid)
			}
		default:
			return fmt.Errorf("decision on line %d (%s): kind %q, want %s or %s: %w", d.Line, d.Written, d.Kind, DecisionDivision, DecisionNotDivision, ErrInvalid)
		}
	}
	return nil
}

func validateAudit(e AuditEntry) error {
	if e.Action == "" {
		return fmt.Errorf("audit entry without action: %w", ErrInvalid)
	}
	return nil
}
