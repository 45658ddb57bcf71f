package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"pilotmap/internal/store"
)

// adminBackend is a store with the admin capabilities.
type adminBackend interface {
	store.Store
	store.Admin
}

// RunAdmin runs the contract of store.Admin: publishing with decisions,
// status changes with effective dates, the audit log; observed through
// the interfaces only.
func RunAdmin(t *testing.T, newDB NewDatabase) {
	open := func(t *testing.T) adminBackend {
		s, ok := seeded(t, newDB).(adminBackend)
		if !ok {
			t.Fatal("the store does not implement store.Admin")
		}
		return s
	}
	ctx := context.Background()
	audit := func(action string) func(store.ImportResult) store.AuditEntry {
		return func(r store.ImportResult) store.AuditEntry {
			return store.AuditEntry{Actor: "admin", Client: "192.0.2.1", Action: action, Target: fmt.Sprintf("import %d", r.ImportID), After: fmt.Sprintf(`{"units":%d}`, r.Units)}
		}
	}
	decisions := []store.Decision{
		{Line: 34, Written: "贵安新区", ProvinceCode: "520000", Kind: store.DecisionNotDivision, Note: "a zone, no division", DecidedBy: "admin"},
		{Line: 33, Written: "文昌市_旧", ProvinceCode: "460000", Kind: store.DecisionDivision, Code: "469005", DecidedBy: "admin"},
	}

	t.Run("publish stores the import, the decisions and one audit entry", func(t *testing.T) {
		s := open(t)
		v0, _ := s.DataVersion(ctx)
		res, err := s.Publish(ctx, store.PublishRequest{Import: Batch2(), Decisions: decisions, Audit: audit(store.AuditPublish)})
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
		log, err := s.AuditLog(ctx, store.AuditQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if len(log) != 1 || log[0].Action != store.AuditPublish || log[0].Target != fmt.Sprintf("import %d", res.ImportID) || log[0].Client != "192.0.2.1" || log[0].At.IsZero() {
			t.Fatalf("audit log = %+v, want one publish entry of import %d", log, res.ImportID)
		}
		// The same text again: nothing written, no audit entry.
		again, err := s.Publish(ctx, store.PublishRequest{Import: Batch2(), Decisions: decisions, Audit: audit(store.AuditPublish)})
		if err != nil || again.Created || again.ImportID != res.ImportID || again.DataVersion != res.DataVersion {
			t.Fatalf("publish again = %+v, %v; want the earlier import, unchanged", again, err)
		}
		if log, _ := s.AuditLog(ctx, store.AuditQuery{}); len(log) != 1 {
			t.Errorf("audit log after a publish that changed nothing has %d entries, want 1", len(log))
		}
	})

	t.Run("publish refused leaves nothing", func(t *testing.T) {
		s := open(t)
		if _, err := s.Publish(ctx, store.PublishRequest{Import: Batch2(), Audit: audit(store.AuditPublish)}); err != nil {
			t.Fatal(err)
		}
		v1, _ := s.DataVersion(ctx)
		imports1, _ := s.Imports(ctx)
		other := Batch2()
		other.Raw = []byte("another notice")
		_, err := s.Publish(ctx, store.PublishRequest{Import: other, Decisions: decisions, Audit: audit(store.AuditPublish)})
		if _, ok := errors.AsType[*store.BatchConflictError](err); !ok || !errors.Is(err, store.ErrConflict) {
			t.Fatalf("publish of another text into batch 2: %v, want a *store.BatchConflictError", err)
		}
		bad := Batch2()
		bad.BatchNumber = 3
		_, err = s.Publish(ctx, store.PublishRequest{Import: bad, Decisions: []store.Decision{{Line: 1, Written: "x", Kind: store.DecisionDivision, Code: "999999"}}, Audit: audit(store.AuditPublish)})
		if !errors.Is(err, store.ErrInvalid) {
			t.Fatalf("publish with a decision naming no division: %v, want store.ErrInvalid", err)
		}
		_, err = s.Publish(ctx, store.PublishRequest{Import: bad, Decisions: []store.Decision{{Line: 1, Written: "x", Kind: "maybe"}}})
		if !errors.Is(err, store.ErrInvalid) {
			t.Fatalf("publish with a decision of unknown kind: %v, want store.ErrInvalid", err)
		}
		v2, _ := s.DataVersion(ctx)
		imports2, _ := s.Imports(ctx)
		log, _ := s.AuditLog(ctx, store.AuditQuery{})
		if v2 != v1 || len(imports2) != len(imports1) || len(log) != 1 {
			t.Errorf("after refused publishes: data version %d→%d, imports %d→%d, audit entries %d; want unchanged and 1", v1, v2, len(imports1), len(imports2), len(log))
		}
	})

	t.Run("status changes have an effective date, an author and an audit entry", func(t *testing.T) {
		s := open(t)
		if _, err := s.Publish(ctx, store.PublishRequest{Import: Batch2()}); err != nil {
			t.Fatal(err)
		}
		units, err := s.PilotUnits(ctx, store.UnitFilter{})
		if err != nil {
			t.Fatal(err)
		}
		u := units[0]
		var sawBefore store.PilotUnit
		req := store.StatusRequest{UnitID: u.ID, Status: store.StatusRevoked, Reason: "考核不合格 <b>x</b>", EffectiveDate: "2016-05-01", Actor: "admin",
			Audit: func(before store.PilotUnit, ev store.StatusEvent) store.AuditEntry {
				sawBefore = before
				return store.AuditEntry{Actor: "admin", Action: store.AuditUnitStatus, Target: fmt.Sprintf("pilot unit %d", before.ID), Before: string(before.Status), After: string(ev.Status)}
			}}
		v0, _ := s.DataVersion(ctx)
		ev, err := s.ChangeStatus(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if sawBefore.Status != store.StatusActive || ev.Status != store.StatusRevoked || ev.EffectiveDate != "2016-05-01" {
			t.Fatalf("change = %+v (before %s), want revoked effective 2016-05-01 from active", ev, sawBefore.Status)
		}
		if v1, _ := s.DataVersion(ctx); v1 != v0+1 {
			t.Errorf("data version %d → %d, want one more", v0, v1)
		}
		got, err := s.PilotUnit(ctx, u.ID)
		if err != nil || got.Status != store.StatusRevoked {
			t.Fatalf("unit after revoking: %+v, %v", got, err)
		}
		hist, err := s.UnitHistory(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != 2 || hist[0].Status != store.StatusActive || hist[0].ImportID == 0 || hist[1].Status != store.StatusRevoked ||
			hist[1].EffectiveDate != "2016-05-01" || hist[1].Actor != "admin" || hist[1].Reason != req.Reason {
			t.Fatalf("history = %+v, want the import's active row then the revocation", hist)
		}
		// Revoking again is a conflict and writes nothing.
		v1, _ := s.DataVersion(ctx)
		if _, err := s.ChangeStatus(ctx, req); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("revoking a revoked unit: %v, want store.ErrConflict", err)
		}
		for _, bad := range []store.StatusRequest{
			{UnitID: u.ID, Status: store.StatusActive, Reason: "", EffectiveDate: "2017-01-01"},
			{UnitID: u.ID, Status: store.StatusActive, Reason: "restored", EffectiveDate: "2017-02-30"},
			{UnitID: u.ID, Status: "paused", Reason: "x", EffectiveDate: "2017-01-01"},
		} {
			if _, err := s.ChangeStatus(ctx, bad); !errors.Is(err, store.ErrInvalid) {
				t.Errorf("ChangeStatus(%+v): %v, want store.ErrInvalid", bad, err)
			}
		}
		if _, err := s.ChangeStatus(ctx, store.StatusRequest{UnitID: 1 << 40, Status: store.StatusActive, Reason: "x", EffectiveDate: "2017-01-01"}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("ChangeStatus of a missing unit: %v, want store.ErrNotFound", err)
		}
		if v2, _ := s.DataVersion(ctx); v2 != v1 {
			t.Errorf("refused status changes moved the data version %d → %d", v1, v2)
		}
		if hist, _ := s.UnitHistory(ctx, u.ID); len(hist) != 2 {
			t.Errorf("refused status changes left %d history rows, want 2", len(hist))
		}
		log, _ := s.AuditLog(ctx, store.AuditQuery{})
		if len(log) != 1 || log[0].Before != "active" || log[0].After != "revoked" {
			t.Errorf("audit log = %+v, want the one revocation", log)
		}
		if _, err := s.UnitHistory(ctx, 1<<40); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("UnitHistory of a missing unit: %v, want store.ErrNotFound", err)
		}
	})

	t.Run("audit log pages newest first and leaves the data version", func(t *testing.T) {
		s := open(t)
		v0, _ := s.DataVersion(ctx)
		for i := range 5 {
			if _, err := s.AppendAudit(ctx, store.AuditEntry{Actor: "admin", Client: "::1", Action: store.AuditSignIn, Detail: fmt.Sprint(i)}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.AppendAudit(ctx, store.AuditEntry{Actor: "admin"}); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("an entry without action: %v, want store.ErrInvalid", err)
		}
		if v1, _ := s.DataVersion(ctx); v1 != v0 {
			t.Errorf("audit entries moved the data version %d → %d", v0, v1)
		}
		page1, err := s.AuditLog(ctx, store.AuditQuery{Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		page2, err := s.AuditLog(ctx, store.AuditQuery{Limit: 2, BeforeID: page1[1].ID})
		if err != nil {
			t.Fatal(err)
		}
		all, _ := s.AuditLog(ctx, store.AuditQuery{})
		var details []string
		for _, e := range append(page1, page2...) {
			details = append(details, e.Detail)
		}
		if strings.Join(details, ",") != "4,3,2,1" || len(all) != 5 {
			t.Errorf("pages = %v (all %d), want 4,3,2,1 of 5", details, len(all))
		}
	})
}
