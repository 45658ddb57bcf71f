package pgstore

import (
	"context"
	"path/filepath"
	"testing"

	"pilotmap/internal/store"
	"pilotmap/internal/store/storetest"
)

// pgDatabases makes a new database on the test server per test; every
// handle is another pool on it, as another replica would open.
func pgDatabases(t *testing.T) storetest.Database {
	dsn := pg.Database(t)
	return func(opts ...store.Option) store.Store { return openDSN(t, dsn, opts...) }
}

func openDSN(t *testing.T, dsn string, opts ...store.Option) *Store {
	t.Helper()
	s, err := Open(context.Background(), dsn, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

func TestContract(t *testing.T) { storetest.Run(t, pgDatabases) }

func TestAdminContract(t *testing.T) { storetest.RunAdmin(t, pgDatabases) }

// TestSameDataAsSQLite: the same writes give the same data in PostgreSQL
// as in SQLite: rows, ids (refused writes leave no gap in either), times
// and data version.
func TestSameDataAsSQLite(t *testing.T) {
	ctx := context.Background()
	lite, err := store.Open(ctx, filepath.Join(t.TempDir(), "p.db"), store.WithClock(storetest.Clock()))
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	storetest.CompareHistories(t, lite, openDSN(t, pg.Database(t), store.WithClock(storetest.Clock())))
}
