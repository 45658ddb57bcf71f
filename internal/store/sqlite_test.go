package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"pilotmap/internal/store"
	"pilotmap/internal/store/storetest"
)

// sqliteDatabases makes a new database file per test; every handle is
// another *store.SQLite on that file, as another process would open.
func sqliteDatabases(t *testing.T) storetest.Database {
	path := filepath.Join(t.TempDir(), "pilotmap.db")
	return func(opts ...store.Option) store.Store {
		s, err := store.Open(context.Background(), path, opts...)
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
}

func TestContract(t *testing.T) { storetest.Run(t, sqliteDatabases) }

func openBench(b *testing.B) *store.SQLite {
	s, err := store.Open(context.Background(), filepath.Join(b.TempDir(), "pilotmap.db"), store.WithClock(storetest.Clock()))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

func BenchmarkPilotUnits(b *testing.B) {
	ctx := context.Background()
	s := openBench(b)
	divs, req := storetest.SyntheticImport(108)
	if err := s.SeedDivisions(ctx, divs, nil); err != nil {
		b.Fatal(err)
	}
	if _, err := s.Import(ctx, req); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		units, err := s.PilotUnits(ctx, store.UnitFilter{})
		if err != nil {
			b.Fatal(err)
		}
		if len(units) != 108 {
			b.Fatalf("%d units", len(units))
		}
	}
}

func BenchmarkImport(b *testing.B) {
	ctx := context.Background()
	s := openBench(b)
	divs, req := storetest.SyntheticImport(108)
	if err := s.SeedDivisions(ctx, divs, nil); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n++
		r := req
		r.BatchNumber = n
		r.Raw = fmt.Appendf(nil, "batch %d", n)
		if _, err := s.Import(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
}
