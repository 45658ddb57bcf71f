package pgstore

import (
	"context"
	"strings"
	"testing"

	"pilotmap/internal/store"
)

// The audit log cannot be changed through SQL either: a trigger refuses
// UPDATE, DELETE and TRUNCATE.
func TestAuditLogAppendOnly(t *testing.T) {
	ctx := context.Background()
	s := openDSN(t, pg.Database(t))
	if _, err := s.AppendAudit(ctx, store.AuditEntry{Actor: "admin", Action: store.AuditSignIn}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log", "TRUNCATE audit_log"} {
		if _, err := s.pool.Exec(ctx, q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want refused as append-only", q, err)
		}
	}
	if log, _ := s.AuditLog(ctx, store.AuditQuery{}); len(log) != 1 || log[0].Actor != "admin" {
		t.Errorf("audit log = %+v, want the one entry unchanged", log)
	}
}
