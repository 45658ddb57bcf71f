package store_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"pilotmap/internal/store"
	"pilotmap/internal/store/storetest"
)

func TestAdminContract(t *testing.T) { storetest.RunAdmin(t, sqliteDatabases) }

// The audit log cannot be changed through SQL either: triggers refuse.
func TestAuditLogAppendOnly(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "pilotmap.db")
	s, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.AppendAudit(ctx, store.AuditEntry{Actor: "admin", Action: store.AuditSignIn}); err != nil {
		t.Fatal(err)
	}
	db := rawDB(t, path)
	for _, q := range []string{"UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"} {
		if _, err := db.ExecContext(ctx, q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want refused as append-only", q, err)
		}
	}
	if log, _ := s.AuditLog(ctx, store.AuditQuery{}); len(log) != 1 || log[0].Actor != "admin" {
		t.Errorf("audit log = %+v, want the one entry unchanged", log)
	}
}

// rawDB opens the file with the driver alone, as a person with the file
// would, closed when the test ends.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
