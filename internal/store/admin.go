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
