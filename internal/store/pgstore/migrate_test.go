package pgstore

import (
	"context"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

func TestMigrationFiles(t *testing.T) {
	steps, err := migrations(migrationFiles)
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) == 0 || steps[0].version != 1 || steps[0].name != "initial" {
		t.Errorf("steps = %+v", steps)
	}
	for _, bad := range []fstest.MapFS{
		{"migrations/0002_second.sql": {Data: []byte("SELECT 1")}},
		{"migrations/0001_a.sql": {}, "migrations/0003_c.sql": {}},
		{"migrations/first.sql": {}},
	} {
		if _, err := migrations(bad); err == nil {
			t.Errorf("migrations(%v) accepted a gap or a bad name", bad)
		}
	}
}

func TestIsDSNAndRedact(t *testing.T) {
	for s, want := range map[string]bool{
		"postgres://u@h/db": true, "postgresql:///db?host=/tmp": true, "pilotmap.db": false,
		"/data/postgres://x": false, "file:p.db": false,
	} {
		if IsDSN(s) != want {
			t.Errorf("IsDSN(%q) = %v", s, !want)
		}
	}
	for _, dsn := range []string{"postgres://u:secret@h/db", "postgres://u@h/db?password=secret&sslmode=disable"} {
		if r := Redact(dsn); strings.Contains(r, "secret") || !strings.Contains(r, "u") {
			t.Errorf("Redact(%q) = %q", dsn, r)
		}
	}
}

func openPool(t *testing.T, dsn string) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// TestMigrateConcurrently: replicas opening a new database at once apply
// each step once (the advisory lock), and all open.
func TestMigrateConcurrently(t *testing.T) {
	dsn := pg.Database(t)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			s, err := Open(context.Background(), dsn)
			if err == nil {
				s.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("open %d: %v", i, err)
		}
	}
	var n, v int
	if err := openPool(t, dsn).QueryRow(context.Background(), "SELECT count(*), max(version) FROM schema_migrations").Scan(&n, &v); err != nil {
		t.Fatal(err)
	}
	steps, _ := migrations(migrationFiles)
	if n != len(steps) || v != len(steps) {
		t.Errorf("schema_migrations has %d rows up to version %d, want %d", n, v, len(steps))
	}
}

func TestMigrateRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	dsn := pg.Database(t)
	s, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := openPool(t, dsn).Exec(ctx, "INSERT INTO schema_migrations VALUES (99, 'from the future', now())"); err != nil {
		t.Fatal(err)
	}
	if s, err := Open(ctx, dsn); err == nil {
		s.Close()
		t.Fatal("Open accepted a database with schema version 99")
	} else if !strings.Contains(err.Error(), "schema version 99 is newer") {
		t.Errorf("error %q does not say the schema is newer", err)
	}
}

// TestMigrateStepFailureRollsBack: a failing step leaves nothing behind,
// the steps before it in the same run included.
func TestMigrateStepFailureRollsBack(t *testing.T) {
	ctx := context.Background()
	pool := openPool(t, pg.Database(t))
	steps, _ := migrations(migrationFiles)
	steps = append(steps, migration{version: len(steps) + 1, name: "broken", sql: "CREATE TABLE half_done (x integer); THIS IS NOT SQL"})
	if err := applyMigrations(ctx, pool, steps, time.Now); err == nil {
		t.Fatal("a broken step was applied without error")
	}
	var tables int
	var schema string
	if err := pool.QueryRow(ctx, "SELECT count(*), current_schema() FROM pg_tables WHERE schemaname = current_schema()").Scan(&tables, &schema); err != nil {
		t.Fatal(err)
	}
	if tables != 0 || schema == "public" {
		t.Errorf("%d tables after a failed first migration in schema %s, want none (in the test's own schema)", tables, schema)
	}
	// The same steps without the broken one apply.
	if err := applyMigrations(ctx, pool, steps[:len(steps)-1], time.Now); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()").Scan(&tables); err != nil || tables < 10 {
		t.Errorf("%d tables (%v) after migrating", tables, err)
	}
}
