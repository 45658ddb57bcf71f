package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// adminBackend is a store with the admin capabilities; the tests below
// observe it only through these interfaces, so that they can run against
// every backend (the contract suite, internal/store/storetest, once merged).
type adminBackend interface {
	Store
	Admin
}

func TestAdminSQLite(t *testing.T) {
	runAdminContract(t, func(t *testing.T) adminBackend { return seeded(t) })
}

// runAdminContract runs the behaviour every Admin implementation has.
// open returns a store seeded with smallDivisions.
func runAdminContract(t *testing.T, open func(t *testing.T) adminBackend) {
	ctx := context.Background()
	audit := func(action string) func(ImportResult) AuditEntry {
		return func(r ImportResult) AuditEntry {
			return AuditEntry{Actor: "admin", Client: "192.0.2.1", Action: action, Target: fmt.Sprintf("import %d", r.ImportID), After: fmt.Sprintf(`{"units":%d}`, r.Units)}
		}
	}
	decisions := []Decision{
		{Line: 34, Written: "贵安新区", ProvinceCode: "520000", Kind: DecisionNotDivision, Note: "a zone, no division", DecidedBy: "admin"},
		{Line: 33, Written: "文昌市_旧", ProvinceCode: "460000", Kind: DecisionDivision, Code: "469005", DecidedBy: "admin"},
	}

	t.Run("publish stores the import, the decisions and one audit entry", func(t *testing.T) {
		s := open(t)
		v0, _ := s.DataVersion(ctx)
		res, err := s.Publish(ctx, PublishRequest{Import: batch2(), Decisions: decisions, Audit: audit(AuditPublish)})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Created || res.Units != 5 || res.DataVersion != v0+1 {
			t.Fatalf("publish = %+v, want created, 5 units, data version %d", res, v0+1)
		}
		got, err := s.Decisions(ctx, res.ImportID)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got) != fmt.Sprint(decisions) {
			t.Errorf("decisions = %+v\nwant %+v", got, decisions)
		}
		log, err := s.AuditLog(ctx, AuditQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if len(log) != 1 || log[0].Action != AuditPublish || log[0].Target != fmt.Sprintf("import %d", res.ImportID) || log[0].Client != "192.0.2.1" || log[0].At.IsZero() {
			t.Fatalf("audit log = %+v, want one publish entry of import %d", log, res.ImportID)
		}
		// The same text again: nothing written, no audit entry.
		again, err := s.Publish(ctx, PublishRequest{Import: batch2(), Decisions: decisions, Audit: audit(AuditPublish)})
		if err != nil || again.Created || again.ImportID != res.ImportID || again.DataVersion != res.DataVersion {
			t.Fatalf("publish again = %+v, %v; want the earlier import, unchanged", again, err)
		}
		if log, _ := s.AuditLog(ctx, AuditQuery{}); len(log) != 1 {
			t.Errorf("audit log after a publish that changed nothing has %d entries, want 1", len(log))
		}
	})

	t.Run("publish refused leaves nothing", func(t *testing.T) {
		s := open(t)
		if _, err := s.Publish(ctx, PublishRequest{Import: batch2(), Audit: audit(AuditPublish)}); err != nil {
			t.Fatal(err)
		}
		v1, _ := s.DataVersion(ctx)
		imports1, _ := s.Imports(ctx)
		other := batch2()
		other.Raw = []byte("another notice")
		_, err := s.Publish(ctx, PublishRequest{Import: other, Decisions: decisions, Audit: audit(AuditPublish)})
		if _, ok := errors.AsType[*BatchConflictError](err); !ok || !errors.Is(err, ErrConflict) {
			t.Fatalf("publish of another text into batch 2: %v, want a *BatchConflictError", err)
		}
		bad := batch2()
		bad.BatchNumber = 3
		_, err = s.Publish(ctx, PublishRequest{Import: bad, Decisions: []Decision{{Line: 1, Written: "x", Kind: DecisionDivision, Code: "999999"}}, Audit: audit(AuditPublish)})
		if !errors.Is(err, ErrInvalid) {
			t.Fatalf("publish with a decision naming no division: %v, want ErrInvalid", err)
		}
		_, err = s.Publish(ctx, PublishRequest{Import: bad, Decisions: []Decision{{Line: 1, Written: "x", Kind: "maybe"}}})
		if !errors.Is(err, ErrInvalid) {
			t.Fatalf("publish with a decision of unknown kind: %v, want ErrInvalid", err)
		}
		v2, _ := s.DataVersion(ctx)
		imports2, _ := s.Imports(ctx)
		log, _ := s.AuditLog(ctx, AuditQuery{})
		if v2 != v1 || len(imports2) != len(imports1) || len(log) != 1 {
			t.Errorf("after refused publishes: data version %d→%d, imports %d→%d, audit entries %d; want unchanged and 1", v1, v2, len(imports1), len(imports2), len(log))
		}
	})

	t.Run("status changes have an effective date, an author and an audit entry", func(t *testing.T) {
		s := open(t)
		if _, err := s.Publish(ctx, PublishRequest{Import: batch2()}); err != nil {
			t.Fatal(err)
		}
		units, err := s.PilotUnits(ctx, UnitFilter{})
		if err != nil {
			t.Fatal(err)
		}
		u := units[0]
		var sawBefore PilotUnit
		req := StatusRequest{UnitID: u.ID, Status: StatusRevoked, Reason: "考核不合格 <b>x</b>", EffectiveDate: "2016-05-01", Actor: "admin",
			Audit: func(before PilotUnit, ev StatusEvent) AuditEntry {
				sawBefore = before
				return AuditEntry{Actor: "admin", Action: AuditUnitStatus, Target: fmt.Sprintf("pilot unit %d", before.ID), Before: string(before.Status), After: string(ev.Status)}
			}}
		v0, _ := s.DataVersion(ctx)
		ev, err := s.ChangeStatus(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if sawBefore.Status != StatusActive || ev.Status != StatusRevoked || ev.EffectiveDate != "2016-05-01" {
			t.Fatalf("change = %+v (before %s), want revoked effective 2016-05-01 from active", ev, sawBefore.Status)
		}
		if v1, _ := s.DataVersion(ctx); v1 != v0+1 {
			t.Errorf("data version %d → %d, want one more", v0, v1)
		}
		got, err := s.PilotUnit(ctx, u.ID)
		if err != nil || got.Status != StatusRevoked {
			t.Fatalf("unit after revoking: %+v, %v", got, err)
		}
		hist, err := s.UnitHistory(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != 2 || hist[0].Status != StatusActive || hist[0].ImportID == 0 || hist[1].Status != StatusRevoked ||
			hist[1].EffectiveDate != "2016-05-01" || hist[1].Actor != "admin" || hist[1].Reason != req.Reason {
			t.Fatalf("history = %+v, want the import's active row then the revocation", hist)
		}
		// Revoking again is a conflict and writes nothing.
		v1, _ := s.DataVersion(ctx)
		if _, err := s.ChangeStatus(ctx, req); !errors.Is(err, ErrConflict) {
			t.Fatalf("revoking a revoked unit: %v, want ErrConflict", err)
		}
		for _, bad := range []StatusRequest{
			{UnitID: u.ID, Status: StatusActive, Reason: "", EffectiveDate: "2017-01-01"},
			{UnitID: u.ID, Status: StatusActive, Reason: "restored", EffectiveDate: "2017-02-30"},
			{UnitID: u.ID, Status: "paused", Reason: "x", EffectiveDate: "2017-01-01"},
		} {
			if _, err := s.ChangeStatus(ctx, bad); !errors.Is(err, ErrInvalid) {
				t.Errorf("ChangeStatus(%+v): %v, want ErrInvalid", bad, err)
			}
		}
		if _, err := s.ChangeStatus(ctx, StatusRequest{UnitID: 1 << 40, Status: StatusActive, Reason: "x", EffectiveDate: "2017-01-01"}); !errors.Is(err, ErrNotFound) {
			t.Errorf("ChangeStatus of a missing unit: %v, want ErrNotFound", err)
		}
		if v2, _ := s.DataVersion(ctx); v2 != v1 {
			t.Errorf("refused status changes moved the data version %d → %d", v1, v2)
		}
		if hist, _ := s.UnitHistory(ctx, u.ID); len(hist) != 2 {
			t.Errorf("refused status changes left %d history rows, want 2", len(hist))
		}
		log, _ := s.AuditLog(ctx, AuditQuery{})
		if len(log) != 1 || log[0].Before != "active" || log[0].After != "revoked" {
			t.Errorf("audit log = %+v, want the one revocation", log)
		}
		if _, err := s.UnitHistory(ctx, 1<<40); !errors.Is(err, ErrNotFound) {
			t.Errorf("UnitHistory of a missing unit: %v, want ErrNotFound", err)
		}
	})

	t.Run("audit log pages newest first and leaves the data version", func(t *testing.T) {
		s := open(t)
		v0, _ := s.DataVersion(ctx)
		for i := range 5 {
			if _, err := s.AppendAudit(ctx, AuditEntry{Actor: "admin", Client: "::1", Action: AuditSignIn, Detail: fmt.Sprint(i)}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.AppendAudit(ctx, AuditEntry{Actor: "admin"}); !errors.Is(err, ErrInvalid) {
			t.Errorf("an entry without action: %v, want ErrInvalid", err)
		}
		if v1, _ := s.DataVersion(ctx); v1 != v0 {
			t.Errorf("audit entries moved the data version %d → %d", v0, v1)
		}
		page1, err := s.AuditLog(ctx, AuditQuery{Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		page2, err := s.AuditLog(ctx, AuditQuery{Limit: 2, BeforeID: page1[1].ID})
		if err != nil {
			t.Fatal(err)
		}
		all, _ := s.AuditLog(ctx, AuditQuery{})
		var details []string
		for _, e := range append(page1, page2...) {
			details = append(details, e.Detail)
		}
		if strings.Join(details, ",") != "4,3,2,1" || len(all) != 5 {
			t.Errorf("pages = %v (all %d), want 4,3,2,1 of 5", details, len(all))
		}
	})
}

// The audit log cannot be changed through SQL either: triggers refuse.
func TestAuditLogAppendOnly(t *testing.T) {
	s := seeded(t)
	ctx := context.Background()
	if _, err := s.AppendAudit(ctx, AuditEntry{Actor: "admin", Action: AuditSignIn}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"} {
		if _, err := s.db.ExecContext(ctx, q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want refused as append-only", q, err)
		}
	}
	if log, _ := s.AuditLog(ctx, AuditQuery{}); len(log) != 1 || log[0].Actor != "admin" {
		t.Errorf("audit log = %+v, want the one entry unchanged", log)
	}
}
