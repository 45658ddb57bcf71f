package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestOpenAppliesMigrationsOnce(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "p.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		version       int
		name, applied string
	}
	read := func(s *SQLite) []row {
		t.Helper()
		rows, err := s.db.QueryContext(ctx, "SELECT version, name, applied_at FROM schema_migrations ORDER BY version")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.version, &r.name, &r.applied); err != nil {
				t.Fatal(err)
			}
			out = append(out, r)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	first := read(s)
	if len(first) != len(migrations()) || first[len(first)-1].version != len(migrations()) {
		t.Fatalf("schema_migrations = %v, want versions 1..%d", first, len(migrations()))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	second := read(s)
	if len(second) != len(first) || second[0] != first[0] {
		t.Errorf("reopening changed schema_migrations: %v, then %v", first, second)
	}
	if v, err := s.DataVersion(ctx); err != nil || v != 0 {
		t.Errorf("DataVersion of a new database = %d, %v; want 0", v, err)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "p.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'from the future', '2030-01-01T00:00:00.000000Z')"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(ctx, path)
	if err == nil {
		s.Close()
		t.Fatal("Open accepted a database with schema version 99")
	}
	if !strings.Contains(err.Error(), "schema version 99 is newer") {
		t.Errorf("error %q does not say the schema is newer", err)
	}
}

func TestMigrateStepFailureRollsBack(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	steps := append(migrations(), migration{name: "broken", sql: "CREATE TABLE half_done (x INTEGER); THIS IS NOT SQL"})
	if err := migrate(ctx, s.db, steps, time.Now); err == nil {
		t.Fatal("a broken step was applied without error")
	}
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema WHERE name = 'half_done'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Error("the broken step left table half_done behind")
	}
	if v, err := schemaVersion(ctx, s.db); err != nil || v != len(migrations()) {
		t.Errorf("schema version after a failed step = %d, %v; want %d", v, err, len(migrations()))
	}
}

func TestPragmasOnEveryConnection(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	// Hold several connections at once so the pool has to open new ones.
	for i := range 3 {
		conn, err := s.db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		var mode string
		var fk, timeout int
		if err := conn.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
			t.Fatal(err)
		}
		if err := conn.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil {
			t.Fatal(err)
		}
		if err := conn.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&timeout); err != nil {
			t.Fatal(err)
		}
		if mode != "wal" || fk != 1 || timeout != 5000 {
			t.Errorf("connection %d: journal_mode %q, foreign_keys %d, busy_timeout %d; want wal, 1, 5000", i, mode, fk, timeout)
		}
	}
}

func TestOpenPathWithURICharacters(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "a?b#c%20d")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "x?y.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := os.Stat(path); err != nil {
		t.Errorf("database not created at %s: %v", path, err)
	}
	if err := s.Ping(ctx); err != nil {
		t.Error(err)
	}
}

func TestDSN(t *testing.T) {
	got := dsn("/data/a?b#c%d.db")
	want := "file:/data/a%3fb%23c%25d.db?_foreign_keys=on&_journal_mode=WAL&_busy_timeout=5000&_synchronous=NORMAL&_txlock=immediate"
	if got != want {
		t.Errorf("dsn = %q, want %q", got, want)
	}
}

func TestOpenEmptyPath(t *testing.T) {
	if _, err := Open(context.Background(), ""); err == nil {
		t.Error("Open(\"\") succeeded")
	}
}

func TestUnitsQueryUsesPlaceholders(t *testing.T) {
	f := UnitFilter{ProvinceCode: "110000'x", BatchNumber: 2, ProgramID: 7, Status: StatusActive, Query: `50%_\'`}
	for _, d := range []Dialect{sqliteDialect(), {Placeholder: func(n int) string { return fmt.Sprintf("$%d", n) }, Like: "ILIKE"}} {
		q, args := UnitsQuery(f, d)
		if n := strings.Count(q, "?") + strings.Count(q, "$"); n != len(args) || len(args) != 7 {
			t.Errorf("%d placeholders, %d args, want 7", n, len(args))
		}
		if strings.Contains(q, "110000") || strings.Contains(q, "50%") {
			t.Errorf("a filter value is in the SQL text: %s", q)
		}
		if got := args[len(args)-1]; got != `%50\%\_\\'%` {
			t.Errorf("LIKE pattern = %q", got)
		}
		if !strings.Contains(q, "u.code "+d.Like+" "+d.Placeholder(7)) {
			t.Errorf("the last placeholder is not %s: %s", d.Placeholder(7), q)
		}
		if q0, args0 := UnitsQuery(UnitFilter{}, d); strings.Contains(q0, "WHERE") || len(args0) != 0 {
			t.Errorf("empty filter: %s %v", q0, args0)
		}
	}
}

// openTemp opens a new database in t.TempDir().
func openTemp(tb testing.TB) *SQLite {
	tb.Helper()
	s, err := Open(context.Background(), filepath.Join(tb.TempDir(), "pilotmap.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Error(err)
		}
	})
	return s
}
